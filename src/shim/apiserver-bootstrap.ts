// Objects the API server writes for itself when it starts: the built-in PriorityClasses
// (post-start hook scheduling/bootstrap-system-priority-classes) and the default RBAC
// roles and bindings (rbac/bootstrap-roles), plus those kubeadm and kind add.
// K:pkg/apis/scheduling/types.go (SystemClusterCritical, SystemNodeCritical),
// K:plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (ClusterRoles, ClusterRoleBindings).
// Only cluster-admin and the aggregated admin/edit/view roles carry their rules; the
// system:* roles are present by name (rules empty) so `kubectl get clusterroles` lists them.
import type { Cluster } from './cluster.ts';
import type { GroupResource, KObject } from './objects.ts';
import { SeededRandom } from './random.ts';
import { Registry } from './registry.ts';

const PRIORITY_CLASSES: GroupResource = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };
const CLUSTER_ROLES: GroupResource = { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' };
const CLUSTER_ROLE_BINDINGS: GroupResource = { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' };

const BOOTSTRAP = { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } };

const CONTROLLER_ROLES = [
  'attachdetach-controller', 'certificate-controller', 'clusterrole-aggregation-controller', 'cronjob-controller', 'daemon-set-controller',
  'deployment-controller', 'disruption-controller', 'endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller',
  'ephemeral-volume-controller', 'expand-controller', 'generic-garbage-collector', 'horizontal-pod-autoscaler', 'job-controller',
  'legacy-service-account-token-cleaner', 'namespace-controller', 'node-controller', 'persistent-volume-binder', 'pod-garbage-collector',
  'pv-protection-controller', 'pvc-protection-controller', 'replicaset-controller', 'replication-controller', 'resourcequota-controller',
  'root-ca-cert-publisher', 'route-controller', 'service-account-controller', 'service-cidrs-controller', 'service-controller',
  'statefulset-controller', 'ttl-after-finished-controller', 'ttl-controller', 'validatingadmissionpolicy-status-controller',
];

const SYSTEM_ROLES = [
  'system:auth-delegator', 'system:basic-user', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
  'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', 'system:certificates.k8s.io:kube-apiserver-client-approver',
  'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', 'system:certificates.k8s.io:kubelet-serving-approver',
  'system:certificates.k8s.io:legacy-unknown-approver', 'system:discovery', 'system:heapster', 'system:kube-aggregator',
  'system:kube-controller-manager', 'system:kube-dns', 'system:kube-scheduler', 'system:kubelet-api-admin', 'system:monitoring',
  'system:node', 'system:node-bootstrapper', 'system:node-problem-detector', 'system:node-proxier', 'system:persistent-volume-provisioner',
  'system:public-info-viewer', 'system:service-account-issuer-discovery', 'system:volume-scheduler',
];

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const VIEW_RULES = [
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], verbs: READ },
  { apiGroups: [''], resources: ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], verbs: READ },
  { apiGroups: [''], resources: ['namespaces'], verbs: READ },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], verbs: READ },
  { apiGroups: ['batch'], resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingresses/status', 'networkpolicies'], verbs: READ },
];
const EDIT_RULES = [
  { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: READ },
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroups: [''], resources: ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], verbs: WRITE },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: WRITE },
];
const ADMIN_RULES = [
  { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: [...WRITE, ...READ] },
];

const aggregateTo = (role: string): Record<string, string> => ({ [`rbac.authorization.k8s.io/aggregate-to-${role}`]: 'true' });

function clusterRoles(): KObject[] {
  const role = (name: string, rest: Record<string, unknown> = {}, labels: Record<string, string> = {}): KObject => ({
    metadata: { name, labels: { ...BOOTSTRAP.labels, ...labels }, annotations: BOOTSTRAP.annotations },
    ...rest,
  });
  const aggregated = (name: string, rules: unknown[], labels: Record<string, string> = {}): KObject =>
    role(name, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregateTo(name) }] }, rules }, labels);
  return [
    aggregated('admin', [...ADMIN_RULES, ...EDIT_RULES, ...VIEW_RULES]),
    role('cluster-admin', { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] }),
    aggregated('edit', [...EDIT_RULES, ...VIEW_RULES], aggregateTo('admin')),
    role('system:aggregate-to-admin', { rules: ADMIN_RULES }, aggregateTo('admin')),
    role('system:aggregate-to-edit', { rules: EDIT_RULES }, aggregateTo('edit')),
    role('system:aggregate-to-view', { rules: VIEW_RULES }, aggregateTo('view')),
    ...SYSTEM_ROLES.map((n) => role(n, { rules: [] })),
    ...CONTROLLER_ROLES.map((n) => role(`system:controller:${n}`, { rules: [] })),
    aggregated('view', VIEW_RULES, aggregateTo('edit')),
    // kubeadm's and kind's own.
    { metadata: { name: 'kubeadm:get-nodes' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] },
    { metadata: { name: 'kindnet' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch', 'patch'] }, { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
    { metadata: { name: 'local-path-provisioner-role' }, rules: [{ apiGroups: [''], resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'], verbs: READ }] },
    { metadata: { name: 'system:coredns' }, rules: [{ apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] }] },
  ];
}

function clusterRoleBindings(): KObject[] {
  const bind = (name: string, role: string, subjects: unknown[], bootstrap = true): KObject => ({
    metadata: { name, ...(bootstrap ? { labels: BOOTSTRAP.labels, annotations: BOOTSTRAP.annotations } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects,
  });
  const group = (name: string): unknown => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
  const sa = (name: string, namespace = 'kube-system'): unknown => ({ kind: 'ServiceAccount', name, namespace });
  return [
    bind('cluster-admin', 'cluster-admin', [group('system:masters')]),
    bind('kubeadm:cluster-admins', 'cluster-admin', [group('kubeadm:cluster-admins')], false),
    bind('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    bind('system:discovery', 'system:discovery', [group('system:authenticated')]),
    bind('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    bind('system:kube-controller-manager', 'system:kube-controller-manager', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-controller-manager' }]),
    bind('system:kube-scheduler', 'system:kube-scheduler', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-scheduler' }]),
    bind('system:coredns', 'system:coredns', [sa('coredns')], false),
    bind('kindnet', 'kindnet', [sa('kindnet')], false),
    bind('local-path-provisioner-bind', 'local-path-provisioner-role', [sa('local-path-provisioner-service-account', 'local-path-storage')], false),
    ...CONTROLLER_ROLES.map((n) => bind(`system:controller:${n}`, `system:controller:${n}`, [sa(n)])),
  ];
}

/** The built-in classes; the Priority admission plugin resolves these names too. */
function priorityClasses(): KObject[] {
  const pc = (name: string, value: number, description: string): KObject => ({
    metadata: { name }, value, globalDefault: false, description, preemptionPolicy: 'PreemptLowerPriority',
  });
  return [
    pc('system-cluster-critical', 2000000000, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'),
    pc('system-node-critical', 2000001000, 'Used for system critical pods that must not be moved from their current node.'),
  ];
}

/**
 * Writes the objects through a registry of their own, with its own seeded randomness: a
 * real API server's are as random, and the cluster's sequence (pod names) stays as it was.
 */
export function installApiServerBootstrap(cluster: Cluster): void {
  const registry = new Registry({ store: cluster.store, resources: cluster.resources, clock: cluster.clock, random: new SeededRandom('kube-apiserver-bootstrap') });
  const create = (gr: GroupResource, objects: KObject[]): void => {
    for (const obj of objects) {
      if (cluster.store.get(gr, '', obj.metadata?.name ?? '') === undefined) registry.create(gr, obj);
    }
  };
  create(PRIORITY_CLASSES, priorityClasses());
  create(CLUSTER_ROLES, clusterRoles());
  create(CLUSTER_ROLE_BINDINGS, clusterRoleBindings());
}
