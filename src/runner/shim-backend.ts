/**
 * The shim as a grading backend: a fresh kind-shaped cluster per submission,
 * with the lab's topology, in this process (Node, or the page's worker).
 */
import { createShimApi } from '../api/index.ts';
import type { InProcessTransport } from '../api/transport.ts';
import type { Topology } from '../shim/kind.ts';
import { REPLICATED_DRIVER } from '../shim/storage/index.ts';
import type { Lab, LabTopology } from '../schemas/lab.ts';
import type { Backend } from './lab-check.ts';
import { ShimCommandRunner, type Timer } from './shim-commands.ts';
import { shimClient, type TransportClusterClient } from './transport-client.ts';

/** The shim's node topology for a lab (StorageClasses are applied through the API, as on a real cluster). */
export function shimTopology(t: LabTopology | undefined): Topology {
  // A class of the simulated replicated driver needs the driver itself (its CSIDriver,
  // node registrations and provisioner), as a real cluster needs it installed.
  const replicated = t?.storageClasses?.some((sc) => sc.provisioner === REPLICATED_DRIVER) === true;
  return {
    ...(replicated ? { storageClasses: ['replicated' as const] } : {}),
    ...(t?.workers !== undefined ? { workers: t.workers } : {}),
    ...(t?.zones ? { zones: t.zones } : {}),
    ...(t?.nodeLabels ? { labelsByNode: t.nodeLabels } : {}),
    ...(t?.operators ? { operators: t.operators } : {}),
  };
}

export interface ShimBackendOptions {
  /** Seed of names, UIDs and IPs: the same seed gives byte-identical reports. */
  seed?: string | number;
  timer?: Timer;
}

export function freshShim(lab: Lab, options: ShimBackendOptions = {}): { transport: InProcessTransport; client: TransportClusterClient } {
  const transport = createShimApi({ topology: shimTopology(lab.topology), seed: options.seed ?? lab.id });
  const cluster = transport.cluster;
  const commands = new ShimCommandRunner(transport, {
    ...(options.timer ? { timer: options.timer } : {}),
    now: () => cluster.clock.now(),
    advance: (limit) => {
      const next = cluster.clock.nextTimerAt(true);
      if (next === undefined || next > limit) return false;
      cluster.runUntil(next);
      return true;
    },
  });
  return { transport, client: shimClient(transport, commands) };
}

export function shimBackend(options: ShimBackendOptions = {}): Backend {
  return {
    description: 'shim',
    async fresh(lab) {
      const { client } = freshShim(lab, options);
      return { client, dispose: async () => undefined };
    },
  };
}
