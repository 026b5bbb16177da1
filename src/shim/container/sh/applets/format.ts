// `printf` and `echo` formatting, shared by the shell builtins and /usr/bin/printf.

/** Backslash escapes of `echo -e` / `printf %b`: \n, \t, \0nnn, \xHH, `\c` stops output. */
export function echoEscapes(s: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    switch (n) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'c': return { text: out, stop: true };
      case 'e': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '0': {
        const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))![0];
        out += String.fromCharCode(parseInt(m === '' ? '0' : m, 8) & 0xff);
        i += m.length;
        break;
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (m === null) out += '\\x';
        else {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        }
        break;
      }
      default:
        if (/[1-7]/.test(n)) {
          const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
          out += String.fromCharCode(parseInt(m, 8) & 0xff);
          i += m.length - 1;
        } else out += `\\${n}`;
    }
  }
  return { text: out, stop: false };
}

/** Escapes in a printf format string (no `\c` handling beyond stopping). */
function formatEscapes(s: string): string {
  return echoEscapes(s.replace(/\\([0-7]{1,3})/g, (_, o: string) => `\\0${o}`)).text;
}

/** A numeric printf argument: `42`, `0x1f`, `010`, `'a` (the character's code). */
function toNumber(arg: string, errors: string[]): number {
  const a = arg.trim();
  if (a === '') return 0;
  if (a[0] === "'" || a[0] === '"') return a.length > 1 ? a.codePointAt(1)! : 0;
  if (/^[+-]?\d+$/.test(a)) return Number(a);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(a)) return Number.parseInt(a, 16);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a)) return Number(a);
  errors.push(`invalid number '${arg}'`);
  const lead = /^[+-]?\d+/.exec(a);
  return lead === null ? 0 : Number(lead[0]);
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s.padEnd(width);
  if (zero) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

/** printf(1): the output and the error messages (`invalid number 'abc'`). */
export function printf(format: string, args: readonly string[]): { out: string; errors: string[] } {
  const errors: string[] = [];
  let out = '';
  let ai = 0;
  const next = (): string | undefined => (ai < args.length ? args[ai++] : undefined);
  for (;;) {
    let used = false;
    for (let i = 0; i < format.length; i++) {
      const c = format[i]!;
      if (c === '\\') {
        const m = /^\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/.exec(format.slice(i));
        if (m === null) {
          out += c;
          continue;
        }
        if (m[1] === 'c') return { out, errors };
        out += formatEscapes(m[0]);
        i += m[0].length - 1;
        continue;
      }
      if (c !== '%') {
        out += c;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXfFeEgGcsb%])/.exec(format.slice(i));
      if (m === null) {
        out += c;
        continue;
      }
      i += m[0].length - 1;
      const conv = m[4]!;
      if (conv === '%') {
        out += '%';
        continue;
      }
      used = true;
      const flags = m[1]!;
      const width = m[2] === '*' ? toNumber(next() ?? '0', errors) : Number(m[2] ?? 0);
      const precRaw = m[3] === '*' ? String(toNumber(next() ?? '0', errors)) : m[3];
      const prec = precRaw === undefined ? undefined : Number(precRaw === '' ? 0 : precRaw);
      const left = flags.includes('-') || width < 0;
      const zero = flags.includes('0') && !left;
      const w = Math.abs(width);
      const arg = next();
      let s: string;
      switch (conv) {
        case 's':
          s = arg ?? '';
          if (prec !== undefined) s = s.slice(0, prec);
          out += pad(s, w, left, false);
          continue;
        case 'b': {
          const e = echoEscapes(arg ?? '');
          out += pad(e.text, w, left, false);
          if (e.stop) return { out, errors };
          continue;
        }
        case 'c':
          out += pad((arg ?? '').slice(0, 1), w, left, false);
          continue;
        case 'd':
        case 'i': {
          const n = Math.trunc(toNumber(arg ?? '0', errors));
          s = String(Math.abs(n));
          if (prec !== undefined) s = s.padStart(prec, '0');
          s = (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
          out += pad(s, w, left, zero && prec === undefined);
          continue;
        }
        case 'o':
        case 'u':
        case 'x':
        case 'X': {
          let n = Math.trunc(toNumber(arg ?? '0', errors));
          if (n < 0) n = Number(BigInt.asUintN(64, BigInt(n)));
          s = conv === 'o' ? n.toString(8) : conv === 'u' ? String(n) : n.toString(16);
          if (conv === 'X') s = s.toUpperCase();
          if (prec !== undefined) s = s.padStart(prec, '0');
          if (flags.includes('#') && n !== 0) s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') + s;
          out += pad(s, w, left, zero && prec === undefined);
          continue;
        }
        default: {
          const n = toNumber(arg ?? '0', errors);
          const p = prec ?? 6;
          if (conv === 'f' || conv === 'F') s = n.toFixed(p);
          else if (conv === 'e' || conv === 'E') s = n.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
          else s = gFormat(n, p === 0 ? 1 : p, flags.includes('#'));
          if (conv === 'E' || conv === 'G') s = s.toUpperCase();
          if (n >= 0 && flags.includes('+')) s = `+${s}`;
          else if (n >= 0 && flags.includes(' ')) s = ` ${s}`;
          out += pad(s, w, left, zero);
        }
      }
    }
    // The format is reused while arguments remain (and it consumed some).
    if (!used || ai >= args.length) return { out, errors };
  }
}

function gFormat(n: number, p: number, keep: boolean): string {
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  let s: string;
  if (exp < -4 || exp >= p) s = n.toExponential(p - 1).replace(/e([+-])(\d)$/, 'e$10$2');
  else s = n.toFixed(Math.max(0, p - 1 - exp));
  if (!keep && s.includes('.')) s = s.replace(/\.?0+(?=e|$)/, '');
  return s;
}
