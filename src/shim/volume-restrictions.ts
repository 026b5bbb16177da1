// The scheduler's VolumeRestrictions filter, ReadWriteOncePod half: a claim with that
// access mode may be used by one pod in the whole cluster, so while any pod on a node
// uses it, every node turns a second pod away (Unschedulable: preemption may look for
// victims). ReadWriteOnce claims are not checked here: RWO is per node, and the PV's
// node affinity (VolumeBinding) is what keeps a second pod on the first one's node.
// The disk-conflict half (GCE PD, EBS, iSCSI, RBD volumes) has nothing to check in kind.
// K:pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import { CORE, type ControllerContext } from './controller.ts';
import type { SchedulerPlugin } from './scheduler.ts';

export const ERR_REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

const PVCS = CORE('persistentvolumeclaims');

const claimsOf = (pod: Pod): string[] => (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName !== undefined ? [v.persistentVolumeClaim.claimName] : []));

export function volumeRestrictionsPlugin(ctx: ControllerContext): SchedulerPlugin {
  // CycleState: PreFilter counts, Filter reads, for the pod being scheduled.
  let conflicting: Pod | undefined;
  return {
    name: 'VolumeRestrictions',
    preFilter(pod, nodes) {
      conflicting = undefined;
      const ns = pod.metadata?.namespace ?? '';
      const rwop = claimsOf(pod).filter((name) => {
        const pvc = ctx.store.get(PVCS, ns, name) as PersistentVolumeClaim | undefined;
        return pvc?.spec?.accessModes?.includes('ReadWriteOncePod') === true;
      });
      if (rwop.length === 0) return undefined;
      // StorageInfos().IsPVCUsedByPods: any pod on any node (terminating ones too) holding the claim.
      for (const ni of nodes) {
        for (const other of ni.pods.values()) {
          if ((other.metadata?.namespace ?? '') === ns && claimsOf(other).some((c) => rwop.includes(c))) conflicting = pod;
        }
      }
      return undefined;
    },
    filter(pod) {
      return conflicting === pod ? { reasons: [ERR_REASON_RWOP_CONFLICT], unresolvable: false } : undefined;
    },
  };
}
