// The cluster a learner gets: kind's topology with every admission plugin and
// controller the shim implements. Tests of one mechanism build a bare `Cluster`
// and install only what they exercise.
import { installAdmission } from './admission/index.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { kindNodeImages } from './kind-system.ts';
import { installKubelet, type Kubelet } from './kubelet/index.ts';
import { installScheduler } from './scheduler.ts';

export interface KindCluster {
  cluster: Cluster;
  kubelet: Kubelet;
}

export function createKindCluster(options: Omit<ClusterOptions, 'install'> = {}): KindCluster {
  const cluster = new Cluster({
    ...options,
    // Admission must see the bootstrap objects; controllers join afterwards.
    install: [installAdmission, (c) => { installScheduler(c); }],
  });
  // The kubelet starts after bootstrap, so it adopts kind's system pods as running
  // rather than starting them again.
  const kubelet = installKubelet(cluster, { preloadedImages: kindNodeImages() });
  cluster.settle();
  return { cluster, kubelet };
}
