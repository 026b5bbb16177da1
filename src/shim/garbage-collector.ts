// The garbage collector: deletes dependents whose owners are gone, runs foreground
// deletion (owner waits for blocking dependents) and orphaning (dependents lose their
// owner reference). K:pkg/controller/garbagecollector/garbagecollector.go
// (attemptToDeleteItem, processDeletingDependentsItem, orphanDependents).
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { Controller, ControllerContext } from './controller.ts';
import { isStatusError } from './errors.ts';
import { deepClone, deepEqual, type GroupResource, type KObject } from './objects.ts';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type PropagationPolicy } from './registry.ts';
import type { Change } from './store.ts';

const has = (o: KObject | undefined, f: string): boolean => o?.metadata?.finalizers?.includes(f) ?? false;
const deleting = (o: KObject | undefined): boolean => o?.metadata?.deletionTimestamp !== undefined;

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  // uids to look at; a Set keeps the queue free of repeats within one turn.
  private readonly queue = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {}

  observe(c: Change): boolean {
    const uid = c.object.metadata?.uid;
    if (uid === undefined) return false;
    const before = this.queue.size;
    if (c.type === 'DELETED') {
      // Its dependents may now be orphans; owners waiting on it may now finish.
      for (const d of this.ctx.store.dependents(uid)) this.queue.add(d.object.metadata!.uid!);
      for (const ref of c.object.metadata?.ownerReferences ?? []) this.queue.add(ref.uid);
      return this.queue.size > before;
    }
    const m = c.object.metadata!;
    if (deleting(c.object) && (has(c.object, FINALIZER_ORPHAN) || has(c.object, FINALIZER_FOREGROUND))) {
      this.queue.add(uid);
      if (has(c.object, FINALIZER_FOREGROUND)) {
        for (const d of this.ctx.store.dependents(uid)) this.queue.add(d.object.metadata!.uid!);
      }
    }
    const refs = m.ownerReferences ?? [];
    const prevRefs = c.previous?.metadata?.ownerReferences ?? [];
    if (refs.length > 0 && (c.type === 'ADDED' || !deepEqual(refs, prevRefs))) this.queue.add(uid);
    return this.queue.size > before;
  }

  reconcile(): void {
    const uids = [...this.queue];
    this.queue.clear();
    for (const uid of uids) {
      const hit = this.ctx.store.getByUid(uid);
      if (hit === undefined) continue;
      if (deleting(hit.object) && has(hit.object, FINALIZER_ORPHAN)) this.orphanDependents(hit.gr, hit.object);
      else if (deleting(hit.object) && has(hit.object, FINALIZER_FOREGROUND)) this.finishForeground(hit.gr, hit.object);
      if ((hit.object.metadata?.ownerReferences ?? []).length > 0) this.attemptToDelete(hit.gr, uid);
    }
  }

  /** An owner reference is live if an object with that uid and name exists. */
  private owner(ref: OwnerReference): KObject | undefined {
    const hit = this.ctx.store.getByUid(ref.uid);
    return hit !== undefined && hit.object.metadata?.name === ref.name ? hit.object : undefined;
  }

  private attemptToDelete(gr: GroupResource, uid: string): void {
    const obj = this.ctx.store.getByUid(uid)?.object;
    if (obj === undefined || (deleting(obj) && !has(obj, FINALIZER_FOREGROUND))) return;
    const solid: OwnerReference[] = [];
    const gone: OwnerReference[] = [];
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const owner = this.owner(ref);
      if (owner === undefined) gone.push(ref);
      else if (deleting(owner) && has(owner, FINALIZER_FOREGROUND)) gone.push(ref);
      else solid.push(ref);
    }
    if (gone.length === 0) return;
    if (solid.length > 0) {
      // Other owners still hold it: only drop the references to the departed ones.
      this.removeOwnerRefs(gr, obj, new Set(gone.map((r) => r.uid)));
      return;
    }
    const waited = gone.some((r) => this.owner(r) !== undefined);
    let policy: PropagationPolicy = 'Background';
    if (waited && this.ctx.store.dependents(uid).length > 0) policy = 'Foreground';
    else if (has(obj, FINALIZER_ORPHAN)) policy = 'Orphan';
    else if (has(obj, FINALIZER_FOREGROUND)) policy = 'Foreground';
    if (deleting(obj)) return;
    this.tryDelete(gr, obj, policy);
  }

  /** Foreground: the owner goes once no dependent with blockOwnerDeletion is left. */
  private finishForeground(gr: GroupResource, owner: KObject): void {
    const uid = owner.metadata!.uid!;
    const blocking = this.ctx.store.dependents(uid).filter(({ object }) =>
      (object.metadata?.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true),
    );
    if (blocking.length > 0) {
      for (const d of blocking) this.attemptToDelete(d.gr, d.object.metadata!.uid!);
      return;
    }
    for (const d of this.ctx.store.dependents(uid)) this.attemptToDelete(d.gr, d.object.metadata!.uid!);
    this.removeFinalizer(gr, owner, FINALIZER_FOREGROUND);
  }

  /** Orphan: strip the owner from every dependent, then let the owner go. */
  private orphanDependents(gr: GroupResource, owner: KObject): void {
    const uid = owner.metadata!.uid!;
    for (const d of this.ctx.store.dependents(uid)) this.removeOwnerRefs(d.gr, d.object, new Set([uid]));
    this.removeFinalizer(gr, owner, FINALIZER_ORPHAN);
  }

  private removeOwnerRefs(gr: GroupResource, obj: KObject, uids: ReadonlySet<string>): void {
    const next = deepClone(obj);
    const refs = (next.metadata!.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
    if (refs.length > 0) next.metadata!.ownerReferences = refs;
    else delete next.metadata!.ownerReferences;
    this.write(() => this.ctx.registry.update(gr, next));
  }

  private removeFinalizer(gr: GroupResource, obj: KObject, finalizer: string): void {
    const current = this.ctx.store.getByUid(obj.metadata!.uid!)?.object;
    if (current === undefined || !has(current, finalizer)) return;
    const next = deepClone(current);
    next.metadata!.finalizers = next.metadata!.finalizers!.filter((f) => f !== finalizer);
    this.write(() => this.ctx.registry.update(gr, next));
  }

  private tryDelete(gr: GroupResource, obj: KObject, policy: PropagationPolicy): void {
    const m = obj.metadata!;
    this.write(() =>
      this.ctx.registry.delete(gr, m.namespace ?? '', m.name!, {
        propagationPolicy: policy,
        preconditions: { uid: m.uid! },
      }),
    );
  }

  /** The object may have moved on since we looked; the next change re-queues it. */
  private write(fn: () => unknown): void {
    try {
      fn();
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }
}
