// The vocabulary every storage controller shares: annotation keys, finalizers, and
// the small predicates upstream keeps in K:staging/src/k8s.io/component-helpers/storage/volume
// (pv_helpers.go, helpers.go) and K:pkg/apis/core/v1/helper (storage class lookups).
import type { Node, ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { CORE, type ControllerContext } from '../controller.ts';
import { parseQuantity } from '../decode/quantity.ts';
import { isStatusError } from '../errors.ts';
import { EventRecorder } from '../events.ts';
import type { GroupResource, KObject } from '../objects.ts';
import { matchTerm } from '../scheduler.ts';
import type { Store } from '../store.ts';

export const PVS = CORE('persistentvolumes');
export const PVCS = CORE('persistentvolumeclaims');
export const PODS = CORE('pods');
export const NODES = CORE('nodes');
export const STORAGE_CLASSES: GroupResource = { group: 'storage.k8s.io', resource: 'storageclasses' };

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
export const ANN_MIGRATED_TO = 'pv.kubernetes.io/migrated-to';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';
/** What the CSI external-provisioner puts on PVs it must delete (HonorPVReclaimPolicy). */
export const EXTERNAL_PROVISIONER_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';
/** A class for statically provisioned volumes only (local PVs). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export const annotations = (o: { metadata?: { annotations?: Record<string, string> } }): Record<string, string> => o.metadata?.annotations ?? {};
export const hasAnnotation = (o: { metadata?: { annotations?: Record<string, string> } }, key: string): boolean => annotations(o)[key] !== undefined;

/** `ns/name`, the key upstream's queues and messages use. */
export const claimKey = (c: { metadata?: { namespace?: string; name?: string } }): string => `${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}`;

/** GetPersistentVolumeClaimClass: the beta annotation wins over the field; "" for none. */
export function claimClass(claim: PersistentVolumeClaim): string {
  const beta = annotations(claim)[ANN_BETA_STORAGE_CLASS];
  if (beta !== undefined) return beta;
  return claim.spec?.storageClassName ?? '';
}

/** PersistentVolumeClaimHasClass: a class was asked for, even `""` (which means "none"). */
export function claimHasClass(claim: PersistentVolumeClaim): boolean {
  if (hasAnnotation(claim, ANN_BETA_STORAGE_CLASS)) return true;
  return claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null;
}

/** GetPersistentVolumeClass. */
export function volumeClass(pv: PersistentVolume): string {
  const beta = annotations(pv)[ANN_BETA_STORAGE_CLASS];
  if (beta !== undefined) return beta;
  return pv.spec?.storageClassName ?? '';
}

/** IsVolumeBoundToClaim: pre-bound or bound to this claim (a uid, when present, must agree). */
export function isVolumeBoundToClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (ref === undefined || ref === null) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return (ref.uid ?? '') === '' || ref.uid === claim.metadata?.uid;
}

/** CheckVolumeModeMismatches: unset means Filesystem on both sides. */
export function volumeModeMismatch(claim: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  return (claim.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem');
}

/** GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, duplicates dropped (the index key). */
export function accessModesKey(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  return ([['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']] as const)
    .filter(([mode]) => have.has(mode))
    .map(([, short]) => short)
    .join(',');
}

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function volumeHasAccessModes(claim: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** The claim's `resources.requests.storage` ("0" when absent, as an empty Quantity). */
export const requestedStorage = (claim: PersistentVolumeClaim): string => String(claim.spec?.resources?.requests?.storage ?? '0');
export const volumeCapacity = (pv: PersistentVolume): string => String(pv.spec?.capacity?.storage ?? '0');

/** Quantity.Cmp, with a malformed value read as zero (an empty Quantity). */
export function compareSize(a: string | undefined, b: string | undefined): number {
  const nanos = (q: string | undefined): bigint => {
    try {
      return parseQuantity(q ?? '0').nanos;
    } catch {
      return 0n;
    }
  };
  const x = nanos(a);
  const y = nanos(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** CheckNodeAffinity: a PV's required node affinity against a node's labels. */
export function volumeFitsNode(pv: PersistentVolume, nodeLabels: Readonly<Record<string, string>>): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (required === undefined || required === null) return true;
  // Upstream builds a Node from the labels alone, so matchFields never match.
  const node: Node = { metadata: { labels: { ...nodeLabels } } };
  return (required.nodeSelectorTerms ?? []).some((t) => matchTerm(t, node));
}

/** ref.GetReference for a claim, as the binder and provisioners write it into claimRef. */
export function claimReference(claim: PersistentVolumeClaim): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata?.namespace,
    name: claim.metadata?.name,
    uid: claim.metadata?.uid,
    apiVersion: 'v1',
    resourceVersion: claim.metadata?.resourceVersion,
  };
}

export function getClass(store: Store, name: string): StorageClass | undefined {
  if (name === '') return undefined;
  return store.get(STORAGE_CLASSES, '', name) as StorageClass | undefined;
}

/** IsDelayBindingMode: the claim's class exists and waits for the first consumer. */
export function isDelayBinding(store: Store, claim: PersistentVolumeClaim): boolean {
  return getClass(store, claimClass(claim))?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** Names of the claims a pod's volumes use: PVC volumes and generic ephemeral ones (`<pod>-<volume>`). */
export function podClaimNames(pod: Pod): Array<{ volume: string; claim: string; ephemeral: boolean }> {
  const out: Array<{ volume: string; claim: string; ephemeral: boolean }> = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim !== undefined) out.push({ volume: v.name, claim: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral !== undefined) out.push({ volume: v.name, claim: `${pod.metadata?.name ?? ''}-${v.name}`, ephemeral: true });
  }
  return out;
}

/** util.IsPodTerminated: finished, or deleted with nothing left running. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  return pod.metadata?.deletionTimestamp !== undefined && !(pod.status?.containerStatuses ?? []).some((s) => s.state?.running !== undefined);
}

/** Writes that lose a race (the object changed or went away) are retried on the next sync. */
export function ignoreRace<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict') || isStatusError(e, 'AlreadyExists') || isStatusError(e, 'Invalid') || isStatusError(e, 'Forbidden')) return undefined;
    throw e;
  }
}

export const asObject = <T>(o: T): KObject => o as unknown as KObject;

const recorders = new WeakMap<Store, EventRecorder>();

/**
 * One recorder for all storage controllers of a cluster: event names are
 * `<object>.<nanoseconds>` with a per-recorder tie-breaker, so two recorders writing
 * about the same claim in the same virtual millisecond would pick the same name.
 */
export function storageEvents(ctx: ControllerContext): EventRecorder {
  let r = recorders.get(ctx.store);
  if (r === undefined) recorders.set(ctx.store, (r = new EventRecorder(ctx)));
  return r;
}
