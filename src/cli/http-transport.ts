/**
 * An ApiTransport over HTTPS to any Kubernetes API server, configured from a
 * kubeconfig context the way client-go's rest.Config is: server URL, CA
 * (data or file), bearer token (or token file) or client certificate and
 * key, insecure-skip-tls-verify. Watches are chunked newline-delimited JSON.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { WebSocket } from 'ws';
import type { ApiRequest, ApiResponse, ApiTransport, StreamSession, StreamSink, StreamStatus, WatchEvent, WatchHandle } from '../api/types.ts';
import { CLOSE, frame, PROTOCOLS, RESIZE, STDIN } from '../server/channel.ts';
import { ExitError } from '../kubectl/errors.ts';
import { clientVersion } from '../kubectl/version.ts';
import type { Kubeconfig } from '../kubectl/kubeconfig.ts';

export interface Connection {
  server: string;
  ca?: string;
  token?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

const USER_AGENT = `kubectl/${clientVersion.gitVersion} (${clientVersion.platform}) kubernetes/${clientVersion.gitCommit.slice(0, 7)}`;

/** The connection a kubeconfig context describes (`--context` or the current one). */
export function connectionFor(kc: Kubeconfig, contextName?: string): Connection {
  const name = contextName || kc.currentContext;
  const ctx = kc.contexts.find((c) => c.name === name);
  if (!ctx) {
    throw new Error(name ? `context was not found for specified context: ${name}` : 'invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable');
  }
  const cluster = kc.clusters.find((c) => c.name === ctx.context.cluster)?.cluster ?? {};
  const user = kc.users.find((u) => u.name === ctx.context.user)?.user ?? {};
  const data = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined);
  const file = (v: unknown) => (typeof v === 'string' && v ? readFileSync(v, 'utf8') : undefined);
  const server = typeof cluster.server === 'string' ? cluster.server : '';
  if (!server) throw new Error(`invalid configuration: no server found for cluster "${ctx.context.cluster ?? ''}"`);
  const conn: Connection = { server };
  const ca = data(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']);
  if (ca) conn.ca = ca;
  const token = typeof user.token === 'string' ? user.token : file(user.tokenFile)?.trim();
  if (token) conn.token = token;
  const cert = data(user['client-certificate-data']) ?? file(user['client-certificate']);
  const key = data(user['client-key-data']) ?? file(user['client-key']);
  if (cert) conn.cert = cert;
  if (key) conn.key = key;
  if (cluster['insecure-skip-tls-verify'] === true) conn.insecure = true;
  return conn;
}

function queryString(query: Record<string, string> | undefined, values?: Record<string, string[]>): string {
  if (values) {
    const merged: [string, string][] = [];
    for (const k of Object.keys({ ...query, ...values }).sort()) for (const v of values[k] ?? [query![k]!]) merged.push([k, v]);
    return merged.length > 0 ? `?${merged.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '';
  }
  if (!query) return '';
  // url.Values.Encode: keys sorted.
  const parts = Object.keys(query).sort().map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k]!)}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export class HttpTransport implements ApiTransport {
  private readonly base: URL;

  constructor(private readonly conn: Connection) {
    this.base = new URL(conn.server);
  }

  private open(req: ApiRequest) {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + req.path + queryString(req.query, req.queryValues), this.base);
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: req.headers?.accept ?? 'application/json, */*' };
    if (req.headers?.['content-type']) headers['content-type'] = req.headers['content-type'];
    if (this.conn.token) headers.authorization = `Bearer ${this.conn.token}`;
    const body = req.body !== undefined ? Buffer.from(req.body) : undefined;
    if (body) headers['content-length'] = String(body.length);
    const options = {
      method: req.method,
      headers,
      ...(this.conn.ca ? { ca: this.conn.ca } : {}),
      ...(this.conn.cert ? { cert: this.conn.cert } : {}),
      ...(this.conn.key ? { key: this.conn.key } : {}),
      rejectUnauthorized: !this.conn.insecure,
    };
    const make = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return { request: make(url, options), body };
  }

  /** What kubectl says when it cannot reach the server (cmdutil.StandardErrorMessage for url.Error). */
  private connectionError(error: Error & { code?: string }): Error {
    if (error.code === 'ECONNREFUSED') {
      return new ExitError(`The connection to the server ${this.base.host} was refused - did you specify the right host or port?`);
    }
    return new ExitError(`Unable to connect to the server: ${error.message}`);
  }

  request(req: ApiRequest): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const { request, body } = this.open(req);
      request.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res), body: decodeBody(text, res.headers['content-type']) });
        });
        res.on('error', (e) => reject(this.connectionError(e)));
      });
      request.on('error', (e) => reject(this.connectionError(e)));
      request.end(body);
    });
  }

  /** `logs -f` as a chunked response; exec and attach over a WebSocket with the remote command channels. */
  stream(req: ApiRequest, sink: StreamSink): Promise<{ session: StreamSession } | { response: ApiResponse }> {
    return /\/(exec|attach)$/.test(req.path) ? this.remoteCommand(req, sink) : this.chunked(req, sink);
  }

  private chunked(req: ApiRequest, sink: StreamSink): Promise<{ session: StreamSession } | { response: ApiResponse }> {
    return new Promise((resolve, reject) => {
      const { request } = this.open(req);
      request.on('response', (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ response: { status: res.statusCode ?? 0, headers: flatHeaders(res), body: decodeBody(Buffer.concat(chunks).toString('utf8'), res.headers['content-type']) } }));
          return;
        }
        let ended = false;
        const end = () => { if (!ended) { ended = true; sink.end(); } };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => sink.write('stdout', chunk));
        res.on('end', end);
        res.on('close', end);
        resolve({ session: { stdin: () => undefined, resize: () => undefined, close: () => { request.destroy(); end(); } } });
      });
      request.on('error', (e) => reject(this.connectionError(e)));
      request.end();
    });
  }

  private remoteCommand(req: ApiRequest, sink: StreamSink): Promise<{ session: StreamSession } | { response: ApiResponse }> {
    return new Promise((resolve, reject) => {
      const url = new URL(this.base.pathname.replace(/\/$/, '') + req.path + queryString(req.query, req.queryValues), this.base);
      url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
      const ws = new WebSocket(url, [...PROTOCOLS], {
        headers: { 'user-agent': USER_AGENT, ...(this.conn.token ? { authorization: `Bearer ${this.conn.token}` } : {}) },
        ...(this.conn.ca ? { ca: this.conn.ca } : {}),
        ...(this.conn.cert ? { cert: this.conn.cert } : {}),
        ...(this.conn.key ? { key: this.conn.key } : {}),
        rejectUnauthorized: !this.conn.insecure,
      });
      let status: StreamStatus | undefined;
      let ended = false;
      const end = () => { if (!ended) { ended = true; sink.end(status); } };
      ws.on('unexpected-response', (_request, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ response: { status: res.statusCode ?? 0, headers: flatHeaders(res), body: decodeBody(Buffer.concat(chunks).toString('utf8'), res.headers['content-type']) } }));
      });
      ws.on('open', () => resolve({
        session: {
          stdin: (data) => {
            if (data === null) { if (ws.protocol === PROTOCOLS[0]) ws.send(frame(CLOSE, new Uint8Array([STDIN]))); }
            else ws.send(frame(STDIN, data));
          },
          resize: (size) => ws.send(frame(RESIZE, JSON.stringify({ Width: size.width, Height: size.height }))),
          close: () => ws.close(),
        },
      }));
      ws.on('message', (data) => {
        const message = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (message.length === 0) return;
        const text = message.subarray(1).toString('utf8');
        if (message[0] === 1 && text) sink.write('stdout', text);
        else if (message[0] === 2 && text) sink.write('stderr', text);
        else if (message[0] === 3 && text) status = JSON.parse(text) as StreamStatus;
      });
      ws.on('close', end);
      ws.on('error', (e) => { if (!ended) reject(this.connectionError(e)); });
    });
  }

  watch(req: ApiRequest, onEvent: (event: WatchEvent) => void, onEnd?: (reason?: unknown) => void): WatchHandle {
    const { request } = this.open(req);
    let ended = false;
    const end = (reason?: unknown) => {
      if (ended) return;
      ended = true;
      onEnd?.(reason);
    };
    request.on('response', (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          onEvent({ type: 'ERROR', object: decodeBody(Buffer.concat(chunks).toString('utf8'), res.headers['content-type']) });
          end();
        });
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
        }
      });
      res.on('end', () => end());
      res.on('close', () => end());
      res.on('error', (e) => end(e));
    });
    request.on('error', (e) => end(e));
    request.end();
    return { stop: () => { request.destroy(); end(); } };
  }
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function decodeBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return '';
  if (contentType?.includes('json') || /^[[{]/.test(text.trimStart())) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
