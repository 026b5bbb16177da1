/**
 * JSON as kubectl prints it: Go's encoding/json with `MarshalIndent(obj, "",
 * "    ")` over unstructured maps — keys sorted bytewise, four-space indent,
 * `<`, `>`, `&`, U+2028 and U+2029 escaped, floats in Go's format.
 */

export function toJson(value: unknown, indent = '    ', sortKeys = true): string {
  return encode(value, indent, '', sortKeys);
}

function encode(value: unknown, indent: string, prefix: string, sortKeys: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return goJsonNumber(value);
  if (typeof value === 'string') return goJsonString(value);
  const inner = prefix + indent;
  const nl = indent === '' ? '' : '\n';
  const sep = indent === '' ? ':' : ': ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v) => inner + encode(v, indent, inner, sortKeys)).join(`,${nl}`)}${nl}${prefix}]`;
  }
  const keys = sortKeys ? Object.keys(value as object).sort(compareBytes) : Object.keys(value as object);
  if (keys.length === 0) return '{}';
  const map = value as Record<string, unknown>;
  return `{${nl}${keys.map((k) => `${inner}${goJsonString(k)}${sep}${encode(map[k], indent, inner, sortKeys)}`).join(`,${nl}`)}${nl}${prefix}}`;
}

/** Go sorts map keys by their UTF-8 bytes; for strings that is code point order. */
function compareBytes(a: string, b: string): number {
  const ac = [...a];
  const bc = [...b];
  for (let i = 0; i < ac.length && i < bc.length; i++) {
    const d = ac[i]!.codePointAt(0)! - bc[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ac.length - bc.length;
}

export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function goJsonNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  // JavaScript and Go switch to exponents at the same magnitudes (1e21, 1e-6).
  return String(n);
}
