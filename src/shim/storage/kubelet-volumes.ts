// What the kubelet's volume manager checks before it starts a pod's sandbox: every claim
// the pod mounts must exist, be Bound and not be on its way out (a pod the scheduler
// placed always passes; one created with `spec.nodeName` may not).
// K:pkg/kubelet/volumemanager/populator/desired_state_of_world_populator.go (getPVCExtractPV),
// K:pkg/kubelet/volumemanager/volume_manager.go (WaitForAttachAndMount).
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { Store } from '../store.ts';
import { CORE } from '../controller.ts';
import { ephemeralClaimError } from './ephemeral.ts';
import { PVCS, podClaimNames } from './pv-helpers.ts';

/** The FailedMount event message while the pod's claims are not usable, else undefined. */
export function podVolumeError(store: Store, pod: Pod): string | undefined {
  const namespace = pod.metadata?.namespace ?? '';
  const failed: string[] = [];
  const errors: string[] = [];
  for (const { volume, claim, ephemeral } of podClaimNames(pod)) {
    const pvc = store.get(PVCS, namespace, claim) as PersistentVolumeClaim | undefined;
    let error: string | undefined;
    if (pvc === undefined) error = `failed to fetch PVC from API server: persistentvolumeclaims "${claim}" not found`;
    else if (ephemeral && ephemeralClaimError(pod, pvc) !== undefined) error = ephemeralClaimError(pod, pvc);
    else if (pvc.metadata?.deletionTimestamp !== undefined) error = 'PVC is being deleted';
    else if (pvc.status?.phase !== 'Bound') error = 'PVC is not bound';
    if (error === undefined) continue;
    failed.push(volume);
    errors.push(`error processing PVC ${namespace}/${claim}: ${error}`);
  }
  if (failed.length === 0) return projectionError(store, pod);
  const names = `[${failed.join(' ')}]`;
  return `Unable to attach or mount volumes: unmounted volumes=${names}, unattached volumes=[], failed to process volumes=${names}: ${errors.join('; ')}`;
}

/**
 * MountVolume.SetUp of a configMap or secret volume fails while the object (or a key its
 * `items` name) is missing and the volume is not `optional`.
 * K:pkg/volume/configmap/configmap.go, K:pkg/volume/secret/secret.go (SetUpAt).
 */
function projectionError(store: Store, pod: Pod): string | undefined {
  const namespace = pod.metadata?.namespace ?? '';
  for (const v of pod.spec?.volumes ?? []) {
    const src = v.configMap ?? v.secret;
    if (src === undefined || src.optional === true) continue;
    const kind = v.configMap !== undefined ? 'configmap' : 'secret';
    const name = v.configMap?.name ?? v.secret?.secretName ?? '';
    const obj = store.get(CORE(kind === 'configmap' ? 'configmaps' : 'secrets'), namespace, name);
    const fail = (why: string): string => `MountVolume.SetUp failed for volume "${v.name}" : ${why}`;
    if (obj === undefined) return fail(`${kind} "${name}" not found`);
    const keys = { ...((obj.data ?? {}) as Record<string, string>), ...((obj.binaryData ?? {}) as Record<string, string>) };
    for (const item of src.items ?? []) if (!(item.key in keys)) return fail(`${kind} references non-existent ${kind === 'configmap' ? 'config' : 'secret'} key: ${item.key}`);
  }
  return undefined;
}
