/**
 * Drives the real kubectl binary against `statecraft serve`, the strongest
 * evidence of fidelity we have: if kubectl works unmodified and prints what it
 * prints against kind, the shim is right.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../../src/cli/serve.ts';
import type { Topology } from '../../src/shim/index.ts';

/** kubectl 1.32 explicitly where the Google Cloud SDK packaging has it, else whatever is on PATH. */
export const kubectlPath = [process.env.KUBECTL, '/usr/lib/google-cloud-sdk/bin/kubectl.1.32', '/usr/bin/kubectl']
  .find((p): p is string => typeof p === 'string' && existsSync(p));

export function kubectlVersion(): string | undefined {
  if (!kubectlPath) return undefined;
  const out = spawnSync(kubectlPath, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  try {
    return (JSON.parse(out.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
  } catch {
    return undefined;
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ServedCluster {
  /** Runs kubectl asynchronously: the server lives in this process and must keep answering. */
  kubectl(args: string[], options?: { stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** A kubectl left running as in a second terminal (`get pods -w`): `stop()` lets the last events through, ends it and returns its stdout. */
  background(args: string[]): { stop(): Promise<string> };
  close(): Promise<void>;
  kubeconfig: string;
}

/** `topology` is a lab topology (more workers, zones, classes), handed to `serve` as a file as `--topology` would. */
export async function startServedCluster(options: { speed?: number; seed?: string; topology?: Topology } = {}): Promise<ServedCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'statecraft-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  let topology: string | undefined;
  if (options.topology) {
    topology = join(dir, 'topology.json');
    writeFileSync(topology, JSON.stringify(options.topology));
  }
  const server = await serve({ host: '127.0.0.1', port: 0, kubeconfig, speed: options.speed ?? 1, seed: options.seed ?? 'golden', ...(topology ? { topology } : {}) });
  return {
    kubeconfig,
    kubectl(args, opts = {}) {
      if (!kubectlPath) throw new Error('no kubectl binary found');
      return new Promise((resolve) => {
        // A private HOME keeps kubectl's discovery cache from leaking between runs.
        const child = spawn(kubectlPath!, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
        child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
        child.stdin.end(opts.stdin ?? '');
      });
    },
    background(args) {
      if (!kubectlPath) throw new Error('no kubectl binary found');
      const child = spawn(kubectlPath, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      return {
        async stop() {
          await new Promise((resolve) => setTimeout(resolve, 500));
          child.kill();
          await closed;
          return out;
        },
      };
    },
    close: () => server.close(),
  };
}

/**
 * Replaces values that differ from run to run (ages, UIDs, IPs, timestamps,
 * resourceVersions, temporary directories) with tokens, kwok-style, so golden
 * transcripts compare exactly everything else.
 */
export function tokenise(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UID>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<TIME>')
    .replace(/\/tmp\/statecraft-[\w-]+-[A-Za-z0-9]{6}\//g, '<TMP>/')
    .replace(/(resourceVersion: )"\d+"/g, '$1"<RV>"')
    .replace(/("resourceVersion": )"\d+"/g, '$1"<RV>"')
    .replace(/(?<=\s)\d+(?:\.\d+)?(?:s|m|h|d)(?:\d+(?:s|m|h))?(?=\s|$)/gm, '<AGE>')
    // `describe` prints creation times in RFC 1123 form.
    .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}/g, '<DATE>')
    // An age column is as wide as its widest age ("9s" or "2m30s"): fix the padding after it.
    .replace(/<AGE> {2,}/g, '<AGE>   ')
    .replace(/(?<= )AGE {2,}(?=\S)/g, 'AGE   ')
    .replace(/^( +Type +Reason +)Age +/gm, '$1Age   ')
    .replace(/^( +---- +------ +)---- +/gm, '$1----   ');
}

/** One golden transcript per scenario; UPDATE_GOLDEN=1 rewrites them. */
export function golden(name: string, actual: string): { expected: string; actual: string } {
  const file = join(import.meta.dirname, 'golden', `${name}.txt`);
  // A missing transcript is written on a developer's machine, but fails in CI:
  // a golden test must compare against something reviewed.
  if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && process.env.CI !== 'true')) writeFileSync(file, actual);
  if (!existsSync(file)) throw new Error(`golden transcript ${file} is missing (run with UPDATE_GOLDEN=1 and review it)`);
  return { expected: readFileSync(file, 'utf8'), actual };
}

export async function transcript(cluster: ServedCluster, commands: string[][]): Promise<string> {
  const parts: string[] = [];
  for (const args of commands) {
    const r = await cluster.kubectl(args);
    parts.push(tokenise(`$ kubectl ${args.join(' ')}\n${r.stdout}${r.stderr}${r.code !== 0 ? `[exit ${r.code}]\n` : ''}`));
  }
  return parts.join('\n');
}
