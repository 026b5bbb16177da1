import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { ApiServer } from '../api/handler.ts';
import { createShimApi } from '../api/index.ts';
import type { ProcessHandle } from '../shim/container/types.ts';
import { CLOSE, STDIN } from './channel.ts';
import { createApiServer } from './http.ts';
import { selfSignedCert } from './tls.ts';

const TOKEN = 'test-token';
const transport = createShimApi({ seed: 'http' });
const cluster = transport.cluster;
const runFor = (ms: number) => cluster.runUntil(cluster.clock.now() + ms);

/** A process that echoes stdin upper-cased and exits 0 at end of input. */
function shouter(io: { stdout(t: string): void }): ProcessHandle {
  const listeners: Array<(code: number) => void> = [];
  let code: number | undefined;
  return {
    pid: 1,
    get exitCode() { return code; },
    onExit: (l) => listeners.push(l),
    write: (data) => {
      if (data !== null) return io.stdout(data.toUpperCase());
      code = 0;
      for (const l of listeners) l(0);
    },
    kill: () => undefined,
  };
}

let port = 0;
let close: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  transport.requestSync({
    method: 'POST', path: '/api/v1/namespaces/default/pods',
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bb' }, spec: { containers: [{ name: 'bb', image: 'busybox:1.36', command: ['sh', '-c', 'echo started; sleep 3600'] }] } }),
  });
  transport.requestSync({
    method: 'POST', path: '/api/v1/namespaces/default/pods',
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'done' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo one; sleep 1; echo two'] }] } }),
  });
  runFor(10_000);
  // The shim's own hooks, except that `cat` is a process that shouts, so the
  // test does not depend on which programs the container runtime has.
  const hooks = (transport.server as unknown as { hooks: NonNullable<ConstructorParameters<typeof ApiServer>[1]> }).hooks;
  const api = new ApiServer(cluster, {
    ...hooks,
    exec: (ns, pod, container, argv, io, opts) => (argv[0] === 'cat' ? shouter(io) : hooks.exec!(ns, pod, container, argv, io, opts)),
  });
  const server = createApiServer({ cluster, api, token: TOKEN, tls: await selfSignedCert('127.0.0.1'), afterRequest: () => cluster.react() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}, 30_000);
afterAll(() => close());

const execPath = (pod: string, command: string[], extra = '') =>
  `/api/v1/namespaces/default/pods/${pod}/exec?${command.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&stdout=true&stderr=true${extra}`;

interface Session {
  protocol: string;
  messages: number[][];
  closeCode: number;
  text(channel: number): string;
}

/** Opens an exec WebSocket like client-go does; `onOpen` may send frames. */
function exec(path: string, options: { protocols?: string[]; token?: string; onOpen?: (ws: WebSocket) => void } = {}): Promise<Session | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}${path}`, options.protocols ?? ['v5.channel.k8s.io'], {
      headers: { authorization: `Bearer ${options.token ?? TOKEN}` },
      rejectUnauthorized: false,
    });
    const messages: number[][] = [];
    ws.on('open', () => options.onOpen?.(ws));
    ws.on('message', (data) => messages.push([...(data as Buffer)]));
    ws.on('close', (code) => resolve({
      protocol: ws.protocol, messages, closeCode: code,
      text: (channel) => Buffer.from(messages.filter((m) => m[0] === channel).flatMap((m) => m.slice(1))).toString('utf8'),
    }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (e) => {
      if (!/Unexpected server response/.test(e.message)) reject(e);
    });
  });
}

function session(r: Session | { status: number }): Session {
  if (!('messages' in r)) throw new Error(`upgrade refused with ${r.status}`);
  return r;
}

describe('kubectl exec over a WebSocket', () => {
  it('streams stdout, then the Status on the error channel, then closes normally', async () => {
    const s = session(await exec(execPath('bb', ['sh', '-c', 'echo hi'])));
    expect(s.protocol).toBe('v5.channel.k8s.io');
    expect(s.messages[0]).toEqual([1]);
    expect(s.text(1)).toBe('hi\n');
    expect(JSON.parse(s.text(3))).toEqual({ metadata: {}, status: 'Success' });
    expect(s.closeCode).toBe(1000);
  });

  it('reports the exit code as a NonZeroExitCode Status', async () => {
    const s = session(await exec(execPath('bb', ['sh', '-c', 'exit 3'])));
    expect(JSON.parse(s.text(3))).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
  });

  it('speaks v4 to clients that offer only v4', async () => {
    const s = session(await exec(execPath('bb', ['sh', '-c', 'echo four']), { protocols: ['v4.channel.k8s.io'] }));
    expect(s.protocol).toBe('v4.channel.k8s.io');
    expect(s.text(1)).toBe('four\n');
  });

  it('passes stdin and the v5 close signal through', async () => {
    const s = session(await exec(execPath('bb', ['cat'], '&stdin=true'), {
      onOpen: (ws) => {
        ws.send(Buffer.from([STDIN, ...Buffer.from('hello ')]));
        // One character split across two messages.
        ws.send(Buffer.from([STDIN, 0xc3]));
        ws.send(Buffer.from([STDIN, 0xa9, 0x0a]));
        ws.send(Buffer.from([CLOSE, STDIN]));
      },
    }));
    expect(s.text(1)).toBe('HELLO É\n');
    expect(JSON.parse(s.text(3))).toEqual({ metadata: {}, status: 'Success' });
  });

  it('answers errors found before the upgrade as plain Status responses', async () => {
    expect(await exec(execPath('bb', ['true'], '&container=nope'))).toMatchObject({ status: 400 });
    const missing = await exec(execPath('ghost', ['true'])) as { status: number; body: string };
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "ghost" not found' });
    expect(await exec(execPath('bb', ['true']), { token: 'wrong' })).toMatchObject({ status: 401 });
    expect(await exec(execPath('bb', ['true']), { protocols: ['channel.k8s.io'] })).toMatchObject({ status: 403 });
  });

  it('refuses SPDY (the fallback of older clients) with the same validation first', async () => {
    const spdy = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path, method: 'POST', rejectUnauthorized: false, headers: { authorization: `Bearer ${TOKEN}`, connection: 'Upgrade', upgrade: 'SPDY/3.1' } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    const invalid = await spdy(execPath('bb', ['true'], '&container=nope'));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).message).toBe('container nope is not valid for pod bb');
    const valid = await spdy(execPath('bb', ['true']));
    expect(valid.status).toBe(400);
    expect(JSON.parse(valid.body).message).toMatch(/^unable to upgrade connection: only WebSocket streaming/);
  });
});

describe('kubectl logs -f over chunked HTTP', () => {
  const get = (path: string) => new Promise<{ status: number; chunks: string[]; type: string }>((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      const chunks: string[] = [];
      res.on('data', (d: Buffer) => chunks.push(d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, chunks, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });

  it('returns at once for a container that has exited', async () => {
    const r = await get('/api/v1/namespaces/default/pods/done/log?follow=true');
    expect(r).toMatchObject({ status: 200, type: 'text/plain' });
    expect(r.chunks.join('')).toBe('one\ntwo\n');
  });

  it('answers a bad request before streaming', async () => {
    const r = await get('/api/v1/namespaces/default/pods/done/log?follow=true&container=zz');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.chunks.join(''))).toMatchObject({ message: 'container zz is not valid for pod done' });
  });
});

describe('a watch whose client goes away', () => {
  it('stops the watch in the store, many times over', async () => {
    const before = cluster.store.watcherCount();
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/configmaps?watch=true', rejectUnauthorized: false, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            expect(cluster.store.watcherCount()).toBe(before + 1);
            // A client killed mid-watch: the socket closes without an orderly end.
            req.destroy();
          });
          res.on('close', () => resolve());
        });
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
        req.end();
      });
    }
    await expect.poll(() => cluster.store.watcherCount()).toBe(before);
  });
});
