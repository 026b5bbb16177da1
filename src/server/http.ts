/**
 * The shim's Kubernetes API over HTTP, so the real kubectl and
 * @kubernetes/client-node talk to it as to a cluster: bearer-token auth,
 * JSON bodies, chunked newline-delimited watch streams, chunked `logs -f`, and
 * `exec` and `attach` over a WebSocket (RFC 6455 via the `ws` package) with the remote
 * command channel protocol.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ApiServer, MAX_BODY_BYTES } from '../api/handler.ts';
import type { ApiRequest, ApiResponse, ApiStream, HttpMethod } from '../api/types.ts';
import { errorResponse, failure } from '../api/status.ts';
import { PROTOBUF_MEDIA_TYPE } from '../api/negotiation.ts';
import type { Cluster } from '../shim/index.ts';
import { PROTOCOLS, selectProtocol } from './channel.ts';
import { runChannelSession } from './websocket.ts';

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

async function readBody(req: IncomingMessage): Promise<string | Uint8Array | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Stop buffering early: a hostile client must not make us hold gigabytes.
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  // Protobuf bodies (kubectl's typed commands) are binary: as UTF-8 text they would be corrupted.
  const binary = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
  return binary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : bytes.toString('utf8');
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
      const body = method === 'GET' ? '' : await readBody(req);
      if (body === 'too-large') {
        send(res, 413, { 'content-type': 'application/json' }, failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`).body);
        req.destroy();
        return;
      }
      const request = apiRequest(req, method as HttpMethod, body);
      if (ApiServer.isWatch(request)) return watch(request, res, options);
      if (ApiServer.streamKind(request) === 'log') return followLog(request, res, options);
      const response = api.handle(request);
      options.afterRequest?.();
      send(res, response.status, response.headers, response.body);
    } catch (error) {
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, failure(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`).body);
      else res.destroy();
    }
  });
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => upgrade(req, socket, head, sockets, options));
  return server;
}

function apiRequest(req: IncomingMessage, method: HttpMethod, body: string | Uint8Array): ApiRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query: Record<string, string> = {};
  const queryValues: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (queryValues[k] ??= []).push(v);
  }
  return {
    method,
    path: url.pathname,
    query,
    queryValues,
    headers: {
      ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
      ...(req.headers.accept ? { accept: req.headers.accept } : {}),
    },
    ...(body ? { body } : {}),
  };
}

/** An HTTP response written straight to a socket whose request asked to upgrade. */
function refuseUpgrade(socket: Duplex, response: ApiResponse): void {
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  const payload = Buffer.from(text);
  const headers = { ...response.headers, 'content-length': String(payload.length), connection: 'close' };
  const head = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), payload]));
}

/**
 * `kubectl exec` and `attach` first ask to upgrade `GET …/exec` (`…/attach`)
 * to a WebSocket. Errors the API server finds before upgrading (no such pod or
 * container, no node) are plain responses; kubectl 1.32 then retries over
 * SPDY, gets the same answer, and prints it as `Error from server (…)`.
 */
function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, sockets: WebSocketServer, options: HttpServerOptions): void {
  socket.on('error', () => socket.destroy());
  try {
    if (!authorised(req, options.token)) return refuseUpgrade(socket, failure(401, 'Unauthorized', 'Unauthorized'));
    const method = (req.method ?? 'GET').toUpperCase();
    if (!METHODS.has(method)) return refuseUpgrade(socket, failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    const request = apiRequest(req, method as HttpMethod, '');
    // Not a remote command (a client upgrading some other request): answer it as plain HTTP.
    const kind = ApiServer.streamKind(request);
    if (kind !== 'exec' && kind !== 'attach') return refuseUpgrade(socket, options.api.handle(request));
    let stream: ApiStream;
    try {
      stream = options.api.stream(request);
    } catch (error) {
      return refuseUpgrade(socket, errorResponse(error));
    }
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuseUpgrade(socket, failure(400, 'BadRequest', `unable to upgrade connection: only WebSocket streaming (${PROTOCOLS.join(', ')}) is served, not ${req.headers.upgrade ?? 'this protocol'}`));
    }
    const offered = req.headers['sec-websocket-protocol'];
    if (selectProtocol(offered) === undefined) {
      // The kubelet's wsstream handshake refuses unknown sub-protocols this way.
      return refuseUpgrade(socket, { status: 403, headers: { 'content-type': 'text/plain' }, body: `requested protocol(s) are not supported: [${(offered ?? '').split(',').map((p) => p.trim()).join(' ')}]; supports [${PROTOCOLS.join(' ')}]` });
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      runChannelSession(ws, stream, { afterInput: options.afterRequest });
      options.afterRequest?.();
    });
  } catch (error) {
    refuseUpgrade(socket, errorResponse(error));
  }
}

/** `kubectl logs -f`: chunked text until the container stops or the client goes away. */
function followLog(request: ApiRequest, res: ServerResponse, options: HttpServerOptions): void {
  let stream: ApiStream;
  try {
    stream = options.api.stream(request);
  } catch (error) {
    const response = errorResponse(error);
    send(res, response.status, response.headers, response.body);
    return;
  }
  res.writeHead(200, { ...stream.headers, 'transfer-encoding': 'chunked', 'cache-control': 'no-cache' });
  res.flushHeaders();
  let ended = false;
  const session = stream.start({
    write: (_stream, data) => {
      if (!ended) res.write(data);
    },
    end: () => {
      if (ended) return;
      ended = true;
      res.end();
    },
  });
  res.on('close', () => {
    if (ended) return;
    ended = true;
    session.close();
  });
  options.afterRequest?.();
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
