/**
 * One terminal's shell, running in the worker beside the cluster: a kind
 * host's bash prompt. Lines run in the shim's POSIX shell (src/shim/container/sh,
 * bash flavour) with the host's programs in front of PATH: kubectl, docker and
 * kind talk to the cluster; grep, head, wc, sort, cat, base64, sleep… are the
 * container applets on a small Debian-like root filesystem whose home directory holds
 * the editor's files. Variables, functions and the working directory live on
 * between lines, as in one bash session.
 */
import type { ApiTransport } from '../api/types.ts';
import type { CommandIO, EditorIO, FileSource, TerminalIO } from '../kubectl/io.ts';
import { kubectl, KubectlSession } from '../kubectl/kubectl.ts';
import { kindKubeconfig } from '../kubectl/kubeconfig.ts';
import { VirtualClock } from '../shim/clock.ts';
import { PidNamespace, Process, type Proc } from '../shim/container/process.ts';
import { containerRoot } from '../shim/container/rootfs.ts';
import { ShellSyntaxError } from '../shim/container/sh/ast.ts';
import { type Fds, FunctionReturn, LoopControl, Shell, ShellExit } from '../shim/container/sh/interp.ts';
import { ScriptReader } from '../shim/container/sh/parser.ts';
import { isSignal } from '../shim/container/signal.ts';
import { Pipe, type Source } from '../shim/container/stream.ts';
import type { FileSystem, Wait } from '../shim/container/types.ts';
import { EXEC_MODE, normalizePath } from '../shim/container/vfs.ts';
import { BUILTIN_PREFIX, pullImage } from '../shim/images.ts';
import { complete, type Completion } from './completion.ts';
import { docker, kind } from './docker.ts';
import { hostProgram, type HostCommand } from './host-program.ts';
import { PageTerminal } from './page-terminal.ts';

export interface TerminalOutput {
  write(data: string): void;
}

export interface TerminalSessionOptions {
  /** The clock `sleep` and the shell run on; default: the in-process cluster's, else the wall clock. */
  clock?: VirtualClock;
  /** The page's terminal, for `kubectl exec -it` / `run -it`. */
  terminal?: () => TerminalIO | undefined;
  /** What one line may print before it is stopped (default MAX_OUTPUT_CHARS). */
  maxOutputChars?: number;
  /**
   * `kubectl edit`'s editor: the page's editor panel. Resolves with the saved
   * text (the unchanged text on Cancel); `interrupted` resolves on Ctrl-C.
   */
  openEditor?: (path: string, text: string, interrupted: Promise<void>) => Promise<string>;
}

export const CLEAR_SCREEN = '\x1b[H\x1b[2J\x1b[3J';
/** What one line may print before it is stopped (a runaway `yes`). */
export const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
/** The longest line (or paste) the shell reads. */
export const MAX_LINE_CHARS = 1024 * 1024;
const HOME = '/home/learner';
const HISTORY_LIMIT = 1000;

interface Job {
  src: string;
  fds: Fds;
  done(status: number): void;
}

export class TerminalSession {
  private readonly kubectlSession = new KubectlSession();
  private readonly fs: FileSystem;
  private readonly clock: VirtualClock;
  private readonly ownClock: boolean;
  private readonly history: string[] = [];
  private readonly commands: Map<string, HostCommand>;
  /** Editor files as last copied into ~: a file the shell rewrote stays until the editor changes it. */
  private readonly synced = new Map<string, string>();
  private shellProcess?: Process;
  private shell?: Shell;
  private pending?: Job;
  private wakeShell?: () => void;
  private running = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** An incomplete command (an open quote, `for … do` without `done`, a here-document) waiting for more lines. */
  private buffer = '';
  private lineStdin?: Source;

  /** `files`: the page's editor files, in ~ (/home/learner: what `kubectl apply -f NAME` and `cat NAME` read). */
  constructor(private readonly transport?: ApiTransport, private readonly files?: FileSource, private readonly options: TerminalSessionOptions = {}) {
    const clusterClock = (transport as { cluster?: { clock?: VirtualClock } } | undefined)?.cluster?.clock;
    this.clock = options.clock ?? clusterClock ?? new VirtualClock(Date.now());
    this.ownClock = options.clock === undefined && clusterClock === undefined;
    const image = pullImage('debian:bookworm');
    if (!image.ok) throw new Error(image.message);
    this.fs = containerRoot(image.image.files, () => this.now());
    this.fs.mkdir(HOME, { recursive: true });
    const dockerHost = { transport: this.transport, now: () => this.now() };
    this.commands = new Map<string, HostCommand>([
      ['kubectl', (args, io, ctx) => kubectl(args, {
        io, ...(this.transport ? { transport: this.transport } : {}), files: this.fileSource(ctx.env.cwd), session: this.kubectlSession, kubeconfig: kindKubeconfig(),
        // Ages in describe follow the cluster's clock, which may run faster than the wall clock.
        now: () => this.now(),
        ...(this.options.openEditor ? { editor: this.panelEditor(io, this.options.openEditor) } : {}),
      })],
      ['docker', (args, io) => docker(args, io, dockerHost)],
      ['kind', (args, io) => kind(args, io, dockerHost)],
      ['clear', (_args, io) => { io.stdout(CLEAR_SCREEN); return 0; }],
      ['help', (_args, io) => { io.stdout(helpText(Boolean(this.transport))); return 0; }],
      ['history', (args, io) => this.historyCommand(args, io.stdout)],
    ]);
    for (const name of this.commands.keys()) {
      if (name === 'help' || name === 'history') continue; // bash builtins, not files
      this.fs.writeFile(`/usr/local/bin/${name}`, `${BUILTIN_PREFIX}${name}\n`);
      this.fs.chmod?.(`/usr/local/bin/${name}`, EXEC_MODE);
    }
  }

  /** Runs one submitted line; resolves with its exit status. Lines run one after another. */
  run(line: string, out: TerminalOutput): Promise<number> {
    const result = this.queue.then(() => this.runNow(line, out));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The line typed so far is an incomplete command: the next line continues it (bash's `> ` prompt). */
  get continuing(): boolean {
    return this.buffer !== '';
  }

  interrupt(): void {
    if (this.buffer !== '') {
      this.buffer = '';
      return;
    }
    // In an interactive session (`exec -it`) Ctrl-C is a key for the remote program.
    const tty = this.options.terminal?.();
    if (tty instanceof PageTerminal && tty.attached) tty.input('\x03');
    else if (this.running) this.shellProcess?.kill(2);
  }

  /** Tab completion: commands, kubectl subcommands, flags, resource types and object names, node names. */
  complete(line: string, cursor: number): Promise<Completion> {
    return complete(line, cursor, [...this.commands.keys()], async (args) => {
      if (!this.transport) return '';
      let out = '';
      const io = { stdout: (t: string) => { out += t; }, stderr: () => undefined, interrupted: new Promise<void>(() => undefined) };
      const code = await kubectl(args, { io, transport: this.transport, session: this.kubectlSession, kubeconfig: kindKubeconfig() });
      return code === 0 ? out : '';
    });
  }

  private async runNow(line: string, out: TerminalOutput): Promise<number> {
    let written = 0;
    let truncated = false;
    const limit = this.options.maxOutputChars ?? MAX_OUTPUT_CHARS;
    // Terminals need CRLF: a bare LF moves down without returning to column 0.
    const write = (text: string): void => {
      if (truncated) return;
      if (written + text.length > limit) {
        truncated = true;
        out.write(`${text.slice(0, Math.max(0, limit - written)).replace(/\r?\n/g, '\r\n')}\r\nstatecraft: output stopped after ${limit} characters\r\n`);
        this.interrupt();
        return;
      }
      written += text.length;
      out.write(text.replace(/\r?\n/g, '\r\n'));
    };
    if (line.length > MAX_LINE_CHARS) {
      this.buffer = '';
      write(`bash: line too long (${line.length} characters; the limit is ${MAX_LINE_CHARS})\n`);
      return 2;
    }
    const src = `${this.buffer}${line}\n`;
    this.buffer = '';
    if (isIncomplete(src)) {
      this.buffer = src;
      return 0;
    }
    if (src.trim() !== '') this.remember(src.replace(/\n$/, ''));
    await this.syncFiles();
    // Stdin is the terminal: empty unless a command reads keys through `options.terminal`.
    this.lineStdin = Pipe.of('');
    const fds: Fds = [this.lineStdin, write, write];
    this.running = true;
    const ownTimer = this.ownClock ? this.driveOwnClock() : undefined;
    try {
      return await new Promise<number>((done) => {
        this.pending = { src, fds, done };
        this.startShell();
        this.wakeShell?.();
      });
    } finally {
      this.running = false;
      ownTimer?.();
    }
  }

  /** The shell: one process for the whole session, taking lines from `pending`. */
  private startShell(): void {
    if (this.shellProcess?.exitCode === undefined && this.shellProcess) return;
    const ns = new PidNamespace(this.clock);
    const session = this;
    const loop = function* (proc: Proc): Generator<Wait, number, string | null | undefined> {
      const shell = new Shell({
        argv: ['bash'],
        env: { fs: session.fs, env: hostEnv(), hostname: 'kind', cwd: HOME, namespace: 'default', now: () => session.now() },
        stdin: Pipe.of(''),
        stdout: () => undefined,
        stderr: () => undefined,
        proc,
      }, { flavour: 'bash', arg0: 'bash', args: [], commands: new Map([...session.commands].map(([n, c]) => [n, hostProgram(c, (ctx) => (ctx.stdin === session.lineStdin ? session.options.terminal?.() : undefined))])) });
      shell.ownSignals(proc, true);
      session.shell = shell;
      for (;;) {
        let job: Job | undefined;
        try {
          while ((job = session.pending) === undefined) {
            yield { kind: 'event', subscribe: (wake) => { session.wakeShell = wake; return () => { session.wakeShell = undefined; }; } };
          }
        } catch {
          continue; // a signal between lines
        }
        session.pending = undefined;
        let status: number;
        try {
          status = yield* shell.evalString(job.src, job.fds);
        } catch (error) {
          if (isSignal(error)) status = 128 + error.signal;
          else if (error instanceof ShellExit) status = error.status;
          else if (error instanceof FunctionReturn) status = error.status;
          else if (error instanceof LoopControl) status = 0;
          else {
            (job.fds[2] as (t: string) => void)(`bash: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
            status = 1;
          }
        }
        shell.status = status;
        job.done(status);
      }
    };
    // Assigned before it starts: the first line may already need it (Ctrl-C, the output limit).
    this.shellProcess = new Process(ns, ['bash'], loop, Pipe.of(''), true);
    this.shellProcess.start();
  }

  /** Without a cluster clock, `sleep` follows the wall clock while a line runs. */
  private driveOwnClock(): () => void {
    const base = this.clock.now();
    const started = Date.now();
    // Workers, browsers and Node all have timers; the universal tsconfig just does not type them.
    const host = globalThis as unknown as { setInterval(fn: () => void, ms: number): unknown; clearInterval(t: unknown): void };
    const timer = host.setInterval(() => this.clock.advanceTo(base + (Date.now() - started)), 20);
    return () => host.clearInterval(timer);
  }

  private now(): number {
    return this.clock.now();
  }

  private remember(line: string): void {
    this.history.push(line);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
  }

  /** bash's `history [N]` and `history -c`. */
  private historyCommand(args: string[], stdout: (t: string) => void): number {
    if (args[0] === '-c') {
      this.history.length = 0;
      return 0;
    }
    const n = args[0] !== undefined ? Number(args[0]) : this.history.length;
    if (!Number.isInteger(n) || n < 0) {
      stdout(`bash: history: ${args[0]}: numeric argument required\n`);
      return 1;
    }
    const first = Math.max(0, this.history.length - n);
    this.history.slice(first).forEach((line, i) => stdout(`${String(first + i + 1).padStart(5)}  ${line.replace(/\n/g, '\n       ')}\n`));
    return 0;
  }

  /** Copies editor files that changed since the last line into ~. */
  private async syncFiles(): Promise<void> {
    if (!this.files) return;
    const walk = async (dir: string): Promise<void> => {
      for (const name of await this.files!.list(dir)) {
        const rel = dir === '.' ? name : `${dir}/${name}`;
        const kind = await this.files!.stat(rel);
        if (kind === 'dir') await walk(rel);
        else if (kind === 'file') {
          const text = await this.files!.read(rel);
          if (this.synced.get(rel) === text) continue;
          this.synced.set(rel, text);
          const abs = `${HOME}/${rel}`;
          this.fs.mkdir(abs.slice(0, abs.lastIndexOf('/')), { recursive: true });
          this.fs.writeFile(abs, text);
        }
      }
    };
    await walk('.');
  }

  /**
   * `kubectl edit` in the page: the file lives in the shell's /tmp (so a kept
   * copy works with `kubectl replace -f`), the text goes to the editor panel.
   */
  private panelEditor(io: CommandIO, open: NonNullable<TerminalSessionOptions['openEditor']>): EditorIO {
    const fs = this.fs;
    let hinted = false;
    return {
      async launch(text, ext, interrupted) {
        // os.CreateTemp's name: the prefix, random digits, the extension.
        const path = `/tmp/kubectl-edit-${1_000_000_000 + Math.floor(Math.random() * 3_000_000_000)}${ext}`;
        fs.mkdir('/tmp', { recursive: true });
        fs.writeFile(path, text);
        // Where a real kubectl would start vi in this terminal: point to the panel, once per command.
        if (!hinted) io.stderr('Waiting for the editor panel: Save (Ctrl-S) applies, Cancel discards.\n');
        hinted = true;
        const saved = await open(path, text, interrupted);
        fs.writeFile(path, saved);
        return { text: saved, path };
      },
      remove: (path) => fs.rm(path, { force: true }),
    };
  }

  /** What kubectl's `-f` reads: the shell's filesystem, relative to its working directory. */
  private fileSource(cwd: string): FileSource {
    const fs = this.fs;
    const abs = (p: string) => normalizePath(p, cwd);
    return {
      stat: async (p) => (fs.exists(abs(p)) ? fs.stat(abs(p)).type : undefined),
      read: async (p) => fs.readFile(abs(p)),
      list: async (p) => fs.readdir(abs(p)),
    };
  }
}

function hostEnv(): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME,
    USER: 'learner',
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    KUBECONFIG: `${HOME}/.kube/config`,
  };
}

/** More lines are needed to finish the command (bash would show its `> ` prompt). */
function isIncomplete(src: string): boolean {
  try {
    const reader = new ScriptReader(src);
    while (reader.next() !== undefined);
    return false;
  } catch (error) {
    return error instanceof ShellSyntaxError && error.incomplete === true;
  }
}

function helpText(hasCluster: boolean): string {
  return [
    'Statecraft terminal: a bash-like shell on a kind host.',
    '',
    '  kubectl ...              talk to the cluster (try: kubectl get nodes)',
    '  docker ps|stop|start     the kind node containers (docker stop kind-worker)',
    '  kind get clusters|nodes  the kind cluster',
    '  grep head tail wc sort cut tr sed cat base64 printf sleep seq …',
    '  history, clear, help',
    '',
    'Shell: quotes, $VARS, ;, &&, ||, |, $(…), for/while loops, <<EOF here-documents,',
    '       > file redirections (your editor files are in ~).',
    'Keys: ↑/↓ history, Ctrl-R search history, Tab completes, Ctrl-C interrupts,',
    '      Ctrl-A/E start/end of line, Ctrl-U/K/W delete.',
    'Clock: the picker above the terminal runs the cluster 10× or 60× faster',
    '       (a 300 s eviction in 5 s at 60×).',
    hasCluster ? '' : '\nThe in-browser cluster is not part of this build yet: only `kubectl version --client` works.',
    '',
  ].join('\n');
}
