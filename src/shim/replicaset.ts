// The ReplicaSet controller: keeps `spec.replicas` active pods stamped from the template,
// adopts matching orphans, releases pods that stop matching, and reports status.
// K:pkg/controller/replicaset/replica_set.go (syncReplicaSet, manageReplicas, getPodsToDelete),
// K:pkg/controller/replicaset/replica_set_utils.go (calculateStatus),
// K:pkg/controller/controller_utils.go (GetPodFromTemplate, RealPodControl, ActivePodsWithRanks, slowStartBatch).
import type { ReplicaSet, ReplicaSetCondition } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { parseTime, rfc3339 } from './clock.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import {
  claim, controlledBy, controllerRefOf, isPodActive, isPodAvailable, isPodReady, keyOf, newControllerRef,
  OrphanPods, podReadyCondition, queueController, selectorOf, splitKey, tolerate,
} from './controller-utils.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deepClone, deepEqual, type GroupResource, type KObject } from './objects.ts';
import type { Change } from './store.ts';
import { WorkQueue } from './workqueue.ts';

export const REPLICASETS: GroupResource = { group: 'apps', resource: 'replicasets' };
const PODS = CORE('pods');
const SOURCE = { component: 'replicaset-controller' };
/** --concurrent-replicaset-syncs aside, one sync creates or deletes at most this many pods. */
const BURST_REPLICAS = 500;
const SLOW_START_INITIAL_BATCH = 1;

type RS = ReplicaSet & KObject;

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset-controller';
  private readonly queue: WorkQueue;
  // Active pods without a controller, per namespace: the only ones a set may adopt.
  private readonly orphans = new OrphanPods((pod) => isPodActive(pod as Pod));
  private readonly events: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    this.queue = new WorkQueue(ctx.clock, 'replicaset');
    for (const rs of ctx.store.list(REPLICASETS).items) this.queue.add(keyOf(rs));
    for (const pod of ctx.store.list(PODS).items) this.orphans.track(pod);
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    if (c.gr.group === 'apps' && c.gr.resource === 'replicasets') {
      this.queue.add(keyOf(c.object));
    } else if (c.gr.group === '' && c.gr.resource === 'pods') {
      queueController(this.queue, c, 'ReplicaSet');
      if (this.orphans.observe(c)) this.queueMatching(c.object.metadata?.namespace ?? '', c.object);
    }
    return this.queue.size > before;
  }

  hasWork(): boolean {
    return this.queue.size > 0;
  }

  reconcile(): void {
    for (const key of this.queue.take()) this.sync(key);
  }

  /** An orphan pod may be adopted by any ReplicaSet whose selector it matches. */
  private queueMatching(ns: string, pod: KObject): void {
    for (const rs of this.ctx.store.list(REPLICASETS, { namespace: ns }).items) {
      if (selectorOf((rs as RS).spec?.selector).matches(pod.metadata?.labels)) this.queue.add(keyOf(rs));
    }
  }

  /** The active pods this set controls or could adopt (in a deterministic order). */
  private candidates(rs: RS): Pod[] {
    const ns = rs.metadata?.namespace ?? '';
    const pods = controlledBy(this.ctx, PODS, rs.metadata?.uid) as Pod[];
    for (const name of this.orphans.in(ns)) {
      const pod = this.ctx.store.get(PODS, ns, name);
      if (pod !== undefined) pods.push(pod as Pod);
    }
    return pods.filter(isPodActive);
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const rs = this.ctx.store.get(REPLICASETS, ns, name) as RS | undefined;
    if (rs === undefined) {
      this.queue.done(key, false);
      return;
    }
    const owned = claim(this.ctx, PODS, rs, selectorOf(rs.spec?.selector), this.candidates(rs) as KObject[]) as Pod[];
    let manageError: Error | undefined;
    if (rs.metadata?.deletionTimestamp === undefined) manageError = this.manageReplicas(rs, owned);
    // What was created or deleted above is read back, as the informer would deliver it.
    const now = this.ctx.store.get(REPLICASETS, ns, name) as RS | undefined;
    if (now === undefined) return;
    const pods = (controlledBy(this.ctx, PODS, now.metadata?.uid) as Pod[]).filter(isPodActive);
    const updated = this.updateStatus(now, pods, owned.length, manageError);
    this.scheduleAvailabilityCheck(updated, pods);
    this.queue.done(key, manageError !== undefined);
  }

  /** Creates or deletes pods towards spec.replicas; returns the first error, like upstream. */
  private manageReplicas(rs: RS, pods: Pod[]): Error | undefined {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (diff < 0) return this.slowStartCreate(rs, Math.min(-diff, BURST_REPLICAS));
    if (diff === 0) return undefined;
    let first: Error | undefined;
    for (const pod of this.podsToDelete(rs, pods, Math.min(diff, BURST_REPLICAS))) {
      const podName = pod.metadata?.name ?? '';
      try {
        this.ctx.registry.delete(PODS, rs.metadata?.namespace ?? '', podName);
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`, SOURCE);
      } catch (e) {
        if (!isStatusError(e)) throw e;
        if (e.reason === 'NotFound') continue;
        this.events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${e.message}`, SOURCE);
        first ??= new Error(e.message);
      }
    }
    return first;
  }

  /** slowStartBatch: 1, 2, 4, … creations; the first failing batch ends the sync. */
  private slowStartCreate(rs: RS, count: number): Error | undefined {
    let remaining = count;
    for (let batch = Math.min(remaining, SLOW_START_INITIAL_BATCH); batch > 0; batch = Math.min(2 * batch, remaining)) {
      let failed: Error | undefined;
      for (let i = 0; i < batch; i++) failed ??= this.createPod(rs);
      if (failed !== undefined) return failed;
      remaining -= batch;
    }
    return undefined;
  }

  /** GetPodFromTemplate + RealPodControl.createPods. */
  private createPod(rs: RS): Error | undefined {
    const template = rs.spec?.template ?? {};
    const labels = template.metadata?.labels ?? {};
    if (Object.keys(labels).length === 0) return new Error('unable to create pods, no labels');
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${rs.metadata?.name ?? ''}-`,
        namespace: rs.metadata?.namespace,
        labels: { ...labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
        ownerReferences: [newControllerRef(rs)],
      },
      spec: deepClone(template.spec ?? { containers: [] }),
    };
    try {
      const created = this.ctx.registry.create(PODS, pod, { namespace: rs.metadata?.namespace ?? '' });
      this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`, SOURCE);
      return undefined;
    } catch (e) {
      if (!isStatusError(e)) throw e;
      // A terminating namespace refuses every create; upstream neither records nor retries.
      if ((e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return undefined;
      this.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${e.message}`, SOURCE);
      return new Error(e.message);
    }
  }

  /** getPodsToDelete: rank by ActivePodsWithRanks and take the lowest. */
  private podsToDelete(rs: RS, pods: Pod[], diff: number): Pod[] {
    if (diff >= pods.length) return pods;
    const onNode = new Map<string, number>();
    for (const p of this.relatedPods(rs)) {
      if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
    }
    const now = this.ctx.clock.now();
    const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
    ranked.sort((a, b) => compareForDeletion(a.pod, a.rank, b.pod, b.rank, now));
    return ranked.slice(0, diff).map((r) => r.pod);
  }

  /**
   * getIndirectlyRelatedPods: pods of every ReplicaSet sharing this one's controller (its
   * Deployment's other revisions); none for a set without a controller.
   */
  private relatedPods(rs: RS): Pod[] {
    const owner = controllerRefOf(rs);
    if (owner === undefined) return [];
    const out: Pod[] = [];
    for (const set of controlledBy(this.ctx, REPLICASETS, owner.uid)) {
      out.push(...(controlledBy(this.ctx, PODS, set.metadata?.uid) as Pod[]));
    }
    return out;
  }

  /** calculateStatus + updateReplicaSetStatus. */
  private updateStatus(rs: RS, pods: Pod[], claimed: number, manageError: Error | undefined): RS {
    const now = this.ctx.clock.now();
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const pod of pods) {
      const labels = pod.metadata?.labels ?? {};
      if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
    }
    let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
    const failure = conditions.find((c) => c.type === 'ReplicaFailure');
    if (manageError !== undefined && failure === undefined) {
      const diff = claimed - (rs.spec?.replicas ?? 1);
      const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
      conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: manageError.message });
    } else if (manageError === undefined && failure !== undefined) {
      conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
    }
    // Go's omitempty: only `replicas` is always present.
    const status: Record<string, unknown> = { replicas: pods.length };
    if (fullyLabeled > 0) status.fullyLabeledReplicas = fullyLabeled;
    if (ready > 0) status.readyReplicas = ready;
    if (available > 0) status.availableReplicas = available;
    const generation = rs.metadata?.generation ?? 0;
    if (generation > 0) status.observedGeneration = generation;
    if (conditions.length > 0) status.conditions = conditions;
    if (deepEqual(status, rs.status)) return rs;
    const written = tolerate(() => this.ctx.registry.update(REPLICASETS, { ...rs, status }, { subresource: 'status' }));
    return (written ?? rs) as RS;
  }

  /**
   * Ready pods become available only after minReadySeconds; upstream requeues the set
   * after that long. Here a timer wakes it when the first pending pod qualifies.
   */
  private scheduleAvailabilityCheck(rs: RS, pods: Pod[]): void {
    const minReady = rs.spec?.minReadySeconds ?? 0;
    if (minReady <= 0) return;
    const now = this.ctx.clock.now();
    let next = Infinity;
    for (const pod of pods) {
      const since = podReadyCondition(pod)?.lastTransitionTime;
      if (!isPodReady(pod) || since === undefined || isPodAvailable(pod, minReady, now)) continue;
      next = Math.min(next, parseTime(since) + minReady * 1000 + 1);
    }
    if (next !== Infinity) this.queue.addAt(keyOf(rs), next, 'minReadySeconds');
  }
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * ActivePodsWithRanks.Less with LogarithmicScaleDown (on by default): unscheduled,
 * pending, not ready, lower deletion cost, doubled-up, more recently ready, more
 * restarts and newer pods go first.
 */
export function compareForDeletion(a: Pod, rankA: number, b: Pod, rankB: number, now: number): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = PHASE_ORDER[a.status?.phase ?? ''] ?? 0;
  const pb = PHASE_ORDER[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const d = logRankDiff(podReadyCondition(a)?.lastTransitionTime, podReadyCondition(b)?.lastTransitionTime, now, a, b);
    if (d !== undefined) return d;
  }
  const restarts = maxRestarts(b) - maxRestarts(a);
  if (restarts !== 0) return restarts;
  return logRankDiff(a.metadata?.creationTimestamp, b.metadata?.creationTimestamp, now, a, b) ?? 0;
}

/** controller.kubernetes.io/pod-deletion-cost: an int32; anything else counts as 0. */
function deletionCost(pod: Pod): number {
  const raw = pod.metadata?.annotations?.['controller.kubernetes.io/pod-deletion-cost'];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const v = Number(raw);
  return v >= -(2 ** 31) && v < 2 ** 31 ? v : 0;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/**
 * Newer first, compared in log2 buckets of age so pods of similar age tie and fall back
 * to their UIDs (a stable, random-looking order), as upstream. Undefined when equal.
 */
function logRankDiff(ta: string | undefined, tb: string | undefined, now: number, a: Pod, b: Pod): number | undefined {
  if (ta === tb) return undefined;
  if (ta === undefined) return -1;
  if (tb === undefined) return 1;
  const bucket = (t: string): number => {
    const ns = (now - parseTime(t)) * 1e6;
    return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
  };
  const d = bucket(ta) - bucket(tb);
  if (d !== 0) return d;
  const ua = a.metadata?.uid ?? '';
  const ub = b.metadata?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}
