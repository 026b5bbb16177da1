// Which PersistentVolume an unbound claim gets: upstream's FindMatchingVolume
// (K:staging/src/k8s.io/component-helpers/storage/volume/pv_helpers.go), searched group by
// group of PVs with the same access-mode set, fewest modes first
// (K:pkg/controller/volume/persistentvolume/index.go findByClaim), and the checks a claim
// naming a volume in `spec.volumeName` must pass (pv_controller.go checkVolumeSatisfyClaim).
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { fromLabelSelector } from '../selectors.ts';
import {
  accessModesKey, claimClass, compareSize, isVolumeBoundToClaim, requestedStorage, volumeCapacity, volumeClass, volumeFitsNode,
  volumeHasAccessModes, volumeModeMismatch,
} from './pv-helpers.ts';

/**
 * FindMatchingVolume. `node` is given on the scheduler's path (the PV's node affinity
 * must fit it); `delayBinding` on the PV controller's path for WaitForFirstConsumer
 * claims, where only a volume pre-bound to the claim may match.
 */
export function findMatchingVolume(
  claim: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  node: Node | undefined,
  excluded: ReadonlySet<string> | undefined,
  delayBinding: boolean,
): PersistentVolume | undefined {
  const requested = requestedStorage(claim);
  const requestedClass = claimClass(claim);
  // A selector that does not parse matches nothing; upstream fails the sync with its error.
  let selector: ReturnType<typeof fromLabelSelector> | undefined;
  if (claim.spec?.selector !== undefined && claim.spec.selector !== null) {
    try {
      selector = fromLabelSelector(claim.spec.selector);
    } catch {
      return undefined;
    }
  }
  let smallest: PersistentVolume | undefined;
  for (const pv of volumes) {
    if (excluded?.has(pv.metadata?.name ?? '') === true) continue;
    const ref = pv.spec?.claimRef;
    if (ref !== undefined && ref !== null && !isVolumeBoundToClaim(pv, claim)) continue;
    if (compareSize(volumeCapacity(pv), requested) < 0) continue;
    if (volumeModeMismatch(claim, pv)) continue;
    if (pv.metadata?.deletionTimestamp !== undefined) continue;
    const fitsNode = node === undefined || volumeFitsNode(pv, node.metadata?.labels ?? {});
    // A volume pre-bound to this claim wins outright, bigger or not, whatever its class.
    if (isVolumeBoundToClaim(pv, claim)) return fitsNode ? pv : undefined;
    if (node === undefined && delayBinding) continue;
    if (pv.status?.phase !== 'Available') continue;
    if (selector !== undefined && !selector.matches(pv.metadata?.labels ?? {})) continue;
    if (volumeClass(pv) !== requestedClass) continue;
    if (!fitsNode) continue;
    if (node !== undefined && !volumeHasAccessModes(claim, pv)) continue;
    if (smallest === undefined || compareSize(volumeCapacity(smallest), volumeCapacity(pv)) > 0) smallest = pv;
  }
  return smallest;
}

/**
 * findBestMatchForClaim: PVs are indexed by their access-mode set; every set holding all
 * the claim's modes is searched, the smallest sets first, so a claim for RWO prefers an
 * RWO volume to a bigger-or-smaller RWO+RWX one.
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], delayBinding: boolean): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>();
  for (const pv of volumes) {
    const key = accessModesKey(pv.spec?.accessModes);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [pv]);
    else group.push(pv);
  }
  const wanted = accessModesKey(claim.spec?.accessModes).split(',').filter((m) => m !== '');
  const candidates = [...groups.keys()]
    .map((key) => ({ key, modes: key.split(',').filter((m) => m !== '') }))
    .filter((g) => wanted.every((m) => g.modes.includes(m)))
    // Upstream sorts by size only (ties come in map order); the key makes ties stable here.
    .sort((a, b) => a.modes.length - b.modes.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key } of candidates) {
    const found = findMatchingVolume(claim, groups.get(key)!, undefined, undefined, delayBinding);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** checkVolumeSatisfyClaim: why a volume named by the claim cannot take it, if it cannot. */
export function checkVolumeSatisfyClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (pv.metadata?.deletionTimestamp !== undefined) return `the volume is marked for deletion "${pv.metadata.name ?? ''}"`;
  if (compareSize(volumeCapacity(pv), requestedStorage(claim)) < 0) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, pv)) return 'incompatible volumeMode';
  if (!volumeHasAccessModes(claim, pv)) return 'incompatible accessMode';
  return undefined;
}
