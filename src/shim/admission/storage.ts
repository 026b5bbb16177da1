// The API server's storage rules beyond defaulting: the StorageObjectInUseProtection
// admission plugin (K:plugin/pkg/admission/storage/storageobjectinuseprotection),
// PersistentVolumeClaimResize (K:plugin/pkg/admission/storage/persistentvolume/resize),
// and the PV strategy's status.lastPhaseTransitionTime (K:pkg/registry/core/persistentvolume/strategy.go,
// GA in 1.31).
import { rfc3339, type VirtualClock } from '../clock.ts';
import { compareQuantities } from '../decode/quantity.ts';
import { forbidden } from '../errors.ts';
import type { KObject } from '../objects.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry.ts';
import type { Store } from '../store.ts';
import { opt, str, type J } from './json.ts';

const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
const PV_PROTECTION = 'kubernetes.io/pv-protection';
const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';
const PVCS = { group: '', resource: 'persistentvolumeclaims' };

const isCore = (attrs: AdmissionAttributes, resource: string): boolean => attrs.type.group === '' && attrs.type.resource === resource;

/** New claims and volumes carry their in-use finalizer from the start. */
function addFinalizer(obj: KObject, finalizer: string): void {
  const m = (obj.metadata ??= {}) as { finalizers?: string[] };
  if (!(m.finalizers ?? []).includes(finalizer)) m.finalizers = [...(m.finalizers ?? []), finalizer];
}

/** GetPersistentVolumeClaimClass on the internal object. */
function claimClass(pvc: J): string {
  const beta = (opt(pvc, 'metadata')?.annotations as Record<string, string> | undefined)?.[BETA_CLASS];
  return beta ?? str(opt(pvc, 'spec')?.storageClassName);
}

function storageRequest(pvc: J): string {
  return String(opt(opt(opt(pvc, 'spec'), 'resources'), 'requests')?.storage ?? '0');
}

function larger(a: string, b: string): boolean {
  try {
    return compareQuantities(a, b) > 0;
  } catch {
    return false;
  }
}

export function storageAdmission(cluster: { store: Store; clock: VirtualClock }): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection,PersistentVolumeClaimResize',
    admit(attrs) {
      const pv = isCore(attrs, 'persistentvolumes');
      if (!pv && !isCore(attrs, 'persistentvolumeclaims')) return;
      if (attrs.operation === 'CREATE' && attrs.subresource === undefined) {
        addFinalizer(attrs.object, pv ? PV_PROTECTION : PVC_PROTECTION);
      }
      if (pv) stampPhaseTransition(attrs, cluster.clock);
    },
    validate(attrs) {
      if (!isCore(attrs, 'persistentvolumeclaims') || attrs.operation !== 'UPDATE' || attrs.subresource !== undefined) return;
      const next = attrs.object as J;
      const old = attrs.oldObject as J;
      if (!larger(storageRequest(next), storageRequest(old))) return;
      const name = attrs.object.metadata?.name ?? '';
      if ((opt(old, 'status')?.phase ?? '') !== 'Bound') throw forbidden(PVCS, name, 'Only bound persistent volume claims can be expanded');
      if (!allowResize(cluster.store, next, old)) {
        throw forbidden(PVCS, name, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
      }
    },
  };
}

/** The claim keeps its class, and that class exists and allows expansion. */
function allowResize(store: Store, pvc: J, old: J): boolean {
  const cls = claimClass(pvc);
  if (cls === '' || cls !== claimClass(old)) return false;
  const sc = store.get({ group: 'storage.k8s.io', resource: 'storageclasses' }, '', cls);
  return sc?.allowVolumeExpansion === true;
}

/** A PV's phase change is stamped by the server unless the writer sets a newer time itself. */
function stampPhaseTransition(attrs: AdmissionAttributes, clock: VirtualClock): void {
  const status = opt(attrs.object as J, 'status');
  if (status === undefined) return;
  const now = rfc3339(clock.now());
  if (attrs.operation === 'CREATE') {
    status.lastPhaseTransitionTime = now;
    return;
  }
  if (attrs.subresource !== 'status') return;
  const old = opt(attrs.oldObject as J, 'status') ?? {};
  const stamp = status.lastPhaseTransitionTime;
  if (old.phase === status.phase && stamp === undefined) {
    if (old.lastPhaseTransitionTime !== undefined) status.lastPhaseTransitionTime = old.lastPhaseTransitionTime;
  } else if (old.phase !== status.phase && (stamp === undefined || stamp === old.lastPhaseTransitionTime)) {
    status.lastPhaseTransitionTime = now;
  }
}
