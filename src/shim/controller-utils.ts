// What the workload and service controllers share: pod health predicates, controller
// references, adoption and release of dependents, and tolerant writes.
// K:pkg/controller/controller_utils.go, K:pkg/controller/controller_ref_manager.go,
// K:pkg/api/v1/pod/util.go (IsPodReady, IsPodAvailable).
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { parseTime } from './clock.ts';
import type { ControllerContext } from './controller.ts';
import { isStatusError } from './errors.ts';
import { deepClone, type GroupResource, type KObject } from './objects.ts';
import { fromLabelSelector, LabelSelector, SelectorError, type Labels } from './selectors.ts';
import type { Change } from './store.ts';

export const podReadyCondition = (pod: Pod): PodCondition | undefined =>
  pod.status?.conditions?.find((c) => c.type === 'Ready');

export const isPodReady = (pod: Pod): boolean => podReadyCondition(pod)?.status === 'True';

export const isPodTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** Not terminal and not being deleted: what a ReplicaSet counts (controller.FilterActivePods). */
export const isPodActive = (pod: Pod): boolean => !isPodTerminal(pod) && pod.metadata?.deletionTimestamp === undefined;

/** podutil.IsPodAvailable: Ready for longer than minReadySeconds (strictly). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  const since = ready.lastTransitionTime === undefined ? NaN : parseTime(ready.lastTransitionTime);
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < now;
}

export const controllerRefOf = (obj: KObject | undefined): OwnerReference | undefined =>
  obj?.metadata?.ownerReferences?.find((r) => r.controller === true);

/** metav1.NewControllerRef */
export function newControllerRef(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A spec selector as a matcher; an invalid one matches nothing (validation refuses those). */
export function selectorOf(sel: Parameters<typeof fromLabelSelector>[0]): LabelSelector {
  try {
    return fromLabelSelector(sel);
  } catch (e) {
    if (e instanceof SelectorError) return LabelSelector.nothing();
    throw e;
  }
}

/** `ns/name`, the work-queue key of a namespaced object. */
export const keyOf = (obj: KObject): string => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** Conflicts and vanished objects are normal races; the next change requeues the work. */
export function tolerate<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return undefined;
    throw e;
  }
}

/**
 * ClaimObject for each candidate: keep what the owner controls and still selects,
 * release what it controls but no longer selects, adopt matching orphans (unless the
 * owner or the orphan is being deleted). Returns the objects the owner now controls.
 */
export function claim(
  ctx: ControllerContext,
  gr: GroupResource,
  owner: KObject,
  selector: LabelSelector,
  candidates: Iterable<KObject>,
): KObject[] {
  const uid = owner.metadata?.uid;
  const ownerDeleting = owner.metadata?.deletionTimestamp !== undefined;
  const out: KObject[] = [];
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    const matches = selector.matches(obj.metadata?.labels as Labels | undefined);
    if (ref !== undefined) {
      if (ref.uid !== uid) continue;
      if (matches) out.push(obj);
      else if (!ownerDeleting) {
        const next = deepClone(obj);
        const refs = (next.metadata!.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (refs.length > 0) next.metadata!.ownerReferences = refs;
        else delete next.metadata!.ownerReferences;
        tolerate(() => ctx.registry.update(gr, next));
      }
      continue;
    }
    if (ownerDeleting || !matches || obj.metadata?.deletionTimestamp !== undefined) continue;
    if (obj.metadata?.namespace !== owner.metadata?.namespace) continue;
    const next = deepClone(obj);
    next.metadata!.ownerReferences = [...(next.metadata!.ownerReferences ?? []), newControllerRef(owner)];
    const adopted = tolerate(() => ctx.registry.update(gr, next));
    if (adopted !== undefined) out.push(adopted);
  }
  return out;
}

/** Objects of one type that name `owner` as their controller, through the store's owner index. */
export function controlledBy(ctx: ControllerContext, gr: GroupResource, ownerUid: string | undefined): KObject[] {
  if (ownerUid === undefined) return [];
  const out: KObject[] = [];
  for (const d of ctx.store.dependents(ownerUid)) {
    if (d.gr.group === gr.group && d.gr.resource === gr.resource && controllerRefOf(d.object)?.uid === ownerUid) out.push(d.object);
  }
  return out;
}

/**
 * Queues `namespace/name` of the `kind` controller of the object a change is about,
 * before and after the change (an owner that let go must hear of it too).
 */
export function queueController(queue: { add(key: string): void }, c: Change, kind: string): void {
  for (const o of [c.previous, c.object]) {
    const ref = controllerRefOf(o);
    if (ref?.kind === kind) queue.add(`${c.object.metadata?.namespace ?? ''}/${ref.name}`);
  }
}

/**
 * The pods without a controller, by namespace: the only ones a workload controller may
 * adopt, kept up to date from pod changes so a sync need not list the namespace.
 * `adoptable` narrows them to what the controller would take (a ReplicaSet only active
 * pods, a DaemonSet none that is being deleted).
 */
export class OrphanPods {
  private readonly byNamespace = new Map<string, Set<string>>();

  constructor(private readonly adoptable: (pod: KObject) => boolean = () => true) {}

  /** Follows a pod change; true when the pod is (still) an orphan this controller could adopt. */
  observe(c: Change): boolean {
    if (c.type !== 'DELETED') return this.track(c.object);
    this.byNamespace.get(c.object.metadata?.namespace ?? '')?.delete(c.object.metadata?.name ?? '');
    return false;
  }

  track(pod: KObject): boolean {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const orphan = controllerRefOf(pod) === undefined && this.adoptable(pod);
    let names = this.byNamespace.get(ns);
    if (orphan) {
      if (names === undefined) this.byNamespace.set(ns, (names = new Set()));
      names.add(name);
    } else names?.delete(name);
    return orphan;
  }

  /** The orphans' names in a namespace. */
  in(namespace: string): Iterable<string> {
    return this.byNamespace.get(namespace) ?? [];
  }
}
