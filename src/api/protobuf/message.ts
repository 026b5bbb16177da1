/**
 * Decodes one message of the k8s.io/api protobuf encoding into the JSON value Go's
 * encoding/json gives for the same struct. Go writes every non-pointer scalar to
 * protobuf, set or not, so whether a field appears in JSON follows the struct
 * tags, as in kubectl's own JSON: a zero `omitempty` scalar is left out, a set
 * pointer is kept even when zero (`replicas: 0`), a non-pointer struct is always
 * there (`resources: {}`, `creationTimestamp: null`), an empty slice or map is
 * left out (or null without `omitempty`).
 */
import { base64, compareKeys, goTime, setKey } from './go-json.ts';
import { MESSAGES } from './table.generated.ts';
import {
  ProtobufError, Reader, readKey, toInt32, toInt64, WIRE_BYTES, WIRE_VARINT,
} from './wire.ts';

interface Field {
  num: number;
  json: string;
  type: string;
  pointer: boolean;
  omitempty: boolean;
  inline: boolean;
  goName: string;
}

interface Message {
  /** The Go struct name, for gogo's error texts. */
  name: string;
  fields: Field[];
  byNumber: Map<number, Field>;
}

/** Deeper than any built-in type nests; a guard against envelopes nested in RawExtensions. */
export const MAX_DEPTH = 64;

const decoder = new TextDecoder('utf-8');
const messages = new Map<string, Message>();

function message(name: string): Message {
  let m = messages.get(name);
  if (m) return m;
  const spec = MESSAGES[name];
  if (spec === undefined) throw new Error(`protobuf table has no message ${name}`);
  const fields = spec === '' ? [] : spec.split('|').map((f): Field => {
    const [num, json, type, flags, goName] = f.split(' ') as [string, string, string, string, string | undefined];
    return {
      num: Number(num), json, type,
      pointer: flags.includes('p'), omitempty: flags.includes('o'), inline: flags.includes('n'),
      goName: goName ?? json.charAt(0).toUpperCase() + json.slice(1),
    };
  });
  m = { name: name.slice(name.lastIndexOf('.') + 1), fields, byNumber: new Map(fields.map((f) => [f.num, f])) };
  messages.set(name, m);
  return m;
}

export const hasMessage = (name: string): boolean => MESSAGES[name] !== undefined;

/** Decodes `bytes` as message `name` (`core/v1.ConfigMap`) into a JSON object. */
export function decodeMessage(name: string, bytes: Uint8Array, depth = 0): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new ProtobufError(`proto: ${message(name).name}: exceeded max nesting depth ${MAX_DEPTH}`);
  const m = message(name);
  // What each field number was given: scalars keep the last value, messages gather
  // their segments (protobuf merges repeated occurrences), lists and maps append.
  const values = new Map<number, unknown>();
  const r = new Reader(bytes);
  while (!r.done) {
    const { field: num, wireType } = readKey(r, m.name);
    const f = m.byNumber.get(num);
    if (!f) {
      r.skip(wireType);
      continue;
    }
    read(r, f, wireType, values, depth);
  }
  const out: Record<string, unknown> = {};
  for (const f of m.fields) {
    const v = values.get(f.num);
    if (f.inline) {
      Object.assign(out, decodeMessage(f.type, concat(v as Uint8Array[] | undefined), depth + 1));
      continue;
    }
    const json = toJson(f, v, values.has(f.num), depth);
    if (json !== OMIT) out[f.json] = json;
  }
  return out;
}

const OMIT = Symbol('omit');
const SCALARS = new Set(['s', 'b', 'i', 'l']);

function read(r: Reader, f: Field, wireType: number, values: Map<number, unknown>, depth: number): void {
  const t = f.type;
  const kind = t[0];
  if (kind === '[' || kind === '{') {
    const list = (values.get(f.num) as unknown[] | undefined) ?? [];
    values.set(f.num, list);
    const elem = t.slice(1);
    if (kind === '{') {
      expectWire(f, wireType, WIRE_BYTES);
      list.push(mapEntry(r.bytes(), elem, depth));
    } else if (wireType === WIRE_BYTES && (elem === 'b' || elem === 'i' || elem === 'l')) {
      // A packed list of varints (gogo reads both forms).
      const end = r.length();
      const sub = new Reader(r.buf, r.pos, end);
      while (!sub.done) list.push(scalar(sub, elem));
      r.pos = end;
    } else {
      expectWire(f, wireType, SCALARS.has(elem) && elem !== 's' ? WIRE_VARINT : WIRE_BYTES);
      list.push(element(r, elem, depth));
    }
    return;
  }
  if (kind === '+' || !SCALARS.has(t)) {
    // A message, special type, wrapper or bytes: keep every segment.
    expectWire(f, wireType, WIRE_BYTES);
    const segments = (values.get(f.num) as Uint8Array[] | undefined) ?? [];
    segments.push(r.bytes());
    values.set(f.num, t === 'y' ? segments.slice(-1) : segments);
    return;
  }
  expectWire(f, wireType, t === 's' ? WIRE_BYTES : WIRE_VARINT);
  values.set(f.num, scalar(r, t));
}

function expectWire(f: Field, got: number, want: number): void {
  if (got !== want) throw new ProtobufError(`proto: wrong wireType = ${got} for field ${f.goName}`);
}

function scalar(r: Reader, t: string): unknown {
  switch (t) {
    case 's': return decoder.decode(r.bytes());
    case 'b': { const v = r.varint(); return v.lo !== 0 || v.hi !== 0; }
    case 'i': return toInt32(r.varint());
    case 'l': return toInt64(r.varint());
    default: throw new Error(`not a scalar: ${t}`);
  }
}

/** One element of a repeated field, or a map value. */
function element(r: Reader, t: string, depth: number): unknown {
  if (SCALARS.has(t)) return scalar(r, t);
  return value(t, r.bytes(), depth);
}

/** The JSON of a length-delimited value of type `t` (message, special, bytes, wrapper). */
function value(t: string, bytes: Uint8Array, depth: number): unknown {
  switch (t) {
    case 'y': return base64(bytes);
    case 'T': case 'U': return time(bytes, t === 'U');
    case 'Q': return quantity(bytes);
    case 'I': return intOrString(bytes);
    case 'R': return raw(bytes, 'raw', depth);
    case 'F': return raw(bytes, 'Raw', depth);
    default:
      if (t.startsWith('+')) return wrapper(bytes, t.slice(1), depth);
      return decodeMessage(t, bytes, depth + 1);
  }
}

/** A map<string, V> entry: key = 1, value = 2; a missing part is its zero value. */
function mapEntry(bytes: Uint8Array, valueType: string, depth: number): [string, unknown] {
  const r = new Reader(bytes);
  let key = '';
  let val: unknown;
  let present = false;
  while (!r.done) {
    const { field, wireType } = readKey(r, 'MapEntry');
    if (field === 1 && wireType === WIRE_BYTES) key = decoder.decode(r.bytes());
    else if (field === 2 && wireType === (SCALARS.has(valueType) && valueType !== 's' ? WIRE_VARINT : WIRE_BYTES)) {
      val = element(r, valueType, depth);
      present = true;
    } else r.skip(wireType);
  }
  if (!present) val = zero(valueType, depth);
  return [key, val];
}

/** A named slice (`Verbs`, `ExtraValue`): `repeated <elem> items = 1`. */
function wrapper(bytes: Uint8Array, elem: string, depth: number): unknown[] {
  const items: unknown[] = [];
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wireType } = readKey(r, 'Items');
    if (field === 1 && wireType === (SCALARS.has(elem) && elem !== 's' ? WIRE_VARINT : WIRE_BYTES)) items.push(element(r, elem, depth));
    else r.skip(wireType);
  }
  return items;
}

/** The JSON a Go zero value has. */
function zero(t: string, depth: number): unknown {
  switch (t) {
    case 's': return '';
    case 'b': return false;
    case 'i': case 'l': return 0;
    case 'y': case 'T': case 'U': case 'R': case 'F': return null;
    case 'Q': return '0';
    case 'I': return 0;
    default: return t.startsWith('+') ? null : decodeMessage(t, EMPTY, depth + 1);
  }
}

const EMPTY = new Uint8Array(0);

function concat(segments: Uint8Array[] | undefined): Uint8Array {
  if (!segments || segments.length === 0) return EMPTY;
  if (segments.length === 1) return segments[0]!;
  const out = new Uint8Array(segments.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of segments) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

function toJson(f: Field, v: unknown, present: boolean, depth: number): unknown {
  const t = f.type;
  const kind = t[0];
  if (kind === '[' || kind === '+' || kind === '{' || t === 'y') {
    // Slices, maps and []byte: nil when nothing was sent.
    let json: unknown;
    if (kind === '[') json = (v as unknown[] | undefined)?.length ? v : undefined;
    else if (kind === '{') json = (v as [string, unknown][] | undefined)?.length ? toObject(v as [string, unknown][]) : undefined;
    else if (present) {
      json = value(t, concat(v as Uint8Array[]), depth);
      if (kind === '+' && (json as unknown[]).length === 0) json = undefined;
      if (t === 'y' && f.omitempty && json === '') json = undefined;
    }
    if (json === undefined) return f.omitempty ? OMIT : null;
    return json;
  }
  if (f.pointer && !present) return f.omitempty ? OMIT : null;
  if (SCALARS.has(t)) {
    const json = present ? v : zero(t, depth);
    if (f.omitempty && !f.pointer && (json === '' || json === 0 || json === false)) return OMIT;
    return json;
  }
  // Structs, Time, Quantity, IntOrString…: omitempty never drops a struct.
  return present ? value(t, concat(v as Uint8Array[]), depth) : zero(t, depth);
}

function toObject(entries: [string, unknown][]): Record<string, unknown> {
  // Duplicate keys: the last one wins, as in Go's map assignment.
  const map = new Map(entries);
  const out: Record<string, unknown> = {};
  for (const key of [...map.keys()].sort(compareKeys)) setKey(out, key, map.get(key));
  return out;
}

/** metav1.Timestamp {seconds = 1, nanos = 2}; an empty message is the zero time. */
function time(bytes: Uint8Array, micro: boolean): string | null {
  if (bytes.length === 0) return null;
  let seconds = 0;
  let nanos = 0;
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wireType } = readKey(r, 'Timestamp');
    if (field === 1 || field === 2) {
      if (wireType !== WIRE_VARINT) throw new ProtobufError(`proto: wrong wireType = ${wireType} for field ${field === 1 ? 'Seconds' : 'Nanos'}`);
      if (field === 1) seconds = toInt64(r.varint());
      else nanos = toInt32(r.varint());
    } else r.skip(wireType);
  }
  return goTime(seconds, nanos, micro);
}

/** resource.Quantity {string = 1}, already in canonical form when Go wrote it. */
function quantity(bytes: Uint8Array): string {
  let s = '0';
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wireType } = readKey(r, 'Quantity');
    if (field === 1) {
      if (wireType !== WIRE_BYTES) throw new ProtobufError(`proto: wrong wireType = ${wireType} for field String_`);
      s = decoder.decode(r.bytes());
    } else r.skip(wireType);
  }
  return s;
}

/** intstr.IntOrString {type = 1, intVal = 2, strVal = 3}: a number or a string in JSON. */
function intOrString(bytes: Uint8Array): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wireType } = readKey(r, 'IntOrString');
    const want = field === 3 ? WIRE_BYTES : WIRE_VARINT;
    if (field >= 1 && field <= 3 && wireType !== want) {
      throw new ProtobufError(`proto: wrong wireType = ${wireType} for field ${['Type', 'IntVal', 'StrVal'][field - 1]}`);
    }
    if (field === 1) type = toInt64(r.varint());
    else if (field === 2) intVal = toInt32(r.varint());
    else if (field === 3) strVal = decoder.decode(r.bytes());
    else r.skip(wireType);
  }
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  throw new ProtobufError('impossible IntOrString.Type');
}

/** Hook for RawExtensions that hold a nested `k8s\0` envelope (set by envelope.ts). */
export const nested: { decode?: (bytes: Uint8Array, depth: number) => unknown } = {};

/** runtime.RawExtension / metav1.FieldsV1 {raw = 1}: JSON bytes, written as they are. */
function raw(bytes: Uint8Array, fieldName: string, depth: number): unknown {
  let data: Uint8Array | undefined;
  const r = new Reader(bytes);
  while (!r.done) {
    const { field, wireType } = readKey(r, 'RawExtension');
    if (field === 1) {
      if (wireType !== WIRE_BYTES) throw new ProtobufError(`proto: wrong wireType = ${wireType} for field ${fieldName}`);
      data = r.bytes();
    } else r.skip(wireType);
  }
  if (data === undefined || data.length === 0) return null;
  if (data[0] === 0x6b && data[1] === 0x38 && data[2] === 0x73 && data[3] === 0 && nested.decode) return nested.decode(data, depth + 1);
  try {
    return JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new ProtobufError(`json: error calling MarshalJSON for type *runtime.RawExtension: ${(error as Error).message}`);
  }
}
