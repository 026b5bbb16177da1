// What the kubelet needs from the container runtime (src/shim/container), and a small
// stand-in that runs only the image catalog's built-in programs plus a few shell
// words (`sh -c "echo hi; sleep 5; exit 3"`). The real runtime (virtual filesystem,
// POSIX shell) replaces it through `installKubelet(cluster, { runtime })`.
import type { VirtualClock } from '../clock.ts';
import type { FileSystem, ProcessEnv, ProcessHandle, ProcessIO, Wait } from '../container/types.ts';
import { builtinNameOf, builtinPrograms, ProcessSignal, type ProgramContext, type ProgramEnv, type ProgramGenerator } from '../images.ts';

/** container/process.ts `startProcess`. */
export type StartProcess = (argv: string[], env: ProcessEnv, io: ProcessIO, clock: VirtualClock) => ProcessHandle;

export interface ContainerRuntime {
  startProcess: StartProcess;
  /** A fresh writable root filesystem holding the image's files. */
  createFileSystem(files: Readonly<Record<string, string>>): FileSystem;
}

// ---------------------------------------------------------------------------------------
// A flat in-memory filesystem, enough for images and tests.

class FsError extends Error {
  constructor(readonly code: string, path: string) {
    super(`${code}: ${path}`);
  }
}

const norm = (p: string): string => `/${p.split('/').filter((s) => s !== '' && s !== '.').join('/')}`;
const parentOf = (p: string): string => norm(p.slice(0, p.lastIndexOf('/')));

interface Layer {
  files: Map<string, { data: string; mtimeMs: number }>;
  dirs: Set<string>;
}

// Images' files are parsed once and copied per container (thousands of pods share an image).
const layers = new WeakMap<object, Layer>();

export class MemoryFileSystem implements FileSystem {
  private readonly files: Map<string, { data: string; mtimeMs: number }>;
  private readonly dirs: Set<string>;

  constructor(files: Readonly<Record<string, string>> = {}, private readonly now: () => number = () => 0) {
    let layer = layers.get(files);
    if (layer === undefined) {
      this.files = new Map();
      this.dirs = new Set(['/']);
      for (const [path, data] of Object.entries(files)) {
        const p = norm(path);
        this.mkdir(parentOf(p), { recursive: true });
        // `dir/.keep` entries only create their directory.
        if (!p.endsWith('/.keep')) this.files.set(p, { data, mtimeMs: 0 });
      }
      layer = { files: this.files, dirs: this.dirs };
      layers.set(files, layer);
    }
    this.files = new Map(layer.files);
    this.dirs = new Set(layer.dirs);
  }

  readFile(path: string): string {
    const p = norm(path);
    const f = this.files.get(p);
    if (f === undefined) throw new FsError(this.dirs.has(p) ? 'EISDIR' : 'ENOENT', p);
    return f.data;
  }

  writeFile(path: string, data: string, options: { append?: boolean } = {}): void {
    const p = norm(path);
    if (this.dirs.has(p)) throw new FsError('EISDIR', p);
    if (!this.dirs.has(parentOf(p))) throw new FsError('ENOENT', p);
    const before = options.append === true ? (this.files.get(p)?.data ?? '') : '';
    this.files.set(p, { data: before + data, mtimeMs: this.now() });
  }

  readdir(path: string): string[] {
    const p = norm(path);
    if (!this.dirs.has(p)) throw new FsError(this.files.has(p) ? 'ENOTDIR' : 'ENOENT', p);
    const prefix = p === '/' ? '/' : `${p}/`;
    const out = new Set<string>();
    for (const k of [...this.files.keys(), ...this.dirs]) {
      if (k !== p && k.startsWith(prefix)) out.add(k.slice(prefix.length).split('/')[0]!);
    }
    return [...out].sort();
  }

  stat(path: string): { type: 'file' | 'dir'; size: number; mtimeMs: number } {
    const p = norm(path);
    if (this.dirs.has(p)) return { type: 'dir', size: 4096, mtimeMs: 0 };
    const f = this.files.get(p);
    if (f === undefined) throw new FsError('ENOENT', p);
    return { type: 'file', size: f.data.length, mtimeMs: f.mtimeMs };
  }

  mkdir(path: string, options: { recursive?: boolean } = {}): void {
    const p = norm(path);
    if (this.dirs.has(p)) {
      if (options.recursive === true) return;
      throw new FsError('EEXIST', p);
    }
    const parent = parentOf(p);
    if (!this.dirs.has(parent)) {
      if (options.recursive !== true) throw new FsError('ENOENT', p);
      this.mkdir(parent, options);
    }
    this.dirs.add(p);
  }

  rm(path: string, options: { recursive?: boolean; force?: boolean } = {}): void {
    const p = norm(path);
    if (this.files.delete(p)) return;
    if (!this.dirs.has(p)) {
      if (options.force === true) return;
      throw new FsError('ENOENT', p);
    }
    if (options.recursive !== true && this.readdir(p).length > 0) throw new FsError('ENOTEMPTY', p);
    for (const k of [...this.files.keys()]) if (k.startsWith(`${p}/`)) this.files.delete(k);
    for (const k of [...this.dirs]) if (k === p || k.startsWith(`${p}/`)) this.dirs.delete(k);
  }

  exists(path: string): boolean {
    const p = norm(path);
    return this.files.has(p) || this.dirs.has(p);
  }
}

// ---------------------------------------------------------------------------------------
// Driving a program generator on the virtual clock

let nextPid = 1000;

/** Runs a generator under the Wait protocol; signals are thrown into it as ProcessSignal. */
export class GeneratorProcess implements ProcessHandle {
  readonly pid = nextPid++;
  private code: number | undefined;
  private readonly listeners: Array<(code: number) => void> = [];
  private waiting: Wait | undefined;
  private cancelSleep: (() => void) | undefined;

  constructor(private readonly gen: ProgramGenerator, private readonly clock: VirtualClock) {
    this.resume(undefined);
  }

  get exitCode(): number | undefined {
    return this.code;
  }

  onExit(listener: (code: number) => void): void {
    if (this.code !== undefined) listener(this.code);
    else this.listeners.push(listener);
  }

  write(data: string | null): void {
    if (this.code === undefined && this.waiting?.kind === 'stdin') this.resume(data);
  }

  kill(signal: 2 | 9 | 15): void {
    if (this.code !== undefined) return;
    this.cancelSleep?.();
    if (signal === 9) {
      this.gen.return(137);
      this.exit(137);
      return;
    }
    this.step(() => this.gen.throw(new ProcessSignal(signal)), 128 + signal);
  }

  private resume(input: string | null | undefined): void {
    this.step(() => this.gen.next(input), 1);
  }

  private step(advance: () => IteratorResult<Wait, number>, codeIfThrown: number): void {
    let r: IteratorResult<Wait, number>;
    try {
      r = advance();
    } catch (e) {
      if (!(e instanceof ProcessSignal)) throw e;
      this.exit(codeIfThrown);
      return;
    }
    if (r.done === true) {
      this.exit(r.value);
      return;
    }
    this.waiting = r.value;
    if (r.value.kind === 'sleep') {
      this.cancelSleep = this.clock.after(r.value.ms, () => {
        this.cancelSleep = undefined;
        this.resume(undefined);
      // A long sleep is a process idling (`sleep 3600`), which must not hold settle() up.
      }, { label: `process ${this.pid} sleep`, background: r.value.ms > 60_000 });
    }
  }

  private exit(code: number): void {
    if (this.code !== undefined) return;
    this.code = code;
    this.waiting = undefined;
    for (const l of this.listeners.splice(0)) l(code);
  }
}

/** Finds the built-in behind `cmd` through the filesystem and PATH, as execve would. */
function resolve(cmd: string, env: ProcessEnv): string | undefined {
  const candidates = cmd.includes('/')
    ? [cmd.startsWith('/') ? cmd : `${env.cwd}/${cmd}`]
    : (env.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':').map((d) => `${d}/${cmd}`);
  for (const path of candidates) {
    if (!env.fs.exists(path)) continue;
    try {
      const name = builtinNameOf(env.fs.readFile(path));
      if (name !== undefined) return name;
    } catch {
      // a directory: next PATH entry
    }
  }
  return undefined;
}

/** The few shell words the stand-in understands; anything else must be a built-in. */
function* miniShell(ctx: ProgramContext, script: string): ProgramGenerator {
  let status = 0;
  for (const raw of script.split(/;|&&|\n/)) {
    const words = raw.trim().split(/\s+/).filter((w) => w !== '');
    const [cmd, ...args] = words;
    if (cmd === undefined) continue;
    if (cmd === 'exit') return Number(args[0] ?? status);
    if (cmd === 'true') status = 0;
    else if (cmd === 'false') status = 1;
    else if (cmd === 'echo') {
      ctx.io.stdout(`${args.join(' ').replace(/^["']|["']$/g, '')}\n`);
      status = 0;
    } else if (cmd === 'sleep') {
      if (args[0] === 'infinity') yield { kind: 'forever' };
      else yield { kind: 'sleep', ms: Number(args[0] ?? 0) * 1000 };
      status = 0;
    } else {
      const next = run(ctx, words);
      if (next === undefined) {
        ctx.io.stderr(`sh: ${cmd}: not found\n`);
        status = 127;
      } else status = yield* next;
    }
  }
  return status;
}

function run(ctx: ProgramContext, argv: readonly string[]): ProgramGenerator | undefined {
  const cmd = argv[0] ?? '';
  const name = resolve(cmd, ctx.env) ?? (builtinPrograms.has(cmd) ? cmd : undefined);
  const sub: ProgramContext = { ...ctx, argv };
  if (name === 'sh' || cmd === 'sh' || cmd === '/bin/sh') {
    // Without a tty and with stdin closed, an interactive shell reads EOF and exits 0.
    if (argv[1] === '-c') return miniShell(sub, argv[2] ?? '');
    return (function* () {
      return 0;
    })();
  }
  if (cmd === 'sleep') return miniShell(sub, argv.join(' '));
  const program = name === undefined ? undefined : builtinPrograms.get(name);
  return program?.(sub);
}

/** The stand-in runtime: built-ins and a tiny shell on an in-memory filesystem. */
export function builtinRuntime(): ContainerRuntime {
  return {
    createFileSystem: (files) => new MemoryFileSystem(files),
    startProcess(argv, env, io, clock) {
      const ctx: ProgramContext = { argv, env: env as ProgramEnv, io, exec: (a) => run(ctx, a) };
      const gen = run(ctx, argv) ?? (function* (): ProgramGenerator {
        io.stderr(`exec: "${argv[0] ?? ''}": executable file not found in $PATH\n`);
        return 127;
      })();
      return new GeneratorProcess(gen, clock);
    },
  };
}
