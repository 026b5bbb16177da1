/** Assembles the API over a cluster: REST handler, OpenAPI, in-process transport. */
import { createKindCluster, decodeObject, type ClusterOptions } from '../shim/index.ts';
import { OpenApi } from './openapi.ts';
import { InProcessTransport } from './transport.ts';

export { ApiServer } from './handler.ts';
export { InProcessTransport, RealtimeDriver } from './transport.ts';
export type { ApiRequest, ApiResponse, ApiTransport, WatchEvent, WatchHandle } from './types.ts';

/** A kind-shaped cluster with every controller the shim has, behind its API. */
export function createShimApi(options: Omit<ClusterOptions, 'install'> = {}): InProcessTransport {
  const { cluster, kubelet } = createKindCluster(options);
  const openapi = new OpenApi(cluster.resources);
  return new InProcessTransport(cluster, {
    openapi: (gv) => openapi.get(gv),
    decode: (rt, body, mode) => decodeObject(body, { group: rt.group, version: rt.version, kind: rt.kind }, mode),
    podLogs: (namespace, pod, query) => kubelet.getLogs(namespace, pod.metadata?.name ?? '', query.container, {
      previous: query.previous === 'true',
      timestamps: query.timestamps === 'true',
      ...(query.tailLines !== undefined ? { tailLines: Number(query.tailLines) } : {}),
      ...(query.sinceSeconds !== undefined ? { sinceSeconds: Number(query.sinceSeconds) } : {}),
      ...(query.limitBytes !== undefined ? { limitBytes: Number(query.limitBytes) } : {}),
    }),
  });
}
