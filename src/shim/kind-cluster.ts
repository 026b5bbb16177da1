// The cluster a learner gets: kind's topology with every admission plugin and
// controller the shim implements. Tests of one mechanism build a bare `Cluster`
// and install only what they exercise.
import { installAdmission } from './admission/index.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { clusterNetwork } from './dns.ts';
import { kindNodeImages } from './kind-system.ts';
import { containerRuntime, installKubelet, type Kubelet } from './kubelet/index.ts';
import { installWorkloadControllers } from './deployment.ts';
import { installEndpointControllers } from './endpoints.ts';
import { installServiceAllocation } from './service-ip.ts';
import { installScheduler } from './scheduler.ts';
import { installStatefulSetController } from './statefulset.ts';
import { installStorage } from './storage/index.ts';

export interface KindCluster {
  cluster: Cluster;
  kubelet: Kubelet;
}

export function createKindCluster(options: Omit<ClusterOptions, 'install'> = {}): KindCluster {
  const cluster = new Cluster({
    ...options,
    // Admission must see the bootstrap objects; controllers join afterwards.
    install: [installAdmission, (c) => { installScheduler(c); }, installServiceAllocation],
  });
  // The kubelet starts after bootstrap, so it adopts kind's system pods as running
  // rather than starting them again.
  const kubelet = installKubelet(cluster, { preloadedImages: kindNodeImages(), runtime: containerRuntime({ now: () => cluster.clock.now() }) });
  installWorkloadControllers(cluster);
  installStatefulSetController(cluster);
  kubelet.network = clusterNetwork(cluster.store, kubelet);
  installEndpointControllers(cluster);
  installStorage(cluster, options.topology);
  cluster.settle();
  return { cluster, kubelet };
}
