/**
 * YAML exactly as kubectl prints it. `kubectl -o yaml` marshals the object to
 * JSON and converts it with sigs.k8s.io/yaml, i.e. go-yaml v2 (libyaml's
 * emitter): map keys in go-yaml's "natural" order, two-space indentation,
 * sequences not indented under their key, strings plain unless they would
 * read back as another type under YAML 1.1 (`"3"`, `"true"`, `"on"`, `"y"`,
 * timestamps) or contain indicators, long scalars folded at column 80, `|`
 * blocks for multi-line text. The `yaml` package's stringifier differs in
 * many of these details, so this is a port of the parts of the emitter
 * kubectl output exercises (no anchors, tags, comments or flow collections).
 * Upstream: kubernetes-sigs/yaml goyaml.v2 encode.go, resolve.go, sorter.go, emitterc.go.
 */

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

type Style = 'plain' | 'single' | 'double' | 'literal';

export function toYaml(value: unknown): string {
  const e = new Emitter();
  e.node(value, { root: true, mappingContext: false, simpleKey: false });
  e.documentEnd();
  return e.out;
}

interface NodeContext {
  root: boolean;
  mappingContext: boolean;
  simpleKey: boolean;
}

class Emitter {
  out = '';
  private column = 0;
  private indent = -1;
  private indents: number[] = [];
  private whitespace = true;
  private indention = true;

  // ---- low-level writers (put, put_break, write_indent, write_indicator) ----

  private put(ch: string): void {
    this.out += ch;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of indicator) this.put(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  documentEnd(): void {
    this.writeIndent();
  }

  // ---- nodes ----

  node(value: unknown, ctx: NodeContext): void {
    if (Array.isArray(value)) return value.length === 0 ? this.emptyFlow('[]') : this.sequence(value, ctx);
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value).sort(compareKeys);
      return keys.length === 0 ? this.emptyFlow('{}') : this.mapping(value as Record<string, unknown>, keys);
    }
    const [text, style] = scalarOf(value);
    this.scalar(text, style, ctx.simpleKey);
  }

  private emptyFlow(text: '[]' | '{}'): void {
    this.writeIndicator(text[0]!, true, true, false);
    this.writeIndicator(text[1]!, false, false, false);
  }

  private mapping(map: Record<string, unknown>, keys: string[]): void {
    this.increaseIndent(false, false);
    for (const key of keys) {
      this.writeIndent();
      this.scalar(...scalarOf(key), true);
      this.writeIndicator(':', false, false, false);
      this.node(map[key], { root: false, mappingContext: true, simpleKey: false });
    }
    this.popIndent();
  }

  private sequence(items: unknown[], ctx: NodeContext): void {
    this.increaseIndent(false, ctx.mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { root: false, mappingContext: false, simpleKey: false });
    }
    this.popIndent();
  }

  // ---- scalars (select_scalar_style and the four writers) ----

  private scalar(text: string, requested: Style, simpleKey: boolean): void {
    const a = analyze(text);
    let style = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlainAllowed || (text.length === 0 && simpleKey)) style = 'single';
    }
    if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    if (style === 'plain') this.writePlain(text, allowBreaks);
    else if (style === 'single') this.writeSingle(text, allowBreaks);
    else if (style === 'double') this.writeDouble(text, allowBreaks);
    else this.writeLiteral(text);
    this.popIndent();
  }

  private writePlain(text: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const cps = [...text];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cps[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreak(ch);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(text: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cps = [...text];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1 && cps[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreak(ch);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(text: string, allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    const cps = [...text];
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i]!;
      const cp = ch.codePointAt(0)!;
      if (!isPrintable(cp) || cp === 0xfeff || isBreak(ch) || ch === '"' || ch === '\\') {
        this.put('\\');
        const short: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
          0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        const s = short[cp];
        if (s !== undefined) this.put(s);
        else {
          const [prefix, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(prefix);
          for (const d of cp.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(text: string): void {
    this.writeIndicator('|', true, false, false);
    const cps = [...text];
    if (cps.length > 0 && (cps[0] === ' ' || isBreak(cps[0]!))) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    if (cps.length === 0) chomp = '-';
    else if (!isBreak(cps[cps.length - 1]!)) chomp = '-';
    else if (cps.length === 1 || isBreak(cps[cps.length - 2]!)) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    // go-yaml v2 breaks the line right after the header, so a leading newline shows as a blank line.
    this.putBreak();
    this.whitespace = true;
    let breaks = true;
    for (const ch of cps) {
      if (isBreak(ch)) {
        this.writeBreak(ch);
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        breaks = false;
      }
    }
  }

  private writeBreak(ch: string): void {
    if (ch === '\n') this.putBreak();
    else {
      this.out += ch;
      this.column = 0;
      this.indention = true;
    }
  }
}

function isBreak(ch: string): boolean {
  return ch === '\r' || ch === '\n' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';
}

/** libyaml's is_printable, by code point (astral characters are not "printable" to it). */
function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** yaml_emitter_analyze_scalar, for block context (flow context never occurs here). */
function analyze(text: string): Analysis {
  if (text.length === 0) return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const cps = [...text];
  let blockIndicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    const followedByWhitespace = i + 1 >= cps.length || isBlank(cps[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByWhitespace) blockIndicators = true;
    } else if (ch === ':' && followedByWhitespace) blockIndicators = true;
    else if (ch === '#' && precededByWhitespace) blockIndicators = true;
    const cp = ch.codePointAt(0)!;
    if (!isPrintable(cp)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(ch) || isBreak(ch);
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || special) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

/** The text and requested style go-yaml's encoder gives a JSON value. */
function scalarOf(value: unknown): [string, Style] {
  if (value === null || value === undefined) return ['null', 'plain'];
  if (typeof value === 'boolean') return [value ? 'true' : 'false', 'plain'];
  if (typeof value === 'number') return [formatNumber(value), 'plain'];
  const s = String(value);
  if (s.includes('\n')) return [s, 'literal'];
  return [s, resolvesToString(s) && !isBase60Float(s) ? 'plain' : 'double'];
}

/** Integers as Go ints; other numbers as strconv.FormatFloat(f, 'g', -1, 64). */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  // Shortest 'g' formatting switches to an exponent from 1e6 up (eprec = 6).
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return String(n);
}

const RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF',
  '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);

/** Whether go-yaml v2's `resolve("", s)` keeps `s` a string (so it may be written plain). */
function resolvesToString(s: string): boolean {
  const hint = s[0] ?? '';
  // The map of special values is consulted only for strings whose first byte hints at one.
  if ((hint === '' || '+-0123456789yYnNtTfFoO~.'.includes(hint)) && RESOLVE_MAP.has(s)) return false;
  if (hint === '.') return !isGoFloat(s);
  if (!/[-+0-9]/.test(hint)) return true;
  if (isTimestamp(s)) return false;
  const plain = s.replace(/_/g, '');
  if (isGoInt(plain)) return false;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return false;
  if (/^-?0b[01]+$/.test(plain)) return false;
  return true;
}

/** strconv.ParseInt/ParseUint(s, 0, 64) syntax (range aside: out-of-range ints are still ints). */
function isGoInt(s: string): boolean {
  return /^[-+]?(0[xX](_?[0-9a-fA-F])+|0[bB](_?[01])+|0[oO](_?[0-7])+|0(_?[0-7])*|[1-9](_?[0-9])*)$/.test(s);
}

/** strconv.ParseFloat syntax for strings starting with '.'. */
function isGoFloat(s: string): boolean {
  return /^\.[0-9](_?[0-9])*([eE][-+]?[0-9]+)?$/.test(s) || /^\.(inf|Inf|INF|nan|NaN|NAN)$/i.test(s);
}

const TIMESTAMP_FORMATS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
];

/** go-yaml's parseTimestamp: the layouts it tries, with Go's range checks on fields. */
function isTimestamp(s: string): boolean {
  for (const re of TIMESTAMP_FORMATS) {
    const m = re.exec(s);
    if (!m) continue;
    const [, , mo, d, h, mi, sec] = m;
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) continue;
    if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)) continue;
    return true;
  }
  return false;
}

function isBase60Float(s: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);
}

/** go-yaml's keyList.Less for string keys: letters after other runes, digit runs compared as numbers. */
export function compareKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10 + Number(ar[ai]);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an - bn;
    if (ai !== bi) return ai - bi;
    return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
  }
  return ar.length - br.length;
}

function isLetter(ch: string): boolean {
  return /\p{L}/u.test(ch);
}

function isDigit(ch: string): boolean {
  return /\p{Nd}/u.test(ch);
}
