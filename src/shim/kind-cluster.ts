// The cluster a learner gets: kind's topology with every admission plugin and
// controller the shim implements. Tests of one mechanism build a bare `Cluster`
// and install only what they exercise.
import { installAdmission } from './admission/index.ts';
import { installApiExtensions } from './apiextensions/index.ts';
import { Cluster, type ClusterOptions } from './cluster.ts';
import { clusterNetwork } from './dns.ts';
import { kindNodeImages } from './kind-system.ts';
import { containerRuntime, installKubelet, type Kubelet } from './kubelet/index.ts';
import { installWorkloadControllers } from './deployment.ts';
import { installEndpointControllers } from './endpoints.ts';
import { installServiceAllocation } from './service-ip.ts';
import { installScheduler } from './scheduler.ts';
import { installStatefulSetController } from './statefulset.ts';
import { installDaemonSetController } from './daemonset.ts';
import { installDisruptionController } from './disruption.ts';
import { installJobController } from './job.ts';
import { installCronJobController } from './cronjob.ts';
import { installTTLAfterFinishedController } from './ttl-after-finished.ts';
import { installResourceQuota } from './resource-quota.ts';
import { limitRangerAdmission } from './limit-range.ts';
import { installApiServerBootstrap } from './apiserver-bootstrap.ts';
import { installStorage } from './storage/index.ts';
import { installNodeLifecycleController } from './node-lifecycle.ts';
import { installTaintEvictionController } from './taint-eviction.ts';
import { installPodGC } from './podgc.ts';
import { notFound } from './errors.ts';
import { installOperators } from './operators/index.ts';

export interface KindCluster {
  cluster: Cluster;
  kubelet: Kubelet;
  /** `docker stop NODE`: the node's kubelet and containers stop (node-lifecycle.ts takes it from there). */
  stopNode(name: string): void;
  /** `docker start NODE`: the kubelet comes back, reports Ready and restarts its pods. */
  startNode(name: string): void;
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
  installDaemonSetController(cluster);
  installDisruptionController(cluster);
  installJobController(cluster);
  installCronJobController(cluster);
  installTTLAfterFinishedController(cluster);
  cluster.registry.addAdmission(limitRangerAdmission(cluster.store));
  installResourceQuota(cluster);
  installApiServerBootstrap(cluster);
  kubelet.network = clusterNetwork(cluster.store, kubelet);
  installEndpointControllers(cluster);
  installStorage(cluster, options.topology);
  installApiExtensions(cluster);
  installNodeLifecycleController(cluster);
  installTaintEvictionController(cluster);
  installPodGC(cluster);
  installOperators(cluster, options.topology?.operators ?? [], (ip, port) => kubelet.connect(ip, port));
  cluster.settle();
  // A node is a container of kind's: its name is known even while its Node object is deleted.
  const known = new Set(cluster.store.list({ group: '', resource: 'nodes' }).items.map((n) => n.metadata?.name ?? ''));
  const power = (name: string, on: boolean): void => {
    if (!known.has(name)) throw notFound({ group: '', resource: 'nodes' }, name);
    if (on) kubelet.startNode(name);
    else kubelet.stopNode(name);
    cluster.react();
  };
  return { cluster, kubelet, stopNode: (name) => power(name, false), startNode: (name) => power(name, true) };
}
