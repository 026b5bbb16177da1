import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeBase64Bytes, encodeBase64 } from './base64.ts';

describe('base64', () => {
  it('encodes as RFC 4648 does, padded, and url-safe unpadded', () => {
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((s) => encodeBase64(s))).toEqual(['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy']);
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('+//+');
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xfe, 0x01]), { url: true })).toBe('-__-AQ');
  });

  it('round-trips UTF-8 text and arbitrary bytes', () => {
    expect(decodeBase64(encodeBase64('pässwörd ✓'))).toBe('pässwörd ✓');
    const bytes = new Uint8Array(256).map((_, i) => i);
    expect([...decodeBase64Bytes(encodeBase64(bytes))]).toEqual([...bytes]);
    expect([...decodeBase64Bytes(encodeBase64(bytes, { url: true }))]).toEqual([...bytes]);
    // Longer than one 8 KiB chunk of output, with a remainder of one and of two bytes.
    for (const n of [30_001, 30_002]) {
      const big = new Uint8Array(n).map((_, i) => (i * 7) & 0xff);
      const text = encodeBase64(big);
      expect(text.length).toBe(Math.ceil(n / 3) * 4);
      expect(decodeBase64Bytes(text)).toEqual(big);
    }
  });

  it('skips line breaks and padding, and keeps invalid UTF-8 byte for byte', () => {
    expect(decodeBase64('aGVs\nbG8=\n')).toBe('hello');
    expect(decodeBase64('/w==')).toBe('\u00ff');
  });
});
