// Word expansion (POSIX 2.6): tilde, parameters, command substitution, arithmetic,
// then field splitting on IFS and pathname expansion, and quote removal. Expansion is
// a generator because `$(sleep 1; date)` waits like any command.
import { normalizePath } from '../vfs.ts';
import { evalArith } from './arith.ts';
import { ShellSyntaxError, type Word, type WordPart } from './ast.ts';
import { parseHeredoc } from './parser.ts';
import { hasMagic, matchPattern, type PatChar, trimPattern } from './pattern.ts';
import type { G, Shell } from './interp.ts';

/** A field under construction: its text and which characters were quoted. */
interface Field {
  text: string;
  q: boolean[];
}

/** Fatal expansion errors (`${x?}`, `set -u`, bad arithmetic) end a non-interactive shell. */
export class ExpansionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpansionError';
  }
}

class Fields {
  readonly out: Field[] = [];
  private cur: Field | undefined;

  add(text: string, quoted: boolean): void {
    const f = (this.cur ??= { text: '', q: [] });
    f.text += text;
    for (let i = 0; i < text.length; i++) f.q.push(quoted);
  }

  /** Text from an unquoted expansion: split on IFS. */
  addSplit(text: string, ifs: string): void {
    if (text === '') return;
    const { parts, leading, trailing } = splitIfs(text, ifs);
    if (leading) this.end();
    parts.forEach((p, i) => {
      if (i > 0) this.end();
      if (p === '' && this.cur === undefined) this.cur = { text: '', q: [] };
      else this.add(p, false);
    });
    if (trailing || (parts.length === 0 && leading)) this.end();
  }

  /** Starts a new field (between the words of "$@"). */
  end(): void {
    if (this.cur !== undefined) this.out.push(this.cur);
    this.cur = undefined;
  }

  /** A quoted empty string still makes a field (`""`). */
  touch(): void {
    this.cur ??= { text: '', q: [] };
  }

  finish(): Field[] {
    this.end();
    return this.out;
  }
}

/** Field splitting: POSIX 2.6.5, IFS whitespace vs other IFS characters. */
export function splitIfs(text: string, ifs: string): { parts: string[]; leading: boolean; trailing: boolean } {
  const isWs = (c: string): boolean => (c === ' ' || c === '\t' || c === '\n') && ifs.includes(c);
  const isSep = (c: string): boolean => ifs.includes(c);
  const parts: string[] = [];
  let i = 0;
  let leading = false;
  let trailing = false;
  while (i < text.length && isWs(text[i]!)) {
    i++;
    leading = true;
  }
  let cur = '';
  let open = false;
  while (i < text.length) {
    const c = text[i]!;
    if (!isSep(c)) {
      cur += c;
      open = true;
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && isWs(text[j]!)) j++;
    if (j < text.length && isSep(text[j]!) && !isWs(text[j]!)) {
      j++;
      while (j < text.length && isWs(text[j]!)) j++;
    }
    parts.push(cur);
    cur = '';
    open = false;
    i = j;
    if (i >= text.length) trailing = true;
  }
  if (open) parts.push(cur);
  return { parts, leading, trailing };
}

/** Expands words into fields (command arguments, `for` lists). */
export function* expandWords(sh: Shell, words: readonly Word[]): G<string[]> {
  const out: string[] = [];
  for (const w of words) {
    for (const f of yield* expandFields(sh, w)) {
      if (!sh.opts.noglob && hasMagic(patChars(f))) {
        const matches = glob(sh, patChars(f));
        if (matches.length > 0) {
          out.push(...matches);
          continue;
        }
      }
      out.push(f.text);
    }
  }
  return out;
}

/** One word to one string: no splitting, no globbing (assignments, redirections, `case`). */
export function* expandString(sh: Shell, word: Word): G<string> {
  const b = new Fields();
  yield* parts(sh, word, b, false, false);
  return b.finish().map((f) => f.text).join(' ');
}

/** A pattern (`case`, `${x#…}`): quoted characters stay literal. */
export function* expandPattern(sh: Shell, word: Word): G<PatChar[]> {
  const b = new Fields();
  yield* parts(sh, word, b, false, false);
  const f = b.finish();
  return f.flatMap((x, i) => [...(i > 0 ? [{ c: ' ', q: true }] : []), ...patChars(x)]);
}

/** A here-document body with `$…` expanded. */
export function* expandHeredoc(sh: Shell, body: string): G<string> {
  return yield* expandString(sh, parseLate(body));
}

/** Text parsed only when expanded (here-document bodies, `$(( … ))`): its syntax errors are fatal then. */
function parseLate(text: string): Word {
  try {
    return parseHeredoc(text);
  } catch (e) {
    if (e instanceof ShellSyntaxError) throw new ExpansionError(`syntax error: ${e.message}`);
    throw e;
  }
}

function* expandFields(sh: Shell, word: Word): G<Field[]> {
  const b = new Fields();
  yield* parts(sh, word, b, true, false);
  return b.finish();
}

function patChars(f: Field): PatChar[] {
  return [...f.text].map((c, i) => ({ c, q: f.q[i] ?? false }));
}

function* parts(sh: Shell, word: Word, b: Fields, split: boolean, forceQuoted: boolean): G<void> {
  for (let i = 0; i < word.length; i++) {
    const part = word[i]!;
    const quoted = forceQuoted || part.quoted;
    if (part.kind === 'lit') {
      let text = part.text;
      if (i === 0 && !quoted && text.startsWith('~')) text = tilde(sh, text);
      if (text === '' && quoted) b.touch();
      else b.add(text, quoted);
      continue;
    }
    if (part.kind === 'param' && (part.name === '@' || part.name === '*') && part.op === undefined && part.length !== true) {
      const params = sh.positional;
      if (quoted && part.name === '@') {
        params.forEach((p, j) => {
          if (j > 0) b.end();
          if (p === '') b.touch();
          else b.add(p, true);
        });
        continue;
      }
      const joined = params.join(quoted ? (sh.ifs()[0] ?? '') : ' ');
      emit(sh, b, joined, quoted, split);
      continue;
    }
    const value = yield* partValue(sh, part, b, split, quoted);
    if (value !== undefined) emit(sh, b, value, quoted, split);
  }
}

function emit(sh: Shell, b: Fields, text: string, quoted: boolean, split: boolean): void {
  if (quoted) {
    if (text === '') b.touch();
    else b.add(text, true);
  } else if (split) b.addSplit(text, sh.ifs());
  else b.add(text, false);
}

/** The value of one `$…` part; undefined when it already added itself (`${x:-word}` → word). */
function* partValue(sh: Shell, part: Exclude<WordPart, { kind: 'lit' }>, b: Fields, split: boolean, quoted: boolean): G<string | undefined> {
  switch (part.kind) {
    case 'cmd': {
      const out = yield* sh.substitute(part.list);
      return out.replace(/\n+$/, '');
    }
    case 'arith': {
      const text = yield* expandString(sh, parseLate(part.expr));
      try {
        return String(evalArith(text, { get: (n) => sh.getVar(n), set: (n, v) => sh.setVar(n, v) }));
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (sh.flavour !== 'dash') throw new ExpansionError(msg);
        const dash = msg === 'divide by zero' ? 'division by zero' : msg === 'arithmetic syntax error' ? 'expecting primary' : msg;
        throw new ExpansionError(`arithmetic expression: ${dash}: "${text.trim()}"`);
      }
    }
    case 'param':
      return yield* param(sh, part, b, split, quoted);
  }
}

function* param(sh: Shell, part: Extract<WordPart, { kind: 'param' }>, b: Fields, split: boolean, quoted: boolean): G<string | undefined> {
  const value = sh.param(part.name);
  if (part.length === true) {
    if (value === undefined && sh.opts.nounset && !'@*#?-$!0'.includes(part.name)) throw new ExpansionError(`${part.name}: parameter not set`);
    return String([...(value ?? '')].length);
  }
  const op = part.op;
  if (op === undefined) {
    if (value === undefined && sh.opts.nounset && !/^[@*#?\-$!0]$/.test(part.name)) throw new ExpansionError(`${part.name}: parameter not set`);
    return value ?? '';
  }
  const colon = op.startsWith(':');
  const missing = value === undefined || (colon && value === '');
  const arg = part.arg ?? [];
  switch (op) {
    case ':-':
    case '-':
      if (!missing) return value;
      yield* parts(sh, arg, b, split, quoted);
      return undefined;
    case ':=':
    case '=': {
      if (!missing) return value;
      const v = yield* expandString(sh, arg);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(part.name)) throw new ExpansionError(`${part.name}: bad variable name`);
      sh.setVar(part.name, v);
      return v;
    }
    case ':+':
    case '+':
      if (missing) return '';
      yield* parts(sh, arg, b, split, quoted);
      return undefined;
    case ':?':
    case '?': {
      if (!missing) return value;
      const msg = yield* expandString(sh, arg);
      throw new ExpansionError(`${part.name}: ${msg !== '' ? msg : value === undefined ? 'parameter not set' : 'parameter null or not set'}`);
    }
    default: {
      if (value === undefined && sh.opts.nounset) throw new ExpansionError(`${part.name}: parameter not set`);
      const pattern = yield* expandPattern(sh, arg);
      return trimPattern(value ?? '', pattern, op);
    }
  }
}

function tilde(sh: Shell, text: string): string {
  const slash = text.indexOf('/');
  const user = slash < 0 ? text.slice(1) : text.slice(1, slash);
  const rest = slash < 0 ? '' : text.slice(slash);
  if (user === '') return `${sh.getVar('HOME') ?? '/root'}${rest}`;
  if (user === 'root') return `/root${rest}`;
  return text;
}

/** Pathname expansion: matches sorted, hidden files only for a leading literal `.`. */
function glob(sh: Shell, pattern: PatChar[]): string[] {
  const absolute = pattern[0]?.c === '/';
  const comps: PatChar[][] = [[]];
  for (const pc of pattern) {
    if (pc.c === '/') comps.push([]);
    else comps[comps.length - 1]!.push(pc);
  }
  let paths: string[] = [absolute ? '/' : ''];
  const fs = sh.env.fs;
  for (let i = absolute ? 1 : 0; i < comps.length; i++) {
    const comp = comps[i]!;
    const last = i === comps.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      const join = (name: string): string => (base === '' ? name : base.endsWith('/') ? `${base}${name}` : `${base}/${name}`);
      if (comp.length === 0) {
        if (last) next.push(join(''));
        continue;
      }
      const dir = normalizePath(base === '' ? '.' : base, sh.cwd);
      if (!hasMagic(comp)) {
        const p = join(comp.map((c) => c.c).join(''));
        if (fs.exists(normalizePath(p, sh.cwd))) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdir(dir);
      } catch {
        continue;
      }
      const dot = comp[0]?.c === '.';
      for (const name of names) {
        if (name.startsWith('.') && !dot) continue;
        if (!matchPattern(comp, name)) continue;
        const p = join(name);
        if (!last) {
          try {
            if (fs.stat(normalizePath(p, sh.cwd)).type !== 'dir') continue;
          } catch {
            continue;
          }
        }
        next.push(p);
      }
    }
    paths = next;
    if (paths.length === 0) return [];
  }
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
