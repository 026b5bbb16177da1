/**
 * How Go's encoding/json and apimachinery's MarshalJSON methods write the values a
 * protobuf body carries, so a decoded object is the JSON kubectl would have sent.
 */
import { ProtobufError } from './wire.ts';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `[]byte` in JSON: standard base64 with padding. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2]! + B64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? '=' : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? '=' : B64[c & 63]!;
  }
  return out;
}

/** Seconds of the zero time.Time (year 1) since the Unix epoch: IsZero() values marshal as null. */
const ZERO_TIME_SECONDS = -62135596800;
const MAX_DATE_SECONDS = 8.64e12;

/**
 * metav1.Time (`2006-01-02T15:04:05Z`, UTC, whole seconds) and metav1.MicroTime
 * (`2006-01-02T15:04:05.000000Z`), or null for the zero time.
 * K:staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/{time,micro_time}.go
 */
export function goTime(seconds: number, nanos: number, micro: boolean): string | null {
  // time.Unix normalises nanoseconds outside [0, 1e9).
  seconds += Math.floor(nanos / 1e9);
  nanos = ((nanos % 1e9) + 1e9) % 1e9;
  if (seconds === ZERO_TIME_SECONDS && nanos === 0) return null;
  if (Math.abs(seconds) > MAX_DATE_SECONDS) throw new ProtobufError(`Time.MarshalJSON: year outside of range [0,9999]`);
  const iso = new Date(seconds * 1000).toISOString();
  if (!/^\d{4}-/.test(iso)) throw new ProtobufError(`Time.MarshalJSON: year outside of range [0,9999]`);
  const base = iso.slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

/** Go's json.Marshal writes map keys sorted by their UTF-8 bytes (code point order). */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Sets a key as JSON.parse would: `__proto__` is an own property, not the prototype. */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
