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
  });

  it('skips line breaks and padding, and keeps invalid UTF-8 byte for byte', () => {
    expect(decodeBase64('aGVs\nbG8=\n')).toBe('hello');
    expect(decodeBase64('/w==')).toBe('\u00ff');
  });
});
