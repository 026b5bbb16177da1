// Shell builtins: what ash and dash run inside the shell process (cd, export, trap,
// read, wait, …) plus the utilities they build in (echo, printf, test, kill, pwd).
import { SIGNALS, signalName, signalNumber } from '../signal.ts';
import { Pipe, readLine, type Source } from '../stream.ts';
import { errorText, normalizePath } from '../vfs.ts';
import { echoEscapes, printf } from './applets/format.ts';
import { evalTest, TestError } from './applets/test.ts';
import { FunctionReturn, LoopControl, ShellExit, isOutput, isSource, waitAll, type Fds, type G, type Shell } from './interp.ts';
import { lookPath } from './resolve.ts';

export type Builtin = (sh: Shell, argv: string[], fds: Fds) => G<number>;

const out = (fds: Fds, text: string): void => {
  const fd = fds[1];
  if (isOutput(fd)) fd(text);
};

/** Builtins that never wait are plain functions; `sync` lifts them. */
function sync(fn: (sh: Shell, argv: string[], fds: Fds) => number): Builtin {
  return function* (sh, argv, fds) {
    return fn(sh, argv, fds);
  };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quoteValue(v: string): string {
  return `'${v.replace(/'/g, `'"'"'`)}'`;
}

function number(sh: Shell, fds: Fds, builtin: string, arg: string | undefined, dflt: number): number {
  if (arg === undefined) return dflt;
  if (!/^\d+$/.test(arg)) {
    sh.err(fds, sh.message(`Illegal number: ${arg}`, builtin));
    throw new ShellExit(2);
  }
  return Number(arg);
}

const echo = sync((sh, argv, fds) => {
  let args = argv.slice(1);
  let newline = true;
  let escapes = sh.flavour === 'dash';
  if (sh.flavour === 'dash') {
    if (args[0] === '-n') {
      newline = false;
      args = args.slice(1);
    }
  } else {
    while (args.length > 0 && /^-[neE]+$/.test(args[0]!)) {
      for (const f of args[0]!.slice(1)) {
        if (f === 'n') newline = false;
        else escapes = f === 'e';
      }
      args = args.slice(1);
    }
  }
  let text = args.join(' ');
  if (escapes) {
    const e = echoEscapes(text);
    text = e.text;
    if (e.stop) newline = false;
  }
  out(fds, newline ? `${text}\n` : text);
  return 0;
});

const printfBuiltin = sync((sh, argv, fds) => {
  if (argv.length < 2) {
    sh.err(fds, `${sh.arg0}: printf: usage: printf format [arg ...]\n`);
    return 2;
  }
  const r = printf(argv[1]!, argv.slice(2));
  out(fds, r.out);
  for (const e of r.errors) {
    const bad = /^invalid number '(.*)'$/.exec(e);
    sh.err(fds, sh.flavour === 'dash' && bad !== null ? sh.message(`${bad[1]}: expected numeric value`, 'printf') : `${sh.arg0}: ${e}\n`);
  }
  return r.errors.length > 0 ? 1 : 0;
});

function testBuiltin(bracket: boolean): Builtin {
  return sync((sh, argv, fds) => {
    let args = argv.slice(1);
    if (bracket) {
      if (args[args.length - 1] !== ']') {
        sh.err(fds, `${sh.arg0}: missing ]\n`);
        return 2;
      }
      args = args.slice(0, -1);
    }
    try {
      return evalTest(args, sh.env.fs, sh.cwd);
    } catch (e) {
      if (!(e instanceof TestError)) throw e;
      sh.err(fds, `${sh.arg0}: ${e.message}\n`);
      return 2;
    }
  });
}

const cd = sync((sh, argv, fds) => {
  const args = argv.slice(1).filter((a) => a !== '-P' && a !== '-L');
  let target = args[0];
  let print = false;
  if (target === undefined || target === '') {
    target = sh.getVar('HOME');
    if (target === undefined) {
      sh.err(fds, sh.message('HOME not set', 'cd'));
      return 1;
    }
  } else if (target === '-') {
    target = sh.getVar('OLDPWD') ?? sh.cwd;
    print = true;
  }
  const path = normalizePath(target, sh.cwd);
  let problem: string | undefined;
  try {
    if (sh.env.fs.stat(path).type !== 'dir') problem = 'Not a directory';
  } catch (e) {
    problem = errorText(e);
  }
  if (problem !== undefined) {
    if (sh.flavour === 'dash') sh.err(fds, sh.message(`can't cd to ${target}`, 'cd'));
    else if (sh.flavour === 'bash') sh.err(fds, sh.message(`${target}: ${problem}`, 'cd'));
    else sh.err(fds, sh.message(`can't cd to ${target}: ${problem}`, 'cd'));
    return sh.flavour === 'bash' ? 1 : 2;
  }
  sh.setVar('OLDPWD', sh.cwd);
  sh.cwd = path;
  sh.setVar('PWD', path);
  if (print) out(fds, `${path}\n`);
  return 0;
});

const pwd = sync((sh, _argv, fds) => {
  out(fds, `${sh.cwd}\n`);
  return 0;
});

function declare(kind: 'export' | 'readonly'): Builtin {
  return sync((sh, argv, fds) => {
    const args = argv.slice(1).filter((a) => a !== '-p' && a !== '--');
    if (args.length === 0) {
      for (const [k, v] of [...sh.vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (kind === 'export' ? v.exported : v.readonly === true) out(fds, `${kind} ${k}=${quoteValue(v.value)}\n`);
      }
      return 0;
    }
    let status = 0;
    for (const a of args) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!NAME.test(name)) {
        sh.err(fds, sh.message(`${name}: bad variable name`, kind));
        status = 1;
        continue;
      }
      if (eq >= 0) {
        if (sh.vars.get(name)?.readonly === true) {
          sh.err(fds, sh.message(`${name}: is read only`));
          throw new ShellExit(2);
        }
        sh.setVar(name, a.slice(eq + 1));
      }
      const v = sh.vars.get(name);
      if (v === undefined) {
        // `export X` before X is set: exported once it is.
        if (kind === 'export') sh.pendingExports.add(name);
        else sh.vars.set(name, { value: '', exported: false, readonly: true });
        continue;
      }
      if (kind === 'export') v.exported = true;
      else v.readonly = true;
    }
    return status;
  });
}

const unset = sync((sh, argv, fds) => {
  let funcs = false;
  let status = 0;
  for (const a of argv.slice(1)) {
    if (a === '-f') funcs = true;
    else if (a === '-v') funcs = false;
    else if (funcs) sh.funcs.delete(a);
    else if (!sh.unsetVar(a)) {
      sh.err(fds, sh.message(`${a}: is read only`, 'unset'));
      status = 1;
    }
  }
  return status;
});

const local = sync((sh, argv, fds) => {
  if (!sh.inFunction) {
    sh.err(fds, sh.message('not in a function', 'local'));
    throw new ShellExit(2);
  }
  for (const a of argv.slice(1)) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    sh.makeLocal(name);
    if (eq >= 0) sh.setVar(name, a.slice(eq + 1));
  }
  return 0;
});

const exit = sync((sh, argv, fds) => {
  throw new ShellExit(number(sh, fds, 'exit', argv[1], sh.status) & 0xff);
});

const ret = sync((sh, argv, fds) => {
  throw new FunctionReturn(number(sh, fds, 'return', argv[1], sh.status) & 0xff);
});

function loopControl(kind: 'break' | 'continue'): Builtin {
  return sync((sh, argv, fds) => {
    const n = number(sh, fds, kind, argv[1], 1);
    if (sh.loops === 0) return 0;
    throw new LoopControl(kind, Math.max(1, Math.min(n, sh.loops)));
  });
}

const OPTION_NAMES: Record<string, keyof Shell['opts']> = { errexit: 'errexit', nounset: 'nounset', xtrace: 'xtrace', noglob: 'noglob' };
const LETTERS: Record<string, keyof Shell['opts']> = { e: 'errexit', u: 'nounset', x: 'xtrace', f: 'noglob' };

const set = sync((sh, argv, fds) => {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const [k, v] of [...sh.vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out(fds, `${k}=${quoteValue(v.value)}\n`);
    return 0;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      sh.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-o' || a === '+o') {
      const name = args[++i];
      if (name === undefined) {
        for (const [k, o] of Object.entries(OPTION_NAMES)) out(fds, a === '-o' ? `${k.padEnd(15)} ${sh.opts[o] ? 'on' : 'off'}\n` : `set ${sh.opts[o] ? '-' : '+'}o ${k}\n`);
        continue;
      }
      const opt = OPTION_NAMES[name];
      if (opt !== undefined) sh.opts[opt] = a === '-o';
      else if (name !== 'pipefail' && name !== 'monitor' && name !== 'vi' && name !== 'emacs') {
        sh.err(fds, sh.message(`Illegal option -o ${name}`, 'set'));
        return 2;
      }
      continue;
    }
    if (/^[-+][a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        const opt = LETTERS[f];
        if (opt !== undefined) sh.opts[opt] = a[0] === '-';
        else if (!'mCbhnv'.includes(f)) {
          sh.err(fds, sh.message(`Illegal option ${a[0]}${f}`, 'set'));
          return 2;
        }
      }
      continue;
    }
    sh.positional = args.slice(i);
    return 0;
  }
  return 0;
});

const shift = sync((sh, argv, fds) => {
  const n = number(sh, fds, 'shift', argv[1], 1);
  if (n > sh.positional.length) {
    if (sh.flavour === 'dash') {
      sh.err(fds, sh.message(`can't shift that many`, 'shift'));
      throw new ShellExit(2);
    }
    return 1;
  }
  sh.positional = sh.positional.slice(n);
  return 0;
});

/** `trap` keys: EXIT, or the signal name without SIG. */
function trapKey(spec: string): string | undefined {
  if (spec === '0' || spec.toUpperCase() === 'EXIT' || spec.toUpperCase() === 'SIGEXIT') return 'EXIT';
  const n = signalNumber(spec);
  return n === undefined ? undefined : (signalName(n) ?? String(n));
}

const trap = sync((sh, argv, fds) => {
  const args = argv.slice(1);
  if (args[0] === '--') args.shift();
  if (args.length === 0) {
    const order = (k: string): number => (k === 'EXIT' ? 0 : (SIGNALS[k] ?? 99));
    for (const [k, a] of [...sh.traps].sort(([a], [b]) => order(a) - order(b))) out(fds, `trap -- ${quoteValue(a)} ${k}\n`);
    return 0;
  }
  if (args[0]!.startsWith('-') && args[0] !== '-') {
    sh.err(fds, sh.message(`illegal option ${args[0]}`, 'trap'));
    return 1;
  }
  let action: string | undefined = args[0];
  let specs = args.slice(1);
  // `trap 15` or `trap - TERM` resets.
  if (/^\d+$/.test(action!)) {
    specs = args;
    action = undefined;
  } else if (action === '-') action = undefined;
  let status = 0;
  for (const spec of specs) {
    const key = trapKey(spec);
    if (key === undefined || key === 'KILL' || key === 'STOP') {
      if (key === undefined) {
        sh.err(fds, sh.flavour === 'dash' ? `trap: ${spec}: bad trap\n` : sh.message(`${spec}: invalid signal specification`, 'trap'));
        status = 1;
      }
      continue;
    }
    if (action === undefined) sh.traps.delete(key);
    else sh.traps.set(key, action);
  }
  return status;
});

const read: Builtin = function* (sh, argv, fds) {
  const args = argv.slice(1);
  let raw = false;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-r') raw = true;
    else if (a === '-p') sh.err(fds, args[++i] ?? '');
    else if (a === '-s') continue;
    else if (a === '-t' || a === '-n' || a === '-u' || a === '-d') i++;
    else names.push(a);
  }
  if (names.length === 0) {
    if (sh.flavour === 'dash') {
      sh.err(fds, sh.message('arg count', 'read'));
      return 2;
    }
    names.push('REPLY');
  }
  const src: Source = isSource(fds[0]) ? fds[0] : Pipe.of('');
  type Got = { line: string; complete: boolean } | { status: number } | null;
  const got = yield* sh.interruptibly<Got>(fds, () => readLogicalLine(src, raw), (status) => ({ status }));
  if (got === null) {
    for (const n of names) sh.setVar(n, '');
    return 1;
  }
  if ('status' in got) return got.status;
  const values = readFields(got.line, sh.ifs(), names.length);
  names.forEach((n, i) => sh.setVar(n, values[i] ?? ''));
  return got.complete ? 0 : 1;
};

/** `read a b c`: a field each, the last one gets the rest of the line. */
export function readFields(line: string, ifs: string, n: number): string[] {
  const ws = (c: string | undefined): boolean => c !== undefined && (c === ' ' || c === '\t' || c === '\n') && ifs.includes(c);
  const sep = (c: string | undefined): boolean => c !== undefined && ifs.includes(c);
  let i = 0;
  while (ws(line[i])) i++;
  const out: string[] = [];
  for (let k = 0; k < n - 1 && i < line.length; k++) {
    let j = i;
    while (j < line.length && !sep(line[j])) j++;
    out.push(line.slice(i, j));
    while (ws(line[j])) j++;
    if (sep(line[j]) && !ws(line[j])) {
      j++;
      while (ws(line[j])) j++;
    }
    i = j;
  }
  let last = line.slice(i);
  let end = last.length;
  while (end > 0 && ws(last[end - 1])) end--;
  last = last.slice(0, end);
  if (i < line.length || out.length < n) out.push(last);
  return out;
}

/** A line with backslash-newline joined (unless -r) and backslashes removed. */
function* readLogicalLine(src: Source, raw: boolean): G<{ line: string; complete: boolean } | null> {
  let line = '';
  for (;;) {
    const r = yield* readLine(src);
    if (r === null) return line === '' ? null : { line, complete: false };
    if (!raw && r.line.endsWith('\\') && r.complete) {
      line += r.line.slice(0, -1);
      continue;
    }
    line += r.line;
    if (!raw) line = line.replace(/\\(.)/g, '$1');
    return { line, complete: r.complete };
  }
}

const wait: Builtin = function* (sh, argv, fds) {
  const pids = argv.slice(1).map(Number);
  const targets = pids.length === 0 ? [...sh.jobs.values()] : pids.map((p) => sh.jobs.get(p) ?? p);
  let status = 0;
  for (const t of targets) {
    if (typeof t === 'number') {
      status = 127;
      continue;
    }
    const r = yield* sh.interruptibly(fds, function* () {
      yield* waitAll([t]);
      return t.exitCode ?? 0;
    }, (s) => -s);
    if (r < 0) return -r;
    // A job's status is reported once.
    sh.jobs.delete(t.pid);
    status = r;
  }
  return pids.length === 0 ? 0 : status;
};

const exec: Builtin = function* (sh, argv, fds) {
  const args = argv.slice(1);
  if (args.length === 0) {
    // `exec >file 2>&1`: the redirections stay for the rest of the shell.
    sh.redirectPermanently(fds);
    return 0;
  }
  const status = yield* sh.external(args, fds, [], true);
  sh.replaced();
  throw new ShellExit(status);
};

const evalBuiltin: Builtin = function* (sh, argv, fds) {
  const src = argv.slice(1).join(' ');
  sh.status = 0;
  return yield* sh.evalString(src, fds);
};

const dot: Builtin = function* (sh, argv, fds) {
  const name = argv[1];
  if (name === undefined) return 0;
  const path = name.includes('/') ? normalizePath(name, sh.cwd) : (lookPath(name, sh.env.fs, sh.cwd, sh.getVar('PATH')) ?? normalizePath(name, sh.cwd));
  let src: string;
  try {
    src = sh.env.fs.readFile(path);
  } catch (e) {
    sh.err(fds, sh.message(`can't open '${name}': ${errorText(e)}`, '.'));
    throw new ShellExit(2);
  }
  const saved = sh.positional;
  if (argv.length > 2) sh.positional = argv.slice(2);
  try {
    return yield* sh.evalString(src, fds);
  } catch (e) {
    if (e instanceof FunctionReturn) return e.status;
    throw e;
  } finally {
    if (argv.length > 2) sh.positional = saved;
  }
};

function describe(sh: Shell, name: string): { kind: 'builtin' | 'function' | 'file'; path?: string } | undefined {
  if (sh.funcs.has(name)) return { kind: 'function' };
  if (BUILTINS.has(name)) return { kind: 'builtin' };
  const path = lookPath(name, sh.env.fs, sh.cwd, sh.getVar('PATH'));
  return path === undefined ? undefined : { kind: 'file', path };
}

const command: Builtin = function* (sh, argv, fds) {
  let args = argv.slice(1);
  let mode: '-v' | '-V' | undefined;
  while (args[0] === '-v' || args[0] === '-V' || args[0] === '-p') {
    if (args[0] !== '-p') mode = args[0] as '-v' | '-V';
    args = args.slice(1);
  }
  if (args.length === 0) return 0;
  if (mode !== undefined) {
    let status = 0;
    for (const name of args) {
      const d = describe(sh, name);
      if (d === undefined) {
        if (mode === '-V') sh.err(fds, `${name}: not found\n`);
        status = 127;
        continue;
      }
      if (mode === '-v') out(fds, `${d.path ?? name}\n`);
      else out(fds, typeLine(name, d));
    }
    return status;
  }
  return yield* sh.invoke(args, fds, [], false, true);
};

function typeLine(name: string, d: { kind: string; path?: string }): string {
  return d.kind === 'function' ? `${name} is a function\n` : d.kind === 'builtin' ? `${name} is a shell builtin\n` : `${name} is ${d.path}\n`;
}

const type = sync((sh, argv, fds) => {
  let status = 0;
  for (const name of argv.slice(1)) {
    const d = describe(sh, name);
    if (d === undefined) {
      out(fds, `${name}: not found\n`);
      status = 127;
    } else out(fds, typeLine(name, d));
  }
  return status;
});

const kill = sync((sh, argv, fds) => {
  let args = argv.slice(1);
  let signal = 15;
  if (args[0] === '-l') {
    if (args[1] !== undefined) {
      const n = Number(args[1]);
      out(fds, `${signalName(n > 128 ? n - 128 : n) ?? args[1]}\n`);
    } else out(fds, `${Object.keys(SIGNALS).join('\n')}\n`);
    return 0;
  }
  if (args[0] === '-s' || args[0] === '-n') {
    const n = signalNumber(args[1] ?? '');
    if (n === undefined) {
      sh.err(fds, `${sh.arg0}: bad signal name '${args[1] ?? ''}'\n`);
      return 1;
    }
    signal = n;
    args = args.slice(2);
  } else if (args[0]?.startsWith('-') === true && args[0] !== '--') {
    const n = signalNumber(args[0].slice(1));
    if (n === undefined) {
      sh.err(fds, `${sh.arg0}: bad signal name '${args[0].slice(1)}'\n`);
      return 1;
    }
    signal = n;
    args = args.slice(1);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sh.err(fds, `${sh.arg0}: kill: usage: kill [-s sigspec | -signum | -sigspec] [pid | job]... or\nkill -l [exitstatus]\n`);
    return 1;
  }
  let status = 0;
  for (const a of args) {
    const pid = Number(a);
    if (!/^-?\d+$/.test(a)) {
      sh.err(fds, `${sh.arg0}: invalid number '${a}'\n`);
      status = 1;
      continue;
    }
    // Signalling the shell itself throws the signal right here, as delivery on return from kill(2).
    if (!sh.ctx.proc.ns.kill(pid, signal)) {
      sh.err(fds, sh.flavour === 'dash' ? `${sh.message('No such process', 'kill')}\n` : `${sh.arg0}: can't kill pid ${pid}: No such process\n`);
      status = 1;
    }
  }
  return status;
});

const getopts = sync((sh, argv) => {
  const spec = argv[1] ?? '';
  const name = argv[2] ?? 'opt';
  const params = argv.length > 3 ? argv.slice(3) : sh.positional;
  let optind = Number(sh.getVar('OPTIND') ?? '1') || 1;
  const sub = sh.optSub;
  const arg = params[optind - 1];
  if (arg === undefined || !arg.startsWith('-') || arg === '-' || (sub === 0 && arg === '--')) {
    if (arg === '--') sh.setVar('OPTIND', String(optind + 1));
    sh.setVar(name, '?');
    sh.optSub = 0;
    return 1;
  }
  const pos = sub === 0 ? 1 : sub;
  const c = arg[pos]!;
  const at = spec.indexOf(c);
  const advance = (): void => {
    if (pos + 1 >= arg.length) {
      optind++;
      sh.optSub = 0;
    } else sh.optSub = pos + 1;
  };
  if (at < 0 || c === ':') {
    sh.setVar(name, '?');
    sh.unsetVar('OPTARG');
    advance();
    sh.setVar('OPTIND', String(optind));
    return 0;
  }
  sh.setVar(name, c);
  if (spec[at + 1] === ':') {
    if (pos + 1 < arg.length) {
      sh.setVar('OPTARG', arg.slice(pos + 1));
      optind++;
    } else {
      sh.setVar('OPTARG', params[optind] ?? '');
      optind += 2;
    }
    sh.optSub = 0;
  } else {
    sh.unsetVar('OPTARG');
    advance();
  }
  sh.setVar('OPTIND', String(optind));
  return 0;
});

const constant = (status: number): Builtin => sync(() => status);

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [':', constant(0)],
  ['true', constant(0)],
  ['false', constant(1)],
  ['echo', echo],
  ['printf', printfBuiltin],
  ['test', testBuiltin(false)],
  ['[', testBuiltin(true)],
  ['cd', cd],
  ['pwd', pwd],
  ['export', declare('export')],
  ['readonly', declare('readonly')],
  ['unset', unset],
  ['local', local],
  ['exit', exit],
  ['return', ret],
  ['break', loopControl('break')],
  ['continue', loopControl('continue')],
  ['set', set],
  ['shift', shift],
  ['trap', trap],
  ['read', read],
  ['wait', wait],
  ['exec', exec],
  ['eval', evalBuiltin],
  ['.', dot],
  ['source', dot],
  ['command', command],
  ['type', type],
  ['kill', kill],
  ['getopts', getopts],
  ['umask', sync((_sh, argv, fds) => (argv.length > 1 ? 0 : (out(fds, '0022\n'), 0)))],
  ['ulimit', sync((_sh, _argv, fds) => (out(fds, 'unlimited\n'), 0))],
  ['times', sync((_sh, _argv, fds) => (out(fds, '0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n'), 0))],
  ['hash', constant(0)],
  ['jobs', constant(0)],
]);
