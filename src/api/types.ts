/**
 * The one door to the cluster. Every client (the browser terminal and editor,
 * the lab runner, the HTTP server) expresses what it wants as a Kubernetes REST
 * request and gets back what a real API server would answer.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  /** Path as on a real API server, e.g. `/apis/apps/v1/namespaces/default/statefulsets/web`. */
  path: string;
  /** Query parameters (`labelSelector`, `watch`, `dryRun`, `fieldManager`, …), already decoded. */
  query?: Record<string, string>;
  /** `content-type` selects the PATCH flavour; `accept` asks for a Table or for JSON. */
  headers?: { 'content-type'?: string; accept?: string };
  /** The raw request body (JSON, or YAML for apply patches), exactly as a client sent it. */
  body?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** A decoded JSON value (object, Status, Table…) or, for `/log`, plain text. */
  body: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: unknown;
}

/** A running watch; `stop()` is what a client closing the connection does. */
export interface WatchHandle {
  stop(): void;
}

/**
 * What UI islands, kubectl and the lab runner hold: a way to send requests to
 * some cluster. In the browser it posts to the page's Web Worker; in Node it is
 * either the in-process shim or HTTP to a kubeconfig's server.
 */
export interface ApiTransport {
  request(req: ApiRequest): Promise<ApiResponse>;
  watch(req: ApiRequest, onEvent: (event: WatchEvent) => void, onEnd?: (reason?: unknown) => void): WatchHandle;
}
