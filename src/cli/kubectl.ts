/**
 * `statecraft kubectl`: our kubectl (src/kubectl) from the command line,
 * against any cluster a kubeconfig names — `statecraft serve`, or a real kind
 * cluster — with the disk as its files and the process's stdin.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { kubectl } from '../kubectl/kubectl.ts';
import type { CommandIO, FileSource } from '../kubectl/io.ts';
import { parseKubeconfig, type Kubeconfig } from '../kubectl/kubeconfig.ts';
import { nodeEditor } from './editor.ts';
import { connectionFor, HttpTransport } from './http-transport.ts';

export const nodeFiles: FileSource = {
  async stat(path) {
    try {
      const s = await stat(path);
      return s.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  read: (path) => readFile(path, 'utf8'),
  readBytes: async (path) => new Uint8Array(await readFile(path)),
  list: (path) => readdir(path),
};

/**
 * The kubeconfig as clientcmd loads it: `--kubeconfig`, else every file in
 * $KUBECONFIG (the first to define a name wins), else ~/.kube/config.
 */
export function loadKubeconfig(explicit: string | undefined, env: Record<string, string | undefined> = process.env): Kubeconfig {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`stat ${explicit}: no such file or directory`);
    return parseKubeconfig(readFileSync(explicit, 'utf8'), explicit);
  }
  const paths = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [`${env.HOME ?? homedir()}/.kube/config`];
  const merged: Kubeconfig = { clusters: [], users: [], contexts: [], currentContext: '' };
  for (const p of paths) {
    if (!existsSync(p)) continue;
    const kc = parseKubeconfig(readFileSync(p, 'utf8'), p);
    merged.path ??= p;
    merged.currentContext ||= kc.currentContext;
    for (const c of kc.clusters) if (!merged.clusters.some((x) => x.name === c.name)) merged.clusters.push(c);
    for (const u of kc.users) if (!merged.users.some((x) => x.name === u.name)) merged.users.push(u);
    for (const c of kc.contexts) if (!merged.contexts.some((x) => x.name === c.name)) merged.contexts.push(c);
  }
  return merged;
}

/** A global flag's value among kubectl's arguments (`--kubeconfig x`, `--context=y`). */
function globalFlag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export interface RunOptions {
  kubeconfig?: string;
  env?: Record<string, string | undefined>;
  io: CommandIO;
}

/** Runs our kubectl with a kubeconfig's cluster; resolves with the exit code. */
export async function runKubectl(args: string[], options: RunOptions): Promise<number> {
  let kc: Kubeconfig;
  try {
    kc = loadKubeconfig(globalFlag(args, 'kubeconfig') ?? options.kubeconfig, options.env ?? process.env);
  } catch (error) {
    options.io.stderr(`error: ${(error as Error).message}\n`);
    return 1;
  }
  let transport: HttpTransport | undefined;
  try {
    transport = new HttpTransport(connectionFor(kc, globalFlag(args, 'context')));
  } catch {
    // Client-only commands (version --client, config) still work without a cluster.
  }
  return kubectl(args, { io: options.io, ...(transport ? { transport } : {}), files: nodeFiles, kubeconfig: kc, editor: nodeEditor(options.env ?? process.env) });
}

/** The process's stdio as a CommandIO: stdin read whole on demand, Ctrl-C as interruption. */
export function processIO(): CommandIO {
  const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    interrupted,
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
