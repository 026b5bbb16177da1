import { describe, expect, it } from 'vitest';
import { applyRequest, formatStat, javaDate, type ZkState } from './zookeeper.ts';

const empty = (): ZkState => applyRequest({ zxid: 0, nodes: { '/': { data: '', czxid: 0, ctime: 0, mzxid: 0, mtime: 0, pzxid: 0, cversion: 0, version: 0 } } }, { op: 'get', path: '/' }, 0, 0).state;

describe('the znode tree', () => {
  it('creates, reads and refuses duplicates as zkCli reports them', () => {
    const t = Date.UTC(2016, 11, 8, 15, 13, 30);
    const { state, reply } = applyRequest(empty(), { op: 'create', path: '/hello', data: 'world' }, 0x100000002, t);
    expect(reply).toEqual({ ok: true, text: 'Created /hello\n' });
    expect(applyRequest(state, { op: 'get', path: '/hello' }, 0, t).reply.text).toBe(`world\n${formatStat(state, '/hello')}`);
    expect(formatStat(state, '/hello')).toContain('cZxid = 0x100000002\nctime = Thu Dec 08 15:13:30 UTC 2016\n');
    expect(formatStat(state, '/hello')).toContain('dataLength = 5\nnumChildren = 0\n');
    expect(applyRequest(state, { op: 'create', path: '/hello', data: 'x' }, 3, t).reply.text).toBe('Node already exists: /hello\n');
    expect(applyRequest(state, { op: 'get', path: '/nope' }, 3, t).reply.text).toBe('Node does not exist: /nope\n');
    expect(applyRequest(state, { op: 'ls', path: '/' }, 3, t).reply.text).toBe('[hello]\n');
  });

  it('formats dates as java.util.Date does', () => {
    expect(javaDate(Date.UTC(2016, 11, 7, 0, 8, 59))).toBe('Wed Dec 07 00:08:59 UTC 2016');
  });
});
