/**
 * Go's text/template parser: a port of the behaviour of
 * go/src/text/template/parse/{parse,node}.go (Go 1.23, as kubectl 1.32 is
 * built with) — pipelines, variables, if/else if/else with, range with
 * break/continue, with, define/template/block — with the same error texts,
 * since kubectl prints them to the user. The lexer is go-template-lex.ts.
 */
import { goQuote } from './go-fmt.ts';
import { type Item, type ItemType, itemString, lex } from './go-template-lex.ts';

export class TemplateParseError extends Error {}

// ---- nodes ----

export type Node =
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: PipeNode }
  | { type: 'if' | 'range' | 'with'; pos: number; pipe: PipeNode; list: ListNode; elseList?: ListNode }
  | { type: 'template'; pos: number; name: string; pipe?: PipeNode }
  | { type: 'break' | 'continue'; pos: number }
  | { type: 'list'; pos: number; nodes: Node[] }
  | { type: 'end' | 'else'; pos: number };
export type ListNode = Extract<Node, { type: 'list' }>;
export type ControlNode = Extract<Node, { pipe: PipeNode; list: ListNode }>;

export interface PipeNode {
  type: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  type: 'command';
  pos: number;
  args: Arg[];
}
export interface VariableNode { type: 'variable'; pos: number; ident: string[] }
export interface FieldNode { type: 'field'; pos: number; ident: string[] }
export interface ChainNode { type: 'chain'; pos: number; node: Arg; fields: string[] }
export type Arg =
  | FieldNode
  | VariableNode
  | ChainNode
  | PipeNode
  | { type: 'identifier'; pos: number; ident: string }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'number'; pos: number; text: string; value: number; isInt: boolean; isFloat: boolean }
  | { type: 'string'; pos: number; quoted: string; text: string };

/** Node.String(), for execution errors' `at <…>` context. */
export function nodeString(n: Node | Arg | CommandNode): string {
  switch (n.type) {
    case 'text': return goQuote(n.text);
    case 'action': return `{{${nodeString(n.pipe)}}}`;
    case 'if': case 'range': case 'with':
      return `{{${n.type} ${nodeString(n.pipe)}}}${listString(n.list)}${n.elseList ? `{{else}}${listString(n.elseList)}` : ''}{{end}}`;
    case 'template': return n.pipe ? `{{template ${goQuote(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${goQuote(n.name)}}}`;
    case 'break': case 'continue': case 'end': case 'else': return `{{${n.type}}}`;
    case 'list': return listString(n);
    case 'pipe': {
      const decl = n.decl.length > 0 ? `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} ` : '';
      return decl + n.cmds.map(nodeString).join(' | ');
    }
    case 'command': return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'variable': return n.ident.join('.');
    case 'field': return n.ident.map((f) => `.${f}`).join('');
    case 'chain': return `${n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)}${n.fields.map((f) => `.${f}`).join('')}`;
    case 'identifier': return n.ident;
    case 'dot': return '.';
    case 'nil': return 'nil';
    case 'bool': return String(n.value);
    case 'number': return n.text;
    case 'string': return n.quoted;
  }
}

function listString(l: ListNode): string {
  return l.nodes.map(nodeString).join('');
}

export interface ParsedTemplate {
  root: ListNode;
  /** Templates named by {{define}} and {{block}}. */
  defined: Map<string, ListNode>;
}

/** Parses a template named `name`; `funcs` are the names of the functions it may call. */
export function parseTemplate(text: string, name: string, funcs: Set<string>): ParsedTemplate {
  return new Parser(text, name, funcs).parse();
}

class Parser {
  private readonly items: Item[];
  private index = 0;
  private lastLine = 1;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  private readonly defined = new Map<string, ListNode>();

  constructor(text: string, private readonly name: string, private readonly funcs: Set<string>) {
    this.items = lex(text);
  }

  parse(): ParsedTemplate {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const save = this.index;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition();
          continue;
        }
        this.index = save;
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    this.addTemplate(this.name, root);
    return { root, defined: this.defined };
  }

  private errorf(message: string): never {
    throw new TemplateParseError(`template: ${this.name}:${this.lastLine}: ${message}`);
  }

  private next(): Item {
    const item = this.items[Math.min(this.index, this.items.length - 1)]!;
    this.index++;
    this.lastLine = item.line;
    return item;
  }

  private backup(n = 1): void {
    this.index -= n;
  }

  private peek(): Item {
    return this.items[Math.min(this.index, this.items.length - 1)]!;
  }

  private nextNonSpace(): Item {
    let item: Item;
    do item = this.next(); while (item.type === 'space');
    return item;
  }

  private peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }

  private expect(type: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== type) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.name}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  private addTemplate(name: string, list: ListNode): void {
    const existing = this.defined.get(name);
    if (!existing || isEmptyTree(existing)) {
      this.defined.set(name, list);
      return;
    }
    if (!isEmptyTree(list)) this.errorf(`template: multiple definition of template ${goQuote(name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const token = this.nextNonSpace();
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    const name = unquote(token.val) ?? this.errorf('invalid syntax');
    this.expect('rightDelim', context);
    this.addTemplate(name, this.templateBody(context));
  }

  /** A define's or block's body up to its {{end}}, with only `$` in scope (a template of its own). */
  private templateBody(context: string): ListNode {
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    return list;
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text': return { type: 'text', pos: token.pos, text: token.val };
      case 'leftDelim': {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      default: this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block': return this.blockControl();
      case 'break': return this.loopControl('break', token);
      case 'continue': return this.loopControl('continue', token);
      case 'else': return this.elseControl();
      case 'end': return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if': return this.control('if');
      case 'range': {
        this.rangeDepth++;
        try {
          return this.control('range');
        } finally {
          this.rangeDepth--;
        }
      }
      case 'template': return this.templateControl();
      case 'with': return this.control('with');
    }
    this.backup();
    const pos = this.peek().pos;
    return { type: 'action', pos, pipe: this.pipeline('command') };
  }

  private loopControl(word: 'break' | 'continue', token: Item): Node {
    const next = this.nextNonSpace();
    if (next.type !== 'rightDelim') this.unexpected(next, `{{${word}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`);
    return { type: word, pos: token.pos };
  }

  private pipeline(context: string): PipeNode {
    const pipe: PipeNode = { type: 'pipe', pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    // Declarations: `$x :=`, `$x =`, and `$i, $v :=` in range.
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const start = this.index;
      this.nextNonSpace();
      const nextItem = this.peekNonSpace();
      if (nextItem.type === 'assign' || nextItem.type === 'declare') {
        pipe.isAssign = nextItem.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
      } else if (nextItem.type === 'char' && nextItem.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        this.index = start;
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.type) {
        case 'rightDelim':
        case 'rightParen':
          this.checkPipeline(pipe, context);
          if (token.type === 'rightParen') this.backup();
          return pipe;
        case 'bool': case 'charConstant': case 'complex': case 'dot': case 'field': case 'identifier':
        case 'number': case 'nil': case 'rawString': case 'string': case 'variable': case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.type)) {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private control(context: 'if' | 'range' | 'with'): Node {
    const varCount = this.vars.length;
    try {
      const pipe = this.pipeline(context);
      const [list, first] = this.itemList();
      let next = first;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        // `{{else if …}}` / `{{else with …}}` nest a control that shares our {{end}}.
        const peek = this.peek().type;
        if ((context === 'if' && peek === 'if') || (context === 'with' && peek === 'with')) {
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.control(context)] };
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { type: context, pos: pipe.pos, pipe, list, ...(elseList ? { elseList } : {}) };
    } finally {
      this.vars.length = varCount;
    }
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') return { type: 'else', pos: peek.pos };
    return { type: 'else', pos: this.expect('rightDelim', 'else').pos };
  }

  private templateName(token: Item, context: string): string {
    if (token.type !== 'string' && token.type !== 'rawString') this.unexpected(token, context);
    return unquote(token.val) ?? this.errorf('invalid syntax');
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context);
    }
    return { type: 'template', pos: token.pos, name, ...(pipe ? { pipe } : {}) };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.templateName(token, context);
    const pipe = this.pipeline(context);
    this.addTemplate(name, this.templateBody(context));
    return { type: 'template', pos: token.pos, name, pipe };
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Arg | undefined {
    const node = this.term();
    if (!node || this.peek().type !== 'field') return node;
    const chainPos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.type) {
      case 'field': return { type: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'variable': return { type: 'variable', pos: chainPos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
      default: return { type: 'chain', pos: chainPos, node, fields };
    }
  }

  private term(): Arg | undefined {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'identifier':
        if (!this.funcs.has(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, ident: token.val };
      case 'dot': return { type: 'dot', pos: token.pos };
      case 'nil': return { type: 'nil', pos: token.pos };
      case 'variable': {
        const name = token.val.split('.')[0]!;
        if (!this.vars.includes(name)) this.errorf(`undefined variable ${goQuote(name)}`);
        return { type: 'variable', pos: token.pos, ident: token.val.split('.') };
      }
      case 'field': return { type: 'field', pos: token.pos, ident: [token.val.slice(1)] };
      case 'bool': return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case 'charConstant': case 'complex': case 'number': return this.number(token);
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline');
        const close = this.next();
        if (close.type !== 'rightParen') this.errorf(`unclosed right paren: unexpected ${itemString(close)}`);
        return pipe;
      }
      case 'string': case 'rawString': {
        const text = unquote(token.val) ?? this.errorf('invalid syntax');
        return { type: 'string', pos: token.pos, quoted: token.val, text };
      }
    }
    this.backup();
    return undefined;
  }

  private number(token: Item): Arg {
    const text = token.val;
    if (token.type === 'charConstant') {
      const value = unquoteChar(text);
      if (value === undefined) this.errorf(`malformed character constant: ${text}`);
      return { type: 'number', pos: token.pos, text, value, isInt: true, isFloat: true };
    }
    if (token.type === 'complex' || text.endsWith('i')) this.errorf(`complex numbers are not supported in Statecraft: ${text}`);
    const value = parseGoNumber(text);
    if (value === undefined) this.errorf(`illegal number syntax: ${goQuote(text)}`);
    // idealConstant: a float only when written as one (hex digits may include e/E).
    const isFloat = /^[+-]?0[xX]/.test(text) ? /[.pP]/.test(text) : /[.eE]/.test(text);
    return { type: 'number', pos: token.pos, text, value, isInt: !isFloat, isFloat };
  }
}

function isEmptyTree(n: Node): boolean {
  if (n.type === 'list') return n.nodes.every(isEmptyTree);
  if (n.type === 'text') return n.text.trim() === '';
  return false;
}

/** A Go number literal (underscores, 0x/0o/0b, floats); undefined when malformed. */
function parseGoNumber(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s.includes('_')) {
    if (/__|_$|^_|\._|_\./.test(s)) return undefined;
    s = s.replace(/_/g, '');
  }
  let n: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) n = parseInt(s.slice(2), 16);
  else if (/^0[oO][0-7]+$/.test(s)) n = parseInt(s.slice(2), 8);
  else if (/^0[bB][01]+$/.test(s)) n = parseInt(s.slice(2), 2);
  else if (/^0[0-7]+$/.test(s)) n = parseInt(s.slice(1), 8);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) n = Number(s);
  else return undefined;
  return Number.isFinite(n) ? sign * n : undefined;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** strconv.Unquote for "…" and `…`; undefined when invalid. */
export function unquote(quoted: string): string | undefined {
  if (quoted.startsWith('`')) return quoted.endsWith('`') && quoted.length >= 2 ? quoted.slice(1, -1).replace(/\r/g, '') : undefined;
  if (!quoted.startsWith('"') || !quoted.endsWith('"') || quoted.length < 2) return undefined;
  return unescape(quoted.slice(1, -1), '"');
}

function unquoteChar(quoted: string): number | undefined {
  const inner = unescape(quoted.slice(1, -1), "'");
  if (inner === undefined || [...inner].length !== 1) return undefined;
  return inner.codePointAt(0);
}

function unescape(body: string, quote: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === quote) return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === quote) out += e;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      const code = parseInt(hex, 16);
      // \x is a byte; as text it is the Latin-1 character for ASCII only.
      if (e !== 'x' && (code > 0x10ffff || (code >= 0xd800 && code < 0xe000))) return undefined;
      out += String.fromCodePoint(code);
      i += len;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else return undefined;
  }
  return out;
}
