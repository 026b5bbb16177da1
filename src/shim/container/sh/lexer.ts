// Tokens of the POSIX shell language. Quoting and `$…` expansions are resolved here
// into word parts, so the parser sees whole words; `$(…)` recurses into the parser
// through `nested`, exactly as a real shell parses command substitutions in place.
import { ShellSyntaxError, type List, type ParamOp, type Redirect, type RedirectOp, type Word, type WordPart } from './ast.ts';

export type Token =
  | { t: 'word'; word: Word; raw: string; plain: boolean; pos: number }
  | { t: 'op'; op: string }
  | { t: 'redir'; op: RedirectOp; fd: number | undefined; pos: number }
  | { t: 'nl' }
  | { t: 'eof' };

/** Parses a command list starting at `pos` up to the closing `)`; returns it and the index after `)`. */
export type NestedParser = (src: string, pos: number) => { list: List; end: number };
/** Parses a complete script (backtick substitutions). */
export type ScriptParser = (src: string) => List;

const OPERATORS = ['&&', '||', ';;', ';', '&', '|', '(', ')'];
const REDIRECTS: RedirectOp[] = ['<<-', '<<', '>>', '>&', '<&', '>|', '<>', '>', '<'];
const PARAM_OPS: ParamOp[] = [':-', ':=', ':+', ':?', '##', '%%', '-', '=', '+', '?', '#', '%'];
const SPECIAL_PARAMS = '?$#@*!-0123456789';

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_]/.test(c);
}

function isNameChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

export class Lexer {
  pos: number;
  private pending: { redirect: Redirect; delimiter: string; stripTabs: boolean }[] = [];

  constructor(
    readonly src: string,
    private readonly nested: NestedParser,
    private readonly script: ScriptParser,
    start = 0,
  ) {
    this.pos = start;
  }

  private newlines: number[] | undefined;

  /** 1-based line number of offset `pos`. */
  lineAt(pos: number): number {
    if (this.newlines === undefined) {
      this.newlines = [];
      for (let i = this.src.indexOf('\n'); i >= 0; i = this.src.indexOf('\n', i + 1)) this.newlines.push(i);
    }
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  /** Registers a here-document whose body starts after the next newline. */
  heredoc(redirect: Redirect, delimiter: string, stripTabs: boolean): void {
    this.pending.push({ redirect, delimiter, stripTabs });
  }

  next(): Token {
    // A token that fails to lex leaves the position where it was, so asking again
    // reports the same error.
    const start = this.pos;
    try {
      return this.lex();
    } catch (e) {
      this.pos = start;
      throw e;
    }
  }

  private lex(): Token {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      else break;
    }
    if (this.pos >= s.length) return { t: 'eof' };
    const c = s[this.pos]!;
    if (c === '\n') {
      this.pos++;
      this.readHeredocs();
      return { t: 'nl' };
    }
    const start = this.pos;
    const io = /^(\d+)(?=[<>])/.exec(s.slice(this.pos, this.pos + 12));
    if (io !== null) {
      this.pos += io[1]!.length;
      const op = this.redirectOp()!;
      return { t: 'redir', op, fd: Number(io[1]), pos: start };
    }
    const redir = this.redirectOp();
    if (redir !== undefined) return { t: 'redir', op: redir, fd: undefined, pos: start };
    for (const op of OPERATORS) {
      if (s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { t: 'op', op };
      }
    }
    return this.word();
  }

  private redirectOp(): RedirectOp | undefined {
    for (const op of REDIRECTS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  private word(): Token {
    const s = this.src;
    const start = this.pos;
    const parts: WordPart[] = [];
    let plain = true;
    const lit = (text: string, quoted: boolean): void => {
      const last = parts[parts.length - 1];
      if (last?.kind === 'lit' && last.quoted === quoted) last.text += text;
      else parts.push({ kind: 'lit', text, quoted });
    };
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (' \t\n;&|<>()'.includes(c)) break;
      if (c === "'") {
        const end = s.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated quoted string', true);
        lit(s.slice(this.pos + 1, end), true);
        this.pos = end + 1;
        plain = false;
      } else if (c === '"') {
        this.pos++;
        const before = parts.length;
        this.doubleQuoted(parts, '"');
        // `""` is still an argument.
        if (parts.length === before) lit('', true);
        plain = false;
      } else if (c === '\\') {
        if (s[this.pos + 1] === '\n') this.pos += 2;
        else {
          if (this.pos + 1 < s.length) lit(s[this.pos + 1]!, true);
          this.pos += 2;
          plain = false;
        }
      } else if (c === '$' || c === '`') {
        const part = this.dollar(false);
        if (part === undefined) {
          lit('$', false);
          this.pos++;
        } else {
          parts.push(part);
          plain = false;
        }
      } else {
        lit(c, false);
        this.pos++;
      }
    }
    return { t: 'word', word: parts, raw: s.slice(start, this.pos), plain, pos: start };
  }

  /** Content of "…" (or a here-document when `end` is undefined), appended to `parts`. */
  doubleQuoted(parts: WordPart[], end: '"' | undefined): void {
    const s = this.src;
    let text = '';
    const flush = (): void => {
      if (text !== '') parts.push({ kind: 'lit', text, quoted: true });
      text = '';
    };
    for (;;) {
      if (this.pos >= s.length) {
        if (end === undefined) break;
        throw new ShellSyntaxError('unterminated quoted string', true);
      }
      const c = s[this.pos]!;
      if (c === end) {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const n = s[this.pos + 1];
        if (n === '\n') this.pos += 2;
        else if (n !== undefined && (n === '$' || n === '`' || n === '\\' || n === end)) {
          text += n;
          this.pos += 2;
        } else {
          text += c;
          this.pos++;
        }
      } else if (c === '$' || c === '`') {
        const part = this.dollar(true);
        if (part === undefined) {
          text += '$';
          this.pos++;
        } else {
          flush();
          parts.push(part);
        }
      } else {
        text += c;
        this.pos++;
      }
    }
    flush();
  }

  /** `$…` or a backtick substitution at `pos`; undefined when `$` is just a character. */
  private dollar(quoted: boolean): WordPart | undefined {
    const s = this.src;
    if (s[this.pos] === '`') {
      let inner = '';
      let i = this.pos + 1;
      for (; i < s.length && s[i] !== '`'; i++) {
        if (s[i] === '\\' && '$`\\'.includes(s[i + 1] ?? '')) i++;
        inner += s[i];
      }
      if (i >= s.length) throw new ShellSyntaxError('unterminated quoted string', true);
      this.pos = i + 1;
      return { kind: 'cmd', list: this.script(inner), quoted };
    }
    const n = s[this.pos + 1];
    if (n === '(' && s[this.pos + 2] === '(') {
      let depth = 0;
      for (let i = this.pos + 3; i < s.length; i++) {
        if (s[i] === '(') depth++;
        else if (s[i] === ')') {
          if (depth > 0) depth--;
          else if (s[i + 1] === ')') {
            const expr = s.slice(this.pos + 3, i);
            this.pos = i + 2;
            return { kind: 'arith', expr, quoted };
          } else break;
        }
      }
    }
    if (n === '(') {
      const { list, end } = this.nested(s, this.pos + 2);
      this.pos = end;
      return { kind: 'cmd', list, quoted };
    }
    if (n === '{') return this.braced(quoted);
    if (isNameStart(n)) {
      let i = this.pos + 1;
      while (isNameChar(s[i])) i++;
      const name = s.slice(this.pos + 1, i);
      this.pos = i;
      return { kind: 'param', name, quoted };
    }
    if (n !== undefined && SPECIAL_PARAMS.includes(n)) {
      this.pos += 2;
      return { kind: 'param', name: n, quoted };
    }
    return undefined;
  }

  private braced(quoted: boolean): WordPart {
    const s = this.src;
    let i = this.pos + 2;
    let length = false;
    if (s[i] === '#' && s[i + 1] !== '}' && (isNameStart(s[i + 1]) || SPECIAL_PARAMS.includes(s[i + 1] ?? ''))) {
      length = true;
      i++;
    }
    let name: string;
    if (isNameStart(s[i])) {
      const start = i;
      while (isNameChar(s[i])) i++;
      name = s.slice(start, i);
    } else if (s[i] !== undefined && /[0-9]/.test(s[i]!)) {
      const start = i;
      while (/[0-9]/.test(s[i] ?? '')) i++;
      name = s.slice(start, i);
    } else if (s[i] !== undefined && SPECIAL_PARAMS.includes(s[i]!)) {
      name = s[i]!;
      i++;
    } else throw new ShellSyntaxError('bad substitution');
    if (s[i] === '}') {
      this.pos = i + 1;
      return { kind: 'param', name, length, quoted };
    }
    const op = length ? undefined : PARAM_OPS.find((o) => s.startsWith(o, i));
    if (op === undefined) throw new ShellSyntaxError('bad substitution');
    this.pos = i + op.length;
    const arg: WordPart[] = [];
    let text = '';
    const flush = (): void => {
      if (text !== '') arg.push({ kind: 'lit', text, quoted: false });
      text = '';
    };
    for (;;) {
      const c = s[this.pos];
      if (c === undefined) throw new ShellSyntaxError('missing }', true);
      if (c === '}') {
        this.pos++;
        break;
      }
      if (c === "'" && !quoted) {
        const end = s.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('unterminated quoted string', true);
        flush();
        arg.push({ kind: 'lit', text: s.slice(this.pos + 1, end), quoted: true });
        this.pos = end + 1;
      } else if (c === '"') {
        flush();
        this.pos++;
        this.doubleQuoted(arg, '"');
      } else if (c === '\\' && this.pos + 1 < s.length) {
        flush();
        arg.push({ kind: 'lit', text: s[this.pos + 1]!, quoted: true });
        this.pos += 2;
      } else if (c === '$' || c === '`') {
        const part = this.dollar(quoted);
        if (part === undefined) {
          text += '$';
          this.pos++;
        } else {
          flush();
          arg.push(part);
        }
      } else {
        text += c;
        this.pos++;
      }
    }
    flush();
    return { kind: 'param', name, op, arg, quoted };
  }

  private readHeredocs(): void {
    const s = this.src;
    for (const h of this.pending) {
      let body = '';
      while (this.pos < s.length) {
        let eol = s.indexOf('\n', this.pos);
        if (eol < 0) eol = s.length;
        let line = s.slice(this.pos, eol);
        this.pos = Math.min(eol + 1, s.length);
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        if (line === h.delimiter) break;
        body += `${line}\n`;
      }
      h.redirect.heredoc = { body, expand: h.redirect.heredoc?.expand ?? true };
    }
    this.pending = [];
  }
}

/** The word parts of a here-document body with expansions (`$x`, `$(…)`, `\$`). */
export function heredocWord(body: string, nested: NestedParser, script: ScriptParser): Word {
  const parts: WordPart[] = [];
  new Lexer(body, nested, script).doubleQuoted(parts, undefined);
  return parts;
}
