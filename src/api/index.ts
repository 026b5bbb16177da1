/** Assembles the API over a cluster: REST handler, OpenAPI, in-process transport. */
import { Cluster, type ClusterOptions } from '../shim/index.ts';
import { OpenApi } from './openapi.ts';
import { InProcessTransport } from './transport.ts';

export { ApiServer } from './handler.ts';
export { InProcessTransport, RealtimeDriver } from './transport.ts';
export type { ApiRequest, ApiResponse, ApiTransport, WatchEvent, WatchHandle } from './types.ts';

/** A kind-shaped cluster with every controller the shim has, behind its API. */
export function createShimApi(options: ClusterOptions = {}): InProcessTransport {
  const cluster = new Cluster(options);
  const openapi = new OpenApi(cluster.resources);
  return new InProcessTransport(cluster, { openapi: (gv) => openapi.get(gv) });
}
