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
  /**
   * Every value of each query parameter, in order, for parameters that repeat
   * (exec's `command=sh&command=-c&command=…`); `query` holds the last one.
   */
  queryValues?: Record<string, string[]>;
  /** `content-type` selects the PATCH flavour; `accept` asks for a Table or for JSON. */
  headers?: { 'content-type'?: string; accept?: string };
  /**
   * The raw request body, exactly as a client sent it: text (JSON, or YAML for apply
   * patches), or bytes for `application/vnd.kubernetes.protobuf`.
   */
  body?: string | Uint8Array;
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
  /**
   * Opens a streaming subresource (`pods/log?follow=true`, `pods/exec`,
   * `pods/attach`) with `sink` receiving its output. Resolves with the session
   * once the stream runs, or with the API server's answer when it refused to
   * start it (a 4xx Status). Transports that cannot stream leave it out.
   */
  stream?(req: ApiRequest, sink: StreamSink): Promise<{ session: StreamSession } | { response: ApiResponse }>;
}

// ---- Streaming subresources: pods/exec, pods/attach, pods/log?follow=true ----

/** What a streaming response writes to its client; the transport does the framing. */
export interface StreamSink {
  /** Output for the client: a container's stdout or stderr (exec), or log text (`stdout`). */
  write(stream: 'stdout' | 'stderr', data: string): void;
  /**
   * The stream is over. For exec and attach, `status` is the metav1.Status the
   * error channel carries (`Success`, or `Failure` with reason `NonZeroExitCode`
   * and an `ExitCode` cause, or another failure), which is how kubectl learns the
   * exit code.
   */
  end(status?: StreamStatus): void;
}

/** The metav1.Status of the remote command protocol's error channel. */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message: string }[] };
  code?: number;
}

/** The client's side of a running stream: input, terminal size, hanging up. */
export interface StreamSession {
  /** Input for the process (channel 0); `null` closes its stdin. */
  stdin(data: string | null): void;
  /** Terminal size (channel 4) for `exec -t`. */
  resize(size: { width: number; height: number }): void;
  /** The client went away: stop the process or stop following. */
  close(): void;
}

/**
 * A request the API server answers with a stream rather than one body (a
 * rest.Connecter upstream). It has been validated already; `start` runs it once
 * the transport has set up its side (a WebSocket upgrade, chunked HTTP, a
 * worker message port), so no output is lost.
 */
export interface ApiStream {
  /** `exec` and `attach` speak the remote command channels; `log` is plain text. */
  kind: 'exec' | 'attach' | 'log';
  /** Response headers for `log` (content type). */
  headers: Record<string, string>;
  /** The channels the client asked for (`stdin`, `stdout`, `stderr`, `tty` query parameters). */
  channels: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean };
  start(sink: StreamSink): StreamSession;
}
