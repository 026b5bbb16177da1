// The shell's syntax tree: what the parser builds and the interpreter walks.

export type WordPart =
  /** Literal text; `quoted` for text inside quotes or after a backslash (no splitting, no globbing). */
  | { kind: 'lit'; text: string; quoted: boolean }
  /** `$x`, `${x}`, `${x:-word}`, `${#x}`, `${x##pattern}` … */
  | { kind: 'param'; name: string; op?: ParamOp; arg?: Word; length?: boolean; quoted: boolean }
  /** `$(list)` or backticks. */
  | { kind: 'cmd'; list: List; quoted: boolean }
  /** `$((expr))`, the expression's raw text. */
  | { kind: 'arith'; expr: string; quoted: boolean };

export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%';

export type Word = WordPart[];

export type RedirectOp = '>' | '>>' | '<' | '>&' | '<&' | '<<' | '<<-' | '>|' | '<>';

export interface Redirect {
  fd: number;
  op: RedirectOp;
  target: Word;
  /** Here-document body; `expand` is false when the delimiter was quoted. */
  heredoc?: { body: string; expand: boolean };
}

export interface SimpleCommand {
  type: 'simple';
  /** 1-based line of the command's first word (error messages, `$LINENO`). */
  line: number;
  assigns: { name: string; value: Word }[];
  words: Word[];
  redirects: Redirect[];
}

export type Command =
  | SimpleCommand
  | { type: 'if'; clauses: { cond: List; body: List }[]; otherwise?: List; redirects: Redirect[] }
  | { type: 'for'; name: string; items?: Word[]; body: List; redirects: Redirect[] }
  | { type: 'loop'; until: boolean; cond: List; body: List; redirects: Redirect[] }
  | { type: 'case'; word: Word; items: { patterns: Word[]; body: List }[]; redirects: Redirect[] }
  | { type: 'group'; subshell: boolean; body: List; redirects: Redirect[] }
  | { type: 'function'; name: string; body: Command; redirects: Redirect[] };

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
  background: boolean;
}

export type List = AndOr[];

/** A syntax error as busybox ash words it (`sh: syntax error: <message>`). */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    /** The input ended too early: an interactive shell asks for more (`> `). */
    readonly incomplete = false,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}
