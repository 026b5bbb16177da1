// The shell: busybox ash (and dash, for Debian images) as far as scripts in Kubernetes
// manifests and tutorials go. It walks the syntax tree as a generator, so `sleep`,
// `read` and `wait` yield to the virtual clock. Pipeline stages and `&` jobs are
// processes of their own in the container; `( … )` and `$( … )` run in a copy of the
// shell's state, as a forked subshell would.
import type { Ctx, Proc, Process, RuntimeProgram } from '../process.ts';
import { isSignal, signalName } from '../signal.ts';
import { Pipe, type Output, type Source } from '../stream.ts';
import type { StdinChunk, Wait } from '../types.ts';
import { errorText, isFsError, normalizePath } from '../vfs.ts';
import { ShellSyntaxError, type AndOr, type Command, type List, type Pipeline, type Redirect, type SimpleCommand } from './ast.ts';
import { BUILTINS } from './builtins.ts';
import { ExpansionError, expandHeredoc, expandPattern, expandString, expandWords } from './expand.ts';
import { ScriptReader } from './parser.ts';
import { matchPattern } from './pattern.ts';
import { type Resolved, resolveCommand } from './resolve.ts';

export type G<T> = Generator<Wait, T, StdinChunk | undefined>;

/** A file descriptor: something to read (Source) or a writer. */
export type Fd = Source | Output | undefined;
export type Fds = Fd[];

/** Which shell this is: error wording and `echo` differ. */
export type Flavour = 'ash' | 'dash' | 'bash';

interface Var {
  value: string;
  exported: boolean;
  readonly?: boolean;
}

// Control flow travels as exceptions through the generator stack.
export class ShellExit {
  constructor(
    readonly status: number,
    /** A syntax error, which an interactive shell survives. */
    readonly syntax = false,
  ) {}
}
export class LoopControl {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}
export class FunctionReturn {
  constructor(readonly status: number) {}
}

/** Every this many commands a busy shell gives up virtual CPU time (CPU_SLICE_MS). */
const COMMANDS_PER_SLICE = 1000;
const CPU_SLICE_MS = 100;
/** After this many slices a busy loop stops holding `Cluster.settle()` up. */
const FOREGROUND_SLICES = 20;

export const isOutput = (fd: Fd): fd is Output => typeof fd === 'function';
export const isSource = (fd: Fd): fd is Source => fd !== undefined && typeof fd !== 'function';

export interface ShellOptions {
  flavour: Flavour;
  /** `$0`, and the name in error messages. */
  arg0: string;
  args: string[];
  /** Running a script file: errors say `line N:`. */
  scriptFile?: boolean;
  /** `sh -c`: ash numbers builtin error lines from 0 there. */
  commandString?: boolean;
  /**
   * Programs found before PATH (by bare name): the host terminal's kubectl, docker,
   * kind. Containers have none.
   */
  commands?: ReadonlyMap<string, RuntimeProgram>;
}

export class Shell {
  readonly vars: Map<string, Var>;
  positional: string[];
  arg0: string;
  readonly funcs: Map<string, Command>;
  readonly traps: Map<string, string>;
  status = 0;
  lastBackground: number | undefined;
  opts = { errexit: false, nounset: false, xtrace: false, noglob: false };
  cwd: string;
  readonly flavour: Flavour;
  /** The process this shell's `$$` names (a subshell keeps its parent's). */
  readonly pid: number;
  jobs = new Map<number, Process>();
  lineno = 0;
  /** Loops being run (`break` outside one does nothing). */
  loops = 0;
  /** Position inside a bundled option (`-ab`) for `getopts`. */
  optSub = 0;
  /** `export X` before X is set. */
  readonly pendingExports = new Set<string>();
  /** The descriptors top-level commands run with (`exec >file` changes them). */
  private baseFds: Fds | undefined;
  /** The descriptors of the command being expanded: `$( … )` reads and complains through them. */
  private currentFds: Fds | undefined;
  private readonly scriptFile: boolean;
  private readonly commandString: boolean;
  private pendingSignals: number[] = [];
  /** `wait`/`read` are interrupted by a trapped signal; a foreground command defers it. */
  interruptible = false;
  private noErrexit = 0;
  private commands = 0;
  private slices = 0;
  private localStack: Array<Map<string, Var | undefined>> = [];
  private inTrap = false;
  private exitTrapRun = false;
  /** The shell may exec its last command (ash does for `sh -c`). */
  private execLast = false;
  readonly hostCommands: ReadonlyMap<string, RuntimeProgram> | undefined;

  constructor(
    /** The process's context: fs, network, base environment, standard fds, process. */
    readonly ctx: Ctx,
    options: ShellOptions,
    parent?: Shell,
  ) {
    this.flavour = options.flavour;
    this.arg0 = options.arg0;
    this.positional = options.args;
    this.scriptFile = options.scriptFile === true;
    this.commandString = options.commandString === true;
    this.hostCommands = parent?.hostCommands ?? options.commands;
    if (parent !== undefined) {
      this.vars = new Map([...parent.vars].map(([k, v]) => [k, { ...v }]));
      this.funcs = new Map(parent.funcs);
      // A subshell resets traps, except ignored signals stay ignored.
      this.traps = new Map([...parent.traps].filter(([, a]) => a === ''));
      this.cwd = parent.cwd;
      this.pid = parent.pid;
      this.opts = { ...parent.opts };
      this.status = parent.status;
      this.lastBackground = parent.lastBackground;
      this.lineno = parent.lineno;
      return;
    }
    this.vars = new Map();
    this.funcs = new Map();
    this.traps = new Map();
    this.pid = ctx.proc.pid;
    for (const [k, v] of Object.entries(ctx.env.env)) this.vars.set(k, { value: v, exported: true });
    this.cwd = normalizePath(ctx.env.cwd);
    if (!this.vars.has('PWD')) this.vars.set('PWD', { value: this.cwd, exported: true });
    else this.vars.get('PWD')!.value = this.cwd;
    if (!this.vars.has('IFS')) this.vars.set('IFS', { value: ' \t\n', exported: false });
    this.vars.set('PPID', { value: ctx.proc.pid === 1 ? '0' : '1', exported: false });
    this.vars.set('OPTIND', { value: '1', exported: false });
    if (ctx.env.tty === true && !this.vars.has('PS1')) {
      const ps1 = this.flavour === 'ash' ? '\\w \\$ ' : this.flavour === 'bash' ? '\\u@\\h:\\w\\$ ' : '# ';
      this.vars.set('PS1', { value: ps1, exported: false });
    }
  }

  /** A copy of this shell's state for `( … )`, `$( … )`, a pipeline stage or a job. */
  subshell(ctx: Ctx = this.ctx): Shell {
    const s = new Shell(ctx, { flavour: this.flavour, arg0: this.arg0, args: [...this.positional], scriptFile: this.scriptFile, commandString: this.commandString }, this);
    return s;
  }

  get env(): Ctx['env'] {
    return this.ctx.env;
  }

  // ---------------------------------------------------------------- variables

  getVar(name: string): string | undefined {
    return this.vars.get(name)?.value;
  }

  setVar(name: string, value: string, exported?: boolean): void {
    const v = this.vars.get(name);
    if (v?.readonly === true) throw new ExpansionError(`${name}: is read only`);
    if (v === undefined) this.vars.set(name, { value, exported: exported === true || this.pendingExports.delete(name) });
    else {
      v.value = value;
      if (exported === true) v.exported = true;
    }
  }

  /** `exec 2>&1 >file` without a command. */
  redirectPermanently(fds: Fds): void {
    if (this.baseFds !== undefined) this.baseFds.splice(0, this.baseFds.length, ...fds);
  }

  /** `exec cmd`: the shell is gone, so no EXIT trap runs. */
  replaced(): void {
    this.exitTrapRun = true;
  }

  unsetVar(name: string): boolean {
    if (this.vars.get(name)?.readonly === true) return false;
    this.vars.delete(name);
    return true;
  }

  /** `local x`: remember the outer value until the function returns. */
  makeLocal(name: string): void {
    const frame = this.localStack[this.localStack.length - 1];
    if (frame === undefined || frame.has(name)) return;
    const v = this.vars.get(name);
    frame.set(name, v === undefined ? undefined : { ...v });
  }

  get inFunction(): boolean {
    return this.localStack.length > 0;
  }

  ifs(): string {
    return this.getVar('IFS') ?? ' \t\n';
  }

  /** Special and positional parameters, then variables. */
  param(name: string): string | undefined {
    switch (name) {
      case '?': return String(this.status);
      case '$': return String(this.pid);
      case '!': return this.lastBackground === undefined ? '' : String(this.lastBackground);
      case '#': return String(this.positional.length);
      case '0': return this.arg0;
      case '-': return `${this.opts.errexit ? 'e' : ''}${this.opts.noglob ? 'f' : ''}${this.opts.nounset ? 'u' : ''}${this.opts.xtrace ? 'x' : ''}`;
      case '@':
      case '*': return this.positional.join(' ');
      case 'LINENO': return String(this.lineno);
      case 'RANDOM': return String(this.random());
      case 'SECONDS': return String(Math.floor((this.env.now() - this.ctx.proc.startedAt) / 1000));
    }
    if (/^[1-9][0-9]*$/.test(name)) return this.positional[Number(name) - 1];
    return this.getVar(name);
  }

  private seed = 0;
  private random(): number {
    if (this.seed === 0) this.seed = (this.pid * 2654435761) >>> 0 || 1;
    this.seed = (this.seed * 1103515245 + 12345) >>> 0;
    return (this.seed >>> 16) & 0x7fff;
  }

  /** What commands see as their environment: exported variables. */
  exported(extra?: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.vars) if (v.exported) out[k] = v.value;
    return extra === undefined ? out : Object.assign(out, extra);
  }

  // ---------------------------------------------------------------- messages

  /** An error line as this shell prints it (`sh: foo: not found`, `sh: 1: foo: not found`). */
  message(msg: string, builtin?: string): string {
    const name = this.arg0;
    if (this.flavour === 'dash') return `${name}: ${this.lineno}: ${builtin !== undefined ? `${builtin}: ` : ''}${msg}\n`;
    if (this.flavour === 'bash') return `${name}: ${this.scriptFile || this.commandString ? `line ${this.lineno}: ` : ''}${builtin !== undefined ? `${builtin}: ` : ''}${msg}\n`;
    if (builtin !== undefined) return `${name}: ${builtin}: line ${this.commandString ? this.lineno - 1 : this.lineno}: ${msg}\n`;
    return `${name}: ${this.scriptFile ? `line ${this.lineno}: ` : ''}${msg}\n`;
  }

  syntaxMessage(e: ShellSyntaxError): string {
    if (this.flavour === 'dash') {
      const m = /^unexpected (.*?)(?: \(expecting "(.*)"\))?$/.exec(e.message);
      const text = m === null ? e.message[0]!.toUpperCase() + e.message.slice(1) : `${m[1]} unexpected${m[2] !== undefined ? ` (expecting "${m[2]}")` : ''}`;
      return `${this.arg0}: ${this.lineno}: Syntax error: ${text.replace(/^"(.*)"$/, '"$1"')}\n`;
    }
    if (this.flavour === 'bash') return `${this.arg0}: ${this.scriptFile || this.commandString ? `line ${this.lineno}: ` : ''}syntax error: ${e.message}\n`;
    return `${this.arg0}: ${this.scriptFile ? `line ${this.lineno}: ` : ''}syntax error: ${e.message}\n`;
  }

  // ---------------------------------------------------------------- running scripts

  /** Takes over the process's signal handling (the shell is what runs in it). */
  ownSignals(proc: Proc, interactive = false): void {
    proc.catchesSignals = false;
    proc.disposition = (signal) => {
      const action = this.traps.get(signalName(signal) ?? String(signal));
      if (action === '') return 'ignore';
      if (action !== undefined) {
        if (this.interruptible) return 'deliver';
        this.pendingSignals.push(signal);
        return 'handled';
      }
      // An interactive shell catches SIGINT (it ends the command being run) and ignores SIGTERM.
      if (interactive) return signal === 2 ? 'deliver' : 'ignore';
      return proc.pid === 1 ? 'ignore' : 'deliver';
    };
  }

  /**
   * Runs a script line by line (a syntax error on a later line comes after the earlier
   * lines ran) and returns the exit status, running the EXIT trap.
   */
  *runScript(src: string, fds: Fds, options: { execLast?: boolean } = {}): G<number> {
    this.baseFds = fds;
    try {
      const reader = new ScriptReader(src);
      for (;;) {
        let list: List | undefined;
        try {
          list = reader.next();
        } catch (e) {
          if (!(e instanceof ShellSyntaxError)) throw e;
          this.lineno = lineOfError(src, reader);
          this.err(fds, this.syntaxMessage(e));
          this.status = 2;
          break;
        }
        if (list === undefined) break;
        this.execLast = options.execLast === true && reader.atEnd();
        yield* this.list(list, fds, true);
      }
    } catch (e) {
      if (e instanceof ShellExit) this.status = e.status;
      else if (e instanceof LoopControl || e instanceof FunctionReturn) this.status = e instanceof FunctionReturn ? e.status : 0;
      else throw e;
    }
    return yield* this.finish(fds);
  }

  /** Runs the EXIT trap once; returns the final status. */
  *finish(fds: Fds): G<number> {
    const action = this.traps.get('EXIT');
    if (action !== undefined && action !== '' && !this.exitTrapRun) {
      this.exitTrapRun = true;
      const status = this.status;
      try {
        yield* this.evalString(action, fds);
        this.status = status;
      } catch (e) {
        if (e instanceof ShellExit) this.status = e.status;
        else throw e;
      }
    }
    return this.status;
  }

  /** `eval`, traps, `.`: a string in this shell. */
  *evalString(src: string, fds: Fds): G<number> {
    const reader = new ScriptReader(src);
    for (;;) {
      let list: List | undefined;
      try {
        list = reader.next();
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        this.err(fds, this.syntaxMessage(e));
        throw new ShellExit(2, true);
      }
      if (list === undefined) return this.status;
      yield* this.list(list, fds, false);
    }
  }

  // ---------------------------------------------------------------- the tree

  *list(list: List, fds: Fds, top = false): G<number> {
    for (let i = 0; i < list.length; i++) {
      const ao = list[i]!;
      if (ao.background) {
        this.background(ao, fds);
        this.status = 0;
        continue;
      }
      this.status = yield* this.andOr(ao, fds, top && this.execLast && i === list.length - 1);
    }
    return this.status;
  }

  private *andOr(ao: AndOr, fds: Fds, execLast: boolean): G<number> {
    const n = ao.rest.length;
    let status = yield* this.pipelineChecked(ao.first, fds, n === 0, execLast && n === 0);
    for (let i = 0; i < n; i++) {
      const { op, pipeline } = ao.rest[i]!;
      if ((op === '&&') !== (status === 0)) continue;
      status = yield* this.pipelineChecked(pipeline, fds, i === n - 1, execLast && i === n - 1);
    }
    return status;
  }

  /** A pipeline, with `set -e` applied when its failure counts. */
  private *pipelineChecked(pl: Pipeline, fds: Fds, last: boolean, execLast: boolean): G<number> {
    if (!last) this.noErrexit++;
    let status: number;
    try {
      status = yield* this.pipeline(pl, fds, execLast);
    } finally {
      if (!last) this.noErrexit--;
    }
    this.status = status;
    if (status !== 0 && last && !pl.negate && this.opts.errexit && this.noErrexit === 0) throw new ShellExit(status);
    return status;
  }

  private *pipeline(pl: Pipeline, fds: Fds, execLast: boolean): G<number> {
    if (pl.negate) this.noErrexit++;
    let status: number;
    try {
      status = pl.commands.length === 1 ? yield* this.command(pl.commands[0]!, fds, execLast && !pl.negate) : yield* this.pipe(pl.commands, fds);
    } finally {
      if (pl.negate) this.noErrexit--;
    }
    return pl.negate ? Number(status === 0) : status;
  }

  /** `a | b | c`: each stage a process of its own; the status is the last one's. */
  private *pipe(commands: Command[], fds: Fds): G<number> {
    const procs: Process[] = [];
    let input: Source = isSource(fds[0]) ? fds[0] : Pipe.of('');
    commands.forEach((cmd, i) => {
      const last = i === commands.length - 1;
      const pipe = last ? undefined : new Pipe();
      const stageFds: Fds = [...fds];
      stageFds[0] = input;
      if (pipe !== undefined) stageFds[1] = pipe.write;
      // The forked stage execs a simple command: it becomes that program's process.
      const child = this.spawnSubshell(['sh'], (sub) => sub.command(cmd, stageFds, true), input, i > 0, false);
      if (pipe !== undefined) child.onExit(() => pipe.close());
      procs.push(child);
      if (pipe !== undefined) input = pipe;
    });
    // Readers first, so a writer's output is consumed as it is written (`yes | head -1`).
    for (const p of [...procs].reverse()) p.start();
    try {
      yield* waitAll(procs);
    } finally {
      for (const p of procs) if (p.exitCode === undefined) p.kill(9);
    }
    yield* this.afterCommand(fds);
    return procs[procs.length - 1]!.exitCode ?? 0;
  }

  /** Starts `run` in a subshell process of this container. */
  private spawnSubshell(argv: string[], run: (sub: Shell) => G<number>, stdin: Source, ownsStdin: boolean, autostart = true): Process {
    const parent = this;
    return this.ctx.proc.spawn(argv, function* (proc) {
      const sub = parent.subshell({ ...parent.ctx, proc });
      sub.ownSignals(proc);
      try {
        sub.status = yield* run(sub);
      } catch (e) {
        if (e instanceof ShellExit) sub.status = e.status;
        else if (!(e instanceof LoopControl || e instanceof FunctionReturn)) throw e;
      }
      return yield* sub.finish([stdin]);
    }, stdin, ownsStdin, autostart);
  }

  /** `cmd &`: a job with /dev/null for stdin; `$!` is its PID. */
  private background(ao: AndOr, fds: Fds): void {
    const stdin = Pipe.of('');
    const jobFds: Fds = [...fds];
    jobFds[0] = stdin;
    const job = this.spawnSubshell(['sh'], (sub) => sub.andOr({ ...ao, background: false }, jobFds, true), stdin, true);
    this.lastBackground = job.pid;
    // Finished jobs stay until `wait` collects their status.
    this.jobs.set(job.pid, job);
  }

  *command(cmd: Command, fds: Fds, execLast: boolean): G<number> {
    this.currentFds = fds;
    if (cmd.type === 'simple') return yield* this.simple(cmd, fds, execLast);
    if (cmd.type === 'function') {
      this.funcs.set(cmd.name, cmd.body);
      return 0;
    }
    const redirected = cmd.redirects.length === 0 ? fds : yield* this.redirect(cmd.redirects, fds);
    if (redirected === undefined) return this.redirectFailed;
    switch (cmd.type) {
      case 'group': {
        if (!cmd.subshell) return yield* this.list(cmd.body, redirected);
        const sub = this.subshell();
        try {
          sub.status = yield* sub.list(cmd.body, redirected);
        } catch (e) {
          if (e instanceof ShellExit) sub.status = e.status;
          else throw e;
        }
        return yield* sub.finish(redirected);
      }
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((yield* this.condition(clause.cond, redirected)) === 0) return yield* this.list(clause.body, redirected);
        }
        return cmd.otherwise === undefined ? 0 : yield* this.list(cmd.otherwise, redirected);
      }
      case 'loop': {
        let status = 0;
        this.loops++;
        try {
          for (;;) {
            const c = yield* this.condition(cmd.cond, redirected);
            if ((c === 0) === cmd.until) break;
            const r = yield* this.loopBody(cmd.body, redirected);
            status = r.status;
            if (r.stop) break;
          }
        } finally {
          this.loops--;
        }
        return status;
      }
      case 'for': {
        let items: string[];
        try {
          items = cmd.items === undefined ? [...this.positional] : yield* expandWords(this, cmd.items);
        } catch (e) {
          if (e instanceof ExpansionError) return this.expansionFailed(e, fds);
          throw e;
        }
        let status = 0;
        this.loops++;
        try {
          for (const item of items) {
            this.setVar(cmd.name, item);
            const r = yield* this.loopBody(cmd.body, redirected);
            status = r.status;
            if (r.stop) break;
          }
        } finally {
          this.loops--;
        }
        return status;
      }
      case 'case': {
        const word = yield* expandString(this, cmd.word);
        for (const item of cmd.items) {
          for (const p of item.patterns) {
            if (matchPattern(yield* expandPattern(this, p), word)) return yield* this.list(item.body, redirected);
          }
        }
        return 0;
      }
    }
  }

  private *condition(list: List, fds: Fds): G<number> {
    this.noErrexit++;
    try {
      return yield* this.list(list, fds);
    } finally {
      this.noErrexit--;
    }
  }

  private *loopBody(body: List, fds: Fds): G<{ status: number; stop: boolean }> {
    try {
      return { status: yield* this.list(body, fds), stop: false };
    } catch (e) {
      if (!(e instanceof LoopControl)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return { status: 0, stop: e.kind === 'break' };
    }
  }

  // ---------------------------------------------------------------- simple commands

  private *simple(cmd: SimpleCommand, fds: Fds, execLast: boolean): G<number> {
    this.lineno = cmd.line;
    this.currentFds = fds;
    yield* this.cpu();
    let argv: string[];
    let assigns: Array<[string, string]>;
    let cmdSubstStatus: number | undefined;
    try {
      const before = this.status;
      this.substStatus = undefined;
      argv = yield* expandWords(this, cmd.words);
      assigns = [];
      // Without a command, each assignment is made before the next is expanded (`a=1 b=$a`).
      const now = argv.length === 0;
      for (const a of cmd.assigns) {
        const value = yield* expandString(this, a.value);
        if (now) this.setVar(a.name, value);
        assigns.push([a.name, value]);
      }
      cmdSubstStatus = this.substStatus;
      this.status = before;
    } catch (e) {
      if (e instanceof ExpansionError) return this.expansionFailed(e, fds);
      throw e;
    }
    if (this.opts.xtrace) this.err(fds, `+ ${[...assigns.map(([k, v]) => `${k}=${quoteTrace(v)}`), ...argv.map(quoteTrace)].join(' ')}\n`);
    if (argv.length === 0) {
      const r = cmd.redirects.length === 0 ? fds : yield* this.redirect(cmd.redirects, fds);
      if (r === undefined) return this.redirectFailed;
      yield* this.afterCommand(fds);
      return cmdSubstStatus ?? 0;
    }
    const r = cmd.redirects.length === 0 ? fds : yield* this.redirect(cmd.redirects, fds);
    if (r === undefined) return this.redirectFailed;
    const status = yield* this.invoke(argv, r, assigns, execLast);
    this.status = status;
    yield* this.afterCommand(r);
    return status;
  }

  /** `$(…)` sets this when a command has no words (`x=$(false)` → `$?` 1). */
  substStatus: number | undefined;

  /** The status of a command whose redirection failed (dash says 2). */
  private get redirectFailed(): number {
    return this.flavour === 'dash' ? 2 : 1;
  }

  private expansionFailed(e: ExpansionError, fds: Fds): never {
    this.err(fds, this.message(e.message));
    // A non-interactive shell exits on an expansion error.
    throw new ShellExit(2);
  }

  /** Function, builtin or program, with assignments in front of it. */
  *invoke(argv: string[], fds: Fds, assigns: Array<[string, string]> = [], execLast = false, skipFunctions = false): G<number> {
    const name = argv[0]!;
    const fn = skipFunctions ? undefined : this.funcs.get(name);
    if (fn !== undefined) return yield* this.withTempVars(assigns, () => this.callFunction(fn, argv.slice(1), fds));
    const builtin = BUILTINS.get(name);
    if (builtin !== undefined && (this.flavour !== 'bash' || name !== 'local' || this.inFunction)) {
      if (SPECIAL_BUILTINS.has(name)) {
        for (const [k, v] of assigns) this.setVar(k, v);
        return yield* builtin(this, argv, fds);
      }
      return yield* this.withTempVars(assigns, () => builtin(this, argv, fds));
    }
    return yield* this.external(argv, fds, assigns, execLast && this.traps.size === 0);
  }

  private *withTempVars(assigns: Array<[string, string]>, run: () => G<number>): G<number> {
    if (assigns.length === 0) return yield* run();
    const saved = assigns.map(([k]) => [k, this.vars.get(k)] as const);
    for (const [k, v] of assigns) this.vars.set(k, { value: v, exported: true });
    try {
      return yield* run();
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) this.vars.delete(k);
        else this.vars.set(k, v);
      }
    }
  }

  private *callFunction(body: Command, args: string[], fds: Fds): G<number> {
    const saved = this.positional;
    this.positional = args;
    this.localStack.push(new Map());
    try {
      return yield* this.command(body, fds, false);
    } catch (e) {
      if (e instanceof FunctionReturn) return e.status;
      throw e;
    } finally {
      this.positional = saved;
      for (const [k, v] of this.localStack.pop()!) {
        if (v === undefined) this.vars.delete(k);
        else this.vars.set(k, v);
      }
    }
  }

  /**
   * A program from the filesystem. `exec` (or ash's exec of the last command of
   * `sh -c`) replaces the shell: the program then owns the process and its signals.
   */
  *external(argv: string[], fds: Fds, assigns: Array<[string, string]>, exec: boolean): G<number> {
    const env = this.exported(Object.fromEntries(assigns));
    const own = argv[0]!.includes('/') ? undefined : this.hostCommands?.get(argv[0]!);
    const found: Resolved = own !== undefined ? { kind: 'program', path: argv[0]!, run: own, catchesSignals: true } : resolveCommand(argv[0]!, this.env.fs, this.cwd, env.PATH ?? this.getVar('PATH'));
    if (found.kind === 'error') {
      this.err(fds, this.message(found.status === 127 ? (this.flavour === 'bash' ? `${argv[0]}: command not found` : `${argv[0]}: not found`) : `${argv[0]}: ${found.message}`));
      return found.status;
    }
    const proc = this.ctx.proc;
    const stdin = isSource(fds[0]) ? fds[0] : Pipe.of('');
    // A command run in place is a child process of its own (its PID, its signal handling).
    const child: Proc = exec ? proc : { pid: proc.ns.allocate(), ns: proc.ns, startedAt: this.env.now(), stdin, argv, catchesSignals: false, spawn: proc.spawn };
    if (exec) {
      proc.argv = argv;
      proc.disposition = undefined;
      proc.catchesSignals = found.catchesSignals;
    }
    const ctx: Ctx = {
      argv,
      env: { ...this.env, env, cwd: this.cwd },
      stdin,
      stdout: writer(fds[1]),
      stderr: writer(fds[2]),
      proc: child,
    };
    if (exec) return yield* found.run(ctx);
    const ns = proc.ns;
    ns.children.set(child.pid, { proc: child, ppid: proc.pid, host: ns.children.get(proc.pid)?.host ?? proc.pid });
    try {
      return yield* found.run(ctx);
    } catch (e) {
      // A signal sent to the command (`pkill java`) ends it, not the shell: wait(2) reports 128+signal.
      if (isSignal(e) && e.target === child.pid) return 128 + e.signal;
      throw e;
    } finally {
      ns.children.delete(child.pid);
    }
  }

  /** `$(…)`: runs `list` in a subshell and returns what it printed. */
  *substitute(list: List): G<string> {
    let out = '';
    const sub = this.subshell();
    const current = this.currentFds ?? [this.ctx.stdin, this.ctx.stdout, this.ctx.stderr];
    const fds: Fds = [...current];
    fds[1] = (t: string) => (out += t);
    try {
      yield* sub.list(list, fds);
    } catch (e) {
      if (e instanceof ShellExit) sub.status = e.status;
      else if (!(e instanceof LoopControl || e instanceof FunctionReturn)) throw e;
    }
    this.substStatus = yield* sub.finish(fds);
    return out;
  }

  // ---------------------------------------------------------------- redirections

  /** Applies redirections to a copy of `fds`; undefined (after printing why) when one fails. */
  *redirect(redirects: Redirect[], fds: Fds): G<Fds | undefined> {
    const out: Fds = [...fds];
    for (const r of redirects) {
      let target: string;
      try {
        target = r.heredoc !== undefined ? (r.heredoc.expand ? yield* expandHeredoc(this, r.heredoc.body) : r.heredoc.body) : yield* expandString(this, r.target);
      } catch (e) {
        if (e instanceof ExpansionError) this.expansionFailed(e, fds);
        throw e;
        throw e;
      }
      switch (r.op) {
        case '<<':
        case '<<-':
          out[r.fd] = Pipe.of(target);
          break;
        case '<':
        case '<>': {
          const src = this.openInput(target, out);
          if (typeof src === 'string') {
            this.err(fds, this.message(src));
            return undefined;
          }
          out[r.fd] = src;
          break;
        }
        case '>':
        case '>|':
        case '>>': {
          const w = this.openOutput(target, r.op === '>>', out);
          if (typeof w === 'string') {
            this.err(fds, this.message(w));
            return undefined;
          }
          out[r.fd] = w.output;
          break;
        }
        case '>&':
        case '<&': {
          if (target === '-') out[r.fd] = undefined;
          else if (/^\d+$/.test(target)) {
            const src = out[Number(target)];
            if (src === undefined) {
              this.err(fds, this.message(`${target}: Bad file descriptor`));
              return undefined;
            }
            out[r.fd] = src;
          } else {
            const w = this.openOutput(target, false, out);
            if (typeof w === 'string') {
              this.err(fds, this.message(w));
              return undefined;
            }
            out[1] = w.output;
            out[2] = w.output;
          }
          break;
        }
      }
    }
    return out;
  }

  private openOutput(target: string, append: boolean, fds: Fds): { output: Output } | string {
    const special = devFd(target);
    if (special !== undefined) return { output: writer(fds[special]) };
    if (target === '/dev/null') return { output: () => undefined };
    const path = normalizePath(target, this.cwd);
    const fs = this.env.fs;
    try {
      if (!append || !fs.exists(path)) fs.writeFile(path, '');
      else if (fs.stat(path).type === 'dir') fs.writeFile(path, '', { append: true });
    } catch (e) {
      const create = this.flavour === 'dash' ? 'cannot create' : "can't create";
      if (isFsError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) {
        if (this.flavour === 'bash') return `${target}: No such file or directory`;
        return this.flavour === 'dash' ? `${create} ${target}: Directory nonexistent` : `${create} ${target}: nonexistent directory`;
      }
      if (this.flavour === 'bash') return `${target}: ${errorText(e)}`;
      return `${create} ${target}: ${errorText(e)}`;
    }
    return {
      output: (t: string) => {
        try {
          fs.writeFile(path, t, { append: true });
        } catch {
          // the file went away (a volume unmounted): the bytes are lost, as with a closed fd
        }
      },
    };
  }

  private openInput(target: string, fds: Fds): Source | string {
    const special = devFd(target);
    if (special !== undefined) {
      const fd = fds[special];
      return isSource(fd) ? fd : Pipe.of('');
    }
    const path = normalizePath(target, this.cwd);
    try {
      return Pipe.of(this.env.fs.readFile(path));
    } catch (e) {
      const open = this.flavour === 'dash' ? 'cannot open' : "can't open";
      if (isFsError(e) && e.code === 'ENOENT') {
        if (this.flavour === 'bash') return `${target}: No such file or directory`;
        return this.flavour === 'dash' ? `${open} ${target}: No such file` : `${open} ${target}: no such file`;
      }
      return `${open} ${target}: ${errorText(e)}`;
    }
  }

  // ---------------------------------------------------------------- signals, time

  /** After each command: traps for signals that arrived while it ran. */
  private *afterCommand(fds: Fds): G<void> {
    if (this.pendingSignals.length === 0 || this.inTrap) return;
    const status = this.status;
    while (this.pendingSignals.length > 0) {
      const sig = this.pendingSignals.shift()!;
      const action = this.traps.get(signalName(sig) ?? String(sig));
      if (action === undefined || action === '') continue;
      this.inTrap = true;
      try {
        yield* this.evalString(action, fds);
      } finally {
        this.inTrap = false;
      }
    }
    this.status = status;
  }

  /** `wait`, `read`: a trapped signal interrupts them (status 128+n), then its trap runs. */
  *interruptibly<T>(fds: Fds, run: () => G<T>, onSignal: (status: number) => T): G<T> {
    this.interruptible = true;
    try {
      return yield* run();
    } catch (e) {
      if (!isSignal(e) || e.signal === 9 || this.traps.get(signalName(e.signal) ?? '') === undefined) throw e;
      this.pendingSignals.push(e.signal);
      this.interruptible = false;
      const r = onSignal(128 + e.signal);
      this.status = 128 + e.signal;
      yield* this.afterCommand(fds);
      return r;
    } finally {
      this.interruptible = false;
    }
  }

  /** Virtual CPU time for a busy shell, so `while :; do :; done` cannot freeze the cluster. */
  private *cpu(): G<void> {
    if (++this.commands % COMMANDS_PER_SLICE !== 0) return;
    this.slices++;
    yield { kind: 'sleep', ms: CPU_SLICE_MS, background: this.slices > FOREGROUND_SLICES };
  }

  err(fds: Fds, text: string): void {
    writer(fds[2])(text);
  }
}

/** Special builtins: assignments in front of them stay (POSIX 2.14). */
const SPECIAL_BUILTINS = new Set(['break', ':', 'continue', '.', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'trap', 'unset']);

function writer(fd: Fd): Output {
  return isOutput(fd) ? fd : () => undefined;
}

/** /dev/stdout, /dev/fd/2, … → the descriptor number. */
function devFd(path: string): number | undefined {
  if (path === '/dev/stdin') return 0;
  if (path === '/dev/stdout') return 1;
  if (path === '/dev/stderr') return 2;
  const m = /^\/dev\/fd\/(\d+)$/.exec(path) ?? /^\/proc\/self\/fd\/(\d+)$/.exec(path);
  return m === null ? undefined : Number(m[1]);
}

function quoteTrace(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
}

function lineOfError(src: string, reader: ScriptReader): number {
  return Math.min(src.slice(0, reader.position).split('\n').length, src.split('\n').length);
}

/** Waits until every process has exited. */
export function* waitAll(procs: readonly Process[]): G<void> {
  for (const p of procs) {
    while (p.exitCode === undefined) {
      yield { kind: 'event', subscribe: (wake) => onExitOnce(p, wake) };
    }
  }
}

function onExitOnce(p: Process, wake: () => void): () => void {
  let active = true;
  p.onExit(() => {
    if (active) wake();
  });
  return () => {
    active = false;
  };
}

