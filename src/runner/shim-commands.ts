/**
 * Terminal lines against the shim, in-process: `kubectl …` runs our kubectl
 * over the cluster's transport, as the browser terminal does. Until the
 * terminal's shell can be borrowed, other programs are "not found" — so a
 * submission's `commands.sh` can never reach anything outside the cluster —
 * except `docker stop|start NODE`, which powers a simulated kind node.
 */
import type { ApiTransport } from '../api/types.ts';
import type { CommandIO, FileSource } from '../kubectl/io.ts';
import { kubectl } from '../kubectl/kubectl.ts';
import { ShellSyntaxError, splitWords } from '../terminal/words.ts';
import type { CommandResult, CommandRunner, RunOptions, TextFile } from './client.ts';

/** Output beyond this is dropped (a runaway `kubectl logs -f` must not eat memory). */
export const MAX_OUTPUT_CHARS = 1 << 20;
export const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

export interface ShimCommandOptions {
  /**
   * Resolves after `ms` of wall time: commands that never end by themselves
   * (`kubectl get -w`, `logs -f`) are interrupted then, as Ctrl-C would.
   * Default: the host's setTimeout (every host of the core has one).
   */
  timer?: Timer;
  /** Run after every command, e.g. to let the cluster settle. */
  after?: () => void;
  /**
   * Moves the cluster's virtual time on to its next timer, no further than
   * `limitMs`; false when nothing is due by then. Called while a command waits
   * (`delete` waiting out a grace period, `wait`, `rollout status`), so a grader
   * spends no wall time on the cluster's clock.
   */
  advance?: (limitMs: number) => boolean;
  /** The cluster's virtual now, for `advance`'s limit. */
  now?: () => number;
}

/** The docker subcommands a line may use: powering a kind node off and on. */
const DOCKER_NODE_POWER = /^(stop|start)$/;

/** Virtual time one command may move the cluster on while it waits. */
export const MAX_COMMAND_VIRTUAL_MS = 10 * 60_000;

export class ShimCommandRunner implements CommandRunner {
  constructor(
    private readonly transport: ApiTransport,
    private readonly options: ShimCommandOptions = {},
  ) {}

  async run(line: string, opts: RunOptions = {}): Promise<CommandResult> {
    let words: string[];
    try {
      words = splitWords(line);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      return { exitCode: 2, stdout: '', stderr: `bash: ${error.message}\n` };
    }
    if (words.length === 0) return { exitCode: 0, stdout: '', stderr: '' };
    const [program, ...args] = words as [string, ...string[]];
    if (program === 'docker' && DOCKER_NODE_POWER.test(args[0] ?? '') && args.length > 1) {
      return this.nodePower(args[0] as 'stop' | 'start', args.slice(1));
    }
    if (program !== 'kubectl') {
      return { exitCode: 127, stdout: '', stderr: `bash: ${program}: command not found\n`, note: 'only kubectl lines run against the simulated cluster' };
    }
    let stdout = '';
    let stderr = '';
    const cap = (have: string, more: string) => (have.length >= MAX_OUTPUT_CHARS ? have : (have + more).slice(0, MAX_OUTPUT_CHARS));
    const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const timer = this.options.timer ?? hostTimer;
    let timedOut = false;
    const deadline = timer(timeoutMs);
    let grace: ReturnType<Timer> | undefined;
    const interrupted = deadline.done.then(() => { timedOut = true; });
    const io: CommandIO = {
      stdout: (t) => { stdout = cap(stdout, t); },
      stderr: (t) => { stderr = cap(stderr, t); },
      interrupted,
    };
    let exitCode: number;
    const command = kubectl(args, { io, transport: this.transport, files: fileSource(opts.files ?? []) });
    try {
      exitCode = await Promise.race([
        command,
        this.driveClock(command),
        // A command that ignores the interrupt still ends for the grader.
        interrupted.then(() => (grace = timer(1000)).done).then(() => 130),
      ]);
    } catch (error) {
      exitCode = 1;
      stderr += `error: ${(error as Error).message}\n`;
    } finally {
      deadline.cancel();
      grace?.cancel();
    }
    this.options.after?.();
    return { exitCode, stdout, stderr, ...(timedOut ? { note: `stopped after ${timeoutMs} ms` } : {}) };
  }

  /**
   * `docker stop|start kind-worker2`: on a kind host each node is a container, so
   * this is how a learner powers a node off and on. The simulated cluster does it
   * through its admin endpoint (POST /statecraft/v1/nodes/NAME/stop|start); the
   * lines print what docker prints. Anything else docker can do stays refused.
   */
  private async nodePower(action: 'stop' | 'start', names: string[]): Promise<CommandResult> {
    if (names.some((n) => n.startsWith('-'))) {
      return { exitCode: 127, stdout: '', stderr: 'bash: docker: command not found\n', note: 'only `docker stop|start NODE` (no options) runs against the simulated cluster' };
    }
    let stdout = '';
    let stderr = '';
    for (const name of names) {
      const response = await this.transport.request({ method: 'POST', path: `/statecraft/v1/nodes/${encodeURIComponent(name)}/${action}`, headers: { 'content-type': 'application/json' }, body: '{}' });
      // docker names each container it stopped or started, and says which it could not find.
      if (response.status === 200) stdout += `${name}\n`;
      else if (response.status === 404) stderr += `Error response from daemon: No such container: ${name}\n`;
      else stderr += `Error response from daemon: ${(response.body as { message?: string } | undefined)?.message ?? `status ${response.status}`}\n`;
    }
    this.options.after?.();
    return { exitCode: stderr === '' ? 0 : 1, stdout, stderr };
  }

  /**
   * While `command` is pending, lets its requests and watches run, then moves
   * virtual time to the cluster's next timer, until the command ends or nothing
   * more is due within the budget. Never resolves: it only drives.
   */
  private async driveClock(command: Promise<number>): Promise<never> {
    const { advance, now } = this.options;
    let ended = false;
    void command.finally(() => { ended = true; }).catch(() => undefined);
    if (advance !== undefined && now !== undefined) {
      const limit = now() + MAX_COMMAND_VIRTUAL_MS;
      while (!ended) {
        // A macrotask turn: the command's awaited requests and watch events go first.
        await hostTimer(0).done;
        if (ended || !advance(limit)) break;
      }
    }
    return new Promise<never>(() => undefined);
  }
}

/**
 * A submission's files as kubectl's `-f` sees them, in a folder of their own:
 * `web.yaml`, `./web.yaml` and `.` work; nothing outside them exists.
 */
export function fileSource(files: readonly TextFile[]): FileSource {
  const clean = (p: string) => p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const byPath = new Map(files.map((f) => [clean(f.path), f.text]));
  const dirs = new Set(['', '.', ...[...byPath.keys()].flatMap((p) => p.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/')))]);
  return {
    stat: async (p) => (byPath.has(clean(p)) ? 'file' : dirs.has(clean(p)) ? 'dir' : undefined),
    read: async (p) => {
      const text = byPath.get(clean(p));
      if (text === undefined) throw new Error(`open ${p}: no such file or directory`);
      return text;
    },
    list: async (p) => {
      const dir = clean(p) === '.' ? '' : clean(p);
      const prefix = dir === '' ? '' : `${dir}/`;
      return [...new Set([...byPath.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('/')[0]!))];
    },
  };
}

/** A cancellable wall-clock delay. */
export type Timer = (ms: number) => { done: Promise<void>; cancel(): void };

/** setTimeout exists in browsers, workers and Node; the core's tsconfig just does not type it. */
export const hostTimer: Timer = (ms) => {
  const host = globalThis as unknown as { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(t: unknown): void };
  let handle: unknown;
  const done = new Promise<void>((resolve) => { handle = host.setTimeout(resolve, ms); });
  return { done, cancel: () => host.clearTimeout(handle) };
};
