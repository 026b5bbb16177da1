// Base64 (RFC 4648) for the pure core: Secret data, service-account tokens, the
// `base64` applet. Neither `btoa` nor Node's Buffer is available everywhere the
// core runs, so it is done here once.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Map([...ALPHABET].map((c, i) => [c, i] as const).concat([['-', 62], ['_', 63]]));

const UTF8 = new TextEncoder();
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const URL_CODES = Uint8Array.from(URL_ALPHABET, (c) => c.charCodeAt(0));
const EQUALS = '='.charCodeAt(0);

/** `data` (a string is taken as UTF-8) in standard base64, or unpadded base64url with `url`. */
export function encodeBase64(data: Uint8Array | string, options: { url?: boolean } = {}): string {
  const bytes = typeof data === 'string' ? UTF8.encode(data) : data;
  const codes = options.url ? URL_CODES : CODES;
  const whole = bytes.length - (bytes.length % 3);
  const rest = bytes.length - whole;
  const length = options.url ? Math.ceil((bytes.length * 4) / 3) : Math.ceil(bytes.length / 3) * 4;
  // Character codes into one buffer, then one string: no string per 3-byte group.
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = codes[(n >> 18) & 63]!;
    out[o++] = codes[(n >> 12) & 63]!;
    out[o++] = codes[(n >> 6) & 63]!;
    out[o++] = codes[n & 63]!;
  }
  if (rest > 0) {
    const n = (bytes[whole]! << 16) | (rest === 2 ? bytes[whole + 1]! << 8 : 0);
    out[o++] = codes[(n >> 18) & 63]!;
    out[o++] = codes[(n >> 12) & 63]!;
    if (rest === 2) out[o++] = codes[(n >> 6) & 63]!;
    if (!options.url) {
      if (rest === 1) out[o++] = EQUALS;
      out[o++] = EQUALS;
    }
  }
  return ascii(out);
}

/** ASCII bytes as a string, in chunks small enough for fromCharCode's argument list. */
function ascii(codes: Uint8Array): string {
  if (codes.length <= 8192) return String.fromCharCode.apply(null, codes as unknown as number[]);
  let s = '';
  for (let i = 0; i < codes.length; i += 8192) s += String.fromCharCode.apply(null, codes.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

/** The bytes of base64 or base64url text; characters outside the alphabet (padding, newlines) are skipped. */
export function decodeBase64Bytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let n = 0;
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = VALUES.get(ch);
    if (v === undefined) continue;
    value = ((value << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Base64 text decoded to a string: UTF-8 when it is, else one character per byte. */
export function decodeBase64(text: string): string {
  const bytes = decodeBase64Bytes(text);
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
}
