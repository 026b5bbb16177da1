// Text applets: head, tail, wc, sort, uniq, tr, cut, tee, yes, seq, base64, and the
// standalone echo/printf/test for images without a shell builtin. Filters stream as
// lines arrive. grep, sed and expr have files of their own.
import type { Ctx } from '../../process.ts';
import { eachLine, read } from '../../stream.ts';
import { errorText } from '../../vfs.ts';
import { echoEscapes, printf } from './format.ts';
import { evalTest, TestError } from './test.ts';
import { type Applet, contentOf, fail, has, lines, parseArgs, resolvePath, usage, type G } from './util.ts';

/** Runs `onText` on each operand's content (stdin for none or `-`); prints busybox's error for the rest. */
function* eachInput(ctx: Ctx, operands: string[], onText: (name: string, data: string) => void, openError = (op: string, e: string): string => `${op}: ${e}`): G<number> {
  let status = 0;
  for (const op of operands.length > 0 ? operands : ['-']) {
    const r = yield* contentOf(ctx, op);
    if ('error' in r) {
      fail(ctx, openError(op, r.error));
      status = 1;
      continue;
    }
    onText(op, r.data);
  }
  return status;
}

// ---------------------------------------------------------------- head, tail

/** `-5` → `-n 5` (historic syntax both applets accept). */
function numericShorthand(argv: string[]): string[] {
  return argv.map((a, i) => (i > 0 && /^-\d+$/.test(a) ? `-n${a.slice(1)}` : a));
}

export const head: Applet = function* (ctx) {
  const p = parseArgs(numericShorthand(ctx.argv), 'n:c:qv', { lines: 'n', bytes: 'c' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[OPTIONS] [FILE]...');
  const n = Number(p.values.get('n') ?? 10);
  const bytes = p.values.get('c');
  const operands = p.operands.length > 0 ? p.operands : ['-'];
  const headers = (operands.length > 1 && !has(p, 'q')) || has(p, 'v');
  let status = 0;
  let first = true;
  for (const op of operands) {
    if (op === '-' && bytes === undefined) {
      if (headers) ctx.stdout(`${first ? '' : '\n'}==> standard input <==\n`);
      first = false;
      let count = 0;
      if (n > 0) {
        yield* eachLine(ctx.stdin, (line) => {
          ctx.stdout(`${line}\n`);
          return ++count < n;
        });
      }
      continue;
    }
    const r = yield* contentOf(ctx, op);
    if ('error' in r) {
      fail(ctx, `${op}: ${r.error}`);
      status = 1;
      continue;
    }
    if (headers) ctx.stdout(`${first ? '' : '\n'}==> ${op} <==\n`);
    first = false;
    if (bytes !== undefined) ctx.stdout(r.data.slice(0, Number(bytes)));
    else {
      let end = n > 0 ? -1 : 0;
      for (let k = 0; k < n; k++) {
        end = r.data.indexOf('\n', end + 1);
        if (end < 0) break;
      }
      ctx.stdout(end < 0 ? r.data : r.data.slice(0, n > 0 ? end + 1 : 0));
    }
  }
  return status;
};

function tailOf(data: string, spec: string, bytes: boolean): string {
  const fromStart = spec.startsWith('+');
  const n = Number(spec.replace(/^[+-]/, ''));
  if (bytes) return fromStart ? data.slice(Math.max(0, n - 1)) : n === 0 ? '' : data.slice(-n);
  const parts = data.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return (fromStart ? parts.slice(Math.max(0, n - 1)) : n === 0 ? [] : parts.slice(-n)).join('');
}

export const tail: Applet = function* (ctx) {
  const p = parseArgs(numericShorthand(ctx.argv), 'n:c:fFqvs:', { lines: 'n', bytes: 'c', follow: 'f' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[OPTIONS] [FILE]...');
  const spec = p.values.get('c') ?? p.values.get('n') ?? '10';
  const bytes = p.values.has('c');
  const follow = has(p, 'f') || has(p, 'F');
  const interval = Number(p.values.get('s') ?? 1) * 1000;
  const operands = p.operands.length > 0 ? p.operands : ['-'];
  const headers = (operands.length > 1 && !has(p, 'q')) || has(p, 'v');
  const fs = ctx.env.fs;
  let status = 0;
  const followed: Array<{ op: string; path: string; size: number }> = [];
  let first = true;
  for (const op of operands) {
    const r = yield* contentOf(ctx, op);
    if ('error' in r) {
      fail(ctx, `can't open '${op}': ${r.error}`);
      status = 1;
      continue;
    }
    if (headers) ctx.stdout(`${first ? '' : '\n'}==> ${op === '-' ? 'standard input' : op} <==\n`);
    first = false;
    ctx.stdout(tailOf(r.data, spec, bytes));
    if (follow && op !== '-') followed.push({ op, path: resolvePath(ctx, op), size: r.data.length });
  }
  if (status !== 0 && followed.length === 0 && operands.length > 0 && !follow) {
    if (operands.every((op) => op !== '-' && !fs.exists(resolvePath(ctx, op)))) fail(ctx, 'no files');
  }
  if (!follow || followed.length === 0) return status;
  // busybox polls followed files once a second.
  for (;;) {
    yield { kind: 'sleep', ms: interval };
    for (const f of followed) {
      let data: string;
      try {
        data = fs.readFile(f.path);
      } catch {
        continue;
      }
      if (data.length < f.size) {
        fail(ctx, `${f.op}: file truncated`);
        f.size = 0;
      }
      if (data.length > f.size) {
        if (headers && followed.length > 1) ctx.stdout(`\n==> ${f.op} <==\n`);
        ctx.stdout(data.slice(f.size));
        f.size = data.length;
      }
    }
  }
};

// ---------------------------------------------------------------- wc

export const wc: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'lwcmL', { lines: 'l', words: 'w', bytes: 'c', chars: 'm' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-cmlwL] [FILE]...');
  const cols = ['l', 'w', 'c', 'm'].filter((c) => has(p, c));
  const which = cols.length === 0 ? ['l', 'w', 'c'] : cols;
  const rows: Array<{ name: string; counts: Record<string, number> }> = [];
  const count = (data: string): Record<string, number> => ({
    l: (data.match(/\n/g) ?? []).length,
    w: data.split(/\s+/).filter((w) => w !== '').length,
    c: utf8Length(data),
    m: [...data].length,
  });
  const status = yield* eachInput(ctx, p.operands, (name, data) => rows.push({ name, counts: count(data) }));
  if (rows.length > 1) {
    const total: Record<string, number> = { l: 0, w: 0, c: 0, m: 0 };
    for (const r of rows) for (const k of Object.keys(total)) total[k]! += r.counts[k]!;
    rows.push({ name: 'total', counts: total });
  }
  // One count of one input is printed bare; otherwise the columns line up.
  const bare = which.length === 1 && rows.length === 1;
  for (const r of rows) {
    const nums = which.map((k) => String(r.counts[k]));
    const shown = bare ? nums[0]! : nums.map((n) => n.padStart(9)).join(' ');
    ctx.stdout(r.name === '-' ? `${shown}\n` : `${shown} ${r.name}\n`);
  }
  return status;
};

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

// ---------------------------------------------------------------- sort, uniq

export const sort: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'nrufbk:t:sho:gcVM', { numeric: 'n', reverse: 'r', unique: 'u', key: 'k', 'field-separator': 't' });
  if (p.bad !== undefined) return usage(ctx, p.bad, '[-nrugMcszbdfiokt] [-o FILE] [-k START[.OFFS][OPTS][,END[.OFFS][OPTS]] [-t CHAR] [FILE]...');
  const all: string[] = [];
  const status = yield* eachInput(ctx, p.operands, (_n, data) => all.push(...lines(data)));
  const sep = p.values.get('t');
  const keys = (p.all.get('k') ?? []).map((k) => {
    const m = /^(\d+)(?:\.\d+)?([a-z]*)(?:,(\d+)(?:\.\d+)?([a-z]*))?$/.exec(k);
    return { start: Number(m?.[1] ?? 1), end: m?.[3] === undefined ? undefined : Number(m[3]), numeric: (m?.[2] ?? '').includes('n') || (m?.[4] ?? '').includes('n'), reverse: (m?.[2] ?? '').includes('r') };
  });
  const fields = (line: string): string[] => (sep !== undefined ? line.split(sep) : line.trim().split(/\s+/));
  const keyOf = (line: string, k: { start: number; end?: number }): string => {
    const f = fields(line);
    return f.slice(k.start - 1, k.end ?? f.length).join(sep ?? ' ');
  };
  const numeric = has(p, 'n') || has(p, 'g') || has(p, 'h');
  const num = (s: string): number => {
    const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)/.exec(s);
    return m === null ? 0 : Number(m[0]);
  };
  const cmpStr = (a: string, b: string): number => {
    const x = has(p, 'f') ? a.toUpperCase() : a;
    const y = has(p, 'f') ? b.toUpperCase() : b;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const compare = (a: string, b: string): number => {
    for (const k of keys) {
      const ka = keyOf(a, k);
      const kb = keyOf(b, k);
      let c = k.numeric || numeric ? num(ka) - num(kb) : cmpStr(ka, kb);
      if (k.reverse) c = -c;
      if (c !== 0) return c;
    }
    if (keys.length === 0 && numeric) {
      const c = num(a) - num(b);
      if (c !== 0) return c;
    }
    return has(p, 's') && keys.length > 0 ? 0 : cmpStr(a, b);
  };
  let sorted = [...all].sort(compare);
  if (has(p, 'r')) sorted.reverse();
  if (has(p, 'u')) sorted = sorted.filter((l, i) => i === 0 || compare(sorted[i - 1]!, l) !== 0);
  const outFile = p.values.get('o');
  const text = sorted.map((l) => `${l}\n`).join('');
  if (outFile !== undefined) ctx.env.fs.writeFile(resolvePath(ctx, outFile), text);
  else ctx.stdout(text);
  return status;
};

export const uniq: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'cdui', { count: 'c', repeated: 'd', unique: 'u', 'ignore-case': 'i' });
  const input = p.operands[0] ?? '-';
  const r = yield* contentOf(ctx, input);
  if ('error' in r) {
    fail(ctx, `${input}: ${r.error}`);
    return 1;
  }
  const eq = (a: string, b: string): boolean => (has(p, 'i') ? a.toLowerCase() === b.toLowerCase() : a === b);
  let out = '';
  const ls = lines(r.data);
  for (let i = 0; i < ls.length; ) {
    let j = i + 1;
    while (j < ls.length && eq(ls[j]!, ls[i]!)) j++;
    const n = j - i;
    if ((!has(p, 'd') || n > 1) && (!has(p, 'u') || n === 1)) out += has(p, 'c') ? `${String(n).padStart(7)} ${ls[i]}\n` : `${ls[i]}\n`;
    i = j;
  }
  if (p.operands[1] !== undefined) ctx.env.fs.writeFile(resolvePath(ctx, p.operands[1]), out);
  else ctx.stdout(out);
  return 0;
};

// ---------------------------------------------------------------- tr, cut, tee

const TR_CLASSES: Record<string, string> = {
  lower: 'abcdefghijklmnopqrstuvwxyz', upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', digit: '0123456789', space: ' \t\n\r\f\v', blank: ' \t',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', alnum: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  punct: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', xdigit: '0123456789ABCDEFabcdef',
};

function trSet(spec: string): string[] {
  const out: string[] = [];
  const chars: string[] = [];
  for (let i = 0; i < spec.length; i++) {
    if (spec.startsWith('[:', i)) {
      const end = spec.indexOf(':]', i + 2);
      const cls = TR_CLASSES[spec.slice(i + 2, end)];
      if (end > 0 && cls !== undefined) {
        chars.push(...cls.split('').map((c) => `\u0000${c}`));
        i = end + 1;
        continue;
      }
    }
    if (spec[i] === '\\' && i + 1 < spec.length) {
      const n = spec[++i]!;
      chars.push(n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === '\\' ? '\\' : /[0-7]/.test(n) ? String.fromCharCode(parseInt(/^[0-7]{1,3}/.exec(spec.slice(i))![0], 8)) : n);
      if (/[0-7]/.test(n)) i += /^[0-7]{1,3}/.exec(spec.slice(i))![0].length - 1;
      continue;
    }
    chars.push(spec[i]!);
  }
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c.startsWith('\u0000')) {
      out.push(c.slice(1));
      continue;
    }
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined && !chars[i + 2]!.startsWith('\u0000')) {
      const a = c.charCodeAt(0);
      const b = chars[i + 2]!.charCodeAt(0);
      for (let k = a; k <= b; k++) out.push(String.fromCharCode(k));
      i += 2;
      continue;
    }
    out.push(c);
  }
  return out;
}

export const tr: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'dscC', { delete: 'd', 'squeeze-repeats': 's', complement: 'c' });
  const [s1 = '', s2] = p.operands;
  const set1 = trSet(s1);
  const set2 = s2 === undefined ? [] : trSet(s2);
  const complement = has(p, 'c') || has(p, 'C');
  const inSet1 = (c: string): boolean => set1.includes(c) !== complement;
  const map = (c: string): string => {
    if (has(p, 'd') || set2.length === 0 || !inSet1(c)) return c;
    if (complement) return set2[set2.length - 1]!;
    return set2[Math.min(set1.lastIndexOf(c), set2.length - 1)]!;
  };
  const squeeze = has(p, 's') ? new Set(s2 !== undefined && !has(p, 'd') ? set2 : set1) : undefined;
  let last = '';
  for (;;) {
    const chunk = yield* read(ctx.stdin);
    if (chunk === null) return 0;
    let out = '';
    for (const c of chunk) {
      if (has(p, 'd') && inSet1(c)) continue;
      const m = map(c);
      if (squeeze !== undefined && m === last && squeeze.has(m)) continue;
      out += m;
      last = m;
    }
    ctx.stdout(out);
  }
};

function ranges(list: string): (n: number) => boolean {
  const parts = list.split(',').map((r) => {
    const m = /^(\d*)(-?)(\d*)$/.exec(r);
    if (m === null) return () => false;
    const a = m[1] === '' ? 1 : Number(m[1]);
    const b = m[2] === '' ? a : m[3] === '' ? Infinity : Number(m[3]);
    return (n: number): boolean => n >= a && n <= b;
  });
  return (n) => parts.some((f) => f(n));
}

export const cut: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'd:f:c:b:s', { delimiter: 'd', fields: 'f', characters: 'c', bytes: 'b', 'only-delimited': 's' });
  const fieldList = p.values.get('f');
  const charList = p.values.get('c') ?? p.values.get('b');
  if (fieldList === undefined && charList === undefined) {
    fail(ctx, 'expected a list of bytes, characters, or fields');
    return 1;
  }
  const delim = p.values.get('d') ?? '\t';
  const pick = ranges(fieldList ?? charList!);
  const cutLine = (line: string): string | undefined => {
    if (charList !== undefined) return [...line].filter((_, i) => pick(i + 1)).join('');
    if (!line.includes(delim)) return has(p, 's') ? undefined : line;
    return line.split(delim).filter((_, i) => pick(i + 1)).join(delim);
  };
  const operands = p.operands.length > 0 ? p.operands : ['-'];
  let status = 0;
  for (const op of operands) {
    const onLine = (line: string): void => {
      const r = cutLine(line);
      if (r !== undefined) ctx.stdout(`${r}\n`);
    };
    if (op === '-') {
      yield* eachLine(ctx.stdin, onLine);
      continue;
    }
    const r = yield* contentOf(ctx, op);
    if ('error' in r) {
      fail(ctx, `${op}: ${r.error}`);
      status = 1;
      continue;
    }
    lines(r.data).forEach(onLine);
  }
  return status;
};

export const tee: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'ai', { append: 'a' });
  const fs = ctx.env.fs;
  const paths: string[] = [];
  let status = 0;
  for (const op of p.operands) {
    const path = resolvePath(ctx, op);
    try {
      if (!has(p, 'a') || !fs.exists(path)) fs.writeFile(path, '');
      paths.push(path);
    } catch (e) {
      fail(ctx, `${op}: ${errorText(e)}`);
      status = 1;
    }
  }
  for (;;) {
    const chunk = yield* read(ctx.stdin);
    if (chunk === null) return status;
    ctx.stdout(chunk);
    for (const path of paths) {
      try {
        fs.writeFile(path, chunk, { append: true });
      } catch {
        status = 1;
      }
    }
  }
};

// ---------------------------------------------------------------- generators

export const yes: Applet = function* (ctx) {
  const line = `${ctx.argv.length > 1 ? ctx.argv.slice(1).join(' ') : 'y'}\n`;
  // Writing into a closed pipe ends it (SIGPIPE); a busy writer gives up virtual CPU time.
  for (let n = 0; ; n++) {
    ctx.stdout(line.repeat(64));
    if (n % 16 === 15) yield { kind: 'sleep', ms: 10, background: n > 1600 };
  }
};

export const seq: Applet = function* (ctx) {
  const args = [...ctx.argv.slice(1)];
  let sep = '\n';
  let width = false;
  while (args[0] !== undefined && /^-[ws]/.test(args[0]) && !/^-\d/.test(args[0])) {
    const a = args.shift()!;
    if (a === '-w') width = true;
    else if (a.startsWith('-s')) sep = a.length > 2 ? a.slice(2) : (args.shift() ?? '\n');
  }
  if (args.length === 0 || args.length > 3 || args.some((a) => !Number.isFinite(Number(a)))) {
    if (args.some((a) => !Number.isFinite(Number(a)))) fail(ctx, `invalid number '${args.find((a) => !Number.isFinite(Number(a)))}'`);
    else usage(ctx, '', '[-w] [-s SEP] [FIRST [INC]] LAST');
    return 1;
  }
  const [first, inc, last] = args.length === 1 ? ['1', '1', args[0]!] : args.length === 2 ? [args[0]!, '1', args[1]!] : [args[0]!, args[1]!, args[2]!];
  const decimals = Math.max(...[first, inc].map((a) => (a.includes('.') ? a.length - a.indexOf('.') - 1 : 0)));
  const a = Number(first);
  const step = Number(inc);
  const b = Number(last);
  if (step === 0) return 0;
  const out: string[] = [];
  for (let i = 0, v = a; step > 0 ? v <= b + 1e-9 : v >= b - 1e-9; i++, v = a + i * step) {
    out.push(v.toFixed(decimals));
    if (out.length > 1_000_000) break;
  }
  if (width) {
    const w = Math.max(...out.map((s) => s.length));
    for (let i = 0; i < out.length; i++) out[i] = out[i]!.replace(/^(-?)/, (m) => m).padStart(w, '0');
  }
  if (out.length > 0) ctx.stdout(`${out.join(sep)}\n`);
  return 0;
};

// ---------------------------------------------------------------- base64

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function fromUtf8(bytes: number[]): string {
  try {
    return decodeURIComponent(bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
  } catch {
    return String.fromCharCode(...bytes);
  }
}

export const base64: Applet = function* (ctx) {
  const p = parseArgs(ctx.argv, 'dw:i', { decode: 'd', wrap: 'w' });
  const input = p.operands[0] ?? '-';
  const r = yield* contentOf(ctx, input);
  if ('error' in r) {
    fail(ctx, `${input}: ${r.error}`);
    return 1;
  }
  if (has(p, 'd')) {
    const bytes: number[] = [];
    let bits = 0;
    let value = 0;
    for (const ch of r.data) {
      if (ch === '=' || /\s/.test(ch)) continue;
      const v = B64.indexOf(ch);
      if (v < 0) {
        fail(ctx, 'invalid input');
        ctx.stdout(fromUtf8(bytes));
        return 1;
      }
      value = (value << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((value >> bits) & 0xff);
      }
    }
    ctx.stdout(fromUtf8(bytes));
    return 0;
  }
  const bytes = utf8Bytes(r.data);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (b === undefined ? '=' : B64[(n >> 6) & 63]!) + (c === undefined ? '=' : B64[n & 63]!);
  }
  const wrap = Number(p.values.get('w') ?? 76);
  const wrapped = wrap > 0 ? (out.match(new RegExp(`.{1,${wrap}}`, 'g')) ?? []).join('\n') : out;
  ctx.stdout(wrapped === '' ? '' : `${wrapped}\n`);
  return 0;
};

// ---------------------------------------------------------------- echo, printf, test

export const echo: Applet = function* (ctx) {
  let args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0]!)) {
    for (const f of args[0]!.slice(1)) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) {
    const e = echoEscapes(text);
    text = e.text;
    if (e.stop) newline = false;
  }
  ctx.stdout(newline ? `${text}\n` : text);
  return 0;
};

export const printfApplet: Applet = function* (ctx) {
  if (ctx.argv.length < 2) return usage(ctx, '', 'FORMAT [ARG]...'), 1;
  const r = printf(ctx.argv[1]!, ctx.argv.slice(2));
  ctx.stdout(r.out);
  for (const e of r.errors) fail(ctx, e);
  return r.errors.length > 0 ? 1 : 0;
};

export const test: Applet = function* (ctx) {
  let args = ctx.argv.slice(1);
  if ((ctx.argv[0] ?? '').endsWith('[')) {
    if (args[args.length - 1] !== ']') {
      fail(ctx, 'missing ]');
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evalTest(args, ctx.env.fs, ctx.env.cwd);
  } catch (e) {
    if (!(e instanceof TestError)) throw e;
    fail(ctx, e.message);
    return 2;
  }
};
