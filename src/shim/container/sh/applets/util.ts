// What every applet needs: option parsing the way busybox's getopt32 does it,
// paths relative to the working directory, reading files or stdin, error lines.
import type { Ctx, RuntimeProgram } from '../../process.ts';
import { read } from '../../stream.ts';
import type { FileSystem, StdinChunk, Wait } from '../../types.ts';
import { errorText, normalizePath } from '../../vfs.ts';

export type G<T> = Generator<Wait, T, StdinChunk | undefined>;
export type Applet = RuntimeProgram;

export interface Parsed {
  /** Flags seen (`-l` → 'l'); repeated flags count. */
  flags: Map<string, number>;
  /** Option values by letter (last one wins), and all of them in order. */
  values: Map<string, string>;
  all: Map<string, string[]>;
  operands: string[];
  /** An unknown option, for the applet's usage error. */
  bad?: string;
}

/**
 * `spec` lists option letters; a letter followed by `:` takes a value. Options may be
 * bundled (`-la`), values attached (`-n5`) or separate (`-n 5`); `--` ends options;
 * operands and options may mix (GNU getopt permutes, and busybox uses it). `long`
 * maps `--name` (and `--name=value`) to a letter.
 */
export function parseArgs(argv: readonly string[], spec: string, long: Record<string, string> = {}): Parsed {
  const takes = new Set<string>();
  const known = new Set<string>();
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i]!;
    if (c === ':') continue;
    known.add(c);
    if (spec[i + 1] === ':') takes.add(c);
  }
  const p: Parsed = { flags: new Map(), values: new Map(), all: new Map(), operands: [] };
  const set = (c: string, v?: string): void => {
    p.flags.set(c, (p.flags.get(c) ?? 0) + 1);
    if (v !== undefined) {
      p.values.set(c, v);
      p.all.set(c, [...(p.all.get(c) ?? []), v]);
    }
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      p.operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const letter = long[name];
      if (letter === undefined) {
        p.bad ??= a;
        continue;
      }
      if (takes.has(letter)) set(letter, eq >= 0 ? a.slice(eq + 1) : argv[++i] ?? '');
      else set(letter);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (!known.has(c)) {
          p.bad ??= `-${c}`;
          continue;
        }
        if (takes.has(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (v === undefined) p.bad ??= `-${c}`;
          else set(c, v);
          break;
        }
        set(c);
      }
      continue;
    }
    p.operands.push(a);
  }
  return p;
}

export const has = (p: Parsed, c: string): boolean => p.flags.has(c);

export function resolvePath(ctx: Ctx, path: string): string {
  return normalizePath(path, ctx.env.cwd);
}

/** `applet: message` on stderr. */
export function fail(ctx: Ctx, message: string): void {
  ctx.stderr(`${appletName(ctx)}: ${message}\n`);
}

export function appletName(ctx: Ctx): string {
  const a = ctx.argv[0] ?? '';
  return a.slice(a.lastIndexOf('/') + 1);
}

/** busybox's "invalid option -- 'z'" with the usage line. */
export function usage(ctx: Ctx, bad: string, text: string): number {
  const name = appletName(ctx);
  ctx.stderr(bad.startsWith('--') ? `${name}: unrecognized option '${bad}'\n` : `${name}: invalid option -- '${bad.slice(1)}'\n`);
  ctx.stderr(`BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: ${name} ${text}\n`);
  return 1;
}

/** The content of an operand (`-` is stdin), or the error text. */
export function* contentOf(ctx: Ctx, operand: string): G<{ data: string } | { error: string }> {
  if (operand === '-') {
    let data = '';
    for (;;) {
      const chunk = yield* read(ctx.stdin);
      if (chunk === null) return { data };
      data += chunk;
    }
  }
  try {
    return { data: ctx.env.fs.readFile(resolvePath(ctx, operand)) };
  } catch (e) {
    return { error: errorText(e) };
  }
}

/** Lines of a text, without the empty string after a final newline. */
export function lines(data: string): string[] {
  if (data === '') return [];
  const out = data.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

export function isDir(fs: FileSystem, path: string): boolean {
  try {
    return fs.stat(path).type === 'dir';
  } catch {
    return false;
  }
}

export function busyboxImage(ctx: Ctx): boolean {
  return ctx.env.fs.exists('/bin/busybox');
}

/** busybox's make_human_readable_str: `0`, `512`, `4.0K`, `1.9M`, `97.9G`. */
export function humanSize(bytes: number): string {
  if (bytes === 0) return '0';
  let val = bytes;
  let frac = 0;
  let unit = 0;
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  while (val >= 1024) {
    frac = Math.floor(((val % 1024) * 10 + 512) / 1024);
    val = Math.floor(val / 1024);
    unit++;
  }
  if (frac >= 10) {
    val++;
    frac = 0;
  }
  return unit === 0 ? String(val) : `${val}.${frac}${units[unit]}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** strftime(3) in UTC (containers run in UTC). */
export function strftime(format: string, ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2, c = '0'): string => String(n).padStart(w, c);
  const year = d.getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  const yday = Math.floor((ms - start) / 86_400_000) + 1;
  const h12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  return format.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'Y': return String(year);
      case 'y': return p(year % 100);
      case 'C': return p(Math.floor(year / 100));
      case 'm': return p(d.getUTCMonth() + 1);
      case 'd': return p(d.getUTCDate());
      case 'e': return p(d.getUTCDate(), 2, ' ');
      case 'H': return p(d.getUTCHours());
      case 'I': return p(h12);
      case 'k': return p(d.getUTCHours(), 2, ' ');
      case 'l': return p(h12, 2, ' ');
      case 'M': return p(d.getUTCMinutes());
      case 'S': return p(d.getUTCSeconds());
      case 'N': return p((ms % 1000) * 1_000_000, 9);
      case 's': return String(Math.floor(ms / 1000));
      case 'a': return DAYS[d.getUTCDay()]!;
      case 'A': return ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][d.getUTCDay()]!;
      case 'b':
      case 'h': return MONTHS[d.getUTCMonth()]!;
      case 'B': return ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][d.getUTCMonth()]!;
      case 'j': return p(yday, 3);
      case 'u': return String(d.getUTCDay() === 0 ? 7 : d.getUTCDay());
      case 'w': return String(d.getUTCDay());
      case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case 'T': return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
      case 'R': return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
      case 'D': return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(year % 100)}`;
      case 'F': return `${year}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
      case 'c': return strftime('%a %b %e %H:%M:%S %Y', ms);
      case 'x': return strftime('%m/%d/%y', ms);
      case 'X': return strftime('%H:%M:%S', ms);
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return m;
    }
  });
}
