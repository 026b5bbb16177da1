/**
 * Go templates (`-o go-template=…`, `--template …`): text/template executed
 * over the object as kubectl gives it to the engine (K:staging/src/k8s.io/
 * cli-runtime/pkg/printers/template.go: the JSON decoded into
 * map[string]interface{}, the builtins plus `base64decode` and `exists`).
 * Execution follows go/src/text/template/{exec,funcs}.go, errors included,
 * because kubectl prints them verbatim.
 */
import { GoFloat, GoInt, goQuote, type GoValue, kindOf, numberOf, sprint, sprintf, sprintln, typeName } from './go-fmt.ts';
import { type Arg, type ChainNode, type ControlNode, type CommandNode, type FieldNode, type ListNode, type Node, nodeString, type ParsedTemplate, parseTemplate, type PipeNode, type VariableNode } from './go-template-parse.ts';

export { TemplateParseError } from './go-template-parse.ts';

/** An execution error, already in text/template's words. */
export class TemplateExecError extends Error {}

/** The parameter kinds of the builtins: reflect.Value, interface{}, string. */
type Param = 'value' | 'any' | 'string';
interface Builtin {
  fixed: Param[];
  variadic?: Param;
}

const BUILTINS: Record<string, Builtin> = {
  and: { fixed: ['value'], variadic: 'value' },
  or: { fixed: ['value'], variadic: 'value' },
  not: { fixed: ['value'] },
  call: { fixed: ['value'], variadic: 'value' },
  html: { fixed: [], variadic: 'any' },
  js: { fixed: [], variadic: 'any' },
  urlquery: { fixed: [], variadic: 'any' },
  index: { fixed: ['value'], variadic: 'value' },
  slice: { fixed: ['value'], variadic: 'value' },
  len: { fixed: ['value'] },
  print: { fixed: [], variadic: 'any' },
  printf: { fixed: ['string'], variadic: 'any' },
  println: { fixed: [], variadic: 'any' },
  eq: { fixed: ['value'], variadic: 'value' },
  ne: { fixed: ['value', 'value'] },
  lt: { fixed: ['value', 'value'] },
  le: { fixed: ['value', 'value'] },
  gt: { fixed: ['value', 'value'] },
  ge: { fixed: ['value', 'value'] },
  // kubectl's own (cli-runtime printers).
  base64decode: { fixed: ['string'] },
  exists: { fixed: ['any'], variadic: 'any' },
};

/** The `final` argument of a command that is first in its pipeline (text/template's missingVal). */
const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

/** A value with whether its static type is interface{} (it came out of a map or slice). */
interface Dot {
  v: GoValue;
  boxed: boolean;
}

interface Variable extends Dot {
  name: string;
}

class Break {}
class Continue {}

const MAX_DEPTH = 100_000;

export class GoTemplate {
  private readonly tree: ParsedTemplate;

  /** Parses `text`; throws TemplateParseError with text/template's message. */
  constructor(readonly text: string, private readonly name = 'output') {
    this.tree = parseTemplate(text, name, new Set(Object.keys(BUILTINS)));
  }

  /**
   * Runs the template over `data`, writing as it goes (so output before an
   * error is kept, as Go's writer keeps it). `missingKeyError` is
   * `--allow-missing-template-keys=false` (missingkey=error).
   */
  execute(data: GoValue, write: (text: string) => void, options: { missingKeyError?: boolean } = {}): void {
    new State(this.text, this.name, this.tree, write, options.missingKeyError ?? false).run(data);
  }
}

class State {
  private node: Node | Arg | CommandNode | undefined;
  private vars: Variable[] = [];
  private templateName: string;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly parseName: string,
    private readonly tree: ParsedTemplate,
    private readonly write: (text: string) => void,
    private readonly missingKeyError: boolean,
  ) {
    this.templateName = parseName;
  }

  run(data: GoValue): void {
    this.vars = [{ name: '$', v: data, boxed: false }];
    this.walk({ v: data, boxed: false }, this.tree.root);
  }

  private at(node: Node | Arg | CommandNode): void {
    this.node = node;
  }

  private errorf(message: string): never {
    if (!this.node) throw new TemplateExecError(`template: ${this.templateName}: ${message}`);
    const prefix = this.text.slice(0, this.node.pos);
    const lineStart = prefix.lastIndexOf('\n') + 1;
    const line = 1 + (prefix.match(/\n/g)?.length ?? 0);
    const column = new TextEncoder().encode(prefix.slice(lineStart)).length;
    throw new TemplateExecError(`template: ${this.parseName}:${line}:${column}: executing ${goQuote(this.templateName)} at <${nodeString(this.node)}>: ${message}`);
  }

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private walk(dot: Dot, node: Node): void {
    this.at(node);
    switch (node.type) {
      case 'text': return this.write(node.text);
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'action': {
        // Declarations persist to the end of the enclosing control.
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, value);
        return;
      }
      case 'if':
      case 'with': return this.walkIfOrWith(node.type, dot, node.pipe, node.list, node.elseList);
      case 'range': return this.walkRange(dot, node);
      case 'template': return this.walkTemplate(dot, node);
      case 'break': throw new Break();
      case 'continue': throw new Continue();
      default: this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(type: 'if' | 'with', dot: Dot, pipe: PipeNode, list: ListNode, elseList?: ListNode): void {
    const mark = this.mark();
    try {
      const value = this.evalPipeline(dot, pipe);
      if (truth(value)) {
        this.walk(type === 'with' ? { v: value, boxed: false } : dot, list);
      } else if (elseList) {
        this.walk(dot, elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: Dot, node: ControlNode): void {
    this.at(node);
    const outer = this.mark();
    try {
      const value = this.evalPipeline(dot, node.pipe);
      const mark = this.mark();
      const decl = node.pipe.decl;
      /** One pass of the body; false when {{break}} ends the loop. */
      const iteration = (index: GoValue, elem: GoValue): boolean => {
        if (decl.length > 0) {
          if (node.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? { v: index, boxed: false } : { v: elem, boxed: true });
          else this.vars[this.vars.length - 1] = { ...this.vars[this.vars.length - 1]!, v: elem, boxed: true };
        }
        if (decl.length > 1) {
          if (node.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, { v: elem, boxed: true });
          else this.vars[this.vars.length - 2] = { ...this.vars[this.vars.length - 2]!, v: index, boxed: false };
        }
        try {
          this.walk({ v: elem, boxed: true }, node.list);
        } catch (error) {
          if (error instanceof Break) return false;
          if (!(error instanceof Continue)) throw error;
        } finally {
          this.pop(mark);
        }
        return true;
      };
      switch (kindOf(value)) {
        case 'slice': {
          const items = value as GoValue[];
          if (items.length === 0) break;
          for (let i = 0; i < items.length; i++) if (!iteration(new GoInt(i), items[i])) break;
          return;
        }
        case 'map': {
          const map = value as Record<string, GoValue>;
          const keys = Object.keys(map).sort();
          if (keys.length === 0) break;
          for (const k of keys) if (!iteration(k, map[k])) break;
          return;
        }
        case 'invalid':
        case 'nil': break;
        default: this.errorf(`range can't iterate over ${sprint([value])}`);
      }
      if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: Dot, node: Extract<Node, { type: 'template' }>): void {
    this.at(node);
    const tmpl = this.tree.defined.get(node.name);
    if (!tmpl) this.errorf(`template ${goQuote(node.name)} not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const value = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
    const saved = { vars: this.vars, name: this.templateName };
    this.depth++;
    this.vars = [{ name: '$', v: value, boxed: false }];
    this.templateName = node.name;
    try {
      this.walk({ v: value, boxed: false }, tmpl);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.templateName = saved.name;
    }
  }

  private evalPipeline(dot: Dot, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // The pipeline's result loses its interface{} box: a nil there is no value at all.
      if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, { v: result, boxed: false });
      else this.vars.push({ name: v.ident[0]!, v: result, boxed: false });
    }
    return result;
  }

  private setVar(name: string, value: Dot): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i] = { name, ...value };
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): Dot {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!;
    this.errorf(`undefined variable: ${name}`);
  }

  private notAFunction(args: Arg[] | undefined, final: Final): void {
    if ((args && args.length > 1) || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
  }

  private evalCommand(dot: Dot, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    switch (first.type) {
      case 'field': return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain': return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier': return this.evalFunction(dot, first.ident, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable': return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot.v;
      case 'nil': this.errorf('nil is not a command');
      case 'number': return this.idealConstant(first);
      case 'string': return first.text;
    }
  }

  private idealConstant(n: Extract<Arg, { type: 'number' }>): GoValue {
    this.at(n);
    if (n.isFloat) return new GoFloat(n.value);
    if (!Number.isSafeInteger(n.value) && Math.abs(n.value) >= 2 ** 63) this.errorf(`${n.text} overflows int`);
    return new GoInt(n.value);
  }

  private evalFieldNode(dot: Dot, field: FieldNode, args: Arg[] | undefined, final: Final): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, field.ident, args, final);
  }

  private evalChainNode(dot: Dot, chain: ChainNode, args: Arg[] | undefined, final: Final): GoValue {
    this.at(chain);
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const receiver = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain({ v: receiver, boxed: false }, chain.fields, args, final);
  }

  private evalVariableNode(dot: Dot, variable: VariableNode, args: Arg[] | undefined, final: Final): GoValue {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value.v;
    }
    return this.evalFieldChain(value, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(receiver: Dot, ident: string[], args: Arg[] | undefined, final: Final): GoValue {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) r = { v: this.evalField(ident[i]!, undefined, MISSING, r), boxed: true };
    return this.evalField(ident[ident.length - 1]!, args, final, r);
  }

  private evalField(name: string, args: Arg[] | undefined, final: Final, receiver: Dot): GoValue {
    const value = receiver.v;
    if (value === undefined || (value === null && !receiver.boxed)) {
      if (this.missingKeyError) this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return undefined;
    }
    const type = receiver.boxed ? 'interface {}' : typeName(value);
    if (value === null) this.errorf(`nil pointer evaluating ${type}.${name}`);
    if (kindOf(value) === 'map') {
      if ((args && args.length > 1) || final !== MISSING) this.errorf(`${name} is not a method but has arguments`);
      const map = value as Record<string, GoValue>;
      if (Object.hasOwn(map, name)) return map[name];
      if (this.missingKeyError) this.errorf(`map has no entry for key ${goQuote(name)}`);
      return undefined;
    }
    this.errorf(`can't evaluate field ${name} in type ${type}`);
  }

  private evalFunction(dot: Dot, name: string, node: CommandNode | Arg, args: Arg[] | undefined, final: Final): GoValue {
    this.at(node.type === 'command' ? node.args[0]! : node);
    return this.evalCall(dot, name, node, args, final);
  }

  private evalCall(dot: Dot, name: string, node: CommandNode | Arg, allArgs: Arg[] | undefined, final: Final): GoValue {
    const fn = BUILTINS[name]!;
    const args = allArgs ? allArgs.slice(1) : [];
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const numFixed = fn.fixed.length;
    if (fn.variadic) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== numFixed) {
      this.errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }
    // and/or stop at the first argument that decides.
    if (name === 'and' || name === 'or') {
      let v: GoValue;
      for (const arg of args) {
        v = this.evalArg(dot, 'value', arg);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: GoValue[] = [];
    args.forEach((arg, i) => argv.push(this.evalArg(dot, fn.fixed[i] ?? fn.variadic!, arg)));
    if (final !== MISSING) {
      const param = numIn - 1 < numFixed ? fn.fixed[numIn - 1]! : fn.variadic!;
      argv.push(this.validateType(final, false, param));
    }
    try {
      if (name === 'call') return callBuiltin(args[0] ? nodeString(args[0]) : '', argv[0]);
      return BUILTIN_FUNCS[name]!(argv);
    } catch (error) {
      if (!(error instanceof FuncError)) throw error;
      this.at(node);
      this.errorf(`error calling ${name}: ${error.message}`);
    }
  }

  private evalArg(dot: Dot, param: Param, n: Arg): GoValue {
    this.at(n);
    switch (n.type) {
      case 'dot': return this.validateType(dot.v, dot.boxed, param);
      case 'nil':
        if (param !== 'string') return param === 'any' ? null : undefined;
        this.errorf('cannot assign nil to string');
      case 'field': return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), true, param);
      case 'variable': {
        const boxed = n.ident.length > 1 || this.varValue(n.ident[0]!).boxed;
        return this.validateType(this.evalVariableNode(dot, n, undefined, MISSING), boxed, param);
      }
      case 'pipe': return this.validateType(this.evalPipeline(dot, n), false, param);
      case 'identifier': return this.validateType(this.evalFunction(dot, n.ident, n, undefined, MISSING), false, param);
      case 'chain': return this.validateType(this.evalChainNode(dot, n, undefined, MISSING), true, param);
    }
    if (param === 'string') {
      if (n.type === 'string') return n.text;
      this.errorf(`expected string; found ${nodeString(n)}`);
    }
    switch (n.type) {
      case 'bool': return n.value;
      case 'number': return this.idealConstant(n);
      case 'string': return n.text;
    }
  }

  private validateType(value: GoValue, boxed: boolean, param: Param): GoValue {
    if (value === undefined) {
      if (param === 'any') return null;
      if (param === 'value') return undefined;
      this.errorf('invalid value; expected string');
    }
    if (param !== 'string' || typeof value === 'string') return value;
    this.errorf(`wrong type for value; expected string; got ${value === null && boxed ? 'interface {}' : typeName(value)}`);
  }

  private printValue(node: Node, value: GoValue): void {
    this.at(node);
    this.write(value === undefined ? '<no value>' : sprint([value]));
  }
}

/** A builtin's returned error, printed as `error calling NAME: …`. */
class FuncError extends Error {}

/** Go's truth: the zero value of its type is false. */
export function truth(v: GoValue): boolean {
  switch (kindOf(v)) {
    case 'invalid': case 'nil': return false;
    case 'bool': return v as boolean;
    case 'string': return (v as string) !== '';
    case 'int': case 'float': return numberOf(v) !== 0;
    case 'slice': return (v as GoValue[]).length > 0;
    default: return Object.keys(v as object).length > 0;
  }
}

const ZERO_VALUE_TYPE = 'reflect: call of reflect.Value.Type on zero Value';
const utf8 = new TextEncoder();

function callBuiltin(name: string, fn: GoValue): GoValue {
  if (fn === undefined || fn === null) throw new FuncError('call of nil');
  throw new FuncError(`non-function ${name} of type ${typeName(fn)}`);
}

function indexArg(index: GoValue, cap: number): number {
  if (index === undefined || index === null) throw new FuncError('cannot index slice/array with nil');
  if (kindOf(index) !== 'int') throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  const x = numberOf(index);
  if (x < 0 || x > cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

function index(args: GoValue[]): GoValue {
  let item = args[0];
  if (item === undefined || item === null) throw new FuncError('index of untyped nil');
  for (const i of args.slice(1)) {
    if (item === null || item === undefined) throw new FuncError('index of nil pointer');
    switch (kindOf(item)) {
      case 'slice':
      case 'string': {
        const seq: GoValue[] = kindOf(item) === 'string' ? [...utf8.encode(item as string)].map((b) => new GoInt(b)) : (item as GoValue[]);
        const x = indexArg(i, seq.length);
        if (x === seq.length) throw new FuncError(`reflect: ${kindOf(item) === 'string' ? 'string' : 'slice'} index out of range`);
        item = seq[x];
        break;
      }
      case 'map': {
        const key = i === undefined || i === null ? '' : i;
        if (typeof key !== 'string') throw new FuncError(`value has type ${typeName(key)}; should be string`);
        const map = item as Record<string, GoValue>;
        item = Object.hasOwn(map, key) ? map[key] : null;
        break;
      }
      default: throw new FuncError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(args: GoValue[]): GoValue {
  const item = args[0];
  if (item === undefined || item === null) throw new FuncError('slice of untyped nil');
  const indexes = args.slice(1);
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  const kind = kindOf(item);
  if (kind !== 'string' && kind !== 'slice') throw new FuncError(`can't slice item of type ${typeName(item)}`);
  if (kind === 'string' && indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
  const bytes = kind === 'string' ? utf8.encode(item as string) : undefined;
  const len = bytes ? bytes.length : (item as GoValue[]).length;
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len)));
  if (idx[0]! > idx[1]!) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new FuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes) return new TextDecoder().decode(bytes.slice(idx[0], idx[1]));
  return (item as GoValue[]).slice(idx[0], idx[1]);
}

function length(args: GoValue[]): GoValue {
  const item = args[0];
  if (item === undefined) throw new FuncError(ZERO_VALUE_TYPE);
  if (item === null) throw new FuncError('len of nil pointer');
  switch (kindOf(item)) {
    case 'string': return new GoInt(utf8.encode(item as string).length);
    case 'slice': return new GoInt((item as GoValue[]).length);
    case 'map': return new GoInt(Object.keys(item as object).length);
    default: throw new FuncError(`len of type ${typeName(item)}`);
  }
}

// ---- comparison (funcs.go: basicKind, eq, lt) ----

const BAD_TYPE = 'invalid type for comparison';
const BAD_COMPARISON = 'incompatible types for comparison';

function basicKind(v: GoValue): 'bool' | 'int' | 'float' | 'string' | undefined {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : undefined;
}

function eq(args: GoValue[]): boolean {
  const [a, ...rest] = args.map((v) => (v === null ? undefined : v));
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of rest) {
    const k2 = basicKind(b);
    let same = false;
    if (k1 !== k2) {
      if (a !== undefined && b !== undefined) throw new FuncError(BAD_COMPARISON);
    } else if (k1 === undefined) {
      // Two missing values are equal; a nil beside a value is not; maps and lists do not compare.
      if (a === undefined || b === undefined) same = a === b;
      else throw new FuncError(`non-comparable type ${sprint([b])}: ${typeName(b)}`);
    } else {
      same = k1 === 'int' || k1 === 'float' ? numberOf(a) === numberOf(b) : a === b;
    }
    if (same) return true;
  }
  return false;
}

function lt(args: GoValue[]): boolean {
  const [a, b] = args.map((v) => (v === null ? undefined : v));
  const k1 = basicKind(a);
  if (!k1) throw new FuncError(BAD_TYPE);
  const k2 = basicKind(b);
  if (!k2) throw new FuncError(BAD_TYPE);
  if (k1 !== k2) throw new FuncError(BAD_COMPARISON);
  if (k1 === 'bool') throw new FuncError(BAD_TYPE);
  return k1 === 'string' ? (a as string) < (b as string) : numberOf(a) < numberOf(b);
}

// ---- escapers (funcs.go) ----

/** evalArgs: one string argument as is, else fmt.Sprint of them all. */
function joinArgs(args: GoValue[]): string {
  return args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args);
}

const HTML: Record<string, string> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' };

function jsEscape(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '\\' || c === "'" || c === '"') out += `\\${c}`;
    else if ('<>&='.includes(c)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (cp < 0x20 || cp === 0x7f || /\p{C}|\p{Zl}|\p{Zp}/u.test(c)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

function urlQueryEscape(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// ---- kubectl's functions ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64.StdEncoding.DecodeString, with its CorruptInputError offsets. */
function base64decode(s: string): string {
  const src = utf8.encode(s);
  const out: number[] = [];
  const corrupt = (at: number) => new FuncError(`base64 decode failed: illegal base64 data at input byte ${at}`);
  let si = 0;
  for (;;) {
    const buf: number[] = [];
    let dlen = 4;
    let end = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return new TextDecoder().decode(new Uint8Array(out));
        throw corrupt(si - j);
      }
      const ch = src[si++]!;
      const v = B64.indexOf(String.fromCharCode(ch));
      if (v >= 0) {
        buf[j] = v;
        continue;
      }
      if (ch === 10 || ch === 13) {
        j--;
        continue;
      }
      if (ch !== 61) throw corrupt(si - 1);
      if (j < 2) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 10 || src[si] === 13)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 61) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 10 || src[si] === 13)) si++;
      if (si < src.length) throw corrupt(si);
      dlen = j;
      end = true;
      break;
    }
    const [a = 0, b = 0, c = 0, d = 0] = buf;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    const bytes = [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff].slice(0, dlen - 1);
    out.push(...bytes);
    if (end) return new TextDecoder().decode(new Uint8Array(out));
  }
}

/** Whether `index` would succeed on these arguments (cli-runtime printers/jsonpath.go exists). */
function exists(args: GoValue[]): boolean {
  let v = args[0];
  for (const i of args.slice(1)) {
    if (v === null || v === undefined) return false;
    switch (kindOf(v)) {
      case 'slice':
      case 'string': {
        if (kindOf(i) !== 'int') return false;
        const seq: GoValue[] = kindOf(v) === 'string' ? [...utf8.encode(v as string)].map((b) => new GoInt(b)) : (v as GoValue[]);
        const x = numberOf(i);
        if (x < 0 || x >= seq.length) return false;
        v = seq[x];
        break;
      }
      case 'map': {
        const key = i === null || i === undefined ? '' : i;
        if (typeof key !== 'string') return false;
        const map = v as Record<string, GoValue>;
        v = Object.hasOwn(map, key) ? map[key] : null;
        break;
      }
      default: return false;
    }
  }
  return v !== null && v !== undefined;
}

const BUILTIN_FUNCS: Record<string, (args: GoValue[]) => GoValue> = {
  not: ([v]) => !truth(v),
  html: (args) => joinArgs(args).replace(/["'&<>\0]/g, (c) => HTML[c]!),
  js: (args) => jsEscape(joinArgs(args)),
  urlquery: (args) => urlQueryEscape(joinArgs(args)),
  index,
  slice,
  len: length,
  print: (args) => sprint(args),
  printf: ([format, ...args]) => sprintf(format as string, args),
  println: (args) => sprintln(args),
  eq,
  ne: (args) => !eq(args),
  lt,
  le: (args) => lt(args) || eq(args),
  gt: (args) => !(lt(args) || eq(args)),
  ge: (args) => !lt(args),
  base64decode: ([s]) => base64decode(s as string),
  exists,
};
