import { describe, expect, it } from 'vitest';
import { CLOSE, ERROR, frame, parseFrame, RESIZE, selectProtocol, STDIN, STDOUT } from './channel.ts';

describe('remote command channel protocol', () => {
  it('prefixes each message with its channel byte', () => {
    expect([...frame(STDOUT, 'hi\n')]).toEqual([1, 0x68, 0x69, 0x0a]);
    expect([...frame(ERROR)]).toEqual([3]);
    expect([...frame(2, 'é')]).toEqual([2, 0xc3, 0xa9]);
    expect([...frame(STDOUT, new Uint8Array([0, 255]))]).toEqual([1, 0, 255]);
  });

  it('reads stdin, the v5 close signal and terminal sizes', () => {
    expect(parseFrame(Uint8Array.from([STDIN, 0x61, 0x62]))).toEqual({ type: 'stdin', data: Uint8Array.from([0x61, 0x62]) });
    expect(parseFrame(Uint8Array.from([CLOSE, STDIN]))).toEqual({ type: 'close', channel: 0 });
    expect(parseFrame(Buffer.concat([Buffer.from([RESIZE]), Buffer.from('{"Width":120,"Height":40}')]))).toEqual({ type: 'resize', width: 120, height: 40 });
  });

  it('ignores what a client never sends', () => {
    expect(parseFrame(new Uint8Array())).toMatchObject({ type: 'ignored' });
    expect(parseFrame(Uint8Array.from([CLOSE]))).toMatchObject({ type: 'ignored' });
    expect(parseFrame(Buffer.concat([Buffer.from([RESIZE]), Buffer.from('{"Width":"wide"}')]))).toMatchObject({ type: 'ignored' });
    expect(parseFrame(Uint8Array.from([STDOUT, 0x61]))).toMatchObject({ type: 'ignored' });
  });

  it('picks the first sub-protocol offered that it speaks', () => {
    expect(selectProtocol('v5.channel.k8s.io')).toBe('v5.channel.k8s.io');
    expect(selectProtocol('v4.channel.k8s.io, v5.channel.k8s.io')).toBe('v4.channel.k8s.io');
    expect(selectProtocol('base64.channel.k8s.io,v4.channel.k8s.io')).toBe('v4.channel.k8s.io');
    expect(selectProtocol('channel.k8s.io')).toBeUndefined();
    expect(selectProtocol(undefined)).toBeUndefined();
  });
});
