// The DaemonSet controller: one pod per eligible node, pinned there by node affinity and
// bound by the scheduler; pods removed from nodes that no longer qualify; rolling updates
// within maxUnavailable/maxSurge, or OnDelete; revisions kept as ControllerRevisions;
// status as upstream counts it. K:pkg/controller/daemon/daemon_controller.go
// (syncDaemonSet, manage, podsShouldBeOnNode, syncNodes, updateDaemonSetStatus),
// K:pkg/controller/daemon/update.go (rollingUpdate, constructHistory, cleanupHistory).
import type { Node } from 'kubernetes-types/core/v1';
import { parseTime } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import type { Revision } from './controller-revision.ts';
import {
  claim, controlledBy, controllerRefOf, isPodAvailable, isPodReady, isPodTerminal, keyOf, newControllerRef,
  OrphanPods, podReadyCondition, queueController, selectorOf, splitKey,
} from './controller-utils.ts';
import { cleanupHistory, constructHistory, rollingUpdate, type DaemonSetOps } from './daemonset-update.ts';
import {
  allowsSurge, byCreationTimestampAndPhase, DAEMONSETS, daemonPodTemplate, isPodUpdated, nodeNameAffinity,
  nodeShouldRunDaemonPod, REVISION_HASH_LABEL, SyncError, targetNodeName, templateGeneration, type DS, type P,
} from './daemonset-util.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deepClone, deepEqual, type KObject } from './objects.ts';
import type { LabelSelector } from './selectors.ts';
import type { Change } from './store.ts';
import { WorkQueue } from './workqueue.ts';

export { DAEMONSETS } from './daemonset-util.ts';

const PODS = CORE('pods');
const NODES = CORE('nodes');
const SOURCE = { component: 'daemonset-controller' };
/** BurstReplicas: creations or deletions one sync may start. */
const BURST_REPLICAS = 250;
/** StatusUpdateRetries. */
const STATUS_UPDATE_RETRIES = 1;
/** failedPodsBackoff: flowcontrol.NewBackOff(1s, 15m). */
const FAILED_BACKOFF_MS = 1000;
const FAILED_BACKOFF_MAX_MS = 15 * 60 * 1000;

/** Registers the DaemonSet controller on a cluster. */
export function installDaemonSetController(cluster: Cluster): DaemonSetController {
  return cluster.addController((ctx) => new DaemonSetController(ctx)) as DaemonSetController;
}

/** utilerrors.NewAggregate's message. */
const aggregate = (errs: readonly string[]): SyncError | undefined =>
  errs.length === 0 ? undefined : new SyncError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);

const messageOf = (e: unknown): string => {
  if (isStatusError(e)) return e.status.message ?? e.message;
  throw e;
};

interface Status {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

export class DaemonSetController implements Controller, DaemonSetOps {
  readonly name = 'daemonset-controller';
  private readonly queue: WorkQueue;
  /** failedPodsBackoff, by `<ds uid>/<observed generation>/<node>`. */
  private readonly failedBackoff = new Map<string, { delay: number; last: number }>();
  // Pods without a controller, per namespace: the only ones a DaemonSet may adopt.
  private readonly orphans = new OrphanPods((pod) => pod.metadata?.deletionTimestamp === undefined);
  private readonly events: EventRecorder;

  constructor(readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    this.queue = new WorkQueue(ctx.clock, 'daemonset');
    for (const ds of ctx.store.list(DAEMONSETS).items) this.queue.add(keyOf(ds));
    for (const pod of ctx.store.list(PODS).items) this.orphans.track(pod);
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    const { group, resource } = c.gr;
    if (group === 'apps' && resource === 'daemonsets') this.queue.add(keyOf(c.object));
    else if (group === '' && resource === 'pods') this.observePod(c);
    else if (group === '' && resource === 'nodes') this.observeNode(c);
    else if (group === 'apps' && resource === 'controllerrevisions') {
      const ref = controllerRefOf(c.object);
      if (ref?.kind === 'DaemonSet') this.queue.add(`${c.object.metadata?.namespace ?? ''}/${ref.name}`);
    }
    return this.queue.size > before;
  }

  hasWork(): boolean {
    return this.queue.size > 0;
  }

  reconcile(): void {
    for (const key of this.queue.take()) this.sync(key);
  }

  private observePod(c: Change): void {
    queueController(this.queue, c, 'DaemonSet');
    if (this.orphans.observe(c)) {
      for (const ds of this.ctx.store.list(DAEMONSETS, { namespace: c.object.metadata?.namespace ?? '' }).items as DS[]) {
        if (selectorOf(ds.spec?.selector).matches(c.object.metadata?.labels)) this.queue.add(keyOf(ds));
      }
    }
  }

  /** addNode/updateNode/deleteNode: wake the sets whose verdict for the node changed. */
  private observeNode(c: Change): void {
    const node = c.object as Node;
    const previous = c.previous as Node | undefined;
    if (c.type === 'MODIFIED' && previous !== undefined && previous.spec === node.spec && deepEqual(previous.metadata?.labels, node.metadata?.labels)) return;
    for (const ds of this.ctx.store.list(DAEMONSETS).items as DS[]) {
      const now = nodeShouldRunDaemonPod(node, ds);
      if (c.type !== 'MODIFIED' || previous === undefined) {
        if (now.shouldRun || c.type === 'DELETED') this.queue.add(keyOf(ds));
        continue;
      }
      const was = nodeShouldRunDaemonPod(previous, ds);
      if (was.shouldRun !== now.shouldRun || was.shouldContinueRunning !== now.shouldContinueRunning) this.queue.add(keyOf(ds));
    }
  }

  /** syncDaemonSet. */
  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const ds = this.ctx.store.get(DAEMONSETS, ns, name) as DS | undefined;
    if (ds === undefined) {
      this.queue.done(key, false);
      return;
    }
    const sel = ds.spec?.selector;
    if (sel !== undefined && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) {
      this.events.record(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.', SOURCE);
      return;
    }
    // The history of a set being deleted may already be gone: upstream leaves its status alone.
    if (ds.metadata?.deletionTimestamp !== undefined) return;
    const selector = selectorOf(sel);
    const nodes = this.ctx.store.list(NODES).items as Node[];
    let err: SyncError | undefined;
    try {
      let history: { cur: Revision; old: Revision[] };
      try {
        history = constructHistory(this, ds, selector);
      } catch (e) {
        throw new SyncError(`failed to construct revisions of DaemonSet: ${e instanceof SyncError ? e.message : messageOf(e)}`);
      }
      const { cur, old } = history;
      const hash = cur.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';
      err = this.updateDaemonSet(ds, selector, nodes, hash, old);
      const statusErr = this.updateStatus(ds, selector, nodes, hash);
      err ??= statusErr;
    } catch (e) {
      err = e instanceof SyncError ? e : new SyncError(messageOf(e));
    }
    this.queue.done(key, err !== undefined);
  }

  private updateDaemonSet(ds: DS, selector: LabelSelector, nodes: readonly Node[], hash: string, old: readonly Revision[]): SyncError | undefined {
    const managed = this.manage(ds, selector, nodes, hash);
    if (managed.err !== undefined) return managed.err;
    // Upstream waits for the informer to see its own creations and deletions before a
    // rolling update (expectations); here they come back as changes and requeue the set.
    if (managed.done === 0 && ds.spec?.updateStrategy?.type === 'RollingUpdate') {
      const err = rollingUpdate(this, ds, selector, nodes, hash);
      if (err !== undefined) return err;
    }
    try {
      cleanupHistory(this, ds, selector, old);
    } catch (e) {
      return new SyncError(`failed to clean up revisions of DaemonSet: ${messageOf(e)}`);
    }
    return undefined;
  }

  // ---- pods ----

  /** getDaemonPods: claim what the selector matches, release what it no longer does. */
  daemonPods(ds: DS, selector: LabelSelector): P[] {
    const ns = ds.metadata?.namespace ?? '';
    const candidates: KObject[] = controlledBy(this.ctx, PODS, ds.metadata?.uid);
    for (const podName of this.orphans.in(ns)) {
      const pod = this.ctx.store.get(PODS, ns, podName);
      if (pod !== undefined) candidates.push(pod);
    }
    return claim(this.ctx, PODS, ds, selector, candidates) as P[];
  }

  /** getNodesToDaemonPods: pods by the node they run on or are pinned to. */
  nodesToDaemonPods(ds: DS, selector: LabelSelector, includeDeletedTerminal = false): Map<string, P[]> {
    const out = new Map<string, P[]>();
    for (const pod of this.daemonPods(ds, selector)) {
      if (!includeDeletedTerminal && isPodTerminal(pod) && pod.metadata?.deletionTimestamp !== undefined) continue;
      const node = targetNodeName(pod);
      if (node === undefined) continue;
      const list = out.get(node);
      if (list === undefined) out.set(node, [pod]);
      else list.push(pod);
    }
    return out;
  }

  /** manage: create where missing, delete where not wanted, failed, or one too many. */
  private manage(ds: DS, selector: LabelSelector, nodes: readonly Node[], hash: string): { done: number; err?: SyncError } {
    const nodeToPods = this.nodesToDaemonPods(ds, selector);
    const needing: string[] = [];
    const toDelete: string[] = [];
    for (const node of nodes) this.podsShouldBeOnNode(node, nodeToPods, ds, hash, needing, toDelete);
    // getUnscheduledPodsWithoutNode: pods pinned to a node that is gone never schedule.
    const present = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const [node, pods] of nodeToPods) {
      if (present.has(node)) continue;
      for (const pod of pods) if ((pod.spec?.nodeName ?? '') === '') toDelete.push(pod.metadata?.name ?? '');
    }
    return this.syncNodes(ds, toDelete, needing, hash);
  }

  /** podsShouldBeOnNode. */
  private podsShouldBeOnNode(node: Node, nodeToPods: Map<string, P[]>, ds: DS, hash: string, needing: string[], toDelete: string[]): void {
    const nodeName = node.metadata?.name ?? '';
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToPods.get(nodeName);
    if (shouldRun && pods === undefined) {
      needing.push(nodeName);
      return;
    }
    if (shouldContinueRunning) {
      const running: P[] = [];
      for (const pod of pods ?? []) {
        if (pod.metadata?.deletionTimestamp !== undefined) continue;
        if (pod.status?.phase === 'Failed') {
          // Deleting failed pods is rate limited per node, or a crashing pod would be
          // replaced in a tight loop.
          const backoffKey = `${ds.metadata?.uid ?? ''}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;
          const now = this.ctx.clock.now();
          const entry = this.failedBackoff.get(backoffKey);
          if (entry !== undefined && now - entry.last < entry.delay) {
            this.ctx.clock.after(entry.delay, () => this.queue.add(keyOf(ds)), { background: true, label: `daemonset failed-pod backoff ${keyOf(ds)}` });
            continue;
          }
          const delay = entry === undefined || now - entry.last > 2 * FAILED_BACKOFF_MAX_MS ? FAILED_BACKOFF_MS : Math.min(entry.delay * 2, FAILED_BACKOFF_MAX_MS);
          this.failedBackoff.set(backoffKey, { delay, last: now });
          this.events.record(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} on node ${nodeName}, will try to kill it`, SOURCE);
          toDelete.push(pod.metadata?.name ?? '');
        } else if (pod.status?.phase === 'Succeeded') {
          toDelete.push(pod.metadata?.name ?? '');
        } else running.push(pod);
      }
      running.sort(byCreationTimestampAndPhase);
      if (!allowsSurge(ds)) {
        // Without surge, only the oldest pod on a node stays.
        for (const pod of running.slice(1)) toDelete.push(pod.metadata?.name ?? '');
        return;
      }
      if (running.length <= 1) {
        if (running.length === 0 && shouldRun) needing.push(nodeName);
        return;
      }
      // With surge, an old and a new pod may share the node while the new one becomes
      // available; anything beyond the oldest of each goes.
      let oldestNew: P | undefined;
      let oldestOld: P | undefined;
      for (const pod of running) {
        if (pod.metadata?.labels?.[REVISION_HASH_LABEL] === hash) {
          if (oldestNew === undefined) {
            oldestNew = pod;
            continue;
          }
        } else if (oldestOld === undefined) {
          oldestOld = pod;
          continue;
        }
        toDelete.push(pod.metadata?.name ?? '');
      }
      if (oldestNew !== undefined && oldestOld !== undefined) {
        if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, this.ctx.clock.now())) {
          toDelete.push(oldestOld.metadata?.name ?? '');
        }
      }
      return;
    }
    if (pods !== undefined) {
      for (const pod of pods) if (pod.metadata?.deletionTimestamp === undefined) toDelete.push(pod.metadata?.name ?? '');
    }
  }

  /**
   * syncNodes: creations in slow-start batches (1, 2, 4, …; a failing batch ends them),
   * then deletions. Returns how many writes went through, and the errors.
   */
  syncNodes(ds: DS, toDelete: readonly string[], needing: readonly string[], hash: string): { done: number; err?: SyncError } {
    const ns = ds.metadata?.namespace ?? '';
    const createDiff = Math.min(needing.length, BURST_REPLICAS);
    const deleteDiff = Math.min(toDelete.length, BURST_REPLICAS);
    const errs: string[] = [];
    let done = 0;
    const template = createDiff > 0 ? daemonPodTemplate(ds, hash) : undefined;
    for (let pos = 0, batch = Math.min(createDiff, 1); pos < createDiff; pos += batch, batch = Math.min(2 * batch, createDiff - pos)) {
      const before = errs.length;
      for (let i = pos; i < pos + batch; i++) {
        const r = this.createPod(ds, template!, needing[i]!);
        if (r === true) done++;
        else if (r !== false) errs.push(r);
      }
      if (errs.length > before) break;
    }
    for (let i = 0; i < deleteDiff; i++) {
      const podName = toDelete[i]!;
      try {
        this.ctx.registry.delete(PODS, ns, podName);
        this.events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`, SOURCE);
        done++;
      } catch (e) {
        if (isStatusError(e, 'NotFound')) continue;
        const message = messageOf(e);
        this.events.record(ds, 'Warning', 'FailedDelete', `Error deleting: ${message}`, SOURCE);
        errs.push(`unable to delete pods: ${message}`);
      }
    }
    return { done, err: aggregate(errs) };
  }

  /** GetPodFromTemplate + CreatePods, pinned to `nodeName`: true when created, false when skipped, else the error. */
  private createPod(ds: DS, template: NonNullable<ReturnType<typeof daemonPodTemplate>>, nodeName: string): boolean | string {
    const labels = template.metadata?.labels ?? {};
    if (Object.keys(labels).length === 0) return 'unable to create pods, no labels';
    const spec = deepClone(template.spec ?? { containers: [] });
    spec.affinity = nodeNameAffinity(spec.affinity, nodeName);
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${ds.metadata?.name ?? ''}-`,
        namespace: ds.metadata?.namespace,
        labels: { ...labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
        ownerReferences: [newControllerRef(ds)],
      },
      spec,
    };
    try {
      const created = this.ctx.registry.create(PODS, pod, { namespace: ds.metadata?.namespace ?? '' });
      this.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`, SOURCE);
      return true;
    } catch (e) {
      if (!isStatusError(e)) throw e;
      // A terminating namespace refuses every create: nothing to record or retry.
      if ((e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return false;
      const message = messageOf(e);
      this.events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${message}`, SOURCE);
      return message;
    }
  }

  // ---- status ----

  /** updateDaemonSetStatus + storeDaemonSetStatus. */
  private updateStatus(ds: DS, selector: LabelSelector, nodes: readonly Node[], hash: string): SyncError | undefined {
    const nodeToPods = this.nodesToDaemonPods(ds, selector);
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const now = this.ctx.clock.now();
    const generation = templateGeneration(ds);
    const s: Status = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
    let nextAvailable = Infinity;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const pods = nodeToPods.get(node.metadata?.name ?? '') ?? [];
      if (!shouldRun) {
        if (pods.length > 0) s.numberMisscheduled++;
        continue;
      }
      s.desiredNumberScheduled++;
      if (pods.length === 0) continue;
      s.currentNumberScheduled++;
      const pod = [...pods].sort(byCreationTimestampAndPhase)[0]!;
      if (isPodReady(pod)) {
        s.numberReady++;
        if (isPodAvailable(pod, minReady, now)) s.numberAvailable++;
        else {
          const since = podReadyCondition(pod)?.lastTransitionTime;
          if (since !== undefined) nextAvailable = Math.min(nextAvailable, parseTime(since) + minReady * 1000 + 1);
        }
      }
      if (isPodUpdated(pod, hash, generation)) s.updatedNumberScheduled++;
    }
    s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable;
    if (minReady > 0 && nextAvailable !== Infinity) this.queue.addAt(keyOf(ds), nextAvailable, 'minReadySeconds');

    const generationNow = ds.metadata?.generation ?? 0;
    const st = ds.status;
    if ((st?.desiredNumberScheduled ?? 0) === s.desiredNumberScheduled && (st?.currentNumberScheduled ?? 0) === s.currentNumberScheduled
      && (st?.numberMisscheduled ?? 0) === s.numberMisscheduled && (st?.numberReady ?? 0) === s.numberReady
      && (st?.updatedNumberScheduled ?? 0) === s.updatedNumberScheduled && (st?.numberAvailable ?? 0) === s.numberAvailable
      && (st?.numberUnavailable ?? 0) === s.numberUnavailable && (st?.observedGeneration ?? 0) >= generationNow) return undefined;

    let current: DS = ds;
    for (let i = 0; ; i++) {
      try {
        this.ctx.registry.update(DAEMONSETS, { ...current, status: statusObject(current, generationNow, s) } as KObject, { subresource: 'status' });
        return undefined;
      } catch (e) {
        const message = messageOf(e);
        const fresh = this.ctx.store.get(DAEMONSETS, ds.metadata?.namespace ?? '', ds.metadata?.name ?? '') as DS | undefined;
        if (i >= STATUS_UPDATE_RETRIES || fresh === undefined) return new SyncError(`error storing status for daemon set: ${message}`);
        current = fresh;
      }
    }
  }
}

/**
 * The status as the API returns it: the four counts without omitempty always, the rest
 * only when non-zero; the collision count and conditions carried over.
 */
function statusObject(ds: DS, generation: number, s: Status): Record<string, unknown> {
  const out: Record<string, unknown> = {
    currentNumberScheduled: s.currentNumberScheduled,
    numberMisscheduled: s.numberMisscheduled,
    desiredNumberScheduled: s.desiredNumberScheduled,
    numberReady: s.numberReady,
  };
  const observed = generation > 0 ? generation : ds.status?.observedGeneration;
  if (observed !== undefined && observed !== 0) out.observedGeneration = observed;
  if (s.updatedNumberScheduled !== 0) out.updatedNumberScheduled = s.updatedNumberScheduled;
  if (s.numberAvailable !== 0) out.numberAvailable = s.numberAvailable;
  if (s.numberUnavailable !== 0) out.numberUnavailable = s.numberUnavailable;
  if (ds.status?.collisionCount !== undefined) out.collisionCount = ds.status.collisionCount;
  if (ds.status?.conditions !== undefined) out.conditions = ds.status.conditions;
  return out;
}
