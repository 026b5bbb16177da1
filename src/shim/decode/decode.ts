// What the API server's decoder does to a request body before admission: reads the JSON
// into the kind's Go struct, and with it reports unknown and duplicate fields (strict
// field validation, `?fieldValidation=Strict|Warn|Ignore`), wrong value types, bad
// quantities and bad base64, each with the text a real server gives.
// K:staging/src/k8s.io/apimachinery/pkg/runtime/serializer/json/json.go (strict unmarshal),
// K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/{create,update,rest}.go
// (transformDecodeError, addStrictDecodingWarnings), sigs.k8s.io/json (field paths).
import { StatusError, badRequest } from '../errors.ts';
import type { KObject } from '../objects.ts';
import { goTypeName, kindType, structFields, type GoType } from './go-types.ts';
import { DepthError, JsonSyntaxError, fromValue, goQuote, parseJsonText, utf8Length, type JNode } from './json-text.ts';
import { QuantityError, QUANTITY_FORMAT_ERROR, parseQuantity } from './quantity.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface ExpectedKind {
  group: string;
  version: string;
  kind: string;
}

export interface DecodeResult {
  object: KObject;
  /** Strict-decoding findings in Warn mode, for `Warning: 299 - "<text>"` headers. */
  warnings: string[];
}

/** The API server refuses bodies above 3 MiB (apiserver `MaxRequestBodyBytes`). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;
/** Deeper than any real object; a guard against hostile input. */
export const MAX_DEPTH = 100;
/** sigs.k8s.io/json stops collecting strict errors after 100. */
const MAX_STRICT_ERRORS = 100;

/** A message that stops decoding at once (an UnmarshalJSON method failed). */
class FatalDecodeError extends Error {}

interface State {
  strict: boolean;
  strictErrors: string[];
  seen: Set<string>;
  /** The first type error; Go keeps decoding and reports it at the end. */
  typeError: string | undefined;
}

interface Ctx {
  /** sigs.k8s.io/json's path: `spec.containers[0].name`. */
  path: string;
  /** Go's errorContext: the innermost struct and the struct-field names that lead here. */
  struct: string;
  fields: readonly string[];
}

const jsonKind = (n: JNode): string =>
  n.t === 'obj' ? 'object' : n.t === 'arr' ? 'array' : n.t === 'str' ? 'string' : n.t === 'bool' ? 'bool' : n.t === 'num' ? 'number' : 'null';

function typeError(st: State, ctx: Ctx, value: string, type: GoType | string): void {
  if (st.typeError !== undefined) return;
  const t = typeof type === 'string' ? type : goTypeName(type);
  st.typeError =
    ctx.struct !== '' || ctx.fields.length > 0
      ? `json: cannot unmarshal ${value} into Go struct field ${ctx.struct}.${ctx.fields.join('.')} of type ${t}`
      : `json: cannot unmarshal ${value} into Go value of type ${t}`;
}

function strictError(st: State, kind: 'unknown field' | 'duplicate field', path: string): void {
  if (!st.strict || st.strictErrors.length >= MAX_STRICT_ERRORS) return;
  const msg = `${kind} ${goQuote(path)}`;
  if (st.seen.has(msg)) return;
  st.seen.add(msg);
  st.strictErrors.push(msg);
}

const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function toPlain(n: JNode): unknown {
  switch (n.t) {
    case 'obj': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of n.entries) o[k] = toPlain(v);
      return o;
    }
    case 'arr':
      return n.items.map(toPlain);
    case 'str':
      return n.v;
    case 'num':
      return Number(n.raw);
    case 'bool':
      return n.v;
    case 'null':
      return null;
  }
}

/** Go's `strconv.ParseInt(s, 10, 64)` plus an overflow check for the target width. */
function parseGoInt(raw: string, bits: 32 | 64): number | undefined {
  if (!/^-?[0-9]+$/.test(raw)) return undefined;
  const v = BigInt(raw);
  const max = bits === 32 ? 2n ** 31n : 2n ** 63n;
  if (v < -max || v >= max) return undefined;
  return Number(v);
}

/** Go's base64.StdEncoding.Decode error offsets: `illegal base64 data at input byte N`. */
export function base64Error(s: string): string | undefined {
  const bytes: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    bytes.push(c < 0x80 ? c : 0xff);
    for (let i = 1; i < n; i++) bytes.push(0xff);
  }
  const valid = (b: number): boolean =>
    (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b === 43 || b === 47;
  const nl = (b: number | undefined): boolean => b === 10 || b === 13;
  const corrupt = (at: number): string => `illegal base64 data at input byte ${at}`;
  let si = 0;
  while (si < bytes.length) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === bytes.length) {
        if (j === 0) return undefined;
        return corrupt(si - j);
      }
      const b = bytes[si]!;
      si++;
      if (valid(b)) continue;
      if (nl(b)) {
        j--;
        continue;
      }
      if (b !== 61) return corrupt(si - 1);
      if (j === 0 || j === 1) return corrupt(si - 1);
      if (j === 2) {
        while (si < bytes.length && nl(bytes[si])) si++;
        if (si === bytes.length) return corrupt(bytes.length);
        if (bytes[si] !== 61) return corrupt(si - 1);
        si++;
      }
      while (si < bytes.length && nl(bytes[si])) si++;
      if (si < bytes.length) return corrupt(si);
      return undefined;
    }
  }
  return undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function decodeValue(n: JNode, type: GoType, ctx: Ctx, st: State, topLevel = false): unknown {
  // null leaves Go values at zero (and pointers, maps, slices nil): the field is absent.
  if (n.t === 'null') return undefined;
  switch (type.k) {
    case 'any':
      return toPlain(n);
    case 'struct': {
      if (n.t !== 'obj') {
        typeError(st, ctx, jsonKind(n), type);
        return undefined;
      }
      const fields = structFields(type, topLevel);
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      for (const [key, value] of n.entries) {
        const f = fields.get(key);
        if (f === undefined) {
          strictError(st, 'unknown field', child(ctx.path, key));
          continue;
        }
        if (seen.has(key)) strictError(st, 'duplicate field', child(ctx.path, key));
        seen.add(key);
        const sub: Ctx = {
          path: child(ctx.path, key),
          struct: type.name,
          fields: f.embeddedIn !== undefined ? [...ctx.fields, f.embeddedIn, key] : [...ctx.fields, key],
        };
        assign(out, key, decodeValue(value, f.type, sub, st));
      }
      return out;
    }
    case 'map': {
      if (n.t !== 'obj') {
        typeError(st, ctx, jsonKind(n), type);
        return undefined;
      }
      const out: Record<string, unknown> = {};
      const seen = new Set<string>();
      for (const [key, value] of n.entries) {
        if (seen.has(key)) strictError(st, 'duplicate field', child(ctx.path, key));
        seen.add(key);
        const v = decodeValue(value, type.elem, { ...ctx, path: child(ctx.path, key) }, st);
        // A map keeps null values' keys (with a zero value); a zero string is "".
        assign(out, key, v === undefined ? zeroOf(type.elem) : v);
      }
      return out;
    }
    case 'slice': {
      if (n.t !== 'arr') {
        typeError(st, ctx, jsonKind(n), type);
        return undefined;
      }
      return n.items.map((item, i) => decodeValue(item, type.elem, { ...ctx, path: `${ctx.path}[${i}]` }, st) ?? zeroOf(type.elem));
    }
    case 'string':
      if (n.t === 'str') return n.v;
      typeError(st, ctx, jsonKind(n), type);
      return undefined;
    case 'bool':
      if (n.t === 'bool') return n.v;
      typeError(st, ctx, jsonKind(n), type);
      return undefined;
    case 'int': {
      if (n.t !== 'num') {
        typeError(st, ctx, jsonKind(n), type);
        return undefined;
      }
      const v = parseGoInt(n.raw, type.bits);
      if (v === undefined) typeError(st, ctx, `number ${n.raw}`, type);
      return v;
    }
    case 'float':
      if (n.t === 'num') return Number(n.raw);
      typeError(st, ctx, jsonKind(n), type);
      return undefined;
    case 'bytes': {
      if (n.t !== 'str') {
        typeError(st, ctx, jsonKind(n), type);
        return undefined;
      }
      const bad = base64Error(n.v);
      if (bad !== undefined && st.typeError === undefined) st.typeError = bad;
      return n.v;
    }
    case 'quantity': {
      // Quantity.UnmarshalJSON parses whatever it is given; only strings and numbers can pass.
      if (n.t !== 'str' && n.t !== 'num') throw new FatalDecodeError(QUANTITY_FORMAT_ERROR);
      try {
        return parseQuantity(n.t === 'str' ? n.v : n.raw).canonical;
      } catch (e) {
        if (e instanceof QuantityError) throw new FatalDecodeError(e.message);
        throw e;
      }
    }
    case 'intstr': {
      // IntOrString.UnmarshalJSON: a string, or else json.Unmarshal into an int32.
      if (n.t === 'str') return n.v;
      if (n.t === 'num') {
        const v = parseGoInt(n.raw, 32);
        if (v === undefined) throw new FatalDecodeError(`json: cannot unmarshal number ${n.raw} into Go value of type int32`);
        return v;
      }
      throw new FatalDecodeError(`json: cannot unmarshal ${jsonKind(n)} into Go value of type int32`);
    }
    case 'time': {
      if (n.t !== 'str') throw new FatalDecodeError(`json: cannot unmarshal ${jsonKind(n)} into Go value of type string`);
      if (!RFC3339.test(n.v)) {
        throw new FatalDecodeError(`parsing time ${goQuote(n.v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${goQuote(n.v)} as "2006"`);
      }
      return n.v;
    }
  }
}

/** A repeated key decodes into the same Go value: objects merge, everything else is replaced. */
function assign(out: Record<string, unknown>, key: string, value: unknown): void {
  const prev = out[key];
  if (isPlainObject(prev) && isPlainObject(value)) Object.assign(prev, value);
  else if (value === undefined) delete out[key];
  else out[key] = value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function zeroOf(t: GoType): unknown {
  switch (t.k) {
    case 'string':
    case 'bytes':
      return '';
    case 'int':
    case 'float':
      return 0;
    case 'bool':
      return false;
    case 'struct':
      return {};
    case 'quantity':
      return '0';
    default:
      return null;
  }
}

function handledAs(expected: ExpectedKind, message: string): StatusError {
  return badRequest(`${expected.kind} in version ${goQuote(expected.version)} cannot be handled as a ${expected.kind}: ${message}`);
}

/** Body could not even be read as JSON: upstream fails while looking for apiVersion/kind. */
function unrecognized(expected: ExpectedKind, message: string, text: string): StatusError {
  const summary = text.length > 30 ? `${text.slice(0, 30)} ...` : text;
  return badRequest(
    `the object provided is unrecognized (must be of type ${expected.kind}): couldn't get version/kind; json parse error: ${message} (${summary})`,
  );
}

export function requestEntityTooLarge(limit = MAX_REQUEST_BODY_BYTES): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Request entity too large: limit is ${limit}`,
    reason: 'RequestEntityTooLarge',
    code: 413,
  });
}

function approxSize(root: JNode): number {
  let size = 0;
  const stack: JNode[] = [root];
  while (stack.length > 0 && size <= MAX_REQUEST_BODY_BYTES) {
    const n = stack.pop()!;
    if (n.t === 'obj') for (const [k, v] of n.entries) (size += k.length + 4), stack.push(v);
    else if (n.t === 'arr') for (const v of n.items) (size += 1), stack.push(v);
    else size += n.t === 'str' ? n.v.length + 2 : n.t === 'num' ? n.raw.length : 5;
  }
  return size;
}

/**
 * Decodes a request body (raw JSON text, or a value already parsed) as `expected` with
 * the given field validation. Throws a StatusError (400 BadRequest, 413) as the API
 * server would; returns the decoded object, unknown fields removed, quantities in
 * canonical form, and Warn-mode warnings.
 */
export function decodeObject(body: unknown, expected: ExpectedKind, mode: FieldValidation): DecodeResult {
  let root: JNode;
  if (typeof body === 'string') {
    if (body.length > MAX_REQUEST_BODY_BYTES || utf8Length(body) > MAX_REQUEST_BODY_BYTES) throw requestEntityTooLarge();
    try {
      root = parseJsonText(body, { maxDepth: MAX_DEPTH });
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw unrecognized(expected, e.message, body);
      throw e;
    }
  } else {
    try {
      root = fromValue(body, MAX_DEPTH);
    } catch (e) {
      if (e instanceof DepthError) throw unrecognized(expected, e.message, '');
      throw e;
    }
    if (approxSize(root) > MAX_REQUEST_BODY_BYTES) throw requestEntityTooLarge();
  }

  const st: State = { strict: mode !== 'Ignore', strictErrors: [], seen: new Set(), typeError: undefined };
  const type: GoType = kindType(expected.group, expected.version, expected.kind) ?? { k: 'any' };
  let object: unknown;
  try {
    object = decodeValue(root, type, { path: '', struct: '', fields: [] }, st, true);
  } catch (e) {
    if (e instanceof FatalDecodeError) throw handledAs(expected, e.message);
    throw e;
  }
  if (st.typeError !== undefined) throw handledAs(expected, st.typeError);
  if (!isPlainObject(object)) {
    throw handledAs(expected, `json: cannot unmarshal ${jsonKind(root)} into Go value of type ${goTypeName(type)}`);
  }
  if (mode === 'Strict' && st.strictErrors.length > 0) {
    throw handledAs(expected, `strict decoding error: ${st.strictErrors.join(', ')}`);
  }
  return { object: object as KObject, warnings: mode === 'Warn' ? st.strictErrors : [] };
}
