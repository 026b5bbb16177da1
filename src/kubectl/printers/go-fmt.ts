/**
 * Go values as a template sees decoded JSON, and Go's fmt over them
 * (Sprint, Sprintln, Sprintf with the usual verbs, widths and flags, and
 * fmt's `%!d(string=x)` complaints): what `print`, `printf` and `{{.x}}`
 * write (go/src/fmt/print.go, format.go).
 *
 * kubectl decodes the object with k8s.io/apimachinery/pkg/util/json, which
 * turns whole JSON numbers into int64 and the others into float64: a plain JS
 * number from the object is typed that way. Template constants are Go `int`
 * and `float64` (GoInt, GoFloat).
 */

/** A Go `int` (a template's integer constant, len's result, a range index). */
export class GoInt {
  constructor(readonly value: number) {}
}

/** A Go `float64` written in the template (`1.5`, `1e6`). */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** undefined is Go's invalid reflect.Value ("<no value>"); null a nil interface. */
export type GoValue = undefined | null | string | boolean | number | GoInt | GoFloat | GoValue[] | { [key: string]: GoValue };

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'map' | 'slice';

export function kindOf(v: GoValue): Kind {
  if (v === undefined) return 'invalid';
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? 'int' : 'float';
  return Array.isArray(v) ? 'slice' : 'map';
}

export function numberOf(v: GoValue): number {
  return v instanceof GoInt || v instanceof GoFloat ? v.value : (v as number);
}

/** reflect.Type.String() of a value's dynamic type. */
export function typeName(v: GoValue): string {
  if (v instanceof GoInt) return 'int';
  switch (kindOf(v)) {
    case 'bool': return 'bool';
    case 'string': return 'string';
    case 'int': return 'int64';
    case 'float': return 'float64';
    case 'slice': return '[]interface {}';
    case 'map': return 'map[string]interface {}';
    default: return '<nil>';
  }
}

/** strconv.FormatFloat(f, 'g', -1, 64), which %v uses. */
export function formatFloatShortest(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  // Shortest 'g' decides on an exponent with precision 6 (strconv's eprec).
  if (exp < -4 || exp >= 6) return `${mantissa}e${expSuffix(exp)}`;
  return String(n);
}

function expSuffix(exp: number): string {
  const e = Math.abs(exp);
  return `${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

const PLAIN: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg, 'v', PLAIN, 0);
  });
  return out;
}

/** fmt.Sprintln: always spaces, and a newline. */
export function sprintln(args: GoValue[]): string {
  return `${args.map((a) => formatValue(a, 'v', PLAIN, 0)).join(' ')}\n`;
}

export function sprintf(format: string, args: GoValue[]): string {
  let out = '';
  let argNum = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...PLAIN };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = true;
      else break;
    }
    const number = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argNum++];
        return kindOf(a) === 'int' ? numberOf(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = number();
    if (format[i] === '.') {
      i++;
      spec.prec = number() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argNum >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatValue(args[argNum++], verb, spec, 0);
  }
  if (argNum < args.length) {
    out += `%!(EXTRA ${args.slice(argNum).map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a, 'v', PLAIN, 0)}`)).join(', ')})`;
  }
  return out;
}

function badVerb(v: GoValue, verb: string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v, 'v', PLAIN, 0)})`;
}

function formatValue(v: GoValue, verb: string, spec: Spec, depth: number): string {
  if (verb === 'T') return pad(v === null || v === undefined ? '<nil>' : typeName(v), spec);
  if (v === null || v === undefined) return verb === 'v' ? pad('<nil>', spec) : depth > 0 ? '<nil>' : badVerb(v, verb);
  switch (kindOf(v)) {
    case 'bool': return verb === 't' || verb === 'v' ? pad(String(v), spec) : badVerb(v, verb);
    case 'int': return formatInt(numberOf(v), verb, spec) ?? badVerb(v, verb);
    case 'float': return formatFloat(numberOf(v), verb, spec) ?? badVerb(v, verb);
    case 'string': return formatString(v as string, verb, spec) ?? badVerb(v, verb);
    case 'slice': return `[${(v as GoValue[]).map((e) => formatValue(e, verb, spec, depth + 1)).join(' ')}]`;
    default: {
      const map = v as Record<string, GoValue>;
      const entries = Object.keys(map).sort().map((k) => `${formatValue(k, verb, spec, depth + 1)}:${formatValue(map[k], verb, spec, depth + 1)}`);
      return `map[${entries.join(' ')}]`;
    }
  }
}

function pad(s: string, spec: Spec, zeroOk = false): string {
  const width = spec.width ?? 0;
  const len = [...s].length;
  if (len >= width) return s;
  if (spec.minus) return s + ' '.repeat(width - len);
  if (spec.zero && zeroOk) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(width - len) + s.slice(sign.length);
  }
  return ' '.repeat(width - len) + s;
}

function formatInt(n: number, verb: string, spec: Spec): string | undefined {
  const big = BigInt(Math.trunc(n));
  const abs = big < 0n ? -big : big;
  const sign = big < 0n ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v': case 'd': digits = abs.toString(); break;
    case 'b': digits = abs.toString(2); break;
    case 'o': case 'O':
      digits = abs.toString(8);
      if (verb === 'O') prefix = '0o';
      else if (spec.sharp) prefix = '0';
      break;
    case 'x': digits = abs.toString(16); if (spec.sharp) prefix = '0x'; break;
    case 'X': digits = abs.toString(16).toUpperCase(); if (spec.sharp) prefix = '0X'; break;
    case 'c': return pad(String.fromCodePoint(Number(abs)), spec);
    case 'q': return pad(quoteRune(Number(abs)), spec);
    case 'U': return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec);
    default: return undefined;
  }
  if (spec.prec !== undefined) digits = digits.padStart(spec.prec, '0');
  return pad(sign + prefix + digits, spec, spec.prec === undefined);
}

function formatFloat(n: number, verb: string, spec: Spec): string | undefined {
  let s: string;
  const p = spec.prec;
  switch (verb) {
    case 'v': case 'g': case 'G':
      s = p === undefined ? formatFloatShortest(n) : precisionG(n, p === 0 ? 1 : p);
      if (verb === 'G') s = s.toUpperCase();
      break;
    case 'f': case 'F': s = toFixedEven(n, p ?? 6); break;
    case 'e': case 'E': {
      const [m, e] = n.toExponential(p ?? 6).split('e') as [string, string];
      s = `${m}e${expSuffix(Number(e))}`;
      if (verb === 'E') s = s.toUpperCase();
      break;
    }
    default: return undefined;
  }
  if (spec.plus && !s.startsWith('-')) s = `+${s}`;
  else if (spec.space && !s.startsWith('-')) s = ` ${s}`;
  return pad(s, spec, true);
}

function precisionG(n: number, p: number): string {
  const exp = Number(n.toExponential(p - 1).split('e')[1]);
  if (exp < -4 || exp >= p) {
    const [m, e] = n.toExponential(p - 1).split('e') as [string, string];
    return `${m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m}e${expSuffix(Number(e))}`;
  }
  const fixed = n.toFixed(Math.max(0, p - 1 - exp));
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** toFixed, but an exact tie rounds to even as Go's strconv does (2.25 → "2.2"). */
function toFixedEven(n: number, digits: number): string {
  const scaled = n * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && floor % 2 === 0 && Math.abs(scaled) < 2 ** 52) return (floor / 10 ** digits).toFixed(digits);
  return n.toFixed(digits);
}

function formatString(s: string, verb: string, spec: Spec): string | undefined {
  const text = spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s;
  switch (verb) {
    case 'v': case 's': return pad(text, spec);
    case 'q': return pad(spec.sharp && !text.includes('`') ? `\`${text}\`` : goQuote(text), spec);
    case 'x': case 'X': {
      const hex = [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join(spec.space ? ' ' : '');
      return pad(verb === 'X' ? hex.toUpperCase() : hex, spec);
    }
    default: return undefined;
  }
}

/** strconv.QuoteRune: 'x', with Go's escapes for what is not printable. */
function quoteRune(cp: number): string {
  const c = cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000) ? '\uFFFD' : String.fromCodePoint(cp);
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  return `'${goQuote(c).slice(1, -1)}'`;
}

/** `%#v` of a decoded JSON value: `map[string]interface {}{"a":"b", "n":1}`. */
export function goSyntax(v: GoValue): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil': return 'interface {}(nil)';
    case 'string': return goQuote(v as string);
    case 'slice': return `[]interface {}{${(v as GoValue[]).map(goSyntax).join(', ')}}`;
    case 'map': {
      const map = v as Record<string, GoValue>;
      return `map[string]interface {}{${Object.keys(map).sort().map((k) => `${goQuote(k)}:${goSyntax(map[k])}`).join(', ')}}`;
    }
    default: return sprint([v]);
  }
}

/** strconv.Quote: Go's double-quoted form. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === '\x07') out += '\\a';
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (c === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}
