// Runs a command in a fresh container of an image on its own virtual clock, to the end
// (or until `maxMs` of virtual time): the shell and applet tests use it, and it shows
// how the kubelet drives the runtime.
import { VirtualClock } from '../clock.ts';
import { pullImage, type ProgramEnv, type Service } from '../images.ts';
import { containerRuntime, type ContainerFsOptions } from './process.ts';
import type { ClusterNetwork, FileSystem, ProcessHandle } from './types.ts';

export interface RunOptions {
  image?: string;
  /** Files to create before the command runs (relative paths are under `cwd`; `#!` scripts are executable). */
  files?: Record<string, string>;
  cwd?: string;
  env?: Record<string, string>;
  /** Written to stdin (then closed); stdin is /dev/null otherwise. */
  stdin?: string;
  tty?: boolean;
  hostname?: string;
  network?: ClusterNetwork;
  fs?: ContainerFsOptions;
  /** Give up after this much virtual time (default one hour). */
  maxMs?: number;
  /** Called once the process started, e.g. to send it a signal later. */
  started?: (p: ProcessHandle, clock: VirtualClock) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as written. */
  output: string;
  status: number | undefined;
  /** Virtual time the command took. */
  elapsedMs: number;
  fs: FileSystem;
}

export function runInContainer(argv: string[], options: RunOptions = {}): RunResult {
  const clock = new VirtualClock();
  const rt = containerRuntime({ now: () => clock.now() });
  const pulled = pullImage(options.image ?? 'busybox:1.36');
  if (!pulled.ok) throw new Error(pulled.message);
  const fs = rt.createFileSystem(pulled.image.files, options.fs);
  const cwd = options.cwd ?? '/w';
  fs.mkdir(cwd, { recursive: true });
  for (const [path, data] of Object.entries(options.files ?? {})) {
    const abs = path.startsWith('/') ? path : `${cwd}/${path}`;
    fs.mkdir(abs.slice(0, abs.lastIndexOf('/')) || '/', { recursive: true });
    fs.writeFile(abs, data);
    if (data.startsWith('#!')) fs.chmod?.(abs, 0o755);
  }
  let stdout = '';
  let stderr = '';
  let output = '';
  const start = clock.now();
  // The pod's loopback: what its programs listen on, as the kubelet's sockets provide.
  const ports = new Map<number, Service>();
  const env: ProgramEnv = {
    fs,
    env: { ...pulled.image.env, ...options.env },
    hostname: options.hostname ?? 'pod-0',
    cwd,
    namespace: 'default',
    now: () => clock.now(),
    network: options.network,
    tty: options.tty,
    stdin: options.stdin !== undefined,
    listen: (port, service) => {
      ports.set(port, service);
      return () => ports.delete(port);
    },
    connect: (host, port) => (host === 'localhost' || host === '127.0.0.1' ? ports.get(port) : undefined),
  };
  const handle = rt.startProcess(
    argv,
    env,
    {
      stdout: (t) => {
        stdout += t;
        output += t;
      },
      stderr: (t) => {
        stderr += t;
        output += t;
      },
    },
    clock,
  );
  if (options.stdin !== undefined) {
    if (options.stdin !== '') handle.write(options.stdin);
    handle.write(null);
  }
  options.started?.(handle, clock);
  const end = start + (options.maxMs ?? 3_600_000);
  while (handle.exitCode === undefined) {
    const next = clock.nextTimerAt(true);
    if (next === undefined || next > end) break;
    clock.advanceTo(next);
  }
  return { stdout, stderr, output, status: handle.exitCode, elapsedMs: clock.now() - start, fs };
}

/** `sh -c script` in a busybox container. */
export function sh(script: string, options: RunOptions = {}): RunResult {
  return runInContainer(['sh', '-c', script], options);
}
