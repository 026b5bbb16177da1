/**
 * For the commands' unit tests: our kubectl in process against a fresh shim
 * cluster, the cluster's clock as `now`, and a way to let virtual time pass
 * while a waiting command (rollout status, wait, logs -f) runs.
 */
import { createShimApi, type InProcessTransport } from '../../api/index.ts';
import { memoryFiles } from '../files.ts';
import { kubectl, KubectlSession, type KubectlContext } from '../kubectl.ts';
import type { TerminalIO } from '../io.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCluster {
  transport: InProcessTransport;
  run(line: string | string[], options?: { stdin?: string; interrupt?: Promise<void>; terminal?: TerminalIO }): Promise<Run>;
  /** Runs a command while advancing the cluster's clock a second at a time until it finishes. */
  runWhileTimePasses(line: string | string[], maxSeconds?: number): Promise<Run>;
  settle(): void;
}

export function testCluster(files: Record<string, string> = {}): TestCluster {
  const transport = createShimApi({ seed: 'unit' });
  const session = new KubectlSession();
  const run: TestCluster['run'] = async (line, options = {}) => {
    let stdout = '';
    let stderr = '';
    const ctx: KubectlContext = {
      io: {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        interrupted: options.interrupt ?? new Promise<void>(() => undefined),
        stdin: async () => options.stdin ?? '',
        ...(options.terminal ? { terminal: options.terminal } : {}),
      },
      transport,
      files: memoryFiles(files),
      session,
      now: () => transport.cluster.clock.now(),
    };
    const code = await kubectl(typeof line === 'string' ? line.split(' ') : line, ctx);
    return { code, stdout, stderr };
  };
  return {
    transport,
    run,
    settle: () => {
      transport.cluster.settle();
    },
    async runWhileTimePasses(line, maxSeconds = 300) {
      let finished = false;
      const running = run(line).then((r) => {
        finished = true;
        return r;
      });
      for (let i = 0; i < maxSeconds && !finished; i++) {
        await new Promise((r) => (globalThis as unknown as { setTimeout: (fn: (v: unknown) => void, ms: number) => void }).setTimeout(r, 0));
        transport.cluster.runUntil(transport.cluster.clock.now() + 1000);
      }
      return running;
    },
  };
}
