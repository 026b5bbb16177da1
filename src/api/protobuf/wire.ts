/**
 * Reading the protobuf wire format the way gogo-protobuf's generated Unmarshal
 * methods in k8s.io/api do, with their error texts (the API server passes them on
 * to the client): K:staging/src/k8s.io/api/core/v1/generated.pb.go (skipGenerated,
 * ErrInvalidLengthGenerated, ErrIntOverflowGenerated).
 */

/** A body that is not a valid encoding; `message` is what the Go decoder says. */
export class ProtobufError extends Error {}

export const UNEXPECTED_EOF = 'unexpected EOF';
const INVALID_LENGTH = 'proto: negative length found during unmarshaling';
const INT_OVERFLOW = 'proto: integer overflow';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** A 64-bit varint as two unsigned 32-bit halves. */
export interface Varint {
  lo: number;
  hi: number;
}

export class Reader {
  pos: number;

  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): Varint {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift >= 64) throw new ProtobufError(INT_OVERFLOW);
      if (this.pos >= this.end) throw new ProtobufError(UNEXPECTED_EOF);
      const b = this.buf[this.pos++]!;
      const bits = b & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (b < 0x80) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
  }

  /** A length prefix and the end of the bytes it covers (Go's `int` is 64-bit: a huge length is negative). */
  length(): number {
    const { lo, hi } = this.varint();
    if (hi >= 0x80000000) throw new ProtobufError(INVALID_LENGTH);
    const len = hi * 0x100000000 + lo;
    if (len > this.end - this.pos) throw new ProtobufError(UNEXPECTED_EOF);
    return this.pos + len;
  }

  /** The bytes of a length-delimited field. */
  bytes(): Uint8Array {
    const end = this.length();
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  /** Skips a field of an unknown number, as skipGenerated does (groups included). */
  skip(wireType: number): void {
    let depth = 0;
    for (;;) {
      switch (wireType) {
        case WIRE_VARINT: this.varint(); break;
        case WIRE_FIXED64: this.advance(8); break;
        case WIRE_BYTES: this.pos = this.length(); break;
        case WIRE_START_GROUP: depth++; break;
        case WIRE_END_GROUP:
          if (depth === 0) throw new ProtobufError('proto: unexpected end of group');
          depth--;
          break;
        case WIRE_FIXED32: this.advance(4); break;
        default: throw new ProtobufError(`proto: illegal wireType ${wireType}`);
      }
      if (depth === 0) return;
      const key = this.varint();
      wireType = key.lo & 7;
    }
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw new ProtobufError(UNEXPECTED_EOF);
    this.pos += n;
  }
}

/** Go's int32(v): the low 32 bits, signed. */
export const toInt32 = (v: Varint): number => v.lo | 0;

/** Go's int64(v) as a JS number (exact up to 2^53, as JSON numbers are for JavaScript). */
export const toInt64 = (v: Varint): number => (v.hi | 0) * 0x100000000 + v.lo;

/** Reads a field key; `message` names the Go struct for gogo's errors. */
export function readKey(r: Reader, message: string): { field: number; wireType: number } {
  const v = r.varint();
  const wireType = v.lo & 7;
  // fieldNum := int32(wire >> 3)
  const field = ((v.lo >>> 3) | (v.hi << 29)) | 0;
  if (wireType === WIRE_END_GROUP) throw new ProtobufError(`proto: ${message}: wiretype end group for non-group`);
  if (field <= 0) {
    const wire = BigInt(v.hi) * 0x100000000n + BigInt(v.lo);
    throw new ProtobufError(`proto: ${message}: illegal tag ${field} (wire type ${wire})`);
  }
  return { field, wireType };
}
