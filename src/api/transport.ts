/**
 * The shim as an ApiTransport, in the same process (tests, the lab runner, the
 * browser's worker). After every write the cluster's controllers react at once
 * (no virtual time passes); time moves only through `settle()` or a
 * RealtimeDriver.
 */
import type { Cluster } from '../shim/index.ts';
import { ApiServer, type ApiServerHooks } from './handler.ts';
import { errorResponse } from './status.ts';
import type { ApiRequest, ApiResponse, ApiTransport, StreamSession, StreamSink, WatchEvent, WatchHandle } from './types.ts';

export class InProcessTransport implements ApiTransport {
  readonly server: ApiServer;

  constructor(readonly cluster: Cluster, hooks: ApiServerHooks = {}) {
    this.server = new ApiServer(cluster, hooks);
  }

  /** Synchronous form, for callers that drive the cluster themselves. */
  requestSync(req: ApiRequest): ApiResponse {
    const response = this.server.handle(req);
    if (req.method !== 'GET') this.cluster.react();
    return response;
  }

  async request(req: ApiRequest): Promise<ApiResponse> {
    return this.requestSync(req);
  }

  async stream(req: ApiRequest, sink: StreamSink): Promise<{ session: StreamSession } | { response: ApiResponse }> {
    let stream;
    try {
      stream = this.server.stream(req);
    } catch (error) {
      return { response: errorResponse(error) };
    }
    const session = stream.start(sink);
    this.cluster.react();
    // Input sets the process going: let the cluster play out what it started.
    return { session: { ...session, stdin: (data) => { session.stdin(data); this.cluster.react(); } } };
  }

  watch(req: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd?: (reason?: unknown) => void): WatchHandle {
    try {
      const handle = this.server.watch(req, onEvent);
      return { stop: () => { handle.stop(); onEnd?.(); } };
    } catch (error) {
      const status = errorResponse(error);
      onEvent({ type: 'ERROR', object: status.body });
      onEnd?.(status.body);
      return { stop: () => undefined };
    }
  }
}

/**
 * Moves the cluster's virtual clock with the wall clock, times `speed`, for the
 * HTTP server and the browser. `schedule` is setInterval-like and injected so
 * this module stays free of host timers.
 */
export class RealtimeDriver {
  private last: number;
  private cancel?: () => void;

  constructor(
    private readonly cluster: Cluster,
    private readonly wallNow: () => number,
    private speed = 1,
  ) {
    this.last = wallNow();
  }

  setSpeed(speed: number): void {
    this.tick();
    this.speed = speed;
  }

  /** Virtual time owed but not yet given: the clock moves in whole milliseconds. */
  private owed = 0;

  /** Advances the cluster by the wall time elapsed since the last tick. */
  tick(): void {
    const now = this.wallNow();
    this.owed += Math.max(0, now - this.last) * this.speed;
    this.last = now;
    const step = Math.floor(this.owed);
    this.owed -= step;
    if (step > 0) this.cluster.runUntil(this.cluster.clock.now() + step);
    else this.cluster.react();
  }

  start(schedule: (fn: () => void, ms: number) => () => void, intervalMs = 50): void {
    this.stop();
    this.last = this.wallNow();
    this.cancel = schedule(() => this.tick(), intervalMs);
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
