// A JSON reader that keeps what JSON.parse throws away and the API server's decoder
// looks at: repeated keys (strict decoding reports `duplicate field "x"`), and number
// literals as written (`1.5` into an int32 is `number 1.5` in Go's message). Syntax
// errors carry Go's encoding/json wording. Depth is bounded, so hostile input cannot
// exhaust the stack.

export type JNode =
  | { t: 'obj'; entries: Array<[string, JNode]> }
  | { t: 'arr'; items: JNode[] }
  | { t: 'str'; v: string }
  | { t: 'num'; raw: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Go's `quoteChar` for scanner errors: `'x'`, `'\''`, `'"'`, `'\n'`. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = goQuote(c);
  return `'${q.slice(1, -1)}'`;
}

/** Go's strconv.Quote for the strings that appear in messages. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code === 12) out += '\\f';
    else if (code === 10) out += '\\n';
    else if (code === 13) out += '\\r';
    else if (code === 9) out += '\\t';
    else if (code === 11) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export interface ParseLimits {
  maxDepth: number;
}

export function parseJsonText(text: string, limits: ParseLimits): JNode {
  let pos = 0;
  const err = (msg: string): JsonSyntaxError => new JsonSyntaxError(msg, pos);
  const eof = (): JsonSyntaxError => new JsonSyntaxError('unexpected end of JSON input', text.length);
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else return;
    }
  };
  const invalid = (context: string): JsonSyntaxError => {
    if (pos >= text.length) return eof();
    return err(`invalid character ${quoteChar(text[pos]!)} ${context}`);
  };

  const parseString = (): string => {
    // text[pos] === '"'
    pos++;
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) throw eof();
      const c = text.charCodeAt(pos);
      if (c === 34) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) throw invalid('in string literal');
      if (c !== 92) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      pos++;
      if (pos >= text.length) throw eof();
      const e = text[pos]!;
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (simple[e] !== undefined) {
        out += simple[e];
        pos++;
      } else if (e === 'u') {
        pos++;
        for (let i = 0; i < 4; i++) {
          if (pos + i >= text.length) {
            pos += i;
            throw eof();
          }
          if (!/[0-9a-fA-F]/.test(text[pos + i]!)) {
            pos += i;
            throw invalid('in \\u hexadecimal character escape');
          }
        }
        out += String.fromCharCode(parseInt(text.slice(pos, pos + 4), 16));
        pos += 4;
      } else throw invalid('in string escape code');
      start = pos;
    }
  };

  const parseNumber = (): string => {
    const start = pos;
    const digit = (): boolean => pos < text.length && text[pos]! >= '0' && text[pos]! <= '9';
    if (text[pos] === '-') {
      pos++;
      if (!digit()) throw invalid('in numeric literal');
    }
    if (text[pos] === '0') pos++;
    else while (digit()) pos++;
    if (text[pos] === '.') {
      pos++;
      if (!digit()) throw invalid('after decimal point in numeric literal');
      while (digit()) pos++;
    }
    if (text[pos] === 'e' || text[pos] === 'E') {
      pos++;
      if (text[pos] === '+' || text[pos] === '-') pos++;
      if (!digit()) throw invalid('in exponent of numeric literal');
      while (digit()) pos++;
    }
    return text.slice(start, pos);
  };

  const literal = (word: string): void => {
    for (let i = 1; i < word.length; i++) {
      pos++;
      if (text[pos] !== word[i]) throw invalid(`in literal ${word} (expecting ${quoteChar(word[i]!)})`);
    }
    pos++;
  };

  const parseValue = (depth: number): JNode => {
    ws();
    if (pos >= text.length) throw eof();
    const c = text[pos]!;
    if (c === '{' || c === '[') {
      if (depth >= limits.maxDepth) throw err('exceeded max depth');
      pos++;
      ws();
      if (c === '{') {
        const entries: Array<[string, JNode]> = [];
        if (text[pos] === '}') {
          pos++;
          return { t: 'obj', entries };
        }
        for (;;) {
          ws();
          if (text[pos] !== '"') throw invalid('looking for beginning of object key string');
          const key = parseString();
          ws();
          if (text[pos] !== ':') throw invalid('after object key');
          pos++;
          entries.push([key, parseValue(depth + 1)]);
          ws();
          if (text[pos] === ',') {
            pos++;
            continue;
          }
          if (text[pos] === '}') {
            pos++;
            return { t: 'obj', entries };
          }
          throw invalid('after object key:value pair');
        }
      }
      const items: JNode[] = [];
      if (text[pos] === ']') {
        pos++;
        return { t: 'arr', items };
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return { t: 'arr', items };
        }
        throw invalid('after array element');
      }
    }
    if (c === '"') return { t: 'str', v: parseString() };
    if (c === '-' || (c >= '0' && c <= '9')) return { t: 'num', raw: parseNumber() };
    if (c === 't') {
      literal('true');
      return { t: 'bool', v: true };
    }
    if (c === 'f') {
      literal('false');
      return { t: 'bool', v: false };
    }
    if (c === 'n') {
      literal('null');
      return { t: 'null' };
    }
    throw invalid('looking for beginning of value');
  };

  const root = parseValue(0);
  ws();
  if (pos < text.length) throw invalid('after top-level value');
  return root;
}

export class DepthError extends Error {
  override readonly name = 'DepthError';
}

/** A value that was already parsed (by JSON.parse or a YAML reader) as a JNode tree. */
export function fromValue(value: unknown, maxDepth: number, depth = 0): JNode {
  if (value === null || value === undefined) return { t: 'null' };
  switch (typeof value) {
    case 'string':
      return { t: 'str', v: value };
    case 'number':
      return Number.isFinite(value) ? { t: 'num', raw: String(value) } : { t: 'null' };
    case 'bigint':
      return { t: 'num', raw: value.toString() };
    case 'boolean':
      return { t: 'bool', v: value };
    case 'object': {
      // Depth also stops cycles, which JSON text cannot express.
      if (depth >= maxDepth) throw new DepthError('exceeded max depth');
      if (Array.isArray(value)) return { t: 'arr', items: value.map((v) => fromValue(v, maxDepth, depth + 1)) };
      const entries: Array<[string, JNode]> = [];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v !== undefined) entries.push([k, fromValue(v, maxDepth, depth + 1)]);
      }
      return { t: 'obj', entries };
    }
    default:
      return { t: 'null' };
  }
}

/** UTF-8 length of a string, for the request size limit. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
