// The objects a fresh `kind create cluster` (kind v0.27, Kubernetes v1.32.2) shows:
// nodes, the standard namespaces, node leases and CSINodes; the system workloads are in
// kind-system.ts. Values that are random on a real cluster (IPs, uids, suffixes) come
// from the seeded generator so they have the right shape and repeat per seed.
// Sources: KIND:pkg/cluster/internal/create/actions/config, KIND:images/base, kubectl output.
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import { microTime, rfc3339 } from './clock.ts';
import { CORE, type ControllerContext } from './controller.ts';
import type { KObject } from './objects.ts';
import { bootstrapSystem } from './kind-system.ts';

export const KUBERNETES_VERSION = 'v1.32.2';
export const CONTAINER_RUNTIME_VERSION = 'containerd://2.0.2';

export interface Topology {
  /** Worker nodes (default 2): kind-worker, kind-worker2, … */
  workers?: number;
  /** Control-plane nodes (default 1): kind-control-plane, kind-control-plane2, … */
  controlPlanes?: number;
  /** `topology.kubernetes.io/zone` for workers, assigned round-robin (kind-worker gets the first). */
  zones?: readonly string[];
  /** `topology.kubernetes.io/region` for workers that get a zone. */
  region?: string;
  /** Extra labels on every worker. */
  nodeLabels?: Readonly<Record<string, string>>;
  /** Extra labels per node name. */
  labelsByNode?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Node capacity (what `kubectl describe node` shows under Capacity). */
  cpu?: string;
  memory?: string;
  /**
   * StorageClasses beyond kind's `standard`: `'replicated'` installs the simulated
   * replicated block-storage driver and its class (storage/replicated.ts); an object is
   * created as a StorageClass manifest.
   */
  storageClasses?: ReadonlyArray<'replicated' | Readonly<Record<string, unknown>>>;
  /** Operators installed and running in the cluster (operators/index.ts), e.g. `['keyvalue']`. */
  operators?: readonly string[];
}

export interface KindNode {
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
  podCIDR: string;
}

/** Node names, roles, IPs and pod CIDRs in kind's order (control planes first). */
export function kindNodes(t: Topology = {}): KindNode[] {
  const out: KindNode[] = [];
  const cps = t.controlPlanes ?? 1;
  const workers = t.workers ?? 2;
  for (let i = 0; i < cps; i++) out.push({ name: `kind-control-plane${i === 0 ? '' : i + 1}`, role: 'control-plane', ip: '', podCIDR: '' });
  for (let i = 0; i < workers; i++) out.push({ name: `kind-worker${i === 0 ? '' : i + 1}`, role: 'worker', ip: '', podCIDR: '' });
  out.forEach((n, i) => {
    n.ip = `172.18.0.${i + 2}`;
    n.podCIDR = `10.244.${i}.0/24`;
  });
  return out;
}

export function bootstrapKind(ctx: ControllerContext, topology: Topology): void {
  const { registry } = ctx;
  for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'local-path-storage']) {
    registry.create(CORE('namespaces'), { metadata: { name } });
    // The serviceaccounts controller would add these a moment later; pods created
    // during bootstrap need them now, or ServiceAccount admission rejects them.
    registry.create(CORE('serviceaccounts'), { metadata: { name: 'default', namespace: name } });
  }
  const nodes = kindNodes(topology);
  const nodeObjects = nodes.map((n, i) => createNode(ctx, topology, n, i));
  for (const node of nodeObjects) {
    const name = node.metadata!.name!;
    registry.create({ group: 'coordination.k8s.io', resource: 'leases' }, {
      metadata: {
        name,
        namespace: 'kube-node-lease',
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata!.uid! }],
      },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(ctx.clock.now()) },
    });
    registry.create({ group: 'storage.k8s.io', resource: 'csinodes' }, {
      metadata: {
        name,
        annotations: { 'storage.alpha.kubernetes.io/migrated-plugins': MIGRATED_PLUGINS },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata!.uid! }],
      },
      spec: { drivers: null },
    });
  }
  bootstrapSystem(ctx, nodes, nodeObjects);
}

const MIGRATED_PLUGINS =
  'kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,kubernetes.io/cinder,kubernetes.io/gce-pd,kubernetes.io/portworx-volume,kubernetes.io/vsphere-volume';

function createNode(ctx: ControllerContext, t: Topology, n: KindNode, index: number): KObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
  };
  if (n.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  } else {
    const workerIndex = index - (t.controlPlanes ?? 1);
    const zone = t.zones?.[workerIndex % Math.max(1, t.zones.length)];
    if (zone !== undefined) {
      if (t.region !== undefined) labels['topology.kubernetes.io/region'] = t.region;
      labels['topology.kubernetes.io/zone'] = zone;
    }
    Object.assign(labels, t.nodeLabels);
  }
  Object.assign(labels, t.labelsByNode?.[n.name]);
  const node: Node = {
    metadata: {
      name: n.name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: n.podCIDR,
      podCIDRs: [n.podCIDR],
      providerID: `kind://docker/kind/${n.name}`,
      ...(n.role === 'control-plane'
        ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
        : {}),
    },
  };
  const created = ctx.registry.create(CORE('nodes'), node as KObject);
  const status = nodeStatus(ctx, t, n);
  return ctx.registry.update(CORE('nodes'), { ...created, status }, { subresource: 'status' });
}

/** The healthy conditions and reasons the kubelet reports (K:pkg/kubelet/nodestatus/setters.go). */
export function healthyNodeConditions(at: string): NodeCondition[] {
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
    reason,
    message,
  });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

function nodeStatus(ctx: ControllerContext, t: Topology, n: KindNode): Node['status'] {
  const at = rfc3339(ctx.clock.now());
  const capacity = {
    cpu: t.cpu ?? '8',
    'ephemeral-storage': '102626232Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: t.memory ?? '32863380Ki',
    pods: '110',
  };
  return {
    addresses: [
      { type: 'InternalIP', address: n.ip },
      { type: 'Hostname', address: n.name },
    ],
    allocatable: { ...capacity },
    capacity,
    conditions: healthyNodeConditions(at),
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      bootID: ctx.random.uid(),
      containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
      kernelVersion: '6.1.0-31-amd64',
      kubeProxyVersion: KUBERNETES_VERSION,
      kubeletVersion: KUBERNETES_VERSION,
      machineID: ctx.random.hex(32),
      operatingSystem: 'linux',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      systemUUID: ctx.random.uid(),
    },
  };
}
