// Processes: a program generator driven on the virtual clock. Each container is a PID
// namespace (its first process is PID 1, `kubectl exec` sessions and pipeline stages
// get 2, 3, …; when PID 1 exits the kernel kills the rest). Signals follow Linux:
// SIGKILL always kills; SIGTERM/SIGINT are thrown into the program as ProcessSignal,
// except that PID 1 ignores a signal it has no handler for (the kernel drops it), which
// is why `sleep 3600` pods take their whole grace period to die.
import type { VirtualClock } from '../clock.ts';
import type { ContainerRuntime } from '../kubelet/runtime.ts';
import { type Mount, MountedFileSystem } from './mounts.ts';
import { containerRoot } from './rootfs.ts';
import { DEFAULT_PATH, resolveCommand } from './sh/resolve.ts';
import { BrokenPipe, isSignal, ProcessSignal } from './signal.ts';
import { Pipe, type Output, type Source } from './stream.ts';
import { LineDiscipline, onlcr } from './tty.ts';
import type { FileSystem, ProcessEnv, ProcessHandle, ProcessIO, Program, StdinChunk, Wait } from './types.ts';

export type { Output, Source };

/** A process older than this is a daemon: its sleeps no longer hold `Cluster.settle()`. */
const DAEMON_AFTER_MS = 60_000;

export type Disposition = 'deliver' | 'ignore' | 'handled';

/** What a runtime program (the shell, an applet) runs with. */
export interface Ctx {
  argv: string[];
  /** fs, exported variables (`env.env`), working directory, hostname, network… */
  env: ProcessEnv;
  stdin: Source;
  stdout: Output;
  stderr: Output;
  proc: Proc;
}

export type RuntimeProgram = (ctx: Ctx) => Program;

/** The process a program runs in, as the program sees it. */
export interface Proc {
  readonly pid: number;
  readonly ns: PidNamespace;
  readonly startedAt: number;
  /** The process's own stdin (what its `stdin` waits read). */
  readonly stdin: Source;
  /** The command line `ps` shows; `exec` replaces it. */
  argv: string[];
  /** The running program's choice for a catchable signal (the shell's traps); unset = the default. */
  disposition?: (signal: number) => Disposition;
  /** The running program installs handlers for SIGTERM/SIGINT (nginx, redis-server, …). */
  catchesSignals: boolean;
  /**
   * Starts another process in this container (a pipeline stage, a background job).
   * `ownsStdin`: the stdin is a pipe of its own, closed for writers when it exits.
   */
  spawn(argv: string[], program: (proc: Proc) => Program, stdin: Source, ownsStdin: boolean, autostart?: boolean): Process;
}

/**
 * A command a shell runs in place: its own PID (what the shell's fork gave it), its
 * parent, and the real process whose program stack it runs in.
 */
export interface InPlaceChild {
  proc: Proc;
  ppid: number;
  host: number;
}

/** A container's processes. */
export class PidNamespace {
  private nextPid = 1;
  readonly procs = new Map<number, Process>();
  /** Commands a shell runs in place (`sleep 5` in a loop, `start-zookeeper` → java), by PID. */
  readonly children = new Map<number, InPlaceChild>();

  constructor(readonly clock: VirtualClock) {}

  allocate(): number {
    return this.nextPid++;
  }

  /** kill(2): false when there is no such process. */
  kill(pid: number, signal: number): boolean {
    const child = this.children.get(pid);
    if (child !== undefined) {
      const host = this.procs.get(child.host);
      if (host === undefined) return false;
      const d = signal === 9 ? 'deliver' : (child.proc.disposition?.(signal) ?? 'deliver');
      if (signal !== 0 && d === 'deliver') host.interrupt(signal, pid);
      return true;
    }
    const p = this.procs.get(pid);
    if (p === undefined || p.exitCode !== undefined) return false;
    if (signal !== 0) p.kill(signal);
    return true;
  }

  /** The parent PID `ps` shows: 0 for PID 1 and for what `kubectl exec` started (their parent is outside the namespace). */
  ppidOf(pid: number): number {
    return this.children.get(pid)?.ppid ?? this.procs.get(pid)?.ppid ?? 0;
  }
}

/** The processes being stepped right now, innermost last (a pipe write resumes its reader). */
const running: Process[] = [];

interface Resume {
  value?: StdinChunk;
  error?: unknown;
}

export class Process implements ProcessHandle {
  readonly pid: number;
  readonly proc: Proc;
  private code: number | undefined;
  private readonly listeners: Array<(code: number) => void> = [];
  private readonly gen: Program;
  private stepping = false;
  private pending: number[] = [];
  /** Cancels the current wait (timer or subscription); bumping `token` ignores late wakes. */
  private cancel: (() => void) | undefined;
  private token = 0;
  private started = false;

  constructor(
    readonly ns: PidNamespace,
    argv: string[],
    program: (proc: Proc) => Program,
    /** What reads see; `Pipe.of('')` is /dev/null. */
    readonly stdin: Source,
    /** Closing the reader end on exit (SIGPIPE for writers) is this process's business. */
    private readonly ownsStdin = true,
    /** Where a program that crashed (a bug in it) says so. */
    private readonly crashes?: Output,
    /** The process that started this one (0: started from outside the namespace). */
    readonly ppid = 0,
  ) {
    this.pid = ns.allocate();
    this.proc = {
      pid: this.pid,
      ns,
      startedAt: ns.clock.now(),
      stdin,
      argv,
      catchesSignals: false,
      spawn: (childArgv, childProgram, childStdin, ownsStdin, autostart = true) => {
        const child = new Process(ns, childArgv, childProgram, childStdin, ownsStdin, undefined, this.pid);
        return autostart ? child.start() : child;
      },
    };
    ns.procs.set(this.pid, this);
    this.gen = program(this.proc);
  }

  /** Runs the program up to its first wait. */
  start(): this {
    if (!this.started) {
      this.started = true;
      this.step({});
    }
    return this;
  }

  get exitCode(): number | undefined {
    return this.code;
  }

  onExit(listener: (code: number) => void): void {
    if (this.code !== undefined) listener(this.code);
    else this.listeners.push(listener);
  }

  /** A terminal's line discipline between `write` and the process's stdin (`kubectl exec -t`). */
  private terminal: LineDiscipline | undefined;

  attachTerminal(echo: Output): void {
    this.terminal = new LineDiscipline(echo, (d) => this.feed(d), () => this.kill(2));
  }

  write(data: string | null): void {
    if (this.terminal !== undefined) this.terminal.input(data);
    else this.feed(data);
  }

  private feed(data: string | null): void {
    if (!(this.stdin instanceof Pipe)) return;
    try {
      if (data === null) this.stdin.close();
      else this.stdin.write(data);
    } catch {
      // the process stopped reading
    }
  }

  kill(signal: number): void {
    if (this.code !== undefined) return;
    const self = running[running.length - 1] === this;
    if (signal === 9) {
      if (self) throw new ProcessSignal(9);
      this.forceKill();
      return;
    }
    const d = this.proc.disposition?.(signal) ?? (this.proc.catchesSignals || this.pid !== 1 ? 'deliver' : 'ignore');
    if (d !== 'deliver') return;
    if (self) throw new ProcessSignal(signal as 2 | 9 | 15);
    if (this.stepping) this.pending.push(signal);
    else this.step({ error: new ProcessSignal(signal as 2 | 9 | 15) });
  }

  /**
   * A signal for a command this process's shell runs in place (fork + wait in a real
   * shell): thrown into the program stack, where the command is innermost; the shell
   * gets the command's status back (interp.ts `external`).
   */
  interrupt(signal: number, target: number): void {
    if (this.code !== undefined) return;
    const error = new ProcessSignal(signal as 2 | 9 | 15, target);
    if (running[running.length - 1] === this) throw error;
    if (!this.stepping) this.step({ error });
  }

  /** SIGKILL: the generator is closed (its `finally` blocks run), exit 137. Never throws. */
  private forceKill(): void {
    if (this.code !== undefined) return;
    if (this.stepping) {
      this.pending.push(9);
      return;
    }
    this.cancelWait();
    try {
      this.gen.return(137);
    } catch {
      // a finally block that throws: the process is gone anyway
    }
    this.exit(137);
  }

  private step(first: Resume): void {
    let next: Resume | undefined = first;
    while (next !== undefined && this.code === undefined) {
      this.cancelWait();
      let r: IteratorResult<Wait, number>;
      this.stepping = true;
      running.push(this);
      try {
        r = next.error !== undefined ? this.gen.throw(next.error) : this.gen.next(next.value);
      } catch (e) {
        const code = exitCodeOf(e);
        if (code === 139) this.crashes?.(`${this.proc.argv[0] ?? 'process'}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        r = { done: true, value: code };
      } finally {
        running.pop();
        this.stepping = false;
      }
      if (r.done === true) {
        this.exit(r.value);
        return;
      }
      const signal = this.pending.shift();
      if (signal === 9) {
        this.forceKill();
        return;
      }
      next = signal !== undefined ? { error: new ProcessSignal(signal as 2 | 9 | 15) } : this.await(r.value);
    }
  }

  /** Sets up `w`; returns how to resume at once when it is already satisfied. */
  private await(w: Wait): Resume | undefined {
    const token = ++this.token;
    const wake = (value?: StdinChunk): void => {
      if (token !== this.token || this.code !== undefined) return;
      this.step({ value });
    };
    switch (w.kind) {
      case 'sleep': {
        if (w.ms <= 0) return {};
        const clock = this.ns.clock;
        const background = w.background === true || clock.now() + w.ms - this.proc.startedAt > DAEMON_AFTER_MS;
        this.cancel = clock.after(w.ms, () => wake(), { label: `process ${this.pid} sleep`, background });
        return undefined;
      }
      case 'forever':
        return undefined;
      case 'stdin':
      case 'event': {
        const ready = (): Resume | undefined => {
          if (w.kind === 'event') return {};
          const chunk = this.stdin.take();
          return chunk === undefined ? undefined : { value: chunk };
        };
        const now = w.kind === 'stdin' ? ready() : undefined;
        if (now !== undefined) return now;
        let sync = true;
        let firedSync = false;
        const unsubscribe = (w.kind === 'event' ? w.subscribe : (f: () => void) => this.stdin.subscribe(f))(() => {
          if (sync) {
            firedSync = true;
            return;
          }
          if (token !== this.token) return;
          const r = ready();
          if (r !== undefined) wake(r.value);
        });
        sync = false;
        this.cancel = unsubscribe;
        if (firedSync) return ready() ?? this.await(w);
        return undefined;
      }
    }
  }

  private cancelWait(): void {
    this.token++;
    const c = this.cancel;
    this.cancel = undefined;
    c?.();
  }

  private exit(code: number): void {
    if (this.code !== undefined) return;
    this.cancelWait();
    this.code = code;
    if (this.ownsStdin) this.stdin.closeReader();
    this.ns.procs.delete(this.pid);
    // PID 1 gone: the kernel kills everything else in the namespace.
    if (this.pid === 1) for (const p of [...this.ns.procs.values()]) p.forceKill();
    for (const l of this.listeners.splice(0)) l(code);
  }
}

/** Exit status of a program that ended by throwing. */
export function exitCodeOf(e: unknown): number {
  if (isSignal(e)) return 128 + e.signal;
  if (e instanceof BrokenPipe) return 141;
  // A bug in a program must not take the cluster down with it: it "segfaults" (139).
  return 139;
}

/** PID namespaces by container filesystem: the kubelet creates one filesystem per container instance. */
const namespaces = new WeakMap<FileSystem, PidNamespace>();

export function namespaceOf(fs: FileSystem, clock: VirtualClock): PidNamespace {
  let ns = namespaces.get(fs);
  if (ns === undefined) {
    ns = new PidNamespace(clock);
    namespaces.set(fs, ns);
  }
  return ns;
}

// ---------------------------------------------------------------------------------------
// The runtime the kubelet uses

export interface ContainerFsOptions {
  /** The Pod's volumes (issue 4 fills these in: PV data, emptyDir, configMap, secrets). */
  mounts?: readonly Mount[];
  /** `securityContext.readOnlyRootFilesystem`. */
  readOnlyRoot?: boolean;
  /** Capacity `df` shows for `/`. */
  rootSizeBytes?: number;
  /** Modification times of files the container writes (default: the runtime's clock). */
  now?: () => number;
}

/**
 * Starts `argv` in the container whose filesystem is `env.fs` (the first process of a
 * filesystem is its PID 1). The environment gets what containerd adds: PATH,
 * HOSTNAME, and HOME last.
 */
export function startProcess(argv: string[], env: ProcessEnv, io: ProcessIO, clock: VirtualClock): ProcessHandle {
  const ns = namespaceOf(env.fs, clock);
  const stdin = env.stdin === true ? new Pipe() : Pipe.of('');
  const vars: Record<string, string> = { PATH: env.env.PATH ?? DEFAULT_PATH, HOSTNAME: env.env.HOSTNAME ?? env.hostname, ...env.env };
  if (vars.HOME === undefined) vars.HOME = '/root';
  const full: ProcessEnv = { ...env, env: vars };
  try {
    if (!env.fs.exists(env.cwd)) env.fs.mkdir(env.cwd, { recursive: true });
  } catch {
    // a read-only root: the process starts in a directory that is not there, as runc would refuse; keep going
  }
  // A terminal turns newlines into CR LF and echoes what is typed.
  const out = env.tty === true ? { stdout: onlcr(io.stdout), stderr: onlcr(io.stderr) } : io;
  const p = new Process(ns, [...argv], (proc) => launch({ argv: [...argv], env: full, stdin, stdout: out.stdout, stderr: out.stderr, proc }), stdin, true, out.stderr);
  if (env.tty === true && env.stdin === true) p.attachTerminal(io.stdout);
  return p.start();
}

function launch(ctx: Ctx): Program {
  const name = ctx.argv[0] ?? '';
  const found = resolveCommand(name, ctx.env.fs, ctx.env.cwd, ctx.env.env.PATH);
  if (found.kind === 'error') return failed(ctx, name, found.status);
  ctx.proc.catchesSignals = found.catchesSignals;
  return found.run(ctx);
}

function* failed(ctx: Ctx, name: string, status: number): Program {
  ctx.stderr(status === 127 ? `exec: "${name}": executable file not found in $PATH\n` : `exec: "${name}": permission denied\n`);
  return status;
}

/** The container runtime for `installKubelet(cluster, { runtime })`. */
export function containerRuntime(options: { now?: () => number } = {}): ContainerRuntime {
  return {
    createFileSystem(files, fsOptions: ContainerFsOptions = {}) {
      const now = fsOptions.now ?? options.now;
      return new MountedFileSystem({
        root: containerRoot(files, now),
        mounts: fsOptions.mounts,
        readOnlyRoot: fsOptions.readOnlyRoot,
        rootSizeBytes: fsOptions.rootSizeBytes,
        now,
      });
    },
    startProcess,
  };
}
