/**
 * The shim's Kubernetes API over HTTP, so the real kubectl and
 * @kubernetes/client-node talk to it as to a cluster: bearer-token auth,
 * JSON bodies, chunked newline-delimited watch streams.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import { ApiServer, MAX_BODY_BYTES } from '../api/handler.ts';
import type { ApiRequest, HttpMethod } from '../api/types.ts';
import { failure } from '../api/status.ts';
import type { Cluster } from '../shim/index.ts';

export interface HttpServerOptions {
  cluster: Cluster;
  api: ApiServer;
  token: string;
  /** PEM certificate and key served (see tls.ts). */
  tls: { cert: string; key: string };
  /** Called after each request so controllers react (and, in real time, the clock moves). */
  afterRequest?: () => void;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function authorised(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const payload = body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { ...headers, 'content-length': payload.length });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<string | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Stop buffering early: a hostile client must not make us hold gigabytes.
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createApiServer(options: HttpServerOptions): Server {
  const { api, token } = options;
  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, async (req, res) => {
    try {
      if (!authorised(req, token)) {
        send(res, 401, { 'content-type': 'application/json' }, failure(401, 'Unauthorized', 'Unauthorized').body);
        return;
      }
      const method = (req.method ?? 'GET').toUpperCase();
      if (!METHODS.has(method)) {
        send(res, 405, { 'content-type': 'application/json' }, failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource').body);
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const body = method === 'GET' ? '' : await readBody(req);
      if (body === 'too-large') {
        send(res, 413, { 'content-type': 'application/json' }, failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`).body);
        req.destroy();
        return;
      }
      const request: ApiRequest = {
        method: method as HttpMethod,
        path: url.pathname,
        query,
        headers: {
          ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
          ...(req.headers.accept ? { accept: req.headers.accept } : {}),
        },
        ...(body ? { body } : {}),
      };
      if (ApiServer.isWatch(request)) return watch(request, res, options);
      const response = api.handle(request);
      options.afterRequest?.();
      send(res, response.status, response.headers, response.body);
    } catch (error) {
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, failure(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`).body);
      else res.destroy();
    }
  });
  return server;
}

/** A watch as a chunked stream of JSON lines; ends on timeoutSeconds or when the client goes away. */
function watch(request: ApiRequest, res: ServerResponse, options: HttpServerOptions): void {
  let handle: { stop(): void } | undefined;
  const pending: string[] = [];
  let started = false;
  try {
    handle = options.api.watch(request, (event) => {
      const line = `${JSON.stringify(event)}\n`;
      if (started) res.write(line);
      else pending.push(line);
    });
  } catch (error) {
    const status = (error as { status?: { code?: number } }).status;
    send(res, status?.code ?? 500, { 'content-type': 'application/json' }, status ?? failure(500, 'InternalError', String(error)).body);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache' });
  started = true;
  for (const line of pending) res.write(line);
  res.flushHeaders();
  const timeout = Number(request.query?.timeoutSeconds ?? 0);
  // Real servers close after timeoutSeconds (or a random 30–60 min); clients reconnect.
  const limitMs = (timeout > 0 ? timeout : 1800) * 1000;
  const timer = setTimeout(() => finish(), limitMs);
  const finish = () => {
    clearTimeout(timer);
    handle?.stop();
    if (!res.writableEnded) res.end();
  };
  res.on('close', finish);
}
