// The two "in use" guards (kube-controller-manager pvc-protection and pv-protection):
// a deleted claim keeps its finalizer while any scheduled pod object still names it
// (whatever the pod's phase), and a deleted volume keeps its own while it is Bound.
// They also put the finalizer back on objects that lack it.
// K:pkg/controller/volume/pvcprotection/pvc_protection_controller.go (processPVC,
// isBeingUsed, podUsesPVC), K:pkg/controller/volume/pvprotection/pv_protection_controller.go.
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { Controller, ControllerContext } from '../controller.ts';
import { deepClone } from '../objects.ts';
import type { Change } from '../store.ts';
import { PODS, PVCS, PVS, PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER, asObject, claimKey, ignoreRace, podClaimNames } from './pv-helpers.ts';

/** Adds or removes one finalizer: IsDeletionCandidate / NeedToAddFinalizer. */
function reconcileFinalizer<T extends PersistentVolume | PersistentVolumeClaim>(
  ctx: ControllerContext, gr: typeof PVS, obj: T, finalizer: string, inUse: () => boolean,
): void {
  const finalizers = obj.metadata?.finalizers ?? [];
  const has = finalizers.includes(finalizer);
  const deleting = obj.metadata?.deletionTimestamp !== undefined;
  let next: string[] | undefined;
  if (deleting && has && !inUse()) next = finalizers.filter((f) => f !== finalizer);
  else if (!deleting && !has) next = [...finalizers, finalizer];
  if (next === undefined) return;
  const copy = deepClone(obj);
  copy.metadata = { ...copy.metadata, finalizers: next };
  ignoreRace(() => ctx.registry.update(gr, asObject(copy)));
}

export class PVCProtectionController implements Controller {
  readonly name = 'pvc-protection-controller';
  private readonly queue = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    for (const c of ctx.store.list(PVCS).items) this.queue.add(claimKey(c));
  }

  observe(c: Change): boolean {
    if (c.gr.group !== '') return false;
    if (c.gr.resource === 'persistentvolumeclaims' && c.type !== 'DELETED') this.queue.add(claimKey(c.object));
    else if (c.gr.resource === 'pods') {
      // A pod going away (or being placed) may free or hold its claims.
      const before = c.previous as Pod | undefined;
      const pod = c.object as Pod;
      const relevant = c.type === 'DELETED' || (before?.spec?.nodeName ?? '') !== (pod.spec?.nodeName ?? '');
      if (relevant) for (const { claim } of podClaimNames(pod)) this.queue.add(`${pod.metadata?.namespace ?? ''}/${claim}`);
    }
    return this.queue.size > 0;
  }

  reconcile(): void {
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) {
      const [ns = '', name = ''] = key.split('/');
      const claim = this.ctx.store.get(PVCS, ns, name) as PersistentVolumeClaim | undefined;
      if (claim !== undefined) reconcileFinalizer(this.ctx, PVCS, claim, PVC_PROTECTION_FINALIZER, () => this.isBeingUsed(claim));
    }
  }

  /** Any pod object on a node that mounts the claim holds it, even a finished one. */
  private isBeingUsed(claim: PersistentVolumeClaim): boolean {
    return (this.ctx.store.list(PODS, { namespace: claim.metadata?.namespace ?? '' }).items as Pod[]).some((pod) => {
      if ((pod.spec?.nodeName ?? '') === '') return false;
      return podClaimNames(pod).some((c) => c.claim === claim.metadata?.name && (!c.ephemeral || !podIsShutDown(pod)));
    });
  }
}

/** podIsShutDown: only generic ephemeral claims are freed by a force-deleted pod. */
function podIsShutDown(pod: Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionGracePeriodSeconds === 0;
}

export class PVProtectionController implements Controller {
  readonly name = 'pv-protection-controller';
  private readonly queue = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    for (const v of ctx.store.list(PVS).items) this.queue.add(v.metadata?.name ?? '');
  }

  observe(c: Change): boolean {
    if (c.gr.group === '' && c.gr.resource === 'persistentvolumes' && c.type !== 'DELETED') this.queue.add(c.object.metadata?.name ?? '');
    return this.queue.size > 0;
  }

  reconcile(): void {
    const names = [...this.queue];
    this.queue.clear();
    for (const name of names) {
      const pv = this.ctx.store.get(PVS, '', name) as PersistentVolume | undefined;
      if (pv !== undefined) reconcileFinalizer(this.ctx, PVS, pv, PV_PROTECTION_FINALIZER, () => pv.status?.phase === 'Bound');
    }
  }
}
