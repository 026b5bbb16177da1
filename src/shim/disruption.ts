// The disruption controller: keeps each PodDisruptionBudget's status (how many selected
// pods are healthy, how many must stay so, how many evictions are allowed now) so that
// the eviction subresource (eviction.ts) can decide without counting pods itself.
// K:pkg/controller/disruption/disruption.go (trySync, getExpectedPodCount,
// getExpectedScale, countHealthyPods, buildDisruptedPodMap, updatePdbStatus, failSafe),
// K:staging/src/k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Condition } from 'kubernetes-types/meta/v1';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1';
import { parseTime, rfc3339 } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { controllerRefOf, isPodReady, keyOf, splitKey } from './controller-utils.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deepEqual, type GroupResource, type KObject } from './objects.ts';
import { LabelSelector, fromLabelSelector, SelectorError } from './selectors.ts';
import type { Change } from './store.ts';
import { WorkQueue } from './workqueue.ts';

export const PDBS: GroupResource = { group: 'policy', resource: 'poddisruptionbudgets' };
const PODS = CORE('pods');
const SOURCE = { component: 'controllermanager' };
/** How long an admitted eviction keeps its pod out of currentHealthy while the pod is not yet deleting. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** Status fields are optional until the controller first writes them. */
export type PdbStatus = Partial<PodDisruptionBudgetStatus>;
export type PDB = Omit<PodDisruptionBudget, 'status'> & { status?: PdbStatus } & KObject;
type IntOrString = number | string;

export function installDisruptionController(cluster: Cluster): DisruptionController {
  return cluster.addController((ctx) => new DisruptionController(ctx)) as DisruptionController;
}

/**
 * The pods a budget covers. A null selector covers none, an empty one every pod of
 * the namespace (LabelSelectorAsSelector); an unparsable one is an error.
 */
export function pdbSelector(pdb: PDB): LabelSelector {
  const sel = pdb.spec?.selector;
  if (sel === undefined || sel === null) return LabelSelector.nothing();
  return fromLabelSelector(sel);
}

/** intstr.GetScaledValueFromIntOrPercent: an int as is, `N%` of total rounded (up or down). */
export function scaledValue(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (m === null) throw new Error(`invalid value for IntOrString: invalid value "${v}": strconv.Atoi: parsing "${v}": invalid syntax`);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** UpdateDisruptionAllowedCondition + apimeta.SetStatusCondition. */
export function withDisruptionAllowedCondition(status: PdbStatus, now: number): Condition[] {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  return setCondition(status.conditions ?? [], {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
    lastTransitionTime: rfc3339(now),
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
  });
}

/** apimeta.SetStatusCondition: the transition time moves only when the status flips. */
function setCondition(conditions: readonly Condition[], next: Condition): Condition[] {
  const i = conditions.findIndex((c) => c.type === next.type);
  if (i < 0) return [...conditions, next];
  const old = conditions[i]!;
  const merged: Condition = { ...next, lastTransitionTime: old.status === next.status ? old.lastTransitionTime : next.lastTransitionTime };
  return conditions.map((c, j) => (j === i ? merged : c));
}

export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  private readonly queue: WorkQueue;
  private readonly events: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    this.queue = new WorkQueue(ctx.clock, 'disruption');
    for (const pdb of ctx.store.list(PDBS).items) this.queue.add(keyOf(pdb));
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    if (c.gr.group === 'policy' && c.gr.resource === 'poddisruptionbudgets') this.queue.add(keyOf(c.object));
    else if (c.gr.group === '' && c.gr.resource === 'pods') {
      // A pod that joins, leaves or changes health moves the budgets selecting it (before or after).
      for (const pdb of this.ctx.store.list(PDBS, { namespace: c.object.metadata?.namespace ?? '' }).items) {
        const sel = safeSelector(pdb as PDB);
        if (sel.matches(c.object.metadata?.labels) || (c.previous !== undefined && sel.matches(c.previous.metadata?.labels))) this.queue.add(keyOf(pdb));
      }
    } else if (c.gr.group === 'apps' && (c.gr.resource === 'deployments' || c.gr.resource === 'replicasets' || c.gr.resource === 'statefulsets')) {
      // expectedPods follows the controllers' scale for percentages and maxUnavailable.
      const replicas = (o: KObject | undefined) => (o?.spec as { replicas?: number } | undefined)?.replicas;
      if (c.type !== 'MODIFIED' || replicas(c.previous) !== replicas(c.object)) {
        for (const pdb of this.ctx.store.list(PDBS, { namespace: c.object.metadata?.namespace ?? '' }).items) this.queue.add(keyOf(pdb));
      }
    }
    return this.queue.size > before;
  }

  hasWork(): boolean {
    return this.queue.size > 0;
  }

  reconcile(): void {
    for (const key of this.queue.take()) this.sync(key);
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const pdb = this.ctx.store.get(PDBS, ns, name) as PDB | undefined;
    if (pdb === undefined) {
      this.queue.done(key, false);
      return;
    }
    let failed = false;
    try {
      this.trySync(pdb);
    } catch (e) {
      // A conflict is retried without the fail-safe; a budget deleted meanwhile is done with.
      if (isStatusError(e, 'Conflict')) failed = true;
      else if (e instanceof SyncError) {
        failed = true;
        this.failSafe(pdb, e.message);
      } else if (!isStatusError(e, 'NotFound')) throw e;
    }
    this.queue.done(key, failed);
  }

  private trySync(pdb: PDB): void {
    let pods: Pod[];
    try {
      pods = this.podsFor(pdb);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      this.events.record(pdb, 'Warning', 'NoPods', `Failed to get pods: ${e.message}`, SOURCE);
      throw new SyncError(e.message);
    }
    if (pods.length === 0) this.events.record(pdb, 'Normal', 'NoPods', 'No matching pods found', SOURCE);
    let expected: { expectedCount: number; desiredHealthy: number; unmanaged: string[] };
    try {
      expected = this.expectedPodCount(pdb, pods);
    } catch (e) {
      if (!(e instanceof Error) || isStatusError(e)) throw e;
      this.events.record(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${e.message}`, SOURCE);
      throw new SyncError(e.message);
    }
    if (expected.unmanaged.length > 0) {
      this.events.record(pdb, 'Warning', 'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${goSelector(pdb)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
        SOURCE);
    }
    const now = this.ctx.clock.now();
    const { disrupted, recheckAt } = this.disruptedPodMap(pdb, pods, now);
    const currentHealthy = countHealthy(pods, disrupted, now);
    this.updateStatus(pdb, currentHealthy, expected.desiredHealthy, expected.expectedCount, disrupted, now);
    // enqueuePdbForRecheck: the pod counts as healthy again just after its deletion deadline.
    if (recheckAt !== undefined) this.queue.addAt(keyOf(pdb), recheckAt + 1, 'recheck');
  }

  private podsFor(pdb: PDB): Pod[] {
    const sel = pdbSelector(pdb);
    return this.ctx.store.list(PODS, { namespace: pdb.metadata?.namespace ?? '' }).items
      .filter((p) => sel.matches(p.metadata?.labels)) as Pod[];
  }

  /** getExpectedPodCount: an integer minAvailable counts the pods; the rest ask the controllers' scale. */
  private expectedPodCount(pdb: PDB, pods: Pod[]): { expectedCount: number; desiredHealthy: number; unmanaged: string[] } {
    const spec = pdb.spec ?? {};
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      const { expectedCount, unmanaged } = this.expectedScale(pods);
      const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true);
      return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanaged };
    }
    if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
      if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
      const { expectedCount, unmanaged } = this.expectedScale(pods);
      return { expectedCount, desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true), unmanaged };
    }
    return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
  }

  /** getExpectedScale: the sum of the replicas of every controller of the selected pods. */
  private expectedScale(pods: Pod[]): { expectedCount: number; unmanaged: string[] } {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerRefOf(pod as KObject);
      if (ref === undefined) {
        unmanaged.push(pod.metadata?.name ?? '');
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = this.controllerScale(ref, pod.metadata?.namespace ?? '');
      if (found === undefined) throw new Error(`found no controllers for pod ${JSON.stringify(pod.metadata?.name ?? '')}`);
      scales.set(found.uid, found.scale);
    }
    let expectedCount = 0;
    for (const n of scales.values()) expectedCount += n;
    return { expectedCount, unmanaged };
  }

  /** The finders: a ReplicaSet's Deployment, a bare ReplicaSet, a StatefulSet, else anything with /scale. */
  private controllerScale(ref: { apiVersion: string; kind: string; name: string; uid: string }, ns: string): { uid: string; scale: number } | undefined {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
    const replicasOf = (o: KObject): number => (o.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions')) {
      const rs = this.ctx.store.get({ group: 'apps', resource: 'replicasets' }, ns, ref.name);
      if (rs === undefined || rs.metadata?.uid !== ref.uid) return undefined;
      const owner = controllerRefOf(rs);
      if (owner === undefined) return { uid: ref.uid, scale: replicasOf(rs) };
      if (owner.kind !== 'Deployment') return undefined;
      const d = this.ctx.store.get({ group: 'apps', resource: 'deployments' }, ns, owner.name);
      return d !== undefined && d.metadata?.uid === owner.uid ? { uid: owner.uid, scale: replicasOf(d) } : undefined;
    }
    if (ref.kind === 'StatefulSet' && group === 'apps') {
      const ss = this.ctx.store.get({ group: 'apps', resource: 'statefulsets' }, ns, ref.name);
      return ss !== undefined && ss.metadata?.uid === ref.uid ? { uid: ref.uid, scale: replicasOf(ss) } : undefined;
    }
    // getScaleController: any other kind must implement /scale.
    const rt = this.ctx.resources.byKind(ref.apiVersion, ref.kind);
    if (rt === undefined) throw new Error(`no matches for kind ${JSON.stringify(ref.kind)} in version ${JSON.stringify(ref.apiVersion)}`);
    if (rt.subresources.scale === undefined) throw new Error(`${rt.resource}${rt.group === '' ? '' : `.${rt.group}`} does not implement the scale subresource`);
    const owner = this.ctx.store.get(rt, rt.namespaced ? ns : '', ref.name);
    if (owner === undefined || owner.metadata?.uid !== ref.uid) return undefined;
    const replicas = readPath(owner, rt.subresources.scale.specReplicasPath);
    return { uid: ref.uid, scale: typeof replicas === 'number' ? replicas : 0 };
  }

  /** buildDisruptedPodMap: keep evictions still expected to turn into deletions. */
  private disruptedPodMap(pdb: PDB, pods: Pod[], now: number): { disrupted: Record<string, string>; recheckAt?: number } {
    const previous = pdb.status?.disruptedPods;
    const disrupted: Record<string, string> = {};
    let recheckAt: number | undefined;
    if (previous === undefined) return { disrupted };
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp !== undefined) continue;
      const name = pod.metadata?.name ?? '';
      const at = previous[name];
      if (at === undefined) continue;
      const expectedDeletion = parseTime(at) + DELETION_TIMEOUT_MS;
      if (expectedDeletion < now) {
        // Upstream prints the namespace twice here.
        const ns = pdb.metadata?.namespace ?? '';
        this.events.record(pod as KObject, 'Warning', 'NotDeleted', `Pod was expected by PDB ${ns}/${ns} to be deleted but it wasn't`, SOURCE);
      } else {
        if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
        disrupted[name] = at;
      }
    }
    return recheckAt === undefined ? { disrupted } : { disrupted, recheckAt };
  }

  /** updatePdbStatus: written only when something changed. */
  private updateStatus(pdb: PDB, currentHealthy: number, desiredHealthy: number, expectedPods: number, disrupted: Record<string, string>, now: number): void {
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    const old: PdbStatus = pdb.status ?? {};
    const generation = pdb.metadata?.generation;
    const cond = old.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const condUpToDate = cond !== undefined && old.observedGeneration === generation &&
      (disruptionsAllowed > 0 ? cond.status === 'True' && cond.reason === 'SufficientPods' : cond.status === 'False' && cond.reason === 'InsufficientPods');
    const oldDisrupted = old.disruptedPods ?? {};
    if (old.currentHealthy === currentHealthy && old.desiredHealthy === desiredHealthy && old.expectedPods === expectedPods &&
        old.disruptionsAllowed === disruptionsAllowed && deepEqual(oldDisrupted, disrupted) && condUpToDate) return;
    const status: PdbStatus = {
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      ...(old.conditions !== undefined ? { conditions: old.conditions } : {}),
    };
    status.conditions = withDisruptionAllowedCondition(status, now);
    this.ctx.registry.update(PDBS, { ...pdb, status } as KObject, { subresource: 'status' });
  }

  /** failSafe: when the status cannot be computed, allow no disruption at all. */
  private failSafe(pdb: PDB, message: string): void {
    const current = this.ctx.store.get(PDBS, pdb.metadata?.namespace ?? '', pdb.metadata?.name ?? '') as PDB | undefined;
    if (current === undefined) return;
    const status: PdbStatus = { ...(current.status ?? {}), disruptionsAllowed: 0 };
    status.conditions = setCondition(status.conditions ?? [], {
      type: 'DisruptionAllowed',
      status: 'False',
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      lastTransitionTime: rfc3339(this.ctx.clock.now()),
      reason: 'SyncFailed',
      message,
    });
    try {
      this.ctx.registry.update(PDBS, { ...current, status } as KObject, { subresource: 'status' });
    } catch (e) {
      if (!isStatusError(e)) throw e;
    }
  }
}

class SyncError extends Error {}

/** countHealthyPods: Ready, not deleting, and not just admitted for eviction. */
function countHealthy(pods: Pod[], disrupted: Record<string, string>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp !== undefined) continue;
    const at = disrupted[pod.metadata?.name ?? ''];
    if (at !== undefined && parseTime(at) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

function safeSelector(pdb: PDB): LabelSelector {
  try {
    return pdbSelector(pdb);
  } catch (e) {
    if (e instanceof SelectorError) return LabelSelector.nothing();
    throw e;
  }
}

/** `%v` of a *metav1.LabelSelector, e.g. `&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}`. */
function goSelector(pdb: PDB): string {
  const sel = pdb.spec?.selector;
  if (sel === undefined || sel === null) return 'nil';
  const labels = Object.keys(sel.matchLabels ?? {}).sort().map((k) => `${k}: ${sel.matchLabels![k]},`).join('');
  const exprs = (sel.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

function readPath(obj: KObject, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.').filter((p) => p !== '')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
