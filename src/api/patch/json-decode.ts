/**
 * Decoding patch bodies with the error texts Go's `encoding/json` gives, since
 * the API server hands those texts to the client (kubectl prints them after
 * `Error from server (BadRequest): `).
 */

export type Json = null | boolean | number | string | Json[] | JsonMap;
export interface JsonMap {
  [key: string]: Json;
}

export function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's name for the JSON type of a value, as in "cannot unmarshal array into …". */
export function jsonTypeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value; // number | string | boolean → Go says "number", "string", "bool"
}

export function goUnmarshalTypeError(value: Json, goType: string): string {
  const name = jsonTypeName(value);
  return `json: cannot unmarshal ${name === 'boolean' ? 'bool' : name} into Go value of type ${goType}`;
}

/**
 * Parse JSON; on a syntax error throw an Error whose message imitates Go's
 * (`invalid character 'x' looking for beginning of value`, `unexpected end of
 * JSON input`). The exact wording after the character is an approximation.
 */
export function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new Error(goSyntaxMessage(text, err));
  }
}

function goSyntaxMessage(text: string, err: unknown): string {
  if (text.trim() === '') return 'unexpected end of JSON input';
  const raw = err instanceof Error ? err.message : String(err);
  const position = /position (\d+)/.exec(raw);
  const at = position ? Number(position[1]) : text.search(/\S/);
  if (at >= text.length || /end of (JSON|data) input/i.test(raw)) return 'unexpected end of JSON input';
  const ch = text[at] ?? '';
  const before = text.slice(0, at).trim();
  const context = before === '' ? 'looking for beginning of value' : 'after top-level value';
  return `invalid character '${ch}' ${context}`;
}

/** Go's `%v` rendering of a decoded JSON value, used inside upstream error messages. */
export function goFormat(value: Json | undefined): string {
  if (value === undefined || value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`;
  }
  if (typeof value === 'number') return goFloat(value);
  return String(value);
}

/** `%v` of a float64: shortest representation, exponent form from 1e21 up or below 1e-4 (strconv 'g', eprec 21). */
function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** A deep copy of a JSON value (the shim's objects are plain JSON; no structuredClone in a DOM-less lib). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
