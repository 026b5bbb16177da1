// What the StatefulSet controller knows about one set and its members: ordinals and
// names, the identity and storage a pod must have, the claims it gets from the
// templates and who owns them under the retention policy, health predicates, the
// revision patch, and the status rules.
// K:pkg/controller/statefulset/stateful_set_utils.go.
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1';
import type { PersistentVolumeClaim, Pod, Volume } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { isPodAvailable, isPodReady } from './controller-utils.ts';
import { sortedKeys, type Revision } from './controller-revision.ts';
import { deepClone, type KObject } from './objects.ts';

export type STS = StatefulSet & KObject;

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

const SET_GV = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const POD_GV = { apiVersion: 'v1', kind: 'Pod' };
const INT32_MAX = 2 ** 31 - 1;

/** getParentNameAndOrdinal: `web-3` → `['web', 3]`; no match → `['', -1]`; an ordinal beyond int32 is -1. */
export function parentAndOrdinal(name: string): [string, number] {
  const m = /^(.*)-([0-9]+)$/s.exec(name);
  if (m === null) return ['', -1];
  const n = Number(m[2]);
  return [m[1]!, n <= INT32_MAX ? n : -1];
}

export const ordinalOf = (pod: Pod): number => parentAndOrdinal(pod.metadata?.name ?? '')[1];
export const isMemberOf = (set: STS, pod: Pod): boolean => parentAndOrdinal(pod.metadata?.name ?? '')[0] === set.metadata?.name;

export const replicasOf = (set: STS): number => set.spec?.replicas ?? 1;
export const startOrdinal = (set: STS): number => set.spec?.ordinals?.start ?? 0;
export const endOrdinal = (set: STS): number => startOrdinal(set) + replicasOf(set) - 1;

export function inOrdinalRange(pod: Pod, set: STS): boolean {
  const ord = ordinalOf(pod);
  return ord >= startOrdinal(set) && ord <= endOrdinal(set);
}

export const podName = (set: STS, ordinal: number): string => `${set.metadata?.name ?? ''}-${ordinal}`;
export const claimName = (set: STS, template: string, ordinal: number): string => `${template}-${set.metadata?.name ?? ''}-${ordinal}`;

export const revisionOf = (pod: Pod): string => pod.metadata?.labels?.[REVISION_LABEL] ?? '';

// ---- health predicates (a pod not yet created has no phase) ----

export const isCreated = (pod: Pod): boolean => (pod.status?.phase ?? '') !== '';
export const isPending = (pod: Pod): boolean => pod.status?.phase === 'Pending';
export const isFinished = (pod: Pod): boolean => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
export const isTerminating = (pod: Pod): boolean => pod.metadata?.deletionTimestamp !== undefined;
export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: number): boolean => isPodAvailable(pod, minReadySeconds, now);
export const isUnavailable = (pod: Pod, minReadySeconds: number, now: number): boolean =>
  !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod);

// ---- identity and storage ----

/** identityMatches: the name, namespace and pod-name label of the member with this ordinal. */
export function identityMatches(set: STS, pod: Pod): boolean {
  const [parent, ordinal] = parentAndOrdinal(pod.metadata?.name ?? '');
  return ordinal >= 0 && parent === set.metadata?.name && pod.metadata?.name === podName(set, ordinal) &&
    pod.metadata?.namespace === set.metadata?.namespace && pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name;
}

/** storageMatches: a volume per claim template, naming this member's claim. */
export function storageMatches(set: STS, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec?.volumeClaimTemplates ?? []).every((t) =>
    volumes.get(t.metadata?.name ?? '')?.persistentVolumeClaim?.claimName === claimName(set, t.metadata?.name ?? '', ordinal));
}

/**
 * getPersistentVolumeClaims, for one template: the claim named for the member, labelled
 * with the template's labels overlaid by the selector's matchLabels (so `-l app=nginx`
 * finds it).
 */
export function claimFor(set: STS, template: PersistentVolumeClaim, ordinal: number): PersistentVolumeClaim & KObject {
  const matchLabels = set.spec?.selector?.matchLabels;
  const claim = deepClone(template) as PersistentVolumeClaim & KObject;
  const labels = claim.metadata?.labels !== undefined ? { ...claim.metadata.labels, ...matchLabels } : matchLabels === undefined ? undefined : { ...matchLabels };
  claim.metadata = { ...claim.metadata, name: claimName(set, template.metadata?.name ?? '', ordinal), namespace: set.metadata?.namespace };
  if (labels !== undefined) claim.metadata.labels = labels;
  else delete claim.metadata.labels;
  return claim;
}

/** The claim names of one member, by template, without building the claims. */
export const claimNamesFor = (set: STS, ordinal: number): string[] =>
  (set.spec?.volumeClaimTemplates ?? []).map((t) => claimName(set, t.metadata?.name ?? '', ordinal));

/** updateStorage: the template volumes first (replacing same-named ones), then the pod's others. */
export function updateStorage(set: STS, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  const templates = (set.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '');
  const names = new Set(templates);
  const volumes: Volume[] = templates.map((t) => ({ name: t, persistentVolumeClaim: { claimName: claimName(set, t, ordinal) } }));
  for (const v of pod.spec?.volumes ?? []) if (!names.has(v.name)) volumes.push(v);
  pod.spec = { ...pod.spec!, volumes };
}

/** updateIdentity: name, namespace, and the pod-name and pod-index labels. */
export function updateIdentity(set: STS, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  const name = podName(set, ordinal);
  pod.metadata = { ...pod.metadata, name, namespace: set.metadata?.namespace, labels: { ...pod.metadata?.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) } };
}

/**
 * newStatefulSetPod: GetPodFromTemplate (labels, annotations, finalizers, `generateName`
 * `<set>-` as every controller-made pod has, the controller reference), then the identity
 * (hostname and subdomain only here: they are immutable) and the claim volumes.
 */
export function newStatefulSetPod(set: STS, ordinal: number): Pod & KObject {
  const template = set.spec?.template ?? { spec: { containers: [] } };
  const tm = template.metadata ?? {};
  const pod: Pod & KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(set, ordinal),
      generateName: `${set.metadata?.name ?? ''}-`,
      ...(tm.labels ? { labels: { ...tm.labels } } : {}),
      ...(tm.annotations ? { annotations: { ...tm.annotations } } : {}),
      ...(tm.finalizers ? { finalizers: [...tm.finalizers] } : {}),
      ownerReferences: [{ ...SET_GV, name: set.metadata?.name ?? '', uid: set.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: deepClone(template.spec ?? { containers: [] }),
  };
  updateIdentity(set, pod);
  pod.spec!.hostname = pod.metadata!.name;
  pod.spec!.subdomain = set.spec?.serviceName;
  updateStorage(set, pod);
  return pod;
}

/**
 * newVersionedStatefulSetPod: ordinals below the partition are made from the current
 * revision, the rest from the update revision. (Upstream's condition groups as
 * `(RollingUpdate && nil && ordinal < start+currentReplicas) || (set && ordinal < start+partition)`.)
 */
export function newVersionedPod(currentSet: STS, updateSet: STS, currentRevision: string, updateRevision: string, ordinal: number): Pod & KObject {
  const strategy = currentSet.spec?.updateStrategy;
  const start = startOrdinal(currentSet);
  const ru = strategy?.rollingUpdate;
  const atCurrent = ((strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && ru === undefined && ordinal < start + (currentSet.status?.currentReplicas ?? 0)) ||
    (ru !== undefined && ordinal < start + (ru.partition ?? 0));
  const pod = newStatefulSetPod(atCurrent ? currentSet : updateSet, ordinal);
  pod.metadata!.labels = { ...pod.metadata!.labels, [REVISION_LABEL]: atCurrent ? currentRevision : updateRevision };
  return pod;
}

// ---- revisions ----

// Per stored template (frozen; status writes keep it), its revision data.
const dataOfTemplate = new WeakMap<object, Record<string, unknown>>();

/** getPatch: the data of a revision, `{"spec":{"template":{…,"$patch":"replace"}}}` (shared: do not modify). */
export function revisionData(set: STS): Record<string, unknown> {
  const template = set.spec?.template;
  const cached = template === undefined ? undefined : dataOfTemplate.get(template);
  if (cached !== undefined) return cached;
  const data = sortedKeys({ spec: { template: { ...deepClone(template ?? {}), $patch: 'replace' } } });
  if (template !== undefined) dataOfTemplate.set(template, data);
  return data;
}

type Template = NonNullable<StatefulSet['spec']>['template'];
const templateOfData = new WeakMap<object, Template>();

/**
 * ApplyRevision: the set with the revision's template (the strategic merge patch replaces
 * it whole). Shares the set's parts: the result is for reading only.
 */
export function applyRevision(set: STS, revision: Revision): STS {
  const data = revision.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  if (data?.spec?.template === undefined) return set;
  let template = templateOfData.get(data);
  if (template === undefined) {
    const { $patch: _directive, ...rest } = data.spec.template;
    templateOfData.set(data, (template = rest as Template));
  }
  return { ...set, spec: { ...set.spec!, template } };
}

// ---- status ----

export interface Status {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

/** updateStatus/computeReplicaStatus over the given pods (pods not yet created do not count). */
export function countReplicas(status: Status, pods: readonly Pod[], minReadySeconds: number, now: number): void {
  status.replicas = status.readyReplicas = status.availableReplicas = status.currentReplicas = status.updatedReplicas = 0;
  for (const pod of pods) {
    if (isCreated(pod)) status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) status.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const rev = revisionOf(pod);
      if (rev === status.currentRevision) status.currentReplicas++;
      if (rev === status.updateRevision) status.updatedReplicas++;
    }
  }
}

/** completeRollingUpdate: once every replica is updated and ready, the update revision is current. */
export function completeRollingUpdate(set: STS, status: Status): void {
  const want = replicasOf(set);
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
    status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

/** inconsistentStatus: what makes the controller write (a collision count alone does not). */
export function inconsistentStatus(set: STS, s: Status): boolean {
  const o: StatefulSetStatus = set.status ?? { replicas: 0 };
  return s.observedGeneration > (o.observedGeneration ?? 0) || s.replicas !== (o.replicas ?? 0) ||
    s.currentReplicas !== (o.currentReplicas ?? 0) || s.readyReplicas !== (o.readyReplicas ?? 0) ||
    s.updatedReplicas !== (o.updatedReplicas ?? 0) || s.currentRevision !== (o.currentRevision ?? '') ||
    s.availableReplicas !== (o.availableReplicas ?? 0) || s.updateRevision !== (o.updateRevision ?? '');
}

/** The status as the Go struct serialises it: zero counts and empty names omitted, except replicas, availableReplicas and the collision count. */
export function statusObject(s: Status): StatefulSetStatus {
  const out: StatefulSetStatus = { replicas: s.replicas };
  if (s.observedGeneration !== 0) out.observedGeneration = s.observedGeneration;
  if (s.readyReplicas !== 0) out.readyReplicas = s.readyReplicas;
  if (s.currentReplicas !== 0) out.currentReplicas = s.currentReplicas;
  if (s.updatedReplicas !== 0) out.updatedReplicas = s.updatedReplicas;
  if (s.currentRevision !== '') out.currentRevision = s.currentRevision;
  if (s.updateRevision !== '') out.updateRevision = s.updateRevision;
  out.collisionCount = s.collisionCount;
  out.availableReplicas = s.availableReplicas;
  return out;
}

// ---- claim ownership under persistentVolumeClaimRetentionPolicy ----

type Policy = 'Retain' | 'Delete';

export function retentionPolicy(set: STS): { whenDeleted: Policy; whenScaled: Policy } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted === 'Delete' ? 'Delete' : 'Retain', whenScaled: p?.whenScaled === 'Delete' ? 'Delete' : 'Retain' };
}

const refsOf = (claim: KObject): OwnerReference[] => claim.metadata?.ownerReferences ?? [];
const matchesRef = (ref: OwnerReference, obj: KObject, gv: { apiVersion: string; kind: string }): boolean =>
  ref.apiVersion === gv.apiVersion && ref.kind === gv.kind && ref.name === obj.metadata?.name;
const hasOwnerRef = (claim: KObject, owner: KObject): boolean => refsOf(claim).some((r) => r.uid === (owner.metadata?.uid ?? ''));

/** hasStaleOwnerRef: a reference to an object of this name whose UID is another's. */
export function hasStaleOwnerRef(claim: KObject, obj: KObject, gv: { apiVersion: string; kind: string }): boolean {
  const ref = refsOf(claim).find((r) => matchesRef(r, obj, gv));
  return ref !== undefined && ref.uid !== (obj.metadata?.uid ?? '');
}
export const hasStalePodRef = (claim: KObject, pod: KObject): boolean => hasStaleOwnerRef(claim, pod, POD_GV);

/** hasUnexpectedController: under a Delete policy, someone other than this set or pod controls the claim. */
export function hasUnexpectedController(claim: KObject, set: STS, pod: KObject): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of refsOf(claim)) {
    if (matchesRef(ref, set, SET_GV)) {
      if (ref.uid !== set.metadata?.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, POD_GV)) {
      if (ref.uid !== (pod.metadata?.uid ?? '')) return true;
      continue;
    }
    if (ref.controller === true) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: KObject, set: STS, pod: KObject): boolean {
  return refsOf(claim).some((r) => (r.uid === set.metadata?.uid || r.uid === (pod.metadata?.uid ?? '')) && r.controller !== true);
}

/**
 * isClaimOwnerUpToDate. Retain/Retain: no references; WhenDeleted=Delete: the set;
 * WhenScaled=Delete: the pod once it is scaled away (and then not the set).
 */
export function isClaimOwnerUpToDate(claim: KObject, set: STS, pod: Pod & KObject): boolean {
  if (hasStaleOwnerRef(claim, set, SET_GV) || hasStaleOwnerRef(claim, pod, POD_GV)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  if (whenScaled === 'Retain' && whenDeleted === 'Retain') return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
  if (whenScaled === 'Retain') return hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
  if (whenDeleted === 'Retain') return !hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  return scaledDown !== hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
}

/** updateClaimOwnerRefForSetAndPod: the references the policy asks for, on a copy. */
export function claimWithPolicyOwners(claim: KObject, set: STS, pod: Pod & KObject): KObject {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = refsOf(claim).filter((r) => !matchesRef(r, set, SET_GV) && !matchesRef(r, pod, POD_GV));
  if (!unexpected) {
    const { whenDeleted, whenScaled } = retentionPolicy(set);
    const scaledDown = !inOrdinalRange(pod, set);
    const add = (owner: KObject, gv: { apiVersion: string; kind: string }): void => {
      if (refs.some((r) => r.uid === owner.metadata?.uid)) return;
      refs = [...refs, { ...gv, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }];
    };
    if (whenScaled === 'Delete' && scaledDown) add(pod, POD_GV);
    if (whenDeleted === 'Delete' && (whenScaled === 'Retain' || !scaledDown)) add(set, SET_GV);
  }
  const next = deepClone(claim);
  if (refs.length > 0) next.metadata!.ownerReferences = refs;
  else delete next.metadata!.ownerReferences;
  return next;
}
