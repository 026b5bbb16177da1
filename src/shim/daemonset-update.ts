// The DaemonSet controller's rolling update and history: which old pods to replace (or
// surge beside) within maxUnavailable/maxSurge, and the ControllerRevisions behind
// `kubectl rollout history|undo`. K:pkg/controller/daemon/update.go.
import type { Node } from 'kubernetes-types/core/v1';
import type { ControllerContext } from './controller.ts';
import { CORE } from './controller.ts';
import { CONTROLLER_REVISIONS, listControllerRevisions, sortRevisions, type Revision } from './controller-revision.ts';
import { claim, controlledBy, isPodAvailable } from './controller-utils.ts';
import {
  DAEMONSETS, isPodUpdated, matchesRevision, newDaemonSetRevision, nodeShouldRunDaemonPod, REVISION_HASH_LABEL,
  surgeCount, SyncError, templateGeneration, unavailableCount, type DS, type P,
} from './daemonset-util.ts';
import { isStatusError } from './errors.ts';
import { deepClone, type KObject } from './objects.ts';
import type { LabelSelector } from './selectors.ts';

const PODS = CORE('pods');

/** What the update and history steps use of the controller. */
export interface DaemonSetOps {
  readonly ctx: ControllerContext;
  /** getDaemonPods. */
  daemonPods(ds: DS, selector: LabelSelector): P[];
  /** getNodesToDaemonPods. */
  nodesToDaemonPods(ds: DS, selector: LabelSelector, includeDeletedTerminal?: boolean): Map<string, P[]>;
  /** syncNodes. */
  syncNodes(ds: DS, toDelete: readonly string[], needing: readonly string[], hash: string): { done: number; err?: SyncError };
}

/**
 * rollingUpdate. Without surge: delete old pods while no more than maxUnavailable are
 * unavailable (unavailable old pods go at once), and let manage create their
 * replacements. With surge: start a new pod beside an old one (up to maxSurge at a
 * time), and delete the old one once the new one is available.
 */
export function rollingUpdate(ops: DaemonSetOps, ds: DS, selector: LabelSelector, nodes: readonly Node[], hash: string): SyncError | undefined {
  const nodeToPods = ops.nodesToDaemonPods(ds, selector);
  // updatedDesiredNodeCounts: nodes that want a pod and have none take part too.
  let desired = 0;
  const byName = new Map<string, Node>();
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    byName.set(name, node);
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!nodeToPods.has(name)) nodeToPods.set(name, []);
  }
  const maxSurge = surgeCount(ds, desired);
  let maxUnavailable = unavailableCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const now = ops.ctx.clock.now();
  const available = (pod: P): boolean => isPodAvailable(pod, minReady, now);
  const generation = templateGeneration(ds);
  const updatedPods = (pods: readonly P[]): { newPod?: P; oldPod?: P } | undefined => {
    let newPod: P | undefined;
    let oldPod: P | undefined;
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp !== undefined) continue;
      if (isPodUpdated(pod, hash, generation)) {
        if (newPod !== undefined) return undefined;
        newPod = pod;
      } else {
        if (oldPod !== undefined) return undefined;
        oldPod = pod;
      }
    }
    return { newPod, oldPod };
  };

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const pods of nodeToPods.values()) {
      const found = updatedPods(pods);
      if (found === undefined) {
        numUnavailable++;
        continue;
      }
      const { newPod, oldPod } = found;
      if ((oldPod === undefined) === (newPod === undefined)) numUnavailable++;
      else if (newPod !== undefined) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        replacements.push(oldPod!.metadata?.name ?? '');
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) candidates.push(oldPod!.metadata?.name ?? '');
    }
    const remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.length);
    return ops.syncNodes(ds, [...replacements, ...candidates.slice(0, remaining)], [], hash).err;
  }

  const oldPodsToDelete: string[] = [];
  const shouldNotRunPodsToDelete: string[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of nodeToPods) {
    const found = updatedPods(pods);
    if (found === undefined) {
      numSurge++;
      continue;
    }
    const { newPod, oldPod } = found;
    if (oldPod !== undefined ? available(oldPod) : newPod !== undefined && available(newPod)) numAvailable++;
    if (oldPod === undefined) continue;
    if (newPod === undefined) {
      const node = byName.get(nodeName);
      if (node === undefined) return new SyncError(`couldn't get node for nodeName "${nodeName}": node "${nodeName}" not found`);
      const shouldRun = nodeShouldRunDaemonPod(node, ds).shouldRun;
      if (!available(oldPod)) {
        if (!shouldRun) oldPodsToDelete.push(oldPod.metadata?.name ?? '');
        else allowedNewNodes.push(nodeName);
      } else if (!shouldRun) shouldNotRunPodsToDelete.push(oldPod.metadata?.name ?? '');
      else if (numSurge < maxSurge) candidateNewNodes.push(nodeName);
      continue;
    }
    if (!available(newPod)) numSurge++;
    else oldPodsToDelete.push(oldPod.metadata?.name ?? '');
  }
  // Pods on nodes that no longer qualify go only while enough others are available.
  const deletable = Math.min(numAvailable - desired, shouldNotRunPodsToDelete.length);
  if (deletable > 0) oldPodsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(maxSurge - numSurge, 0), candidateNewNodes.length);
  return ops.syncNodes(ds, oldPodsToDelete, [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)], hash).err;
}

/**
 * constructHistory: the revision matching the template is current (created if none,
 * deduplicated if several, renumbered to be the newest); the others are old.
 */
export function constructHistory(ops: DaemonSetOps, ds: DS, selector: LabelSelector): { cur: Revision; old: Revision[] } {
  const candidates = new Map<string, KObject>();
  for (const r of controlledBy(ops.ctx, CONTROLLER_REVISIONS, ds.metadata?.uid)) candidates.set(r.metadata?.name ?? '', r);
  for (const r of listControllerRevisions(ops.ctx, ds, selector)) candidates.set(r.metadata?.name ?? '', r);
  const histories = claim(ops.ctx, CONTROLLER_REVISIONS, ds, selector, candidates.values()) as Revision[];
  const current: Revision[] = [];
  const old: Revision[] = [];
  for (let history of histories) {
    if (history.metadata?.labels?.[REVISION_HASH_LABEL] === undefined) {
      const next = deepClone(history);
      next.metadata!.labels = { ...next.metadata!.labels, [REVISION_HASH_LABEL]: next.metadata!.name! };
      history = ops.ctx.registry.update(CONTROLLER_REVISIONS, next) as Revision;
    }
    (matchesRevision(ds, history) ? current : old).push(history);
  }
  const next = Math.max(0, ...old.map((r) => r.revision)) + 1;
  let cur: Revision;
  if (current.length === 0) cur = snapshot(ops, ds, next);
  else {
    cur = dedupCurHistories(ops, ds, selector, current);
    if (cur.revision < next) cur = ops.ctx.registry.update(CONTROLLER_REVISIONS, { ...deepClone(cur), revision: next }) as Revision;
  }
  return { cur, old };
}

/** snapshot: a name taken by another template bumps status.collisionCount and retries. */
function snapshot(ops: DaemonSetOps, ds: DS, revision: number): Revision {
  const ns = ds.metadata?.namespace ?? '';
  const history = newDaemonSetRevision(ds, revision);
  try {
    return ops.ctx.registry.create(CONTROLLER_REVISIONS, history, { namespace: ns }) as Revision;
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) throw e;
    const existing = ops.ctx.store.get(CONTROLLER_REVISIONS, ns, history.metadata?.name ?? '') as Revision | undefined;
    if (existing !== undefined && matchesRevision(ds, existing)) return existing;
    const fresh = ops.ctx.store.get(DAEMONSETS, ns, ds.metadata?.name ?? '') as DS | undefined;
    if (fresh === undefined) throw e;
    if (fresh.status?.collisionCount !== ds.status?.collisionCount) {
      throw new SyncError(`found a stale collision count (${ds.status?.collisionCount ?? 0}, expected ${fresh.status?.collisionCount ?? 0}) of DaemonSet "${ds.metadata?.name ?? ''}" while processing; will retry until it is updated`);
    }
    const status = { ...fresh.status, collisionCount: (fresh.status?.collisionCount ?? 0) + 1 };
    ops.ctx.registry.update(DAEMONSETS, { ...fresh, status } as KObject, { subresource: 'status' });
    throw new SyncError(e.status.message ?? e.message);
  }
}

/** dedupCurHistories: keep the highest-numbered; relabel its pods; delete the rest. */
function dedupCurHistories(ops: DaemonSetOps, ds: DS, selector: LabelSelector, current: readonly Revision[]): Revision {
  if (current.length === 1) return current[0]!;
  let keep = current[0]!;
  for (const r of current) if (r.revision >= keep.revision) keep = r;
  const keepHash = keep.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
  for (const r of current) {
    if (r === keep) continue;
    for (const pod of ops.daemonPods(ds, selector)) {
      if (pod.metadata?.labels?.[REVISION_HASH_LABEL] === keepHash) continue;
      const next = deepClone(pod);
      next.metadata!.labels = { ...next.metadata!.labels, [REVISION_HASH_LABEL]: keepHash };
      ops.ctx.registry.update(PODS, next);
    }
    ops.ctx.registry.delete(CONTROLLER_REVISIONS, ds.metadata?.namespace ?? '', r.metadata?.name ?? '');
  }
  return keep;
}

/** cleanupHistory: beyond revisionHistoryLimit, the oldest revisions no pod uses go. */
export function cleanupHistory(ops: DaemonSetOps, ds: DS, selector: LabelSelector, old: readonly Revision[]): void {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return;
  const live = new Set<string>();
  for (const pods of ops.nodesToDaemonPods(ds, selector, true).values()) {
    for (const pod of pods) {
      const hash = pod.metadata?.labels?.[REVISION_HASH_LABEL];
      if (hash !== undefined && hash !== '') live.add(hash);
    }
  }
  for (const history of sortRevisions(old)) {
    if (toKill <= 0) break;
    if (live.has(history.metadata?.labels?.[REVISION_HASH_LABEL] ?? '')) continue;
    ops.ctx.registry.delete(CONTROLLER_REVISIONS, ds.metadata?.namespace ?? '', history.metadata?.name ?? '');
    toKill--;
  }
}
