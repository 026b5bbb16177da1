// The StatefulSet controller: members named `<set>-<ordinal>` with stable hostnames and
// their own claims, created in order and only behind Running+Ready predecessors
// (OrderedReady) or all at once (Parallel), removed from the top, rolled from the top
// down with a partition, revisions kept as ControllerRevisions, status as upstream
// counts it. K:pkg/controller/statefulset/{stateful_set.go, stateful_set_control.go,
// stateful_pod_control.go, stateful_set_status_updater.go}.
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import { parseTime } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import {
  adoptControllerRevision, createControllerRevision, equalRevision, findEqualRevisions, listControllerRevisions,
  newControllerRevision, sortRevisions, updateControllerRevision, type Revision,
} from './controller-revision.ts';
import { claim, controlledBy, controllerRefOf, keyOf, OrphanPods, podReadyCondition, queueController, splitKey } from './controller-utils.ts';
import { isStatusError, type StatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deepClone, type GroupResource, type KObject } from './objects.ts';
import { fromLabelSelector, SelectorError, type LabelSelector } from './selectors.ts';
import {
  applyRevision, claimFor, claimName, claimNamesFor, claimWithPolicyOwners, completeRollingUpdate, countReplicas, hasStalePodRef, hasUnexpectedController,
  identityMatches, inconsistentStatus, inOrdinalRange, isClaimOwnerUpToDate, isCreated, isFinished, isMemberOf, isPending,
  isRunningAndAvailable, isRunningAndReady, isTerminating, isUnavailable, newVersionedPod, ordinalOf, parentAndOrdinal,
  replicasOf, retentionPolicy, revisionData, revisionOf, startOrdinal, statusObject, storageMatches, updateIdentity,
  updateStorage, type Status, type STS,
} from './statefulset-utils.ts';
import type { Change } from './store.ts';
import { WorkQueue } from './workqueue.ts';

export const STATEFULSETS: GroupResource = { group: 'apps', resource: 'statefulsets' };
const PODS = CORE('pods');
const PVCS = CORE('persistentvolumeclaims');
const SOURCE = { component: 'statefulset-controller' };
/** MaxBatchSize: in-flight creations or deletions of one Parallel batch. */
const MAX_BATCH = 500;

type P = Pod & KObject;

/** Registers the StatefulSet controller on a cluster. */
export function installStatefulSetController(cluster: Cluster): StatefulSetController {
  return cluster.addController((ctx) => new StatefulSetController(ctx)) as StatefulSetController;
}

/** An error a sync returns: the status is still written, then the set is retried with backoff. */
class SyncError extends Error {}

const syncError = (e: unknown): SyncError => {
  if (isStatusError(e)) return new SyncError(e.status.message ?? e.message);
  throw e;
};

/** utilerrors.NewAggregate's message. */
const aggregate = (errs: readonly string[]): SyncError | undefined =>
  errs.length === 0 ? undefined : new SyncError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);

interface Step {
  /** Monotonic mode stops here for this sync. */
  exit: boolean;
  err?: SyncError;
}

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private readonly queue: WorkQueue;
  // Pods without a controller, per namespace: the only ones a set may adopt.
  private readonly orphans = new OrphanPods();
  readonly events: EventRecorder;

  constructor(readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    this.queue = new WorkQueue(ctx.clock, 'statefulset');
    for (const set of ctx.store.list(STATEFULSETS).items) this.queue.add(keyOf(set));
    for (const pod of ctx.store.list(PODS).items) this.orphans.track(pod);
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    const { group, resource } = c.gr;
    if (group === 'apps' && resource === 'statefulsets') this.queue.add(keyOf(c.object));
    else if (group === '' && resource === 'pods') this.observePod(c);
    else if (group === '' && resource === 'persistentvolumeclaims' && (c.type === 'DELETED' || (c.object.metadata?.deletionTimestamp !== undefined && c.previous?.metadata?.deletionTimestamp === undefined))) {
      // A member waiting for its terminating claim to go ("pvc … is being deleted")
      // can be created now: wake the set that named it.
      this.queueClaimOwner(c.object);
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
    queueController(this.queue, c, 'StatefulSet');
    // An orphan can only be adopted by the set its name belongs to.
    if (this.orphans.observe(c)) {
      const ns = c.object.metadata?.namespace ?? '';
      const parent = parentAndOrdinal(c.object.metadata?.name ?? '')[0];
      const set = this.ctx.store.get(STATEFULSETS, ns, parent) as STS | undefined;
      if (set !== undefined && selectorOf(set)?.matches(c.object.metadata?.labels) === true) this.queue.add(keyOf(set));
    }
  }

  private queueClaimOwner(pvc: KObject): void {
    const ns = pvc.metadata?.namespace ?? '';
    const name = pvc.metadata?.name ?? '';
    for (const set of this.ctx.store.list(STATEFULSETS, { namespace: ns }).items as STS[]) {
      const prefix = `-${set.metadata?.name ?? ''}-`;
      const at = name.lastIndexOf(prefix);
      if (at > 0 && /^[0-9]+$/.test(name.slice(at + prefix.length)) && (set.spec?.volumeClaimTemplates ?? []).some((t) => t.metadata?.name === name.slice(0, at))) {
        this.queue.add(keyOf(set));
      }
    }
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const set = this.ctx.store.get(STATEFULSETS, ns, name) as STS | undefined;
    if (set === undefined) {
      this.queue.done(key, false);
      return;
    }
    // An invalid selector is not transient: no retry.
    const selector = selectorOf(set);
    if (selector === undefined) return;
    let failed = false;
    try {
      this.adoptOrphanRevisions(set, selector);
      const pods = this.claimPods(set, selector);
      const status = new StatefulSetSync(this, set, selector, pods).run();
      this.wakeForAvailability(set, pods, status);
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      failed = true;
    }
    this.queue.done(key, failed);
  }

  /** adoptOrphanRevisions: revisions left by a set deleted with --cascade=orphan come back to its successor. */
  private adoptOrphanRevisions(set: STS, selector: LabelSelector): void {
    if (set.metadata?.deletionTimestamp !== undefined) return;
    for (const rev of listControllerRevisions(this.ctx, set, selector)) {
      if (controllerRefOf(rev) !== undefined) continue;
      try {
        adoptControllerRevision(this.ctx, set, rev);
      } catch (e) {
        throw syncError(e);
      }
    }
  }

  /**
   * getPodsForStatefulSet: ClaimPods with the extra rule that only members (`<set>-<n>`)
   * are adopted or kept; a controlled pod that stops matching is released.
   */
  private claimPods(set: STS, selector: LabelSelector): P[] {
    const ns = set.metadata?.namespace ?? '';
    const owned = controlledBy(this.ctx, PODS, set.metadata?.uid) as P[];
    const candidates: KObject[] = [];
    for (const pod of owned) {
      if (isMemberOf(set, pod)) candidates.push(pod);
      else if (set.metadata?.deletionTimestamp === undefined) this.release(set, pod);
    }
    for (const podName of this.orphans.in(ns)) {
      const pod = this.ctx.store.get(PODS, ns, podName) as P | undefined;
      if (pod !== undefined && isMemberOf(set, pod)) candidates.push(pod);
    }
    return claim(this.ctx, PODS, set, selector, candidates) as P[];
  }

  private release(set: STS, pod: P): void {
    const next = deepClone(pod);
    const refs = (next.metadata!.ownerReferences ?? []).filter((r) => r.uid !== set.metadata?.uid);
    if (refs.length > 0) next.metadata!.ownerReferences = refs;
    else delete next.metadata!.ownerReferences;
    try {
      this.ctx.registry.update(PODS, next);
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }

  /**
   * syncStatefulSet requeues a set after minReadySeconds while some ready pod is not yet
   * available; here a timer wakes it when the first one becomes so.
   */
  private wakeForAvailability(set: STS, pods: readonly P[], status: Status): void {
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady <= 0 || status.availableReplicas === replicasOf(set)) return;
    const now = this.ctx.clock.now();
    let next = Infinity;
    for (const pod of pods) {
      const since = podReadyCondition(pod)?.lastTransitionTime;
      if (!isRunningAndReady(pod) || since === undefined || isRunningAndAvailable(pod, minReady, now)) continue;
      next = Math.min(next, parseTime(since) + minReady * 1000 + 1);
    }
    if (next !== Infinity) this.queue.addAt(keyOf(set), next, 'minReadySeconds');
  }
}

function selectorOf(set: STS): LabelSelector | undefined {
  try {
    return fromLabelSelector(set.spec?.selector);
  } catch (e) {
    if (e instanceof SelectorError) return undefined;
    throw e;
  }
}

/** One UpdateStatefulSet: revisions, pods, status, history. */
class StatefulSetSync {
  private readonly ctx: ControllerContext;
  private readonly events: EventRecorder;
  private readonly ns: string;
  private readonly now: number;
  private readonly minReady: number;

  constructor(controller: StatefulSetController, private readonly set: STS, private readonly selector: LabelSelector, private readonly pods: readonly P[]) {
    this.ctx = controller.ctx;
    this.events = controller.events;
    this.ns = set.metadata?.namespace ?? '';
    this.now = this.ctx.clock.now();
    this.minReady = set.spec?.minReadySeconds ?? 0;
  }

  /** Returns the status written (or that would have been); throws SyncError after writing it. */
  run(): Status {
    const revisions = sortRevisions(listControllerRevisions(this.ctx, this.set, this.selector));
    const { current, update, collisionCount } = this.revisions(revisions);
    const { status, err } = this.update(current, update, collisionCount);
    const statusErr = this.writeStatus(status);
    this.truncateHistory(revisions, current, update);
    if (err !== undefined) throw err;
    if (statusErr !== undefined) throw statusErr;
    return status;
  }

  /** getStatefulSetRevisions: the update revision is made, reused (a rollback), or found. */
  private revisions(revisions: readonly Revision[]): { current: Revision; update: Revision; collisionCount: number } {
    let collisionCount = this.set.status?.collisionCount ?? 0;
    const next = revisions.length === 0 ? 1 : revisions[revisions.length - 1]!.revision + 1;
    let update = newControllerRevision(this.set, this.set.spec?.template?.metadata?.labels, revisionData(this.set), next, collisionCount);
    const equal = findEqualRevisions(revisions, update);
    try {
      if (equal.length > 0 && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) update = revisions[revisions.length - 1]!;
      else if (equal.length > 0) update = updateControllerRevision(this.ctx, equal[equal.length - 1]!, next);
      else ({ revision: update, collisionCount } = createControllerRevision(this.ctx, this.set, update, collisionCount));
    } catch (e) {
      throw syncError(e);
    }
    const current = revisions.find((r) => r.metadata?.name === this.set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** updateStatefulSet: one pass over the replicas, the condemned, and the rolling update. */
  private update(current: Revision, update: Revision, collisionCount: number): { status: Status; err?: SyncError } {
    const set = this.set;
    const currentSet = applyRevision(set, current);
    const updateSet = applyRevision(set, update);
    const status: Status = {
      observedGeneration: set.metadata?.generation ?? 0, currentRevision: current.metadata?.name ?? '', updateRevision: update.metadata?.name ?? '',
      collisionCount, replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0,
    };
    countReplicas(status, this.pods, this.minReady, this.now);

    const start = startOrdinal(set);
    const replicas: P[] = new Array<P>(replicasOf(set));
    const condemned: P[] = [];
    for (const pod of this.pods) {
      if (inOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
      else if (ordinalOf(pod) >= 0) condemned.push(pod);
    }
    for (let i = 0; i < replicas.length; i++) {
      replicas[i] ??= newVersionedPod(currentSet, updateSet, status.currentRevision, status.updateRevision, start + i);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

    let firstUnavailable: P | undefined;
    for (const pod of replicas) if (firstUnavailable === undefined && isUnavailable(pod, this.minReady, this.now)) firstUnavailable = pod;
    for (let i = condemned.length - 1; i >= 0 && firstUnavailable === undefined; i--) {
      if (isUnavailable(condemned[i]!, this.minReady, this.now)) firstUnavailable = condemned[i];
    }

    if (set.metadata?.deletionTimestamp !== undefined) return { status };
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const recount = (): void => countReplicas(status, [...replicas, ...condemned], this.minReady, this.now);

    let r = this.runForAll(replicas.length, (i) => this.processReplica(updateSet, monotonic, replicas, i), monotonic);
    if (r.exit || r.err) {
      recount();
      return { status, err: r.err };
    }
    r = this.runForAll(condemned.length, (i) => this.fixCondemnedClaims(updateSet, condemned[i]!), monotonic);
    if (r.exit || r.err) {
      recount();
      return { status, err: r.err };
    }
    // In monotonic mode every replica is now Running, Ready and Available: scale down,
    // highest ordinal first, one at a time. Scaling goes before updating.
    r = this.runForAll(condemned.length, (i) => this.processCondemned(firstUnavailable, monotonic, condemned[i]!), monotonic);
    if (r.exit || r.err) {
      recount();
      return { status, err: r.err };
    }
    recount();

    // OnDelete: pods are updated when someone deletes them. maxUnavailable needs the
    // MaxUnavailableStatefulSet gate, off in 1.32: one pod at a time.
    if (set.spec?.updateStrategy?.type === 'OnDelete') return { status };
    const updateMin = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = replicas.length - 1; target >= updateMin; target--) {
      const pod = replicas[target]!;
      if (revisionOf(pod) !== status.updateRevision && !isTerminating(pod)) {
        const err = this.deletePod(pod);
        if (err !== undefined && !err.notFound) return { status, err: err.error };
        status.currentReplicas--;
        return { status };
      }
      if (isUnavailable(pod, this.minReady, this.now)) return { status };
    }
    return { status };
  }

  /** runForAll: monotonic stops at the first step that says so; Parallel goes in slow-start batches. */
  private runForAll(count: number, fn: (i: number) => Step, monotonic: boolean): Step {
    if (monotonic) {
      for (let i = 0; i < count; i++) {
        const step = fn(i);
        if (step.exit || step.err) return { exit: true, err: step.err };
      }
      return { exit: false };
    }
    let j = 0;
    let remaining = count;
    for (let batch = Math.min(remaining, 1); batch > 0; batch = Math.min(2 * batch, remaining, MAX_BATCH)) {
      const errs: string[] = [];
      for (let k = 0; k < batch; k++, j++) {
        const err = fn(j).err;
        if (err !== undefined) errs.push(err.message);
      }
      if (errs.length > 0) return { exit: true, err: aggregate(errs) };
      remaining -= batch;
    }
    return { exit: false };
  }

  /** processReplica. */
  private processReplica(updateSet: STS, monotonic: boolean, replicas: readonly P[], i: number): Step {
    const pod = replicas[i]!;
    // Succeeded too: a pod stopped by a node reboot ends by its exit code. Replace it
    // once the old object is gone.
    if (isFinished(pod)) {
      if (!isTerminating(pod)) {
        const err = this.deletePod(pod);
        if (err !== undefined) return { exit: true, err: err.error };
      }
      return { exit: true };
    }
    if (!isCreated(pod)) {
      if (this.podClaimIsStale(pod)) return { exit: true };
      const err = this.createPod(pod);
      if (err !== undefined) return { exit: true, err };
      if (monotonic) return { exit: true };
    }
    if (isPending(pod)) {
      const err = this.createMissingClaims(pod);
      if (err !== undefined) return { exit: true, err };
    }
    // Wait for a terminating pod to be gone, and for each pod to be Running, Ready and
    // Available before the next: "web-1 is not launched until web-0 is Running and Ready".
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, this.minReady, this.now))) return { exit: true };
    const retentionMatch = this.claimsMatchRetentionPolicy(updateSet, pod);
    if (identityMatches(this.set, pod) && storageMatches(this.set, pod) && retentionMatch) return { exit: false };
    const err = this.updatePod(updateSet, deepClone(pod));
    return err === undefined ? { exit: false } : { exit: true, err };
  }

  private fixCondemnedClaims(updateSet: STS, pod: P): Step {
    if (this.claimsMatchRetentionPolicy(updateSet, pod)) return { exit: false };
    const err = this.updateClaimsForRetentionPolicy(updateSet, pod);
    return err === undefined ? { exit: false } : { exit: true, err };
  }

  /** processCondemned. */
  private processCondemned(firstUnavailable: P | undefined, monotonic: boolean, pod: P): Step {
    if (isTerminating(pod)) return { exit: monotonic };
    if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, this.minReady, this.now))) return { exit: true };
    const err = this.deletePod(pod);
    return { exit: true, err: err?.error };
  }

  // ---- StatefulPodControl ----

  private createPod(pod: P): SyncError | undefined {
    const claimErr = this.createClaims(this.set, pod);
    if (claimErr !== undefined) {
      this.podEvent('create', pod, claimErr);
      return claimErr;
    }
    let created: P;
    try {
      created = this.ctx.registry.create(PODS, pod, { namespace: this.ns }) as P;
    } catch (e) {
      const err = syncError(e);
      if (!isStatusError(e, 'AlreadyExists')) this.podEvent('create', pod, err);
      return err;
    }
    const policyErr = this.updateClaimsForRetentionPolicy(this.set, created);
    if (policyErr !== undefined) {
      this.podEvent('update', pod, policyErr);
      return policyErr;
    }
    this.podEvent('create', pod);
    return undefined;
  }

  /** UpdateStatefulPod: repairs identity, storage and claim owners; records an update when anything was off. */
  private updatePod(updateSet: STS, pod: P): SyncError | undefined {
    let consistent = true;
    if (!identityMatches(updateSet, pod)) {
      updateIdentity(updateSet, pod);
      consistent = false;
    }
    if (!storageMatches(updateSet, pod)) {
      updateStorage(updateSet, pod);
      consistent = false;
      const err = this.createClaims(updateSet, pod);
      if (err !== undefined) {
        this.podEvent('update', pod, err);
        return err;
      }
    }
    if (!this.claimsMatchRetentionPolicy(updateSet, pod)) {
      const err = this.updateClaimsForRetentionPolicy(updateSet, pod);
      if (err !== undefined) {
        this.podEvent('update', pod, err);
        return err;
      }
      consistent = false;
    }
    if (consistent) return undefined;
    let err: SyncError | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        this.ctx.registry.update(PODS, pod);
        err = undefined;
        break;
      } catch (e) {
        err = syncError(e);
        const fresh = this.ctx.store.get(PODS, this.ns, pod.metadata?.name ?? '') as P | undefined;
        if (!isStatusError(e, 'Conflict') || fresh === undefined || attempt >= 4) break;
        pod = deepClone(fresh);
        updateIdentity(updateSet, pod);
        if (!storageMatches(updateSet, pod)) updateStorage(updateSet, pod);
      }
    }
    this.podEvent('update', pod, err);
    return err;
  }

  private deletePod(pod: P): { error: SyncError; notFound: boolean } | undefined {
    try {
      this.ctx.registry.delete(PODS, this.ns, pod.metadata?.name ?? '');
      this.podEvent('delete', pod);
      return undefined;
    } catch (e) {
      const error = syncError(e);
      this.podEvent('delete', pod, error);
      return { error, notFound: isStatusError(e, 'NotFound') };
    }
  }

  /** createPersistentVolumeClaims: each missing claim is created; one being deleted holds the pod back. */
  private createClaims(set: STS, pod: P): SyncError | undefined {
    const errs: string[] = [];
    const ordinal = ordinalOf(pod);
    for (const template of set.spec?.volumeClaimTemplates ?? []) {
      const name = claimName(set, template.metadata?.name ?? '', ordinal);
      const existing = this.ctx.store.get(PVCS, this.ns, name);
      if (existing === undefined) {
        try {
          this.ctx.registry.create(PVCS, claimFor(set, template, ordinal), { namespace: this.ns });
          this.claimEvent(pod, name);
        } catch (e) {
          if (!isStatusError(e)) throw e;
          errs.push(`failed to create PVC ${name}: ${e.status.message ?? e.message}`);
          if (!isStatusError(e, 'AlreadyExists')) this.claimEvent(pod, name, e);
        }
      } else if (existing.metadata?.deletionTimestamp !== undefined) {
        errs.push(`pvc ${name} is being deleted`);
      }
    }
    return aggregate(errs);
  }

  /** createMissingPersistentVolumeClaims: for a Pending pod whose claim went missing. */
  private createMissingClaims(pod: P): SyncError | undefined {
    const err = this.createClaims(this.set, pod);
    if (err !== undefined) return err;
    const policyErr = this.updateClaimsForRetentionPolicy(this.set, pod);
    if (policyErr !== undefined) this.podEvent('update', pod, policyErr);
    return policyErr;
  }

  /** PodClaimIsStale: under WhenScaled=Delete, a claim still owned by a previous pod of this name holds creation back. */
  private podClaimIsStale(pod: P): boolean {
    if (retentionPolicy(this.set).whenScaled === 'Retain') return false;
    return claimNamesFor(this.set, ordinalOf(pod)).some((name) => {
      const existing = this.ctx.store.get(PVCS, this.ns, name);
      return existing !== undefined && hasStalePodRef(existing, pod);
    });
  }

  private claimsMatchRetentionPolicy(set: STS, pod: P): boolean {
    return claimNamesFor(set, ordinalOf(pod)).every((name) => {
      const existing = this.ctx.store.get(PVCS, this.ns, name);
      return existing === undefined || isClaimOwnerUpToDate(existing, set, pod);
    });
  }

  /** UpdatePodClaimForRetentionPolicy. */
  private updateClaimsForRetentionPolicy(set: STS, pod: P): SyncError | undefined {
    for (const name of claimNamesFor(set, ordinalOf(pod))) {
      const existing = this.ctx.store.get(PVCS, this.ns, name) as (PersistentVolumeClaim & KObject) | undefined;
      if (existing === undefined) continue;
      if (hasUnexpectedController(existing, set, pod)) {
        // Upstream's spelling.
        this.events.record(set, 'Warning', 'ConflictingController', `PersistentVolumeClaim ${name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`, SOURCE);
      }
      if (isClaimOwnerUpToDate(existing, set, pod)) continue;
      try {
        this.ctx.registry.update(PVCS, claimWithPolicyOwners(existing, set, pod));
      } catch (e) {
        return new SyncError(`could not update claim ${name} for delete policy ownerRefs: ${syncError(e).message}`);
      }
    }
    return undefined;
  }

  /** recordPodEvent: `create Pod web-0 in StatefulSet web successful`. */
  private podEvent(verb: 'create' | 'update' | 'delete', pod: P, err?: Error): void {
    const title = verb[0]!.toUpperCase() + verb.slice(1);
    const podName = pod.metadata?.name ?? '';
    const setName = this.set.metadata?.name ?? '';
    if (err === undefined) this.events.record(this.set, 'Normal', `Successful${title}`, `${verb} Pod ${podName} in StatefulSet ${setName} successful`, SOURCE);
    else this.events.record(this.set, 'Warning', `Failed${title}`, `${verb} Pod ${podName} in StatefulSet ${setName} failed error: ${err.message}`, SOURCE);
  }

  /** recordClaimEvent: `create Claim www-web-0 Pod web-0 in StatefulSet web success`. */
  private claimEvent(pod: P, claimName: string, err?: StatusError): void {
    const podName = pod.metadata?.name ?? '';
    const setName = this.set.metadata?.name ?? '';
    if (err === undefined) this.events.record(this.set, 'Normal', 'SuccessfulCreate', `create Claim ${claimName} Pod ${podName} in StatefulSet ${setName} success`, SOURCE);
    else this.events.record(this.set, 'Warning', 'FailedCreate', `create Claim ${claimName} for Pod ${podName} in StatefulSet ${setName} failed error: ${err.status.message ?? err.message}`, SOURCE);
  }

  // ---- status and history ----

  /** updateStatefulSetStatus: complete a finished rolling update, then write if anything differs. */
  private writeStatus(status: Status): SyncError | undefined {
    completeRollingUpdate(this.set, status);
    if (!inconsistentStatus(this.set, status)) return undefined;
    let set: STS = this.set;
    for (let attempt = 0; ; attempt++) {
      try {
        this.ctx.registry.update(STATEFULSETS, { ...set, status: statusObject(status) }, { subresource: 'status' });
        return undefined;
      } catch (e) {
        const err = syncError(e);
        const fresh = this.ctx.store.get(STATEFULSETS, this.ns, set.metadata?.name ?? '') as STS | undefined;
        if (!isStatusError(e, 'Conflict') || fresh === undefined || attempt >= 4) return err;
        set = fresh;
      }
    }
  }

  /**
   * truncateHistory: revisions named by the status or by any pod are live; of the rest,
   * the oldest go until revisionHistoryLimit remain.
   */
  private truncateHistory(revisions: readonly Revision[], current: Revision, update: Revision): void {
    const live = new Set([current.metadata?.name, update.metadata?.name, ...this.pods.map(revisionOf)]);
    const history = revisions.filter((r) => !live.has(r.metadata?.name));
    const limit = this.set.spec?.revisionHistoryLimit ?? 10;
    if (limit < 0 || history.length <= limit) return;
    for (const rev of history.slice(0, history.length - limit)) {
      try {
        this.ctx.registry.delete({ group: 'apps', resource: 'controllerrevisions' }, this.ns, rev.metadata?.name ?? '');
      } catch (e) {
        throw syncError(e);
      }
    }
  }
}
