// Base64 (RFC 4648) for the pure core: Secret data, service-account tokens, the
// `base64` applet. Neither `btoa` nor Node's Buffer is available everywhere the
// core runs, so it is done here once.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Map([...ALPHABET].map((c, i) => [c, i] as const).concat([['-', 62], ['_', 63]]));

/** `data` (a string is taken as UTF-8) in standard base64, or unpadded base64url with `url`. */
export function encodeBase64(data: Uint8Array | string, options: { url?: boolean } = {}): string {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const abc = options.url ? URL_ALPHABET : ALPHABET;
  const pad = options.url ? '' : '=';
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    parts.push(
      abc[(n >> 18) & 63]! + abc[(n >> 12) & 63]! + (i + 1 < bytes.length ? abc[(n >> 6) & 63]! : pad) + (i + 2 < bytes.length ? abc[n & 63]! : pad),
    );
  }
  return parts.join('');
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

/** Base64 text decoded to a string: UTF-8 when it is, else one character per byte. */
export function decodeBase64(text: string): string {
  const bytes = decodeBase64Bytes(text);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
}
