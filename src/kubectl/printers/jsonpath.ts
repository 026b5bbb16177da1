/**
 * Kubernetes JSONPath templates (`-o jsonpath=…`, custom columns): a port of
 * client-go util/jsonpath — text and `{…}` actions, fields, `[n]`, slices,
 * `[*]`, unions, `..`, `[?(@.x=="y")]` filters, `{range}…{end}`, quoted
 * literals — and its printing rules (maps and lists as compact JSON, several
 * results of one action joined by spaces, null as `<nil>`).
 */
import { toJson } from './json.ts';
import { formatNumber } from './yaml.ts';

type Node =
  | { type: 'list'; nodes: Node[] }
  | { type: 'text'; text: string }
  | { type: 'field'; name: string }
  | { type: 'array'; params: [Param, Param, Param] }
  | { type: 'filter'; left: Node & { type: 'list' }; right: Node & { type: 'list' }; op: string }
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'wildcard' }
  | { type: 'recursive' }
  | { type: 'union'; nodes: (Node & { type: 'list' })[] }
  | { type: 'identifier'; name: string };

interface Param {
  value: number;
  known: boolean;
  derived: boolean;
}

type ListNode = Node & { type: 'list' };

export class JsonPathError extends Error {}

// ---- parser (util/jsonpath/parser.go) ----

class Parser {
  root: ListNode = { type: 'list', nodes: [] };
  private input = '';
  private pos = 0;
  private start = 0;
  private width = 0;

  parse(text: string): ListNode {
    this.input = text;
    this.root = { type: 'list', nodes: [] };
    this.pos = 0;
    this.parseText(this.root);
    return this.root;
  }

  private consumeText(): string {
    const value = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return value;
  }

  private next(): string | undefined {
    if (this.pos >= this.input.length) {
      this.width = 0;
      return undefined;
    }
    const ch = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = ch.length;
    this.pos += ch.length;
    return ch;
  }

  private peek(): string | undefined {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
        this.pos += 1;
        this.consumeText();
        const node: ListNode = { type: 'list', nodes: [] };
        cur.nodes.push(node);
        return this.parseInsideAction(node);
      }
      if (this.next() === undefined) break;
    }
    if (this.pos > this.start) cur.nodes.push({ type: 'text', text: this.consumeText() });
  }

  private parseInsideAction(cur: ListNode): void {
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith('}')) {
        this.pos += 1;
        this.consumeText();
        return this.parseText(this.root);
      }
      if (rest.startsWith('[?(')) { this.parseFilter(cur); continue; }
      if (rest.startsWith('..')) { this.parseRecursive(cur); continue; }
      const r = this.next();
      if (r === undefined || r === '\r' || r === '\n') throw new JsonPathError('unclosed action');
      if (r === ' ' || r === '@' || r === '$') this.consumeText();
      else if (r === '[') this.parseArray(cur);
      else if (r === '"' || r === "'") this.parseQuote(cur, r);
      else if (r === '.') this.parseField(cur);
      else if (r === '+' || r === '-' || /\p{Nd}/u.test(r)) {
        this.backup();
        this.parseNumber(cur);
      } else if (isAlphaNumeric(r)) {
        this.backup();
        this.parseIdentifier(cur);
      } else {
        throw new JsonPathError(`unrecognized character in action: U+${r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${r}'`);
      }
    }
  }

  private parseIdentifier(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    cur.nodes.push(value === 'true' || value === 'false' ? { type: 'bool', value: value === 'true' } : { type: 'identifier', name: value });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes[cur.nodes.length - 1]?.type === 'recursive') throw new JsonPathError('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ type: 'recursive' });
    const r = this.peek();
    if (r !== undefined && isAlphaNumeric(r)) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const r = this.peek();
    if (r === '+' || r === '-') this.next();
    for (;;) {
      const c = this.next();
      if (c === undefined || (c !== '.' && !/\p{Nd}/u.test(c))) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    if (/^[+-]?\d+$/.test(value)) cur.nodes.push({ type: 'int', value: Number(value) });
    else if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.nodes.push({ type: 'float', value: Number(value) });
    else throw new JsonPathError(`cannot parse number ${value}`);
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const r = this.next();
      if (r === undefined || r === '\n') throw new JsonPathError('unterminated array');
      if (r === ']') break;
    }
    let text = this.consumeText();
    text = text.slice(1, -1);
    if (text === '*') text = ':';
    const parts = text.split(',');
    if (parts.length > 1) {
      cur.nodes.push({ type: 'union', nodes: parts.map((p) => parseAction(`[${p.trim()}]`)) });
      return;
    }
    const dict = /^'([^']*)'$/.exec(text);
    if (dict) {
      cur.nodes.push(...parseAction(`.${dict[1]}`).nodes);
      return;
    }
    const m = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!m) throw new JsonPathError(`invalid array index ${text}`);
    const raw = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
    const params: Param[] = [];
    for (let i = 0; i < 3; i++) {
      let v = raw[i]!;
      if (v !== '') {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === '') params.push({ value: 0, known: false, derived: false });
        else {
          if (!/^-?\d+$/.test(v)) throw new JsonPathError(`array index ${v} is not a number`);
          params.push({ value: Number(v), known: true, derived: false });
        }
      } else if (i === 1) params.push({ value: params[0]!.value + 1, known: true, derived: true });
      else params.push({ value: 0, known: false, derived: false });
    }
    cur.nodes.push({ type: 'array', params: params as [Param, Param, Param] });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === undefined || r === '\n') throw new JsonPathError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')' && begin === end) break;
    }
    if (this.next() !== ']') throw new JsonPathError('unclosed array expect ]');
    let text = this.consumeText();
    text = text.slice(0, -2);
    const m = /^([^!<>=]+)([!<>=~]+)(.+?)$/s.exec(text);
    if (!m) cur.nodes.push({ type: 'filter', left: parseAction(text), right: { type: 'list', nodes: [] }, op: 'exists' });
    else cur.nodes.push({ type: 'filter', left: parseAction(m[1]!), right: parseAction(m[3]!), op: m[2]! });
  }

  private parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const r = this.next();
      if (r === undefined || r === '\n') throw new JsonPathError('unterminated quoted string');
      if (r === end && this.input[this.pos - 2] !== '\\') break;
    }
    const value = this.consumeText();
    cur.nodes.push({ type: 'text', text: unquote(value) });
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    for (;;) {
      const r = this.next();
      if (r === '\\') this.next();
      else if (isTerminator(r)) {
        this.backup();
        break;
      }
    }
    const value = this.consumeText();
    cur.nodes.push(value === '*' ? { type: 'wildcard' } : { type: 'field', name: value.replace(/\\/g, '') });
  }
}

function parseAction(text: string): ListNode {
  const root = new Parser().parse(`{${text}}`);
  return root.nodes[0] as ListNode;
}

function isTerminator(r: string | undefined): boolean {
  return r === undefined || [' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}'].includes(r);
}

function isAlphaNumeric(r: string): boolean {
  return r === '_' || /[\p{L}\p{Nd}]/u.test(r);
}

/** strconv.Unquote, extended to single-quoted strings. */
function unquote(s: string): string {
  const quote = s[0]!;
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      if (c === quote) throw new JsonPathError(`unquote string ${s} error invalid syntax`);
      out += c;
      continue;
    }
    const n = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };
    if (n !== undefined && simple[n] !== undefined) out += simple[n];
    else if (n === 'x' || n === 'u' || n === 'U') {
      const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new JsonPathError(`unquote string ${s} error invalid syntax`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else throw new JsonPathError(`unquote string ${s} error invalid syntax`);
  }
  return out;
}

// ---- evaluation (util/jsonpath/jsonpath.go) ----

type Value = unknown;

export class JsonPath {
  private readonly root: ListNode;
  private beginRange = 0;
  private inRange = 0;
  private endRange = 0;
  private lastEndNode?: Node;

  constructor(readonly template: string, private readonly allowMissingKeys = true, private readonly outputJson = false) {
    this.root = new Parser().parse(template);
  }

  execute(data: Value): string {
    this.beginRange = this.inRange = this.endRange = 0;
    this.lastEndNode = undefined;
    return this.findResults(data, this.root.nodes).map((r) => this.printResults(r)).join('');
  }

  /** Results per top-level node of the template (custom columns print these). */
  results(data: Value): Value[][] {
    this.beginRange = this.inRange = this.endRange = 0;
    return this.findResults(data, this.root.nodes);
  }

  /** Results per top-level node, as `FindResults` gives them. */
  findResults(data: Value, nodes: Node[]): Value[][] {
    const cur: Value[] = [data];
    const full: Value[][] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const results = this.walk(cur, node);
      if (this.endRange > 0 && this.endRange <= this.inRange) {
        this.endRange--;
        this.lastEndNode = node;
        break;
      }
      if (this.beginRange > 0) {
        this.beginRange--;
        this.inRange++;
        const rest = nodes.slice(i + 1);
        if (results.length > 0) for (const v of results) full.push(...this.findResults(v, rest));
        else this.findResults(null, rest);
        this.inRange--;
        const k = nodes.indexOf(this.lastEndNode as Node, i + 1);
        if (k >= 0) i = k;
        continue;
      }
      full.push(results);
    }
    return full;
  }

  printResults(results: Value[]): string {
    if (this.outputJson) return `${toJson(results)}\n`;
    return results.map((r) => (r !== null && typeof r === 'object' ? toJson(r, '') : textOf(r))).join(' ');
  }

  private walk(input: Value[], node: Node): Value[] {
    switch (node.type) {
      case 'list': {
        let cur = input;
        for (const n of node.nodes) cur = this.walk(cur, n);
        return cur;
      }
      case 'text': return [node.text];
      case 'field': return this.field(input, node.name);
      case 'array': return this.array(input, node.params);
      case 'filter': return this.filter(input, node);
      case 'int': case 'float': case 'bool': return input.map(() => node.value);
      case 'wildcard': return input.flatMap((v) => children(v));
      case 'recursive': return this.recursive(input);
      case 'union': return node.nodes.flatMap((n) => this.walk(input, n));
      case 'identifier':
        if (node.name === 'range') {
          this.beginRange++;
          return input;
        }
        if (node.name === 'end') {
          if (this.inRange > 0) {
            this.endRange++;
            return [];
          }
          throw new JsonPathError('not in range, nothing to end');
        }
        throw new JsonPathError(`unrecognized identifier ${node.name}`);
    }
  }

  private field(input: Value[], name: string): Value[] {
    if (input.length === 0) return [];
    const results: Value[] = [];
    for (const v of input) {
      if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) continue;
      if (Object.hasOwn(v, name)) results.push((v as Record<string, unknown>)[name]);
    }
    if (results.length === 0 && !this.allowMissingKeys) throw new JsonPathError(`${name} is not found`);
    return results;
  }

  private array(input: Value[], node: [Param, Param, Param]): Value[] {
    const result: Value[] = [];
    for (const value of input) {
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) throw new JsonPathError(`${goTypeName(value)} is not array or slice`);
      const params = node.map((p) => ({ ...p }));
      const len = value.length;
      if (!params[0]!.known) params[0]!.value = 0;
      if (params[0]!.value < 0) params[0]!.value += len;
      if (!params[1]!.known) params[1]!.value = len;
      if (params[1]!.value < 0 || (params[1]!.value === 0 && params[1]!.derived)) params[1]!.value += len;
      const [from, to] = [params[0]!.value, params[1]!.value];
      if (to === from) return result;
      if (from >= len || from < 0) throw new JsonPathError(`array index out of bounds: index ${from}, length ${len}`);
      if (to > len || to < 0) throw new JsonPathError(`array index out of bounds: index ${to - 1}, length ${len}`);
      if (from > to) throw new JsonPathError(`starting index ${from} is greater than ending index ${to}`);
      const slice = value.slice(from, to);
      let step = 1;
      if (params[2]!.known) {
        if (params[2]!.value <= 0) throw new JsonPathError('step must be > 0');
        step = params[2]!.value;
      }
      for (let i = 0; i < slice.length; i += step) result.push(slice[i]);
    }
    return result;
  }

  private recursive(input: Value[]): Value[] {
    const result: Value[] = [];
    for (const value of input) {
      if (value === null || value === undefined) continue;
      const kids = children(value);
      if (kids.length > 0) {
        result.push(value);
        result.push(...this.recursive(kids));
      }
    }
    return result;
  }

  private filter(input: Value[], node: Node & { type: 'filter' }): Value[] {
    const results: Value[] = [];
    for (const value of input) {
      if (!Array.isArray(value)) throw new JsonPathError(`${textOf(value)} is not array or slice and cannot be filtered`);
      for (const item of value) {
        let lefts: Value[];
        try {
          lefts = this.walk([item], node.left);
        } catch (error) {
          if (node.op === 'exists') continue;
          throw error;
        }
        if (node.op === 'exists') {
          if (lefts.length > 0) results.push(item);
          continue;
        }
        if (lefts.length === 0) continue;
        if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
        const rights = this.walk([item], node.right);
        if (rights.length === 0) continue;
        if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
        if (compare(lefts[0], rights[0], node.op)) results.push(item);
      }
    }
    return results;
  }
}

/** Map values (Go iterates maps in random order; sorted keys keep output stable) or list items. */
function children(v: Value): Value[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') return Object.keys(v).sort().map((k) => (v as Record<string, unknown>)[k]);
  if (typeof v === 'string') return [...v].map((c) => c.codePointAt(0));
  return [];
}

function compare(left: Value, right: Value, op: string): boolean {
  if (op === '=~') {
    if (typeof left !== 'string' || typeof right !== 'string') throw new JsonPathError('regexp search only support string now');
    return new RegExp(right).test(left);
  }
  const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
  if (op === '==' || op === '!=') {
    if (typeof left !== typeof right && !(left === null || right === null)) throw new JsonPathError('incompatible types for comparison');
    return op === '==' ? left === right : left !== right;
  }
  if (!comparable) throw new JsonPathError('incompatible types for comparison');
  const [a, b] = [left as number | string, right as number | string];
  switch (op) {
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    default: throw new JsonPathError(`unrecognized filter operator ${op}`);
  }
}

/** fmt.Fprint of a JSON scalar. */
function textOf(v: Value): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v;
  return toJson(v, '');
}

function goTypeName(v: Value): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return 'map[string]interface {}';
}

