// The teaching operator: KeyValueCluster (kv.statecraft.dev/v1alpha1, short name kvc), a
// replicated key-value store built from redis pods. It is the smallest operator that shows
// what operators are for: it owns a headless Service, a ConfigMap naming the primary, a
// `NAME-primary` Service and a StatefulSet with a claim template; it reports members and
// the primary in `status`; and when the primary's pod is deleted or stops being Ready (its
// node went NotReady) it promotes the lowest-ordinal ready replica, relabels the pods
// (`role=primary|replica`, which the primary Service selects on) and records PrimaryChanged.
import { CORE, type ControllerContext } from '../controller.ts';
import { newControllerRef } from '../controller-utils.ts';
import { deepClone, deepEqual, type GroupResource, type KObject } from '../objects.ts';
import type { Change } from '../store.ts';
import { rfc3339 } from '../clock.ts';
import { isServing, type OperatorApi, type OperatorDefinition } from './host.ts';

export const KV_GROUP = 'kv.statecraft.dev';
export const KEYVALUECLUSTERS: GroupResource = { group: KV_GROUP, resource: 'keyvalueclusters' };
const STATEFULSETS: GroupResource = { group: 'apps', resource: 'statefulsets' };
const SERVICES = CORE('services');
const CONFIGMAPS = CORE('configmaps');
const PODS = CORE('pods');
const NAME_LABEL = 'app.kubernetes.io/name';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const ROLE_LABEL = 'role';
const APP = 'keyvalue';
const REDIS_PORT = 6379;

interface Condition { type: string; status: string; reason: string; message: string; lastTransitionTime: string }
interface KeyValueCluster extends KObject {
  spec?: { members?: number; storage?: string; image?: string };
  status?: { members?: number; readyMembers?: number; primary?: string; phase?: string; selector?: string; observedGeneration?: number; conditions?: Condition[] };
}

const conditionSchema = {
  type: 'object',
  required: ['type', 'status'],
  properties: {
    type: { type: 'string' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
  },
};

export const keyValueClusterCrd: KObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `keyvalueclusters.${KV_GROUP}` },
  spec: {
    group: KV_GROUP,
    scope: 'Namespaced',
    names: { plural: 'keyvalueclusters', singular: 'keyvaluecluster', kind: 'KeyValueCluster', listKind: 'KeyValueClusterList', shortNames: ['kvc'] },
    versions: [{
      name: 'v1alpha1',
      served: true,
      storage: true,
      subresources: { status: {}, scale: { specReplicasPath: '.spec.members', statusReplicasPath: '.status.members', labelSelectorPath: '.status.selector' } },
      additionalPrinterColumns: [
        { name: 'Members', type: 'integer', jsonPath: '.spec.members' },
        { name: 'Ready', type: 'integer', jsonPath: '.status.readyMembers' },
        { name: 'Primary', type: 'string', jsonPath: '.status.primary' },
        { name: 'Phase', type: 'string', jsonPath: '.status.phase', priority: 1 },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
      schema: {
        openAPIV3Schema: {
          type: 'object',
          description: 'KeyValueCluster is a replicated key-value store: one primary and its replicas.',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { type: 'object' },
            spec: {
              type: 'object',
              description: 'What the cluster should be: how many members, how much storage each, which image.',
              properties: {
                members: { type: 'integer', minimum: 1, maximum: 9, default: 3, description: 'Pods in the cluster: one primary, the rest replicas.' },
                storage: { type: 'string', default: '1Gi', description: "Size of each member's PersistentVolumeClaim." },
                image: { type: 'string', default: 'redis:7.4', description: 'The key-value server image.' },
              },
            },
            status: {
              type: 'object',
              description: 'What the operator last saw: members, ready members, the primary and conditions.',
              properties: {
                members: { type: 'integer' },
                readyMembers: { type: 'integer' },
                primary: { type: 'string' },
                phase: { type: 'string' },
                selector: { type: 'string' },
                observedGeneration: { type: 'integer', format: 'int64' },
                conditions: { type: 'array', items: conditionSchema },
              },
            },
          },
        },
      },
    }],
  },
};

const ordinalOf = (pod: KObject): number => Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1] ?? -1);

function reconcileKeyValueCluster(obj: KObject, api: OperatorApi): void {
  const cr = obj as KeyValueCluster;
  const ns = cr.metadata?.namespace ?? '';
  const name = cr.metadata?.name ?? '';
  const members = cr.spec?.members ?? 3;
  const selector = { [NAME_LABEL]: APP, [INSTANCE_LABEL]: name };
  const labels = { ...selector, 'app.kubernetes.io/managed-by': 'keyvalue-operator' };
  const owner = [newControllerRef(cr)];
  const meta = (n: string): KObject['metadata'] => ({ name: n, namespace: ns, labels, ownerReferences: owner });

  const ensure = (gr: GroupResource, object: KObject): KObject => {
    const existing = api.get(gr, ns, object.metadata?.name ?? '');
    if (existing !== undefined) return existing;
    const created = api.create(gr, object);
    api.log(`Created ${object.kind}`, { [object.kind ?? '']: object.metadata?.name ?? '' });
    api.event(cr, 'Normal', 'Created', `Created ${object.kind} ${object.metadata?.name ?? ''}`);
    return created;
  };

  ensure(SERVICES, {
    apiVersion: 'v1', kind: 'Service', metadata: meta(name),
    spec: { clusterIP: 'None', selector, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] },
  });
  ensure(SERVICES, {
    apiVersion: 'v1', kind: 'Service', metadata: meta(`${name}-primary`),
    spec: { selector: { ...selector, [ROLE_LABEL]: 'primary' }, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }] },
  });
  const image = cr.spec?.image ?? 'redis:7.4';
  let sts = ensure(STATEFULSETS, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta(name),
    spec: {
      serviceName: name,
      replicas: members,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: 'redis',
            image,
            command: ['redis-server', '--port', '6379'],
            ports: [{ name: 'redis', containerPort: 6379 }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          }],
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: cr.spec?.storage ?? '1Gi' } } },
      }],
    },
  }) as KObject & { spec: { replicas?: number; template: { spec: { containers: Array<{ image: string }> } } }; status?: { replicas?: number } };
  const was = sts.spec.replicas ?? 1;
  const container = sts.spec.template.spec.containers[0];
  if (was !== members || (container !== undefined && container.image !== image)) {
    const next = deepClone(sts);
    next.spec.replicas = members;
    if (next.spec.template.spec.containers[0] !== undefined) next.spec.template.spec.containers[0].image = image;
    sts = api.update(STATEFULSETS, next) as typeof sts;
    if (was !== members) {
      api.log('Scaling StatefulSet', { from: was, to: members });
      api.event(cr, 'Normal', 'Scaled', `Scaled StatefulSet ${name} from ${was} to ${members} members`);
    }
  }

  // Who is primary: the one recorded in status while it serves; else the lowest-ordinal
  // ready member. A new cluster starts with ordinal 0.
  const pods = api.list(PODS, ns, selector).filter((p) => ordinalOf(p) >= 0).sort((a, b) => ordinalOf(a) - ordinalOf(b));
  const serving = pods.filter((p) => isServing(p) && ordinalOf(p) < members);
  let primary = cr.status?.primary ?? `${name}-0`;
  const current = pods.find((p) => p.metadata?.name === primary);
  if (!(isServing(current) && ordinalOf(current!) < members)) {
    const next = serving[0];
    if (next !== undefined && next.metadata?.name !== primary && cr.status?.primary !== undefined) {
      const why = current === undefined ? 'is gone' : current.metadata?.deletionTimestamp !== undefined ? 'is being deleted' : ordinalOf(current) >= members ? 'was scaled away' : 'is not ready';
      const promoted = next.metadata?.name ?? '';
      api.log('Promoting replica', { from: primary, to: promoted });
      api.event(cr, 'Warning', 'PrimaryChanged', `Primary changed from ${primary} to ${promoted}: ${primary} ${why}`);
      primary = promoted;
    }
  }

  // Demote first, so the primary Service never selects two pods.
  const relabel = (pod: KObject, role: string): void => {
    if (pod.metadata?.labels?.[ROLE_LABEL] === role || pod.metadata?.deletionTimestamp !== undefined) return;
    api.update(PODS, { ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata?.labels, [ROLE_LABEL]: role } } });
  };
  for (const pod of pods) if (pod.metadata?.name !== primary) relabel(pod, 'replica');
  const primaryPod = pods.find((p) => p.metadata?.name === primary);
  if (primaryPod !== undefined) relabel(primaryPod, 'primary');

  configureRoles(api, serving, primary, `${primary}.${name}.${ns}.svc.cluster.local`);

  const config = ensure(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${name}-config`), data: {} }) as KObject & { data?: Record<string, string> };
  const data = { primary, 'primary-host': `${primary}.${name}.${ns}.svc.cluster.local`, members: String(members) };
  if (!deepEqual(config.data ?? {}, data)) api.update(CONFIGMAPS, { ...config, data });

  const ready = serving.length;
  const primaryReady = isServing(primaryPod);
  const phase = !primaryReady ? 'Pending' : ready < members ? 'Degraded' : 'Running';
  const conditions = (cr.status?.conditions ?? []).filter((c) => c.type !== 'Available');
  const oldAvailable = cr.status?.conditions?.find((c) => c.type === 'Available');
  const availableStatus = primaryReady ? 'True' : 'False';
  conditions.unshift({
    type: 'Available',
    status: availableStatus,
    reason: primaryReady ? 'PrimaryReady' : 'NoReadyPrimary',
    message: primaryReady ? `${primary} serves writes; ${ready}/${members} members ready` : `${primary} is not ready`,
    lastTransitionTime: oldAvailable?.status === availableStatus ? oldAvailable.lastTransitionTime : rfc3339(api.now()),
  });
  const status = {
    ...cr.status,
    members: (sts.status?.replicas ?? 0),
    readyMembers: ready,
    primary,
    phase,
    selector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(','),
    observedGeneration: cr.metadata?.generation ?? 0,
    conditions,
  };
  if (deepEqual(status, cr.status)) return;
  api.updateStatus(KEYVALUECLUSTERS, { ...cr, status });
  api.log('Updated status', { phase, readyMembers: ready, primary });
}

/**
 * Tells each ready member's redis its role, as redis operators do over the redis protocol:
 * the primary first (`REPLICAOF NO ONE`), then the replicas (`REPLICAOF primary 6379`).
 */
function configureRoles(api: OperatorApi, serving: KObject[], primary: string, primaryHost: string): void {
  const ordered = [...serving].sort((a, b) => Number(b.metadata?.name === primary) - Number(a.metadata?.name === primary));
  for (const pod of ordered) {
    const ip = (pod as { status?: { podIP?: string } }).status?.podIP;
    const redis = ip === undefined ? undefined : api.connect(ip, REDIS_PORT)?.tcp;
    if (redis === undefined) continue;
    const role = redis('ROLE');
    const podName = pod.metadata?.name ?? '';
    if (podName === primary) {
      if (role.startsWith('1) "master"')) continue;
      redis('REPLICAOF NO ONE');
      api.log('Configured primary', { pod: podName });
    } else if (!role.includes(`"${primaryHost}"`)) {
      redis(`REPLICAOF ${primaryHost} ${REDIS_PORT}`);
      api.log('Configured replica', { pod: podName, primary });
    }
  }
}

/** Pods of a KeyValueCluster (by its labels) requeue it: their readiness decides the primary. */
function enqueuePods(c: Change, _ctx: ControllerContext): string[] {
  if (c.gr.group !== '' || c.gr.resource !== 'pods') return [];
  const labels = c.object.metadata?.labels;
  const instance = labels?.[INSTANCE_LABEL];
  if (labels?.[NAME_LABEL] !== APP || instance === undefined) return [];
  return [`${c.object.metadata?.namespace ?? ''}/${instance}`];
}

export const keyValueOperator: OperatorDefinition = {
  name: 'keyvalue',
  component: 'keyvalue-operator',
  namespace: 'keyvalue-system',
  image: 'statecraft.dev/keyvalue-operator:0.1',
  crd: keyValueClusterCrd,
  resource: KEYVALUECLUSTERS,
  kind: 'KeyValueCluster',
  controller: 'keyvaluecluster',
  owns: [STATEFULSETS, SERVICES, CONFIGMAPS],
  enqueue: enqueuePods,
  reconcile: reconcileKeyValueCluster,
};
