// kind's system workloads as `kubectl get pods -A` shows them right after creation:
// CoreDNS and local-path-provisioner (Deployments), kindnet and kube-proxy (DaemonSets),
// the control-plane static pods, and the Services, ConfigMaps and StorageClass around
// them. All are stored already Running/Ready; later controllers adopt and keep them.
import type { Affinity, Container, Pod, PodCondition, Toleration } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { rfc3339 } from './clock.ts';
import { CORE, type ControllerContext } from './controller.ts';
import { daemonPodTolerations, newDaemonSetRevision, nodeNameAffinity, templateHash, type DS } from './daemonset-util.ts';
import type { KindNode } from './kind.ts';
import { KUBERNETES_VERSION } from './kind.ts';
import type { GroupResource, KObject } from './objects.ts';
import { qosClass } from './strategy.ts';

const APPS = (resource: string): GroupResource => ({ group: 'apps', resource });
const KINDNETD_IMAGE = 'docker.io/kindest/kindnetd:v20250214-acbabc1a';
const LOCAL_PATH_IMAGE = 'docker.io/kindest/local-path-provisioner:v20250214-acbabc1a';
const LOCAL_PATH_HELPER_IMAGE = 'docker.io/kindest/local-path-helper:v20241212-8ac705d0';

/** The images kind's node image carries, so its kubelet never pulls them (`crictl images`). */
export const kindNodeImages = (): string[] => [
  KINDNETD_IMAGE,
  LOCAL_PATH_HELPER_IMAGE,
  LOCAL_PATH_IMAGE,
  'registry.k8s.io/coredns/coredns:v1.11.3',
  'registry.k8s.io/etcd:3.5.16-0',
  `registry.k8s.io/kube-apiserver:${KUBERNETES_VERSION}`,
  `registry.k8s.io/kube-controller-manager:${KUBERNETES_VERSION}`,
  `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`,
  `registry.k8s.io/kube-scheduler:${KUBERNETES_VERSION}`,
  'registry.k8s.io/pause:3.10',
];

interface PodPlan {
  name: string;
  namespace: string;
  node: KindNode;
  labels: Record<string, string>;
  owner: OwnerReference;
  containers: Container[];
  hostNetwork?: boolean;
  priorityClassName: 'system-node-critical' | 'system-cluster-critical';
  podIP?: string;
  serviceAccountName?: string;
  annotations?: Record<string, string>;
  /** A static pod's mirror: the kubelet creates it from a manifest, without a ServiceAccount. */
  mirror?: boolean;
  /** What the DaemonSet controller gives its pods (the default is a static pod's). */
  tolerations?: Toleration[];
  affinity?: Affinity;
}

/** What the kubelet writes on the mirror pod of a static pod it runs from a file. */
function mirrorAnnotations(ctx: ControllerContext): Record<string, string> {
  const hash = ctx.random.hex(32);
  return {
    'kubernetes.io/config.hash': hash,
    'kubernetes.io/config.mirror': hash,
    'kubernetes.io/config.seen': new Date(ctx.clock.now()).toISOString().replace('Z', '000000Z'),
    'kubernetes.io/config.source': 'file',
  };
}

export function bootstrapSystem(ctx: ControllerContext, nodes: KindNode[], nodeObjects: KObject[]): void {
  const cp = nodes[0]!;
  const cpObj = nodeObjects[0]!;
  const { registry } = ctx;
  let nextPodIP = 2;
  const podIP = (): string => `10.244.0.${nextPodIP++}`;

  for (const [ns, name] of [['kube-system', 'coredns'], ['kube-system', 'kube-proxy'], ['kube-system', 'kindnet'], ['local-path-storage', 'local-path-provisioner-service-account']] as const) {
    registry.create(CORE('serviceaccounts'), { metadata: { name, namespace: ns } });
  }
  for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    const image = component === 'etcd' ? 'registry.k8s.io/etcd:3.5.16-0' : `registry.k8s.io/${component}:${KUBERNETES_VERSION}`;
    createPod(ctx, {
      name: `${component}-${cp.name}`,
      namespace: 'kube-system',
      node: cp,
      labels: { component, tier: 'control-plane' },
      owner: { apiVersion: 'v1', kind: 'Node', name: cp.name, uid: cpObj.metadata!.uid!, controller: true },
      containers: [{ name: component, image, command: [component], resources: { requests: { cpu: component === 'etcd' ? '100m' : component === 'kube-apiserver' ? '250m' : component === 'kube-scheduler' ? '100m' : '200m', ...(component === 'etcd' ? { memory: '100Mi' } : {}) } } }],
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      annotations: mirrorAnnotations(ctx),
      mirror: true,
    });
  }

  const coredns: Container[] = [{
    name: 'coredns',
    image: 'registry.k8s.io/coredns/coredns:v1.11.3',
    args: ['-conf', '/etc/coredns/Corefile'],
    ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }, { name: 'metrics', containerPort: 9153, protocol: 'TCP' }],
    resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
  }];
  deployment(ctx, 'kube-system', 'coredns', '668d6bf9bc', 2, { 'k8s-app': 'kube-dns' }, coredns, (owner, hash) => ({
    name: `coredns-${hash}-${ctx.random.suffix()}`,
    namespace: 'kube-system',
    node: cp,
    labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': hash },
    owner,
    containers: coredns,
    priorityClassName: 'system-cluster-critical',
    podIP: podIP(),
    serviceAccountName: 'coredns',
  }));
  const provisioner: Container[] = [{ name: 'local-path-provisioner', image: LOCAL_PATH_IMAGE, command: ['local-path-provisioner', '--debug', 'start', '--helper-image', LOCAL_PATH_HELPER_IMAGE, '--config', '/etc/config/config.json'] }];
  deployment(ctx, 'local-path-storage', 'local-path-provisioner', '7dc846544d', 1, { app: 'local-path-provisioner' }, provisioner, (owner, hash) => ({
    name: `local-path-provisioner-${hash}-${ctx.random.suffix()}`,
    namespace: 'local-path-storage',
    node: cp,
    labels: { app: 'local-path-provisioner', 'pod-template-hash': hash },
    owner,
    containers: provisioner,
    priorityClassName: 'system-node-critical',
    podIP: podIP(),
    serviceAccountName: 'local-path-provisioner-service-account',
  }));

  daemonSet(ctx, nodes, 'kindnet', { app: 'kindnet' }, { app: 'kindnet', 'k8s-app': 'kindnet', tier: 'node' }, [{
    name: 'kindnet-cni',
    image: KINDNETD_IMAGE,
    resources: { limits: { cpu: '100m', memory: '50Mi' }, requests: { cpu: '100m', memory: '50Mi' } },
  }]);
  daemonSet(ctx, nodes, 'kube-proxy', { 'k8s-app': 'kube-proxy' }, { 'k8s-app': 'kube-proxy' }, [{
    name: 'kube-proxy',
    image: `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`,
    command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
  }]);

  services(ctx, cp);
  registry.create({ group: 'storage.k8s.io', resource: 'storageclasses' }, {
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  registry.create(CORE('configmaps'), {
    metadata: { name: 'local-path-config', namespace: 'local-path-storage' },
    data: {
      'config.json': '{\n        "nodePathMap":[\n        {\n                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",\n                "paths":["/var/local-path-provisioner"]\n        }\n        ]\n}',
    },
  });
  registry.create(CORE('configmaps'), {
    metadata: { name: 'coredns', namespace: 'kube-system' },
    data: { Corefile: COREFILE },
  });
}

function deployment(
  ctx: ControllerContext, namespace: string, name: string, hash: string, replicas: number,
  selector: Record<string, string>, containers: Container[], pod: (owner: OwnerReference, hash: string) => PodPlan,
): void {
  const { registry } = ctx;
  const template = { metadata: { labels: selector }, spec: { containers } };
  const d = registry.create(APPS('deployments'), { metadata: { name, namespace, labels: selector, annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { replicas, selector: { matchLabels: selector }, template } });
  setStatus(ctx, APPS('deployments'), d, { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions: deploymentConditions(ctx, `${name}-${hash}`) });
  const rsName = `${name}-${hash}`;
  const rsLabels = { ...selector, 'pod-template-hash': hash };
  const rs = registry.create(APPS('replicasets'), {
    metadata: { name: rsName, namespace, labels: rsLabels, annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1), 'deployment.kubernetes.io/revision': '1' }, ownerReferences: [controllerRef('apps/v1', 'Deployment', d)] },
    spec: { replicas, selector: { matchLabels: rsLabels }, template: { ...template, metadata: { labels: rsLabels } } },
  });
  setStatus(ctx, APPS('replicasets'), rs, { observedGeneration: 1, replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas });
  for (let i = 0; i < replicas; i++) createPod(ctx, pod(controllerRef('apps/v1', 'ReplicaSet', rs), hash));
}

function daemonSet(ctx: ControllerContext, nodes: KindNode[], name: string, selector: Record<string, string>, labels: Record<string, string>, containers: Container[]): void {
  const { registry } = ctx;
  const template = { metadata: { labels }, spec: { containers, hostNetwork: true, serviceAccountName: name, tolerations: [{ operator: 'Exists' }] } };
  const ds = registry.create(APPS('daemonsets'), { metadata: { name, namespace: 'kube-system', labels, annotations: { 'deprecated.daemonset.template.generation': '1' } }, spec: { selector: { matchLabels: selector }, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } } });
  // The revision the DaemonSet controller would have made, so it adopts these pods as they are.
  const hash = templateHash(ds as DS);
  registry.create(APPS('controllerrevisions'), newDaemonSetRevision(ds as DS, 1));
  const n = nodes.length;
  setStatus(ctx, APPS('daemonsets'), ds, { currentNumberScheduled: n, desiredNumberScheduled: n, numberAvailable: n, numberMisscheduled: 0, numberReady: n, observedGeneration: 1, updatedNumberScheduled: n });
  for (const node of nodes) {
    createPod(ctx, { name: `${name}-${ctx.random.suffix()}`, namespace: 'kube-system', node, labels: { ...labels, 'controller-revision-hash': hash, 'pod-template-generation': '1' }, owner: controllerRef('apps/v1', 'DaemonSet', ds), containers, hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: name, tolerations: daemonPodTolerations(template.spec), affinity: nodeNameAffinity(undefined, node.name) });
  }
}

function services(ctx: ControllerContext, cp: KindNode): void {
  const { registry } = ctx;
  registry.create(CORE('services'), { metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] } });
  registry.create(CORE('endpoints'), { metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [{ addresses: [{ ip: cp.ip }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
  registry.create({ group: 'discovery.k8s.io', resource: 'endpointslices' }, { metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } }, addressType: 'IPv4', endpoints: [{ addresses: [cp.ip], conditions: { ready: true } }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] });
  registry.create(CORE('services'), {
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' }, annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None', selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 }] },
  });
}

function createPod(ctx: ControllerContext, p: PodPlan): KObject {
  const { registry, clock, random } = ctx;
  const pod: Pod = {
    metadata: { name: p.name, namespace: p.namespace, labels: p.labels, ownerReferences: [p.owner], ...(p.annotations ? { annotations: p.annotations } : {}) },
    spec: {
      containers: p.containers.map((c) => ({ imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...c })),
      dnsPolicy: p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
      enableServiceLinks: true,
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      nodeName: p.node.name,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: p.priorityClassName === 'system-node-critical' ? 2000001000 : 2000000000,
      priorityClassName: p.priorityClassName,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      ...(p.mirror ? {} : { serviceAccount: p.serviceAccountName ?? 'default', serviceAccountName: p.serviceAccountName ?? 'default' }),
      terminationGracePeriodSeconds: 30,
      tolerations: p.tolerations ?? [{ operator: 'Exists', effect: 'NoExecute' }],
      ...(p.affinity ? { affinity: p.affinity } : {}),
    },
  };
  const created = registry.create(CORE('pods'), pod as KObject);
  const at = rfc3339(clock.now());
  const ip = p.hostNetwork ? p.node.ip : (p.podIP ?? p.node.ip);
  const cond = (type: string): PodCondition => ({ type, status: 'True', lastTransitionTime: at });
  const status: Pod['status'] = {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
    hostIP: p.node.ip,
    hostIPs: [{ ip: p.node.ip }],
    podIP: ip,
    podIPs: [{ ip }],
    qosClass: qosClass(pod),
    startTime: at,
    containerStatuses: p.containers.map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `${(c.image ?? '').split(':')[0]}@sha256:${random.hex(64)}`,
      containerID: `containerd://${random.hex(64)}`,
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: at } },
    })),
  };
  return registry.update(CORE('pods'), { ...created, status }, { subresource: 'status' });
}

function setStatus(ctx: ControllerContext, gr: GroupResource, obj: KObject, status: object): KObject {
  return ctx.registry.update(gr, { ...obj, status }, { subresource: 'status' });
}

function controllerRef(apiVersion: string, kind: string, owner: KObject): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

function deploymentConditions(ctx: ControllerContext, rs: string): object[] {
  const at = rfc3339(ctx.clock.now());
  return [
    { type: 'Available', status: 'True', lastUpdateTime: at, lastTransitionTime: at, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
    { type: 'Progressing', status: 'True', lastUpdateTime: at, lastTransitionTime: at, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rs}" has successfully progressed.` },
  ];
}

const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;
