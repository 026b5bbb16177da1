// The Deployment controller: one ReplicaSet per pod template (`<deploy>-<hash>`), rolled
// forward with RollingUpdate (maxSurge/maxUnavailable) or Recreate, scaled proportionally,
// with revisions, history cleanup, pause/resume and the Available/Progressing conditions
// that `kubectl rollout status` reads.
// K:pkg/controller/deployment/{deployment_controller,sync,rolling,recreate,progress}.go
import type { Deployment, DeploymentCondition, ReplicaSetCondition } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { parseTime } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { claim, controllerRefOf, keyOf, newControllerRef, queueController, selectorOf, splitKey, tolerate } from './controller-utils.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deepClone, deepEqual, type GroupResource } from './objects.ts';
import { REPLICASETS, ReplicaSetController } from './replicaset.ts';
import type { Change } from './store.ts';
import { WorkQueue } from './workqueue.ts';
import {
  activeSets, byCreation, DESIRED_REPLICAS, equalIgnoreHash, getCondition, hasProgressDeadline, isRollingUpdate,
  maxRevision, maxSurge, maxUnavailable, newCondition, POD_TEMPLATE_HASH, podTemplateHash, progressDeadline, REASON,
  removeCondition, replicas, replicasAnnotationsNeedUpdate, REVISION, revisionHistoryLimit, revisionOf,
  setCondition, setNewReplicaSetAnnotations, setReplicasAnnotations, sumSpec, sumStatus, type Deploy, type RS,
} from './deployment/util.ts';

export const DEPLOYMENTS: GroupResource = { group: 'apps', resource: 'deployments' };
const PODS = CORE('pods');
const SOURCE = { component: 'deployment-controller' };

/** Registers the ReplicaSet and Deployment controllers on a cluster. */
export function installWorkloadControllers(cluster: Cluster): void {
  cluster.addController((ctx) => new ReplicaSetController(ctx));
  cluster.addController((ctx) => new DeploymentController(ctx));
}

/**
 * Ends one sync early, as an error return does upstream. A conflict needs nothing more
 * (the write that caused it requeues the Deployment); `retry` asks for the rate-limited
 * requeue upstream's work queue gives a failed sync.
 */
class Abort extends Error {
  constructor(readonly retry = false) {
    super('sync aborted');
  }
}

interface DStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

const num = (v: number | undefined): number => v ?? 0;

export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  private readonly queue: WorkQueue;
  readonly events: EventRecorder;

  constructor(readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    this.queue = new WorkQueue(ctx.clock, 'deployment');
    for (const d of ctx.store.list(DEPLOYMENTS).items) this.queue.add(keyOf(d));
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    const { group, resource } = c.gr;
    if (group === 'apps' && resource === 'deployments') this.queue.add(keyOf(c.object));
    else if (group === 'apps' && resource === 'replicasets') {
      queueController(this.queue, c, 'Deployment');
      if (c.type !== 'DELETED' && controllerRefOf(c.object) === undefined) {
        for (const d of this.ctx.store.list(DEPLOYMENTS, { namespace: c.object.metadata?.namespace ?? '' }).items) {
          if (selectorOf((d as Deployment).spec?.selector).matches(c.object.metadata?.labels)) this.queue.add(keyOf(d));
        }
      }
    } else if (group === '' && resource === 'pods' && c.type === 'DELETED') {
      // Recreate waits for old pods to be gone, so their deletion is news to it (only).
      const ns = c.object.metadata?.namespace ?? '';
      const ref = controllerRefOf(c.object);
      const rs = ref?.kind === 'ReplicaSet' ? this.ctx.store.get(REPLICASETS, ns, ref.name) : undefined;
      const owner = controllerRefOf(rs);
      const d = owner?.kind === 'Deployment' ? (this.ctx.store.get(DEPLOYMENTS, ns, owner.name) as Deploy | undefined) : undefined;
      if (d?.spec?.strategy?.type === 'Recreate') this.queue.add(`${ns}/${owner!.name}`);
    }
    return this.queue.size > before;
  }

  hasWork(): boolean {
    return this.queue.size > 0;
  }

  reconcile(): void {
    for (const key of this.queue.take()) {
      const [ns, name] = splitKey(key);
      const d = this.ctx.store.get(DEPLOYMENTS, ns, name);
      if (d === undefined) continue;
      let failed = false;
      try {
        // Stored objects are frozen: the sync reads them and writes copies.
        new DeploymentSync(this, d as Deploy).run();
      } catch (e) {
        if (!(e instanceof Abort)) throw e;
        failed = e.retry;
      }
      this.queue.done(key, failed);
    }
  }

  /** requeueStuckDeployment: look again when the progress deadline can have passed. */
  requeueAt(d: Deploy, at: number): void {
    // Background: a deadline is not work in flight, so settle() need not wait ten minutes for it.
    this.queue.addAt(keyOf(d), at, 'progress check', { background: true });
  }
}

/** One syncDeployment pass over one Deployment. */
class DeploymentSync {
  private readonly ctx: ControllerContext;

  constructor(private readonly owner: DeploymentController, private d: Deploy) {
    this.ctx = owner.ctx;
  }

  private get now(): number {
    return this.ctx.clock.now();
  }

  run(): void {
    const d = this.d;
    if (deepEqual(d.spec?.selector, {})) {
      this.owner.events.record(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.', SOURCE);
      if (num(d.status?.observedGeneration) < num(d.metadata?.generation)) {
        this.writeStatus({ ...(d.status as DStatus | undefined), observedGeneration: d.metadata?.generation });
      }
      return;
    }
    let rsList = this.replicaSets();
    if (d.metadata?.deletionTimestamp !== undefined) {
      const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(rsList, false);
      this.syncDeploymentStatus([...oldRSs, newRS], newRS);
      return;
    }
    this.checkPausedConditions();
    if (d.spec?.paused === true) return this.sync(rsList);
    rsList = this.fresh(rsList);
    if (this.isScalingEvent(rsList)) return this.sync(this.fresh(rsList));
    rsList = this.fresh(rsList);
    if (d.spec?.strategy?.type === 'Recreate') this.rolloutRecreate(rsList);
    else this.rolloutRolling(rsList);
  }

  // ---- reading ----------------------------------------------------------------------

  /** getReplicaSetsForDeployment: claim by selector, oldest first. */
  private replicaSets(): RS[] {
    const ns = this.d.metadata?.namespace ?? '';
    const all = this.ctx.store.list(REPLICASETS, { namespace: ns }).items;
    return (claim(this.ctx, REPLICASETS, this.d, selectorOf(this.d.spec?.selector), all) as RS[]).sort(byCreation);
  }

  /** The stored versions of these sets (earlier steps of this sync may have written them). */
  private fresh(sets: readonly RS[]): RS[] {
    const out: RS[] = [];
    for (const rs of sets) {
      const cur = this.ctx.store.get(REPLICASETS, rs.metadata?.namespace ?? '', rs.metadata?.name ?? '');
      if (cur !== undefined && cur.metadata?.uid === rs.metadata?.uid) out.push(cur as RS);
    }
    return out;
  }

  /** Pods of this Deployment grouped by the uid of the ReplicaSet that controls them. */
  private podMap(rsList: readonly RS[]): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata?.uid ?? '', []]));
    const selector = selectorOf(this.d.spec?.selector);
    for (const pod of this.ctx.store.list(PODS, { namespace: this.d.metadata?.namespace ?? '', labelSelector: selector }).items) {
      map.get(controllerRefOf(pod)?.uid ?? '')?.push(pod as Pod);
    }
    return map;
  }

  // ---- writing ----------------------------------------------------------------------

  private writeStatus(status: DStatus): void {
    const written = tolerate(() => this.ctx.registry.update(DEPLOYMENTS, { ...this.d, status: compactStatus(status) }, { subresource: 'status' }));
    if (written === undefined) throw new Abort();
    this.d = written as Deploy;
  }

  /**
   * SetDeploymentRevision. Upstream sends the annotation with UpdateStatus (the status
   * strategy keeps annotations); the shim's status writes keep metadata, so it is a
   * metadata write of its own.
   */
  private setRevision(revision: string): void {
    if (this.d.metadata?.annotations?.[REVISION] === revision) return;
    const next = { ...this.d, metadata: { ...this.d.metadata, annotations: { ...(this.d.metadata?.annotations ?? {}), [REVISION]: revision } } };
    const written = tolerate(() => this.ctx.registry.update(DEPLOYMENTS, next));
    if (written === undefined) throw new Abort();
    this.d = written as Deploy;
  }

  private updateRS(rs: RS): RS {
    const written = tolerate(() => this.ctx.registry.update(REPLICASETS, rs));
    if (written === undefined) throw new Abort();
    return written as RS;
  }

  // ---- revisions and the new ReplicaSet --------------------------------------------

  private getAllReplicaSetsAndSyncRevision(rsList: RS[], create: boolean): { newRS: RS | undefined; oldRSs: RS[] } {
    const found = rsList.find((rs) => equalIgnoreHash(rs.spec?.template, this.d.spec?.template));
    const oldRSs = rsList.filter((rs) => rs !== found);
    return { newRS: this.getNewReplicaSet(found, oldRSs, create), oldRSs };
  }

  private getNewReplicaSet(existing: RS | undefined, oldRSs: RS[], create: boolean): RS | undefined {
    const d = this.d;
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing !== undefined) {
      // Only annotations and minReadySeconds may change: copy just those parts.
      const copy: RS = { ...existing, metadata: { ...existing.metadata, annotations: { ...(existing.metadata?.annotations ?? {}) } }, spec: { ...existing.spec! } };
      const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
        setMinReady(copy, minReady);
        return this.updateRS(copy);
      }
      this.setRevision(copy.metadata?.annotations?.[REVISION] ?? '');
      if (hasProgressDeadline(d) && getCondition(d.status?.conditions, 'Progressing') === undefined) {
        const cond = newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${copy.metadata?.name ?? ''}"`, this.now);
        this.writeStatus({ ...(d.status as DStatus | undefined), conditions: setCondition([...(d.status?.conditions ?? [])], cond) });
      }
      return copy;
    }
    if (!create) return undefined;

    const hash = podTemplateHash(d.spec?.template, d.status?.collisionCount);
    const template = deepClone(d.spec?.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = deepClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const name = `${d.metadata?.name ?? ''}-${hash}`;
    const newRS: RS = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: d.metadata?.namespace, labels: { ...template.metadata.labels }, ownerReferences: [newControllerRef(d)] },
      spec: { replicas: 0, selector, template },
    };
    setMinReady(newRS, d.spec?.minReadySeconds ?? 0);
    const count = this.newRSNewReplicas([...oldRSs, newRS], newRS);
    newRS.spec!.replicas = count;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);

    let created: RS;
    let alreadyExists = false;
    try {
      created = this.ctx.registry.create(REPLICASETS, newRS) as RS;
    } catch (e) {
      if (!isStatusError(e)) throw e;
      if (e.reason === 'AlreadyExists') {
        const rs = this.ctx.store.get(REPLICASETS, d.metadata?.namespace ?? '', name) as RS | undefined;
        if (rs !== undefined && controllerRefOf(rs)?.uid === d.metadata?.uid && equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
          created = rs;
          alreadyExists = true;
        } else {
          // A hash collision: bump collisionCount so the next sync computes another name.
          this.writeStatus({ ...(d.status as DStatus | undefined), collisionCount: num(d.status?.collisionCount) + 1 });
          throw new Abort();
        }
      } else if ((e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) {
        throw new Abort();
      } else {
        const msg = `Failed to create new replica set "${name}": ${e.message}`;
        if (hasProgressDeadline(d)) {
          const cond = newCondition('Progressing', 'False', REASON.failedRSCreate, msg, this.now);
          tolerate(() => this.writeStatus({ ...(d.status as DStatus | undefined), conditions: setCondition([...(d.status?.conditions ?? [])], cond) }));
        }
        this.owner.events.record(d, 'Warning', REASON.failedRSCreate, msg, SOURCE);
        throw new Abort(true);
      }
    }
    if (!alreadyExists && count > 0) {
      this.owner.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${count}`, SOURCE);
    }
    this.setRevision(String(newRevision));
    if (!alreadyExists && hasProgressDeadline(this.d)) {
      const cond = newCondition('Progressing', 'True', REASON.newRS, `Created new replica set "${name}"`, this.now);
      this.writeStatus({ ...(this.d.status as DStatus | undefined), conditions: setCondition([...(this.d.status?.conditions ?? [])], cond) });
    }
    return created;
  }

  /** NewRSNewReplicas */
  private newRSNewReplicas(allRSs: readonly RS[], newRS: RS): number {
    const d = this.d;
    if (!isRollingUpdate(d)) return replicas(d);
    const maxTotal = replicas(d) + maxSurge(d);
    const current = sumSpec(allRSs);
    if (current >= maxTotal) return replicas(newRS);
    const up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
    return replicas(newRS) + up;
  }

  // ---- scaling ----------------------------------------------------------------------

  private scaleAndRecord(rs: RS, newScale: number): { scaled: boolean; rs: RS } {
    if (replicas(rs) === newScale) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, newScale, replicas(rs) < newScale ? 'up' : 'down');
  }

  private scaleReplicaSet(rs: RS, newScale: number, operation: string): { scaled: boolean; rs: RS } {
    const d = this.d;
    const sizeChanges = replicas(rs) !== newScale;
    const max = replicas(d) + maxSurge(d);
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, replicas(d), max)) return { scaled: false, rs };
    const oldScale = replicas(rs);
    const copy: RS = { ...rs, metadata: { ...rs.metadata, annotations: { ...(rs.metadata?.annotations ?? {}) } }, spec: { ...rs.spec!, replicas: newScale } };
    setReplicasAnnotations(copy, replicas(d), max);
    const updated = this.updateRS(copy);
    if (sizeChanges) {
      this.owner.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata?.name ?? ''} from ${oldScale} to ${newScale}`, SOURCE);
    }
    return { scaled: sizeChanges, rs: updated };
  }

  /** isScalingEvent: an active set was sized for a different spec.replicas. */
  private isScalingEvent(rsList: RS[]): boolean {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(rsList, false);
    for (const rs of activeSets(this.fresh([...oldRSs, ...(newRS ? [newRS] : [])]))) {
      const desired = Number(rs.metadata?.annotations?.[DESIRED_REPLICAS] ?? 'x');
      if (Number.isInteger(desired) && desired !== replicas(this.d)) return true;
    }
    return false;
  }

  /** sync: scaling events and paused deployments. */
  private sync(rsList: RS[]): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(rsList, false);
    this.scale(newRS, oldRSs);
    const fresh = this.fresh(oldRSs);
    if (this.d.spec?.paused === true) this.cleanup(fresh);
    const n = newRS === undefined ? undefined : this.fresh([newRS])[0];
    this.syncDeploymentStatus([...this.fresh(oldRSs), n], n);
  }

  /** scale: proportional scaling across active sets (largest first). */
  private scale(newRS: RS | undefined, oldRSs: RS[]): void {
    const d = this.d;
    const active = activeSets([newRS, ...oldRSs]);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...oldRSs].sort(byCreation).at(-1);
      if (target !== undefined && replicas(target) !== replicas(d)) this.scaleAndRecord(target, replicas(d));
      return;
    }
    if (newRS !== undefined && isSaturated(d, newRS)) {
      for (const old of activeSets(oldRSs)) this.scaleAndRecord(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const total = sumSpec(active);
    const allowed = replicas(d) > 0 ? replicas(d) + maxSurge(d) : 0;
    const toAdd = allowed - total;
    let operation = '';
    if (toAdd > 0) {
      active.sort((a, b) => replicas(b) - replicas(a) || -byCreation(a, b));
      operation = 'up';
    } else if (toAdd < 0) {
      active.sort((a, b) => replicas(b) - replicas(a) || byCreation(a, b));
      operation = 'down';
    }
    const sizes = new Map<RS, number>();
    let added = 0;
    for (const rs of active) {
      if (toAdd === 0) {
        sizes.set(rs, replicas(rs));
        continue;
      }
      const p = this.proportion(rs, toAdd, added);
      sizes.set(rs, replicas(rs) + p);
      added += p;
    }
    active.forEach((rs, i) => {
      let size = sizes.get(rs)!;
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
      this.scaleReplicaSet(rs, size, operation);
    });
  }

  /** GetReplicaSetProportion / getReplicaSetFraction */
  private proportion(rs: RS, toAdd: number, added: number): number {
    const d = this.d;
    if (replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
    let fraction: number;
    if (replicas(d) === 0) fraction = -replicas(rs);
    else {
      const max = replicas(d) + maxSurge(d);
      let before = Number(rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'] ?? 'x');
      if (!Number.isInteger(before) || before === 0) before = num(d.status?.replicas);
      fraction = Math.round((replicas(rs) * max) / before) - replicas(rs);
    }
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  // ---- RollingUpdate ---------------------------------------------------------------

  private rolloutRolling(rsList: RS[]): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(rsList, true);
    if (newRS === undefined) return;
    const all = (): Array<RS | undefined> => [...oldRSs, newRS];
    if (this.reconcileNewReplicaSet(all(), newRS)) return this.syncRolloutStatus(this.fresh(oldRSs), this.fresh([newRS])[0]);
    if (this.reconcileOldReplicaSets(all(), activeSets(this.fresh(oldRSs)), this.fresh([newRS])[0] ?? newRS)) {
      return this.syncRolloutStatus(this.fresh(oldRSs), this.fresh([newRS])[0]);
    }
    if (deploymentComplete(this.d, this.d.status as DStatus | undefined)) this.cleanup(this.fresh(oldRSs));
    this.syncRolloutStatus(this.fresh(oldRSs), this.fresh([newRS])[0]);
  }

  private reconcileNewReplicaSet(allRSs: Array<RS | undefined>, newRS: RS): boolean {
    const want = replicas(this.d);
    if (replicas(newRS) === want) return false;
    if (replicas(newRS) > want) return this.scaleAndRecord(newRS, want).scaled;
    const count = this.newRSNewReplicas(allRSs.filter((x): x is RS => x !== undefined), newRS);
    return this.scaleAndRecord(newRS, count).scaled;
  }

  private reconcileOldReplicaSets(allRSs: Array<RS | undefined>, oldRSs: RS[], newRS: RS): boolean {
    const oldPods = sumSpec(oldRSs);
    if (oldPods === 0) return false;
    const minAvailable = replicas(this.d) - maxUnavailable(this.d);
    const newUnavailable = replicas(newRS) - num(newRS.status?.availableReplicas);
    const maxScaledDown = sumSpec(allRSs) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    const { sets, count: cleaned } = this.cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
    const scaledDown = this.scaleDownOldForRollingUpdate([...sets, newRS], sets);
    return cleaned + scaledDown > 0;
  }

  /** Old pods that are not available go first: they would otherwise block the rollout. */
  private cleanupUnhealthyReplicas(oldRSs: RS[], maxCleanup: number): { sets: RS[]; count: number } {
    const sets = [...oldRSs].sort(byCreation);
    let total = 0;
    sets.forEach((rs, i) => {
      if (total >= maxCleanup || replicas(rs) === 0) return;
      const unhealthy = replicas(rs) - num(rs.status?.availableReplicas);
      if (unhealthy <= 0) return;
      const down = Math.min(maxCleanup - total, unhealthy);
      sets[i] = this.scaleAndRecord(rs, replicas(rs) - down).rs;
      total += down;
    });
    return { sets, count: total };
  }

  private scaleDownOldForRollingUpdate(allRSs: RS[], oldRSs: RS[]): number {
    const minAvailable = replicas(this.d) - maxUnavailable(this.d);
    const available = sumStatus(allRSs, 'availableReplicas');
    if (available <= minAvailable) return 0;
    const target = available - minAvailable;
    let total = 0;
    for (const rs of [...oldRSs].sort(byCreation)) {
      if (total >= target) break;
      if (replicas(rs) === 0) continue;
      const down = Math.min(replicas(rs), target - total);
      this.scaleAndRecord(rs, replicas(rs) - down);
      total += down;
    }
    return total;
  }

  // ---- Recreate --------------------------------------------------------------------

  private rolloutRecreate(rsList: RS[]): void {
    let { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(rsList, false);
    let scaledDown = false;
    for (const rs of activeSets(oldRSs)) scaledDown = this.scaleAndRecord(rs, 0).scaled || scaledDown;
    if (scaledDown) return this.syncRolloutStatus(this.fresh(oldRSs), newRS && this.fresh([newRS])[0]);
    if (this.oldPodsRunning(newRS, this.fresh(oldRSs))) return this.syncRolloutStatus(this.fresh(oldRSs), newRS && this.fresh([newRS])[0]);
    if (newRS === undefined) ({ newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(this.fresh(rsList), true));
    if (newRS === undefined) return;
    this.scaleAndRecord(this.fresh([newRS])[0] ?? newRS, replicas(this.d));
    if (deploymentComplete(this.d, this.d.status as DStatus | undefined)) this.cleanup(this.fresh(oldRSs));
    this.syncRolloutStatus(this.fresh(oldRSs), this.fresh([newRS])[0]);
  }

  /** Old pods count until they are gone, terminating ones included (terminal ones not). */
  private oldPodsRunning(newRS: RS | undefined, oldRSs: RS[]): boolean {
    if (sumStatus(oldRSs, 'replicas') > 0) return true;
    const all = newRS === undefined ? oldRSs : [...oldRSs, newRS];
    for (const [uid, pods] of this.podMap(all)) {
      if (newRS !== undefined && uid === newRS.metadata?.uid) continue;
      if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
    }
    return false;
  }

  // ---- history, pause, status ------------------------------------------------------

  /** cleanupDeployment: keep revisionHistoryLimit old sets, delete the oldest empty ones. */
  private cleanup(oldRSs: RS[]): void {
    const limit = revisionHistoryLimit(this.d);
    const alive = oldRSs.filter((rs) => rs.metadata?.deletionTimestamp === undefined);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    alive.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of alive.slice(0, diff)) {
      if (num(rs.status?.replicas) !== 0 || replicas(rs) !== 0) continue;
      if (num(rs.metadata?.generation) > num(rs.status?.observedGeneration)) continue;
      tolerate(() => this.ctx.registry.delete(REPLICASETS, rs.metadata?.namespace ?? '', rs.metadata?.name ?? ''));
    }
  }

  private checkPausedConditions(): void {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status?.conditions, 'Progressing');
    if (cond?.reason === REASON.timedOut) return;
    const pausedExists = cond?.reason === REASON.paused;
    let next: DeploymentCondition | undefined;
    if (d.spec?.paused === true && !pausedExists) next = newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', this.now);
    else if (d.spec?.paused !== true && pausedExists) next = newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', this.now);
    if (next === undefined) return;
    this.writeStatus({ ...(d.status as DStatus | undefined), conditions: setCondition([...(d.status?.conditions ?? [])], next) });
  }

  private calculateStatus(allRSs: Array<RS | undefined>, newRS: RS | undefined): DStatus {
    const d = this.d;
    const available = sumStatus(allRSs, 'availableReplicas');
    const status: DStatus = {
      observedGeneration: d.metadata?.generation,
      replicas: sumStatus(allRSs, 'replicas'),
      updatedReplicas: sumStatus([newRS], 'replicas'),
      readyReplicas: sumStatus(allRSs, 'readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, sumSpec(allRSs) - available),
      conditions: [...(d.status?.conditions ?? [])],
      collisionCount: d.status?.collisionCount,
    };
    status.conditions = available >= replicas(d) - maxUnavailable(d)
      ? setCondition(status.conditions!, newCondition('Available', 'True', REASON.minAvailable, 'Deployment has minimum availability.', this.now))
      : setCondition(status.conditions!, newCondition('Available', 'False', REASON.minUnavailable, 'Deployment does not have minimum availability.', this.now));
    return status;
  }

  private syncDeploymentStatus(allRSs: Array<RS | undefined>, newRS: RS | undefined): void {
    const status = compactStatus(this.calculateStatus(allRSs, newRS));
    if (!deepEqual(status, this.d.status)) this.writeStatus(status);
  }

  /** syncRolloutStatus: calculateStatus plus the Progressing estimate. */
  private syncRolloutStatus(oldRSs: RS[], newRS: RS | undefined): void {
    const d = this.d;
    const status = this.calculateStatus([...oldRSs, newRS], newRS);
    let conds = status.conditions ?? [];
    if (!hasProgressDeadline(d)) conds = removeCondition(conds, 'Progressing');
    const current = getCondition(d.status?.conditions, 'Progressing');
    const complete = num(status.replicas) === num(status.updatedReplicas) && current?.reason === REASON.newRSAvailable;
    const rsName = newRS?.metadata?.name;
    if (hasProgressDeadline(d) && !complete) {
      if (deploymentComplete(d, status)) {
        const msg = rsName !== undefined ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata?.name ?? ''}" has successfully progressed.`;
        conds = setCondition(conds, newCondition('Progressing', 'True', REASON.newRSAvailable, msg, this.now));
      } else if (deploymentProgressing(d, status)) {
        const msg = rsName !== undefined ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata?.name ?? ''}" is progressing.`;
        const cond = newCondition('Progressing', 'True', REASON.rsUpdated, msg, this.now);
        // Progress refreshes lastUpdateTime even when the reason stays the same.
        if (current !== undefined) {
          if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
          conds = removeCondition(conds, 'Progressing');
        }
        conds = setCondition(conds, cond);
      } else if (this.timedOut(conds)) {
        const msg = rsName !== undefined ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata?.name ?? ''}" has timed out progressing.`;
        conds = setCondition(conds, newCondition('Progressing', 'False', REASON.timedOut, msg, this.now));
      }
    }
    // getReplicaFailures: the new set's failure first, else an old set's.
    const failureOf = (rs: RS | undefined): ReplicaSetCondition | undefined => rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    const failure = failureOf(newRS) ?? oldRSs.map(failureOf).find((c) => c !== undefined);
    if (failure !== undefined) {
      conds = setCondition(conds, { type: 'ReplicaFailure', status: failure.status, lastUpdateTime: failure.lastTransitionTime, lastTransitionTime: failure.lastTransitionTime, reason: failure.reason, message: failure.message });
    } else conds = removeCondition(conds, 'ReplicaFailure');
    status.conditions = conds;
    const compact = compactStatus(status);
    if (deepEqual(compact, d.status)) {
      this.requeueStuck(status);
      return;
    }
    this.writeStatus(compact);
  }

  /** DeploymentTimedOut */
  private timedOut(conds: DeploymentCondition[]): boolean {
    const cond = getCondition(conds, 'Progressing');
    if (cond === undefined || cond.reason === REASON.newRSAvailable) return false;
    if (cond.reason === REASON.timedOut) return true;
    if (cond.lastUpdateTime === undefined) return false;
    return parseTime(cond.lastUpdateTime) + progressDeadline(this.d) * 1000 < this.now;
  }

  private requeueStuck(status: DStatus): void {
    const d = this.d;
    const cond = getCondition(d.status?.conditions, 'Progressing');
    if (!hasProgressDeadline(d) || cond === undefined || cond.lastUpdateTime === undefined) return;
    if (deploymentComplete(d, status) || cond.reason === REASON.timedOut) return;
    // Upstream adds a second "to avoid milliseconds skew"; it also makes the deadline strictly past.
    const at = parseTime(cond.lastUpdateTime) + progressDeadline(d) * 1000 + 1000;
    this.owner.requeueAt(d, Math.max(at, this.now));
  }
}

function setMinReady(rs: RS, seconds: number): void {
  if (seconds > 0) rs.spec = { ...rs.spec!, minReadySeconds: seconds };
  else if (rs.spec !== undefined) delete (rs.spec as { minReadySeconds?: number }).minReadySeconds;
}

function isSaturated(d: Deploy, rs: RS): boolean {
  const desired = Number(rs.metadata?.annotations?.[DESIRED_REPLICAS] ?? 'x');
  return replicas(rs) === replicas(d) && desired === replicas(d) && num(rs.status?.availableReplicas) === replicas(d);
}

function deploymentComplete(d: Deploy, s: DStatus | undefined): boolean {
  const want = replicas(d);
  return num(s?.updatedReplicas) === want && num(s?.replicas) === want && num(s?.availableReplicas) === want &&
    num(s?.observedGeneration) >= num(d.metadata?.generation);
}

function deploymentProgressing(d: Deploy, s: DStatus): boolean {
  const old = (d.status ?? {}) as DStatus;
  const oldOld = num(old.replicas) - num(old.updatedReplicas);
  const newOld = num(s.replicas) - num(s.updatedReplicas);
  return num(s.updatedReplicas) > num(old.updatedReplicas) || newOld < oldOld ||
    num(s.readyReplicas) > num(old.readyReplicas) || num(s.availableReplicas) > num(old.availableReplicas);
}

/** DeploymentStatus as Go serialises it: zero counts and empty lists omitted, field order kept. */
function compactStatus(s: DStatus): DStatus {
  const out: DStatus = {};
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (num(s[k]) !== 0) out[k] = s[k];
  }
  if ((s.conditions ?? []).length > 0) out.conditions = s.conditions;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  return out;
}
