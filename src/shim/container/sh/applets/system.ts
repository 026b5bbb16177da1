// Process and system applets: sleep (on the virtual clock), date, hostname, env, id,
// whoami, pwd, uname, ps, kill, which, true/false.
import type { Ctx } from '../../process.ts';
import { Pipe } from '../../stream.ts';
import { SIGNALS, signalName, signalNumber } from '../../signal.ts';
import { lookPath, resolveCommand } from '../resolve.ts';
import { type Applet, busyboxImage, fail, has, parseArgs, strftime, usage } from './util.ts';

/** `1`, `0.5`, `2m`, `1h`, `1d` → ms; undefined when invalid. */
function duration(arg: string): number | undefined {
  const m = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(arg);
  if (m === null) return undefined;
  const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * unit);
}

export const sleep: Applet = function* (ctx) {
  const args = ctx.argv.slice(1);
  if (args.length === 0) return usage(ctx, '', '[N]...'), 1;
  if (args.includes('infinity') || args.includes('inf')) {
    for (;;) yield { kind: 'forever' };
  }
  let ms = 0;
  for (const a of args) {
    const d = duration(a);
    if (d === undefined) {
      fail(ctx, `invalid number '${a}'`);
      return 1;
    }
    ms += d;
  }
  if (ms > 0) yield { kind: 'sleep', ms };
  return 0;
};

function parseDate(s: string): number | undefined {
  if (s.startsWith('@')) {
    const n = Number(s.slice(1));
    return Number.isFinite(n) ? n * 1000 : undefined;
  }
  const iso = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/.test(s) ? `${s.replace(' ', 'T')}${s.length === 10 ? 'T00:00:00' : ''}Z` : s;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

export const date: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'uRI::d:D:s:r:', { utc: 'u', date: 'd', rfc2822: 'R', 'iso-8601': 'I' });
  let when = ctx.env.now();
  const d = p.values.get('d');
  if (d !== undefined) {
    const t = parseDate(d);
    if (t === undefined) {
      fail(ctx, `invalid date '${d}'`);
      return 1;
    }
    when = t;
  }
  const fmt = p.operands.find((o) => o.startsWith('+'));
  const setting = p.operands.find((o) => !o.startsWith('+')) ?? p.values.get('s');
  if (setting !== undefined) {
    fail(ctx, "can't set date: Operation not permitted");
    return 1;
  }
  let format = '%a %b %e %H:%M:%S %Z %Y';
  if (has(p, 'R')) format = '%a, %d %b %Y %H:%M:%S %z';
  if (has(p, 'I')) format = '%Y-%m-%d';
  if (fmt !== undefined) format = fmt.slice(1);
  ctx.stdout(`${strftime(format, when)}\n`);
  return 0;
};

export const hostname: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'isdfF:');
  if (has(p, 'i')) {
    const r = ctx.env.network?.resolve(ctx.env.hostname, ctx.env.namespace);
    if (r === undefined || r.addresses.length === 0) {
      fail(ctx, `${ctx.env.hostname}: bad address`);
      return 1;
    }
    ctx.stdout(`${r.addresses.join(' ')}\n`);
    return 0;
  }
  if (p.operands.length > 0) {
    fail(ctx, 'sethostname: Operation not permitted');
    return 1;
  }
  if (has(p, 'f')) {
    // gethostbyname(hostname)->h_name: the canonical (first) name of its /etc/hosts line.
    const line = readHosts(ctx).find((names) => names.includes(ctx.env.hostname));
    ctx.stdout(`${line?.[0] ?? ctx.env.hostname}\n`);
    return 0;
  }
  ctx.stdout(`${has(p, 's') ? ctx.env.hostname.split('.')[0] : ctx.env.hostname}\n`);
  return 0;
};

function readHosts(ctx: Parameters<Applet>[0]): string[][] {
  try {
    return ctx.env.fs.readFile('/etc/hosts').split('\n').filter((l) => !l.startsWith('#')).map((l) => l.trim().split(/\s+/).slice(1)).filter((n) => n.length > 0);
  } catch {
    return [];
  }
}

export const env: Applet = function* (ctx) {
  const args = ctx.argv.slice(1);
  let vars: Record<string, string> = { ...ctx.env.env };
  while (args.length > 0) {
    const a = args[0]!;
    if (a === '-i' || a === '-') vars = {};
    else if (a === '-u') {
      args.shift();
      delete vars[args[0] ?? ''];
    } else if (a === '--') {
      args.shift();
      break;
    } else if (/^[^=]+=/.test(a)) {
      const eq = a.indexOf('=');
      vars[a.slice(0, eq)] = a.slice(eq + 1);
    } else break;
    args.shift();
  }
  if (args.length === 0) {
    ctx.stdout(Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  const found = resolveCommand(args[0]!, ctx.env.fs, ctx.env.cwd, vars.PATH);
  if (found.kind === 'error') {
    fail(ctx, `can't execute '${args[0]}': No such file or directory`);
    return 127;
  }
  return yield* found.run({ ...ctx, argv: args, env: { ...ctx.env, env: vars } });
};

export const printenv: Applet = function* (ctx) {
  const names = ctx.argv.slice(1);
  if (names.length === 0) {
    ctx.stdout(Object.entries(ctx.env.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = ctx.env.env[n];
    if (v === undefined) status = 1;
    else ctx.stdout(`${v}\n`);
  }
  return status;
};

export const id: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'ugGnr');
  if (has(p, 'u') || has(p, 'g') || has(p, 'G')) {
    ctx.stdout(has(p, 'n') ? 'root\n' : '0\n');
    return 0;
  }
  ctx.stdout(busyboxImage(ctx) ? 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n' : 'uid=0(root) gid=0(root) groups=0(root)\n');
  return 0;
};

export const whoami: Applet = function* (ctx) {
  ctx.stdout('root\n');
  return 0;
};

export const pwd: Applet = function* (ctx) {
  ctx.stdout(`${ctx.env.cwd}\n`);
  return 0;
};

export const trueApplet: Applet = function* () {
  return 0;
};

export const falseApplet: Applet = function* () {
  return 1;
};

/** The kernel of the node kind runs on: the host's (Docker Desktop's LinuxKit here). */
const KERNEL = { release: '6.10.14-linuxkit', version: '#1 SMP Thu Mar 20 16:32:56 UTC 2025', machine: 'x86_64' };

export const uname: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'asnrvmpio', { all: 'a' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-amnrspvio]');
  const all = has(p, 'a');
  const parts: string[] = [];
  const want = (c: string): boolean => all || has(p, c);
  if (want('s') || p.flags.size === 0) parts.push('Linux');
  if (want('n')) parts.push(ctx.env.hostname);
  if (want('r')) parts.push(KERNEL.release);
  if (want('v')) parts.push(KERNEL.version);
  if (want('m')) parts.push(KERNEL.machine);
  if (has(p, 'p')) parts.push('unknown');
  if (has(p, 'i')) parts.push('unknown');
  if (want('o')) parts.push('GNU/Linux');
  ctx.stdout(`${parts.join(' ')}\n`);
  return 0;
};

/** Every process of the container (commands run in place by a shell included), by PID, with its start time. */
function processTable(ctx: Ctx): Array<[number, { argv: string[]; startedAt: number }]> {
  const ns = ctx.proc.ns;
  const rows = new Map<number, { argv: string[]; startedAt: number }>();
  for (const [pid, p] of ns.procs) rows.set(pid, p.proc);
  for (const [pid, c] of ns.children) rows.set(pid, c.proc);
  rows.set(ctx.proc.pid, { argv: ctx.argv, startedAt: ctx.proc.startedAt });
  return [...rows].sort(([a], [b]) => a - b);
}

/**
 * busybox ps; in a Debian/Ubuntu image, procps `ps -ef` (the ZooKeeper tutorial's
 * process tree: the entry point as PID 1, the JVM its child).
 */
export const ps: Applet = function* (ctx) {
  const rows = processTable(ctx);
  const full = ctx.argv.slice(1).some((a) => /^-\w*f/.test(a));
  if (full && !busyboxImage(ctx)) {
    // procps 3.3: `UID PID PPID C STIME TTY TIME CMD`; STIME is HH:MM of the start, TIME the CPU used.
    const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
    let out = 'UID        PID  PPID  C STIME TTY          TIME CMD\n';
    for (const [pid, p] of rows) out += `root     ${String(pid).padStart(5)} ${String(ctx.proc.ns.ppidOf(pid)).padStart(5)}  0 ${hhmm(p.startedAt)} ?        00:00:00 ${p.argv.join(' ')}\n`;
    ctx.stdout(out);
    return 0;
  }
  let out = 'PID   USER     TIME  COMMAND\n';
  for (const [pid, p] of rows) out += `${String(pid).padStart(5)} root      0:00 ${p.argv.join(' ')}\n`;
  ctx.stdout(out);
  return 0;
};

export const kill: Applet = function* (ctx) {
  let args = ctx.argv.slice(1);
  let signal = 15;
  if (args[0] === '-l') {
    ctx.stdout(`${args[1] !== undefined ? (signalName(Number(args[1])) ?? args[1]) : Object.keys(SIGNALS).join('\n')}\n`);
    return 0;
  }
  if (args[0] === '-s') {
    const n = signalNumber(args[1] ?? '');
    if (n === undefined) {
      fail(ctx, `bad signal name '${args[1] ?? ''}'`);
      return 1;
    }
    signal = n;
    args = args.slice(2);
  } else if (args[0]?.startsWith('-') === true) {
    const n = signalNumber(args[0].slice(1));
    if (n === undefined) {
      fail(ctx, `bad signal name '${args[0].slice(1)}'`);
      return 1;
    }
    signal = n;
    args = args.slice(1);
  }
  if (args.length === 0) return usage(ctx, '', '[-l] [-SIG] PID...'), 1;
  let status = 0;
  for (const a of args) {
    if (!/^-?\d+$/.test(a)) {
      fail(ctx, `invalid number '${a}'`);
      status = 1;
      continue;
    }
    if (!ctx.proc.ns.kill(Number(a), signal)) {
      fail(ctx, `can't kill pid ${a}: No such process`);
      status = 1;
    }
  }
  return status;
};

/**
 * busybox `pkill [-SIG] [-f] PATTERN`: signals every process whose name (or, with -f,
 * whole command line) the pattern matches, except itself; 1 when none matched.
 */
export const pkill: Applet = function* (ctx) {
  let args = ctx.argv.slice(1);
  let signal = 15;
  let full = false;
  while (args[0]?.startsWith('-') === true && args.length > 1) {
    const a = args.shift()!;
    if (a === '-f') full = true;
    else {
      const n = signalNumber(a.slice(1));
      if (n === undefined) return usage(ctx, '', '[-l|-SIGNAL] [-xfvnoe] [-s SID|-P PPID|PATTERN]'), 1;
      signal = n;
    }
  }
  const pattern = args[0];
  if (pattern === undefined) return usage(ctx, '', '[-l|-SIGNAL] [-xfvnoe] [-s SID|-P PPID|PATTERN]'), 1;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return 1;
  }
  const ns = ctx.proc.ns;
  const matched = processTable(ctx).filter(([pid, p]) => {
    if (pid === ctx.proc.pid) return false;
    const argv = p.argv;
    const comm = (argv[0] ?? '').split('/').pop()!.slice(0, 15);
    return re.test(full ? argv.join(' ') : comm);
  });
  for (const [pid] of matched) ns.kill(pid, signal);
  return matched.length > 0 ? 0 : 1;
};

export const which: Applet = function* (ctx) {
  let status = 0;
  for (const name of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const path = lookPath(name, ctx.env.fs, ctx.env.cwd, ctx.env.env.PATH);
    if (path === undefined) status = 1;
    else ctx.stdout(`${path}\n`);
  }
  return status;
};

export const clear: Applet = function* (ctx) {
  ctx.stdout('\x1b[H\x1b[J');
  return 0;
};

export const sync: Applet = function* () {
  return 0;
};

/** `nohup CMD…`: CMD with stdin from /dev/null (there is no hangup to ignore here). */
export const nohup: Applet = function* (ctx) {
  const args = ctx.argv.slice(1);
  const found = resolveCommand(args[0] ?? '', ctx.env.fs, ctx.env.cwd, ctx.env.env.PATH);
  if (found.kind === 'error') {
    fail(ctx, `can't execute '${args[0] ?? ''}': No such file or directory`);
    return 127;
  }
  return yield* found.run({ ...ctx, argv: args, stdin: Pipe.of('') });
};

