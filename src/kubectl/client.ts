/**
 * The REST calls kubectl makes, over an ApiTransport: paths built from a
 * resource mapping, query parameters, the Accept header for server-side
 * Tables, and non-2xx answers turned into StatusErrors.
 */
import type { ApiRequest, ApiTransport, HttpMethod, WatchEvent, WatchHandle } from '../api/types.ts';
import { StatusError, type Status } from './errors.ts';

/** What `kubectl get` asks for to let the server print (K:…/kubectl/pkg/cmd/get/get.go transformRequests). */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export type KObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown> & { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string; generateName?: string; uid?: string };
};

export interface ResourceRef {
  group: string;
  version: string;
  resource: string;
  namespaced: boolean;
}

export function resourcePath(r: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
}

/** How many requests go out between two turns of the event loop. */
const REQUESTS_PER_TURN = 16;

export class RestClient {
  constructor(readonly transport: ApiTransport) {}

  /**
   * The running command's Ctrl-C. An in-process cluster answers without ever giving
   * the event loop a turn, so a long `apply -f` yields every few requests for the
   * interrupt to arrive; once it has, no request goes out: the command is gone, as
   * a killed process is.
   */
  stop: { stopped: boolean } | undefined;
  private sinceTurn = 0;

  async raw(method: HttpMethod, path: string, options: { query?: Record<string, string>; body?: unknown; contentType?: string; accept?: string } = {}): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
    const req: ApiRequest = { method, path };
    if (options.query && Object.keys(options.query).length > 0) req.query = options.query;
    const headers: ApiRequest['headers'] = {};
    if (options.accept) headers.accept = options.accept;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      req.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    if (Object.keys(headers).length > 0) req.headers = headers;
    if (++this.sinceTurn >= REQUESTS_PER_TURN) {
      this.sinceTurn = 0;
      await new Promise((resolve) => (globalThis as unknown as { setTimeout(fn: () => void, ms: number): unknown }).setTimeout(() => resolve(undefined), 0));
    }
    if (this.stop?.stopped === true) return new Promise(() => undefined);
    const response = await this.transport.request(req);
    return { status: response.status, body: response.body, headers: response.headers };
  }

  /** A request whose non-2xx answer throws the server's Status. */
  async call(method: HttpMethod, path: string, options: Parameters<RestClient['raw']>[2] = {}): Promise<unknown> {
    const { status, body, headers } = await this.raw(method, path, options);
    for (const w of parseWarnings(headers.warning)) this.onWarning?.(w);
    if (status < 200 || status > 299) throw new StatusError(toStatus(status, body));
    return body;
  }

  /** Where `Warning:` response headers go (kubectl prints each once on stderr). */
  onWarning?: (text: string) => void;

  watch(path: string, query: Record<string, string>, accept: string | undefined, onEvent: (e: WatchEvent) => void, onEnd: (reason?: unknown) => void): WatchHandle {
    const req: ApiRequest = { method: 'GET', path, query: { ...query, watch: 'true' } };
    if (accept) req.headers = { accept };
    return this.transport.watch(req, onEvent, onEnd);
  }
}

/** A non-2xx body as a Status (servers answer Status; proxies may not). */
export function toStatus(code: number, body: unknown): Status {
  if (body && typeof body === 'object' && (body as Status).kind === 'Status') return body as Status;
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  // client-go's rest.Result for a body that is not a Status (`newUnstructuredResponseError`).
  const reasons: Record<number, [string, string]> = {
    400: ['BadRequest', 'the server rejected our request for an unknown reason'],
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', 'the server does not allow access to the requested resource'],
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
    500: ['InternalError', 'an error on the server has prevented the request from succeeding'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  };
  const [reason, message] = reasons[code] ?? ['', `an error on the server ("${text}") has prevented the request from succeeding`];
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: text && code !== 404 ? `${message} (${text})` : message };
}

/** `Warning: 299 - "text", 299 - "other"` → texts. */
export function parseWarnings(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const m of header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) {
    try {
      out.push(JSON.parse(`"${m[1]}"`) as string);
    } catch {
      out.push(m[1]!);
    }
  }
  return out;
}
