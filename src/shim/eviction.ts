// The pods/eviction subresource: a graceful delete that a PodDisruptionBudget may refuse.
// The budget is checked against the status the disruption controller keeps, and an
// admitted eviction spends one disruption (and records the pod in disruptedPods) in the
// same write, so two evictions cannot spend the same budget.
// K:pkg/registry/core/pod/storage/eviction.go (Create, canIgnorePDB, checkAndDecrement,
// addConditionAndDeletePod, createTooManyRequestsError, getPodDisruptionBudgets).
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { Status } from 'kubernetes-types/meta/v1';
import { rfc3339 } from './clock.ts';
import { CORE, type ControllerContext } from './controller.ts';
import { isPodReady } from './controller-utils.ts';
import { PDBS, pdbSelector, withDisruptionAllowedCondition, type PDB, type PdbStatus } from './disruption.ts';
import { badRequest, conflict, forbidden, isStatusError, StatusError, tooManyRequests } from './errors.ts';
import { deepClone, type KObject } from './objects.ts';
import type { DeleteOptions } from './registry.ts';
import { SelectorError } from './selectors.ts';

const PODS = CORE('pods');
/** EvictionsRetry: attempts at the verify-and-decrement before giving up on conflicts. */
const EVICTION_RETRIES = 20;
/** MaxDisruptedPodSize: evictions the controller has not confirmed yet, per budget. */
const MAX_DISRUPTED_PODS = 2000;

export const EVICTION_BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface Eviction {
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptions & { dryRun?: boolean };
}

/** `Success`, the body of a 201 answer to an admitted eviction. */
const success = (): Status => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });

/**
 * Evicts pod `namespace/name`: deletes it when no budget stands in the way, throws the
 * API server's StatusError otherwise (429 TooManyRequests with a DisruptionBudget cause
 * when the budget is spent). Returns the Status to answer.
 */
export function evictPod(ctx: Pick<ControllerContext, 'registry' | 'store' | 'clock'>, namespace: string, name: string, eviction: Eviction): Status {
  const bodyName = eviction.metadata?.name ?? '';
  if (bodyName !== name) throw badRequest('name in URL does not match name in Eviction object');
  const options: DeleteOptions = { ...(eviction.deleteOptions ?? {}) };
  const dryRun = options.dryRun === true;
  const rvPrecondition = options.preconditions?.resourceVersion !== undefined;

  // Terminal, pending and terminating pods were disrupted already: delete without asking budgets.
  let pod!: Pod & KObject;
  for (let attempt = 0; ; attempt++) {
    pod = ctx.registry.get(PODS, namespace, name) as Pod & KObject;
    if (!canIgnorePDB(pod)) break;
    const opts = { ...options };
    if (shouldEnforceResourceVersion(pod) && !rvPrecondition) opts.preconditions = { ...opts.preconditions, resourceVersion: pod.metadata?.resourceVersion ?? '' };
    try {
      addConditionAndDelete(ctx, namespace, name, opts);
      return success();
    } catch (e) {
      if (!isStatusError(e, 'Conflict') || rvPrecondition || attempt + 1 >= EVICTION_RETRIES) throw e;
    }
  }

  const pdbs = budgetsFor(ctx, pod);
  let enforceResourceVersion = false;
  let pdbName = '';
  if (pdbs.length > 1) {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 };
  }
  if (pdbs.length === 1) {
    let pdb = pdbs[0]!;
    pdbName = pdb.metadata?.name ?? '';
    const status: PdbStatus = pdb.status ?? {};
    // An unhealthy pod does not count towards the budget: it may go without spending a disruption.
    if (!isPodReady(pod) && (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' ||
        ((status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0))) {
      enforceResourceVersion = true;
    } else {
      for (let attempt = 0; ; attempt++) {
        try {
          checkAndDecrement(ctx, namespace, name, pdb, dryRun);
          break;
        } catch (e) {
          if (!isStatusError(e, 'Conflict')) throw e;
          if (attempt + 1 >= EVICTION_RETRIES) throw timeout(`couldn't update PodDisruptionBudget "${pdbName}" due to conflicts`, 10);
          pdb = ctx.registry.get(PDBS, namespace, pdbName) as PDB;
        }
      }
    }
  }

  const opts = { ...options };
  // The pod must not have become Ready since the budget was consulted.
  if (enforceResourceVersion) opts.preconditions = { ...opts.preconditions, resourceVersion: pod.metadata?.resourceVersion ?? '' };
  try {
    addConditionAndDelete(ctx, namespace, name, opts);
  } catch (e) {
    if (isStatusError(e, 'Conflict') && enforceResourceVersion && !rvPrecondition) throw stillProcessing(pdbName);
    throw e;
  }
  return success();
}

function canIgnorePDB(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata?.deletionTimestamp !== undefined;
}

function shouldEnforceResourceVersion(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp !== undefined);
}

/** The budgets of the pod's namespace whose selector picks it; a null or empty selector picks none here. */
function budgetsFor(ctx: Pick<ControllerContext, 'store'>, pod: Pod): PDB[] {
  const out: PDB[] = [];
  for (const item of ctx.store.list(PDBS, { namespace: pod.metadata?.namespace ?? '' }).items) {
    const pdb = item as PDB;
    let matches = false;
    try {
      const sel = pdbSelector(pdb);
      matches = !sel.empty && sel.matches(pod.metadata?.labels);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
    }
    if (matches) out.push(pdb);
  }
  return out;
}

/** Spends one disruption of the budget, or throws the 429 that tells the client to retry later. */
function checkAndDecrement(ctx: Pick<ControllerContext, 'registry' | 'clock'>, namespace: string, podName: string, pdb: PDB, dryRun: boolean): void {
  const name = pdb.metadata?.name ?? '';
  const status: PdbStatus = pdb.status ?? {};
  if ((status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) throw stillProcessing(name);
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) throw forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
    throw forbidden({ group: 'policy', resource: 'poddisruptionbudget' }, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    const err = tooManyRequests(EVICTION_BLOCKED);
    err.status.details = { causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` }] };
    throw err;
  }
  if (dryRun) return;
  const now = ctx.clock.now();
  const next = deepClone(pdb) as PDB;
  const nextStatus = { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [podName]: rfc3339(now) } };
  if (nextStatus.disruptionsAllowed === 0) nextStatus.conditions = withDisruptionAllowedCondition(nextStatus, now);
  next.status = nextStatus;
  ctx.registry.update(PDBS, next as KObject, { namespace, subresource: 'status' });
}

/**
 * addConditionAndDeletePod: mark the pod `DisruptionTarget=True` (EvictionByEvictionAPI)
 * in its status, then delete it gracefully.
 */
function addConditionAndDelete(ctx: Pick<ControllerContext, 'registry' | 'clock'>, namespace: string, name: string, options: DeleteOptions): void {
  if (options.dryRun !== true) {
    const latest = ctx.registry.get(PODS, namespace, name) as Pod & KObject;
    const pre = options.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== '' && pre.uid !== latest.metadata?.uid) {
      throw conflict(PODS, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${latest.metadata?.uid ?? ''}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== '' && pre.resourceVersion !== latest.metadata?.resourceVersion) {
      throw conflict(PODS, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${latest.metadata?.resourceVersion ?? ''}`);
    }
    const updated = ctx.registry.update(PODS, withDisruptionTarget(latest, ctx.clock.now()), { namespace, subresource: 'status' });
    // Our own write moved the resourceVersion: the precondition follows it.
    if (pre.resourceVersion !== undefined) options = { ...options, preconditions: { ...pre, resourceVersion: updated.metadata?.resourceVersion ?? '' } };
  }
  ctx.registry.delete(PODS, namespace, name, options);
}

/** podutil.UpdatePodCondition: a new transition time only when the status changes. */
function withDisruptionTarget(pod: Pod & KObject, now: number): KObject {
  const conditions: PodCondition[] = [...(pod.status?.conditions ?? [])];
  const cond: PodCondition = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: rfc3339(now), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
  const i = conditions.findIndex((c) => c.type === 'DisruptionTarget');
  if (i < 0) conditions.push(cond);
  else conditions[i] = { ...cond, lastTransitionTime: conditions[i]!.status === 'True' ? conditions[i]!.lastTransitionTime : cond.lastTransitionTime };
  return { ...deepClone(pod), status: { ...deepClone(pod.status ?? {}), conditions } } as KObject;
}

/** createTooManyRequestsError: the budget's status lags its spec, or the pod changed under us. */
function stillProcessing(pdbName: string): StatusError {
  const err = tooManyRequests(EVICTION_BLOCKED, 10);
  err.status.details = { ...err.status.details, causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdbName} is still being processed by the server.` }] };
  return err;
}

/** errors.NewTimeoutError. */
function timeout(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `Timeout: ${message}`, reason: 'Timeout', details: { retryAfterSeconds }, code: 504,
  });
}
