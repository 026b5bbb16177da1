/** Assembles the API over a cluster: REST handler, OpenAPI, in-process transport. */
import { createKindCluster, decodeObject, StatusError, type ClusterOptions } from '../shim/index.ts';
import { decodeCustomResource } from '../shim/apiextensions/index.ts';
import type { LogOptions } from '../shim/kubelet/logs.ts';
import { OpenApi } from './openapi.ts';
import { InProcessTransport } from './transport.ts';

export { ApiServer } from './handler.ts';
export { InProcessTransport, RealtimeDriver } from './transport.ts';
export type { ApiRequest, ApiResponse, ApiStream, ApiTransport, StreamSession, StreamSink, StreamStatus, WatchEvent, WatchHandle } from './types.ts';

/** A kind-shaped cluster with every controller the shim has, behind its API. */
export function createShimApi(options: Omit<ClusterOptions, 'install'> = {}): InProcessTransport {
  const { cluster, kubelet, stopNode, startNode } = createKindCluster(options);
  const openapi = new OpenApi(cluster.resources);
  return new InProcessTransport(cluster, {
    openapi: (gv) => openapi.get(gv),
    nodePower: (name, action) => (action === 'stop' ? stopNode(name) : startNode(name)),
    decode: (rt, body, mode) => rt.customResource
      ? decodeCustomResource(body, { version: rt.version, kind: rt.kind, schema: rt.customResource.schema }, mode)
      : decodeObject(body, { group: rt.group, version: rt.version, kind: rt.kind }, mode),
    podLogs: (namespace, pod, query) => kubelet.getLogs(namespace, pod.metadata?.name ?? '', query.container, logOptions(query)),
    followPodLogs: (namespace, pod, query, out) => kubelet.followLogs(namespace, pod.metadata?.name ?? '', query.container, logOptions(query), out),
    exec: (namespace, pod, container, argv, io, stdio) => {
      try {
        return kubelet.execInContainer(namespace, pod, container, argv, io, stdio);
      } catch (error) {
        // Not running (yet, or any more): the kubelet finds no container to exec in.
        if (error instanceof StatusError) return undefined;
        throw error;
      }
    },
    attach: (namespace, pod, container, io) => {
      try {
        return kubelet.attachToContainer(namespace, pod, container, io);
      } catch (error) {
        if (error instanceof StatusError) return undefined;
        throw error;
      }
    },
  });
}

/** PodLogOptions from the query (K:pkg/apis/core/types.go PodLogOptions). */
function logOptions(query: Record<string, string>): LogOptions {
  return {
    previous: query.previous === 'true',
    timestamps: query.timestamps === 'true',
    ...(query.tailLines !== undefined ? { tailLines: Number(query.tailLines) } : {}),
    ...(query.sinceSeconds !== undefined ? { sinceSeconds: Number(query.sinceSeconds) } : {}),
    ...(query.sinceTime !== undefined ? { sinceTime: query.sinceTime } : {}),
    ...(query.limitBytes !== undefined ? { limitBytes: Number(query.limitBytes) } : {}),
  };
}
