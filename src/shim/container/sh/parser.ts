// Recursive-descent parser for the POSIX shell grammar subset busybox ash scripts use
// in Kubernetes manifests: lists, and-or lists, pipelines, redirections, if/for/while/
// until/case, groups, subshells and functions. Error texts follow busybox ash
// (`syntax error: unexpected "fi"`, `unexpected end of file (expecting "done")`).
import { ShellSyntaxError, type AndOr, type Command, type List, type Pipeline, type Redirect, type SimpleCommand, type Word } from './ast.ts';
import { heredocWord, Lexer, type Token } from './lexer.ts';

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', '{', '}', '!', 'in']);
/** Words that end a list (the parser of the enclosing construct consumes them). */
const LIST_END = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);

/** Parses a whole script. Throws ShellSyntaxError. */
export function parseScript(src: string): List {
  const p = new Parser(src, 0);
  const list = p.list();
  const t = p.peek();
  if (t.t !== 'eof') throw p.unexpected(t);
  return list;
}

/** Here-document body → word, with the parser hooked up for `$(…)`. */
export function parseHeredoc(body: string): Word {
  return heredocWord(body, parseNested, parseScript);
}

/**
 * A script read one complete command at a time, as a shell executes it: a syntax error
 * on line 3 stops the script there, after lines 1 and 2 ran.
 */
export class ScriptReader {
  private readonly p: Parser;

  constructor(src: string) {
    this.p = new Parser(src, 0);
  }

  /** The commands of the next line (more when a construct spans lines); undefined at the end. */
  next(): List | undefined {
    return this.p.line();
  }

  /** Nothing but blank lines and comments is left. */
  atEnd(): boolean {
    try {
      for (let i = 0; ; i++) {
        const t = this.p.peek(i);
        if (t.t === 'eof') return true;
        if (t.t !== 'nl') return false;
      }
    } catch {
      // What follows does not parse: `next()` will report it.
      return false;
    }
  }

  /** Where the reader stopped (for the line of a syntax error). */
  get position(): number {
    return this.p.lexer.pos;
  }
}

function parseNested(src: string, pos: number): { list: List; end: number } {
  const p = new Parser(src, pos);
  const list = p.list();
  p.expectOp(')');
  return { list, end: p.lexer.pos };
}

class Parser {
  readonly lexer: Lexer;
  private buffered: Token[] = [];

  constructor(src: string, pos: number) {
    this.lexer = new Lexer(src, parseNested, parseScript, pos);
  }

  peek(n = 0): Token {
    while (this.buffered.length <= n) this.buffered.push(this.lexer.next());
    return this.buffered[n]!;
  }

  take(): Token {
    const t = this.peek();
    this.buffered.shift();
    return t;
  }

  unexpected(t: Token, expecting?: string): ShellSyntaxError {
    const what = tokenName(t);
    const message = `unexpected ${what}${expecting === undefined ? '' : ` (expecting "${expecting}")`}`;
    return new ShellSyntaxError(message, t.t === 'eof');
  }

  expectOp(op: string): void {
    const t = this.take();
    if (t.t !== 'op' || t.op !== op) throw this.unexpected(t, op);
  }

  private isKeyword(t: Token, ...kws: string[]): boolean {
    return t.t === 'word' && t.plain && kws.includes(t.raw);
  }

  private expectKeyword(kw: string): void {
    const t = this.take();
    if (!this.isKeyword(t, kw)) throw this.unexpected(t, kw);
  }

  private skipNewlines(): void {
    while (this.peek().t === 'nl') this.take();
  }

  /** One top-level line: and-or lists up to a newline or the end. */
  line(): List | undefined {
    this.skipNewlines();
    if (this.peek().t === 'eof') return undefined;
    const out: List = [];
    for (;;) {
      const andOr = this.andOr();
      out.push(andOr);
      const sep = this.peek();
      if (sep.t === 'op' && (sep.op === ';' || sep.op === '&')) {
        this.take();
        if (sep.op === '&') andOr.background = true;
        const after = this.peek();
        if (after.t === 'eof') return out;
        if (after.t === 'nl') {
          this.take();
          return out;
        }
        continue;
      }
      if (sep.t === 'nl') {
        this.take();
        return out;
      }
      if (sep.t === 'eof') return out;
      throw this.unexpected(sep);
    }
  }

  /** A list up to EOF, `)`, `;;` or a closing keyword (left for the caller). */
  list(): List {
    const out: List = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.t === 'eof' || (t.t === 'op' && (t.op === ')' || t.op === ';;')) || (t.t === 'word' && t.plain && LIST_END.has(t.raw))) {
        return out;
      }
      const andOr = this.andOr();
      out.push(andOr);
      const sep = this.peek();
      if (sep.t === 'op' && (sep.op === ';' || sep.op === '&')) {
        this.take();
        if (sep.op === '&') andOr.background = true;
      } else if (sep.t !== 'nl' && sep.t !== 'eof' && !(sep.t === 'op' && (sep.op === ')' || sep.op === ';;')) && !this.isKeyword(sep, ...LIST_END)) {
        throw this.unexpected(sep);
      }
    }
  }

  /** A non-empty list (the body of if/while/…), `expecting` names the keyword that must follow. */
  private body(expecting: string): List {
    const list = this.list();
    if (list.length === 0) throw this.unexpected(this.peek(), this.peek().t === 'eof' ? expecting : undefined);
    return list;
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (t.t !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.take();
      this.skipNewlines();
      rest.push({ op: t.op, pipeline: this.pipeline() });
    }
    return { first, rest, background: false };
  }

  private pipeline(): Pipeline {
    let negate = false;
    if (this.isKeyword(this.peek(), '!')) {
      this.take();
      negate = true;
    }
    const commands = [this.command()];
    while (this.peek().t === 'op' && (this.peek() as { op: string }).op === '|') {
      this.take();
      this.skipNewlines();
      commands.push(this.command());
    }
    return { negate, commands };
  }

  private command(): Command {
    const t = this.peek();
    if (t.t === 'word' && t.plain && (LIST_END.has(t.raw) || t.raw === 'in')) throw this.unexpected(t);
    let cmd: Command;
    if (this.isKeyword(t, 'if')) cmd = this.ifCommand();
    else if (this.isKeyword(t, 'for')) cmd = this.forCommand();
    else if (this.isKeyword(t, 'while', 'until')) cmd = this.loop();
    else if (this.isKeyword(t, 'case')) cmd = this.caseCommand();
    else if (this.isKeyword(t, '{')) {
      this.take();
      const body = this.body('}');
      this.expectKeyword('}');
      cmd = { type: 'group', subshell: false, body, redirects: [] };
    } else if (t.t === 'op' && t.op === '(') {
      this.take();
      const body = this.body(')');
      this.expectOp(')');
      cmd = { type: 'group', subshell: true, body, redirects: [] };
    } else if (t.t === 'word' && t.plain && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t.raw) && this.peekOp(1, '(') && this.peekOp(2, ')')) {
      this.take();
      this.take();
      this.take();
      this.skipNewlines();
      return { type: 'function', name: t.raw, body: this.command(), redirects: [] };
    } else if (t.t === 'word' || t.t === 'redir') return this.simple();
    else throw this.unexpected(t);
    while (this.peek().t === 'redir') cmd.redirects.push(this.redirect());
    return cmd;
  }

  private peekOp(n: number, op: string): boolean {
    const t = this.peek(n);
    return t.t === 'op' && t.op === op;
  }

  private simple(): SimpleCommand {
    const t0 = this.peek();
    const line = this.lexer.lineAt(t0.t === 'word' || t0.t === 'redir' ? t0.pos : this.lexer.pos);
    const cmd: SimpleCommand = { type: 'simple', line, assigns: [], words: [], redirects: [] };
    for (;;) {
      const t = this.peek();
      if (t.t === 'redir') cmd.redirects.push(this.redirect());
      else if (t.t === 'word') {
        this.take();
        const first = t.word[0];
        const m = first?.kind === 'lit' && !first.quoted ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text) : null;
        if (cmd.words.length === 0 && m !== null && first?.kind === 'lit') {
          const rest = first.text.slice(m[0].length);
          const value: Word = rest === '' ? t.word.slice(1) : [{ kind: 'lit', text: rest, quoted: false }, ...t.word.slice(1)];
          cmd.assigns.push({ name: m[1]!, value });
        } else cmd.words.push(t.word);
      } else break;
    }
    return cmd;
  }

  private redirect(): Redirect {
    const t = this.take();
    if (t.t !== 'redir') throw this.unexpected(t);
    const target = this.take();
    if (target.t !== 'word') throw this.unexpected(target);
    const redirect: Redirect = { fd: t.fd ?? (t.op.startsWith('<') ? 0 : 1), op: t.op, target: target.word };
    if (t.op === '<<' || t.op === '<<-') {
      const delimiter = target.word.map((p) => (p.kind === 'lit' ? p.text : '')).join('');
      redirect.heredoc = { body: '', expand: target.plain };
      this.lexer.heredoc(redirect, delimiter, t.op === '<<-');
    }
    return redirect;
  }

  private ifCommand(): Command {
    this.take();
    const clauses: { cond: List; body: List }[] = [];
    let otherwise: List | undefined;
    for (;;) {
      const cond = this.body('then');
      this.expectKeyword('then');
      const body = this.body('fi');
      clauses.push({ cond, body });
      const t = this.take();
      if (this.isKeyword(t, 'elif')) continue;
      if (this.isKeyword(t, 'else')) {
        otherwise = this.body('fi');
        this.expectKeyword('fi');
      } else if (!this.isKeyword(t, 'fi')) throw this.unexpected(t, 'fi');
      break;
    }
    return { type: 'if', clauses, otherwise, redirects: [] };
  }

  private forCommand(): Command {
    this.take();
    const name = this.take();
    if (name.t !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.raw)) throw this.unexpected(name);
    let items: Word[] | undefined;
    this.skipNewlines();
    if (this.isKeyword(this.peek(), 'in')) {
      this.take();
      items = [];
      while (this.peek().t === 'word') items.push((this.take() as { word: Word }).word);
      const sep = this.take();
      if (!(sep.t === 'nl' || (sep.t === 'op' && sep.op === ';'))) throw this.unexpected(sep, 'do');
    } else if (this.peekOp(0, ';')) this.take();
    this.skipNewlines();
    const body = this.doGroup();
    return { type: 'for', name: name.raw, items, body, redirects: [] };
  }

  private doGroup(): List {
    this.expectKeyword('do');
    const body = this.body('done');
    this.expectKeyword('done');
    return body;
  }

  private loop(): Command {
    const until = (this.take() as { raw: string }).raw === 'until';
    const cond = this.body('do');
    return { type: 'loop', until, cond, body: this.doGroup(), redirects: [] };
  }

  private caseCommand(): Command {
    this.take();
    const word = this.take();
    if (word.t !== 'word') throw this.unexpected(word);
    this.skipNewlines();
    this.expectKeyword('in');
    const items: { patterns: Word[]; body: List }[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isKeyword(this.peek(), 'esac')) break;
      if (this.peekOp(0, '(')) this.take();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.take();
        if (p.t !== 'word') throw this.unexpected(p);
        patterns.push(p.word);
        if (this.peekOp(0, '|')) this.take();
        else break;
      }
      this.expectOp(')');
      const body = this.list();
      items.push({ patterns, body });
      if (this.peekOp(0, ';;')) this.take();
      else break;
    }
    this.skipNewlines();
    this.expectKeyword('esac');
    return { type: 'case', word: word.word, items, redirects: [] };
  }
}

function tokenName(t: Token): string {
  switch (t.t) {
    case 'eof':
      return 'end of file';
    case 'nl':
      return 'newline';
    case 'redir':
      return 'redirection';
    case 'op':
      return `"${t.op}"`;
    case 'word':
      return t.plain && RESERVED.has(t.raw) ? `"${t.raw}"` : 'word';
  }
}
