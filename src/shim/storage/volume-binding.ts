// The scheduler's VolumeBinding plugin: a pod waits for its Immediate claims to be bound,
// goes only where its bound volumes can be reached (a local-path PV pins it to one node),
// and picks the node for its WaitForFirstConsumer claims: it binds a fitting static PV
// itself or marks the claim with `volume.kubernetes.io/selected-node` for provisioning,
// then holds the pod back until every claim is bound. 1.32 texts:
// K:pkg/scheduler/framework/plugins/volumebinding/volume_binding.go (PreFilter, podHasPVCs),
// binder.go (FindPodVolumes, checkBoundClaims, checkVolumeProvisions, ConflictReasons).
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../controller.ts';
import { deepClone } from '../objects.ts';
import type { FilterFailure, NodeInfo, SchedulerPlugin } from '../scheduler.ts';
import type { Change } from '../store.ts';
import { findMatchingVolume } from './binding.ts';
import { ephemeralClaimError } from './ephemeral.ts';
import {
  ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, NO_PROVISIONER, PVCS, PVS, annotations, asObject,
  claimClass, claimReference, getClass, hasAnnotation, ignoreRace, isDelayBinding, isVolumeBoundToClaim, podClaimNames,
  volumeFitsNode,
} from './pv-helpers.ts';

export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
/** 1.33 renamed it "node(s) didn't match PersistentVolume's node affinity" (kubernetes#129887). */
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

interface PodClaims {
  uid: string;
  bound: PersistentVolumeClaim[];
  delayed: PersistentVolumeClaim[];
}

/** What one node would need: static PVs to bind and claims to provision there. */
interface NodePlan {
  reasons: string[];
  staticBindings: Array<{ claim: PersistentVolumeClaim; pv: PersistentVolume }>;
  provisions: PersistentVolumeClaim[];
}

const unresolvable = (reason: string): FilterFailure => ({ reasons: [reason], unresolvable: true });

export function volumeBindingPlugin(ctx: ControllerContext): SchedulerPlugin {
  // PreFilter's findings for the pod being scheduled (CycleState); one pod at a time.
  let cycle: PodClaims | undefined;

  const claimOf = (pod: Pod, name: string): PersistentVolumeClaim | undefined =>
    ctx.store.get(PVCS, pod.metadata?.namespace ?? '', name) as PersistentVolumeClaim | undefined;

  /** isPVCFullyBound. */
  const fullyBound = (claim: PersistentVolumeClaim): boolean => (claim.spec?.volumeName ?? '') !== '' && hasAnnotation(claim, ANN_BIND_COMPLETED);

  const plan = (pod: Pod, node: Node): NodePlan => {
    const claims = cycle?.uid === pod.metadata?.uid ? cycle : undefined;
    const result: NodePlan = { reasons: [], staticBindings: [], provisions: [] };
    if (claims === undefined) return result;
    const labels = node.metadata?.labels ?? {};
    let boundOk = true;
    let pvsFound = true;
    for (const claim of claims.bound) {
      const pv = ctx.store.get(PVS, '', claim.spec?.volumeName ?? '') as PersistentVolume | undefined;
      if (pv === undefined) pvsFound = false;
      else if (!volumeFitsNode(pv, labels)) boundOk = false;
    }
    let unboundOk = true;
    const chosen = new Set<string>();
    const volumes = ctx.store.list(PVS).items as PersistentVolume[];
    for (const claim of claims.delayed) {
      const selected = annotations(claim)[ANN_SELECTED_NODE];
      if (selected !== undefined) {
        // Provisioning already asked for on a node: only that node will do.
        if (selected !== node.metadata?.name) unboundOk = false;
        else result.provisions.push(claim);
        continue;
      }
      const pv = findMatchingVolume(claim, volumes, node, chosen, true);
      if (pv !== undefined) {
        chosen.add(pv.metadata?.name ?? '');
        result.staticBindings.push({ claim, pv });
      } else if (canProvisionOn(claim, labels)) result.provisions.push(claim);
      else unboundOk = false;
    }
    if (!boundOk) result.reasons.push(ERR_NODE_CONFLICT);
    if (!unboundOk) result.reasons.push(ERR_BIND_CONFLICT);
    if (!pvsFound) result.reasons.push(ERR_PV_NOT_EXIST);
    return result;
  };

  /** checkVolumeProvisions: a provisioner exists and the class's allowedTopologies admit the node. */
  const canProvisionOn = (claim: PersistentVolumeClaim, labels: Readonly<Record<string, string>>): boolean => {
    const sc = getClass(ctx.store, claimClass(claim));
    if (sc === undefined || sc.provisioner === NO_PROVISIONER) return false;
    const topologies = sc.allowedTopologies ?? [];
    if (topologies.length === 0) return true;
    return topologies.some((t) => (t.matchLabelExpressions ?? []).every((e) => labels[e.key] !== undefined && e.values.includes(labels[e.key]!)));
  };

  return {
    name: 'VolumeBinding',

    preFilter(pod) {
      cycle = undefined;
      const claims: PodClaims = { uid: pod.metadata?.uid ?? '', bound: [], delayed: [] };
      let immediate = false;
      for (const ref of podClaimNames(pod)) {
        const claim = claimOf(pod, ref.claim);
        if (claim === undefined) {
          return unresolvable(ref.ephemeral
            ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${ref.claim}"`
            : `persistentvolumeclaim "${ref.claim}" not found`);
        }
        if (claim.status?.phase === 'Lost') return unresolvable(`persistentvolumeclaim "${ref.claim}" bound to non-existent persistentvolume "${claim.spec?.volumeName ?? ''}"`);
        if (claim.metadata?.deletionTimestamp !== undefined) return unresolvable(`persistentvolumeclaim "${ref.claim}" is being deleted`);
        const notOwner = ref.ephemeral ? ephemeralClaimError(pod, claim) : undefined;
        if (notOwner !== undefined) return unresolvable(notOwner);
        if (fullyBound(claim)) claims.bound.push(claim);
        else if (isDelayBinding(ctx.store, claim) && (claim.spec?.volumeName ?? '') === '') claims.delayed.push(claim);
        // Immediate claims (and claims naming a volume) are the PV controller's to bind.
        else immediate = true;
      }
      if (immediate) return unresolvable(ERR_UNBOUND_IMMEDIATE);
      cycle = claims;
      return undefined;
    },

    filter(pod: Pod, ni: NodeInfo) {
      const claims = cycle;
      if (claims === undefined || claims.uid !== pod.metadata?.uid || (claims.bound.length === 0 && claims.delayed.length === 0)) return undefined;
      const { reasons } = plan(pod, ni.node);
      return reasons.length === 0 ? undefined : { reasons, unresolvable: true };
    },

    /** AssumePodVolumes + BindPodVolumes: write the bindings, then wait until all claims are bound. */
    preBind(pod: Pod, nodeName: string) {
      const claims = cycle;
      if (claims === undefined || claims.uid !== pod.metadata?.uid || claims.delayed.length === 0) return true;
      const node = ctx.store.get({ group: '', resource: 'nodes' }, '', nodeName) as Node | undefined;
      if (node === undefined) return false;
      const { staticBindings, provisions } = plan(pod, node);
      for (const { claim, pv } of staticBindings) {
        if (isVolumeBoundToClaim(pv, claim) && pv.spec?.claimRef?.uid === claim.metadata?.uid) continue;
        const next = deepClone(pv);
        next.spec = { ...next.spec, claimRef: claimReference(claim) };
        if (!isVolumeBoundToClaim(pv, claim)) next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
        ignoreRace(() => ctx.registry.update(PVS, asObject(next)));
      }
      for (const claim of provisions) {
        if (annotations(claim)[ANN_SELECTED_NODE] === nodeName) continue;
        const next = deepClone(claim);
        next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_SELECTED_NODE]: nodeName } };
        ignoreRace(() => ctx.registry.update(PVCS, asObject(next)));
      }
      // checkBindings: the pod is bound to the node only once every claim is.
      return claims.delayed.every((c) => {
        const current = claimOf(pod, c.metadata?.name ?? '');
        return current !== undefined && fullyBound(current);
      });
    },

    requeueOn(change: Change) {
      const { group, resource } = change.gr;
      return (group === '' && (resource === 'persistentvolumeclaims' || resource === 'persistentvolumes'))
        || (group === 'storage.k8s.io' && (resource === 'storageclasses' || resource === 'csinodes'));
    },
  };
}
