// The Job controller: runs pods from the template until enough succeed (or, Indexed, one
// per completion index), counts finished pods through the job-tracking finalizer, backs
// off after failures, and fails the job past its backoffLimit or activeDeadlineSeconds.
// K:pkg/controller/job/job_controller.go (syncJob, manageJob, trackJobStatusAndRemoveFinalizers,
// newFailureCondition, recordJobFinished), K:pkg/controller/job/indexed_job_utils.go,
// K:pkg/controller/job/backoff_utils.go, K:pkg/controller/job/pod_failure_policy.go.
import type { Job, JobCondition } from 'kubernetes-types/batch/v1';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { parseTime, rfc3339 } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { claim, controlledBy, queueController, isPodReady, keyOf, newControllerRef, selectorOf, splitKey, tolerate } from './controller-utils.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deepClone, deepEqual, type GroupResource, type KObject } from './objects.ts';
import type { Change } from './store.ts';

export const JOBS: GroupResource = { group: 'batch', resource: 'jobs' };
const PODS = CORE('pods');
const SOURCE = { component: 'job-controller' };
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
const POD_FAILURE_BACKOFF_MS = 10_000;
const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;
/** MaxPodCreateDeletePerSync. */
const MAX_CREATE_DELETE = 500;

type J = Job & KObject;
type Phase = 'Succeeded' | 'Failed';

export function installJobController(cluster: Cluster): JobController {
  return cluster.addController((ctx) => new JobController(ctx)) as JobController;
}

export const isJobFinished = (job: Job): boolean =>
  (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

const condition = (job: Job, type: string): JobCondition | undefined =>
  (job.status?.conditions ?? []).find((c) => c.type === type && c.status === 'True');

/** When the job reached Complete or Failed (the TTL controller counts from here). */
export function jobFinishTime(job: Job): number | undefined {
  const c = (job.status?.conditions ?? []).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.lastTransitionTime === undefined ? undefined : parseTime(c.lastTransitionTime);
}

const indexOf = (pod: Pod): number | undefined => {
  const raw = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
};

/** Indexes as the status prints them: `0-2,4,6-7`. K:pkg/controller/job/indexed_job_utils.go */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

export function parseIndexes(s: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) continue;
    for (let i = Number(m[1]); i <= Number(m[2] ?? m[1]); i++) out.add(i);
  }
  return out;
}

export class JobController implements Controller {
  readonly name = 'job-controller';
  private readonly queue = new Set<string>();
  private readonly timers = new Map<string, { at: number; cancel: () => void }>();
  /** The pod failure back-off: consecutive failures since the last success, and when the last one was. */
  private readonly backoff = new Map<string, { failures: number; last: number }>();
  private readonly events: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    for (const job of ctx.store.list(JOBS).items) this.queue.add(keyOf(job));
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    if (c.gr.group === 'batch' && c.gr.resource === 'jobs') this.queue.add(keyOf(c.object));
    else if (c.gr.group === '' && c.gr.resource === 'pods') queueController(this.queue, c, 'Job');
    return this.queue.size > before;
  }

  hasWork(): boolean {
    return this.queue.size > 0;
  }

  reconcile(): void {
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) this.sync(key);
  }

  /** queue.AddAfter: one pending wake-up per job, the earliest wins. */
  private wakeAt(key: string, at: number, label: string): void {
    const pending = this.timers.get(key);
    if (pending !== undefined && pending.at <= at && pending.at > this.ctx.clock.now()) return;
    pending?.cancel();
    const cancel = this.ctx.clock.at(at, () => {
      if (this.timers.get(key)?.at === at) this.timers.delete(key);
      this.queue.add(key);
    }, { label: `job ${label} ${key}` });
    this.timers.set(key, { at, cancel });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const job = this.ctx.store.get(JOBS, ns, name) as J | undefined;
    if (job === undefined) return;
    const owned = this.podsFor(job);
    if (isJobFinished(job) || job.metadata?.deletionTimestamp !== undefined) {
      // A finished or deleted job only lets go of its pods.
      for (const pod of owned) this.removeFinalizer(pod);
      return;
    }
    const now = this.ctx.clock.now();
    const indexed = job.spec?.completionMode === 'Indexed';
    const completions = job.spec?.completions ?? undefined;
    const suspended = job.spec?.suspend === true;
    const status = deepClone(job.status ?? {});
    let conditions: JobCondition[] = [...(status.conditions ?? [])];
    const newEvents: Array<[type: 'Normal' | 'Warning', reason: string, message: string]> = [];

    // Count pods that finished since the last sync (they still carry the finalizer).
    let succeeded = status.succeeded ?? 0;
    let failed = status.failed ?? 0;
    const completed = parseIndexes(status.completedIndexes);
    const newlyFinished: Pod[] = [];
    const wasFinishing = condition(job, 'SuccessCriteriaMet') !== undefined || condition(job, 'FailureTarget') !== undefined;
    let lastFailure: number | undefined;
    let policyFailure: string | undefined;
    for (const pod of owned) {
      const phase = pod.status?.phase;
      const tracked = (pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
      const deleted = pod.metadata?.deletionTimestamp !== undefined;
      if (!tracked || !(phase === 'Succeeded' || phase === 'Failed' || deleted)) continue;
      newlyFinished.push(pod);
      // Pods the controller itself removed (job finishing or suspended) are not failures.
      if (phase !== 'Failed' && phase !== 'Succeeded' && (suspended || wasFinishing)) continue;
      if (phase === 'Succeeded') {
        const ix = indexOf(pod);
        if (!indexed) succeeded++;
        else if (ix !== undefined && ix < (completions ?? 0) && !completed.has(ix)) {
          completed.add(ix);
          succeeded++;
        }
      } else {
        const rule = phase === 'Failed' ? matchPodFailurePolicy(job, pod) : undefined;
        if (rule?.action === 'Ignore') continue;
        if (rule?.action === 'FailJob' && policyFailure === undefined) policyFailure = rule.message;
        // A pod deleted before it finished counts as failed (podReplacementPolicy aside).
        failed++;
        lastFailure = Math.max(lastFailure ?? 0, finishTime(pod) ?? now);
      }
    }
    if (lastFailure !== undefined) {
      this.backoff.set(key, { failures: (this.backoff.get(key)?.failures ?? 0) + failed - (status.failed ?? 0), last: lastFailure });
    }
    if (newlyFinished.some((p) => p.status?.phase === 'Succeeded')) this.backoff.set(key, { failures: 0, last: 0 });

    const terminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
    let active = owned.filter((p) => !terminal(p) && p.metadata?.deletionTimestamp === undefined);
    const terminating = owned.filter((p) => !terminal(p) && p.metadata?.deletionTimestamp !== undefined).length;

    if (status.startTime === undefined && !suspended) status.startTime = rfc3339(now);

    // Has the job met its goal, or run out of chances?
    let finished = condition(job, 'SuccessCriteriaMet') ?? condition(job, 'FailureTarget');
    if (finished === undefined) {
      const backoffLimit = job.spec?.backoffLimit ?? 6;
      const restarts = active.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0);
      const onFailure = job.spec?.template?.spec?.restartPolicy === 'OnFailure';
      const deadline = job.spec?.activeDeadlineSeconds ?? undefined;
      const started = status.startTime === undefined ? undefined : parseTime(status.startTime);
      const complete = indexed
        ? completed.size >= (completions ?? 0)
        : completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;
      if (policyFailure !== undefined) finished = this.newCondition('FailureTarget', 'PodFailurePolicy', policyFailure, now);
      else if (complete) finished = this.newCondition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
      else if (failed > backoffLimit || (onFailure && backoffLimit >= 0 && restarts > backoffLimit && restarts > 0)) {
        finished = this.newCondition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
      } else if (deadline !== undefined && started !== undefined && !suspended && now - started >= deadline * 1000) {
        finished = this.newCondition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
      } else if (deadline !== undefined && started !== undefined && !suspended) {
        this.wakeAt(key, started + deadline * 1000, 'activeDeadlineSeconds');
      }
      if (finished !== undefined) conditions.push(finished);
    }

    if (finished !== undefined) {
      // Pods still running are no longer needed (success with nil completions) or allowed (failure).
      for (const pod of active) this.deletePod(job, pod, newEvents);
      active = [];
    } else if (suspended) {
      for (const pod of active) this.deletePod(job, pod, newEvents);
      active = [];
      if (condition(job, 'Suspended') === undefined) {
        conditions = conditions.filter((c) => c.type !== 'Suspended');
        conditions.push(this.newCondition('Suspended', 'JobSuspended', 'Job suspended', now));
        newEvents.push(['Normal', 'Suspended', 'Job suspended']);
      }
    } else {
      if (conditions.some((c) => c.type === 'Suspended' && c.status === 'True')) {
        conditions = conditions.map((c) => (c.type === 'Suspended' ? { ...this.newCondition('Suspended', 'JobResumed', 'Job resumed', now), status: 'False' } : c));
        newEvents.push(['Normal', 'Resumed', 'Job resumed']);
        status.startTime = rfc3339(now);
      }
      active = this.manage(job, key, active, completed, succeeded, now, newEvents);
    }

    // The finalizers of counted pods come off after the counts are written.
    let finalCondition: JobCondition | undefined;
    const stillTerminating = terminating + owned.filter((p) => !terminal(p) && p.metadata?.deletionTimestamp === undefined && !active.includes(p)).length;
    if (finished !== undefined && stillTerminating === 0) {
      const type = finished.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed';
      if (condition(job, type) === undefined) {
        finalCondition = this.newCondition(type, finished.reason ?? '', finished.message ?? '', now);
        conditions.push(finalCondition);
        if (type === 'Complete') status.completionTime = rfc3339(now);
      }
    }

    const next: Record<string, unknown> = { ...status };
    if (conditions.length > 0) next.conditions = conditions;
    if (active.length > 0) next.active = active.length;
    else delete next.active;
    if (succeeded > 0) next.succeeded = succeeded;
    if (failed > 0) next.failed = failed;
    if (indexed && completed.size > 0) next.completedIndexes = formatIndexes(completed);
    next.ready = active.filter(isPodReady).length;
    next.terminating = stillTerminating;
    next.uncountedTerminatedPods = {};
    if (!deepEqual(next, job.status)) {
      const written = tolerate(() => this.ctx.registry.update(JOBS, { ...job, status: next } as KObject, { subresource: 'status' }));
      if (written === undefined) {
        this.queue.add(key);
        return;
      }
    }
    for (const pod of newlyFinished) this.removeFinalizer(pod);
    for (const [type, reason, message] of newEvents) this.events.record(job, type, reason, message, SOURCE);
    if (finalCondition?.type === 'Complete') this.events.record(job, 'Normal', 'Completed', 'Job completed', SOURCE);
    else if (finalCondition?.type === 'Failed') this.events.record(job, 'Warning', finalCondition.reason ?? '', finalCondition.message ?? '', SOURCE);
  }

  /** manageJob: creates pods for what is missing (after the failure back-off), deletes extras; returns the active pods. */
  private manage(job: J, key: string, active: Pod[], completed: Set<number>, succeeded: number, now: number, ev: Array<['Normal' | 'Warning', string, string]>): Pod[] {
    const parallelism = job.spec?.parallelism ?? 1;
    const completions = job.spec?.completions ?? undefined;
    const indexed = job.spec?.completionMode === 'Indexed';
    let want: number;
    if (completions === undefined) want = succeeded > 0 ? 0 : parallelism;
    else want = Math.max(0, Math.min(parallelism, completions - succeeded));
    if (active.length > want) {
      // Extra pods go, the newest first (parallelism was lowered).
      const extra = [...active].sort((a, b) => (b.metadata?.creationTimestamp ?? '').localeCompare(a.metadata?.creationTimestamp ?? '')).slice(0, active.length - want);
      for (const pod of extra) this.deletePod(job, pod, ev);
      return active.filter((p) => !extra.includes(p));
    }
    const missing = Math.min(want - active.length, MAX_CREATE_DELETE);
    if (missing <= 0) return active;
    const record = this.backoff.get(key);
    if (record !== undefined && record.failures > 0) {
      const delay = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (record.failures - 1), MAX_POD_FAILURE_BACKOFF_MS);
      if (record.last + delay > now) {
        this.wakeAt(key, record.last + delay, 'pod failure backoff');
        return active;
      }
    }
    let indexes: (number | undefined)[] = Array.from({ length: missing }, () => undefined);
    if (indexed) {
      const busy = new Set(active.map(indexOf));
      const free: number[] = [];
      for (let i = 0; i < (completions ?? 0) && free.length < missing; i++) if (!completed.has(i) && !busy.has(i)) free.push(i);
      indexes = free;
    }
    const created: Pod[] = [...active];
    for (const ix of indexes) {
      const pod = this.createPod(job, ix, ev);
      if (pod !== undefined) created.push(pod);
    }
    return created;
  }

  private createPod(job: J, index: number | undefined, ev: Array<['Normal' | 'Warning', string, string]>): Pod | undefined {
    const template = job.spec?.template ?? {};
    const name = job.metadata?.name ?? '';
    const spec = deepClone(template.spec ?? { containers: [] });
    const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
    const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
    if (index !== undefined) {
      annotations[COMPLETION_INDEX] = String(index);
      labels[COMPLETION_INDEX] = String(index);
      spec.hostname ??= `${name}-${index}`;
      const addEnv = (c: Container): void => {
        if ((c.env ?? []).some((e) => e.name === COMPLETION_INDEX_ENV)) return;
        c.env = [...(c.env ?? []), { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } } }];
      };
      spec.containers.forEach(addEnv);
      spec.initContainers?.forEach(addEnv);
    }
    const pod: KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
        namespace: job.metadata?.namespace,
        labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        finalizers: [...(template.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER],
        ownerReferences: [newControllerRef(job)],
      },
      spec,
    };
    try {
      const created = this.ctx.registry.create(PODS, pod, { namespace: job.metadata?.namespace ?? '' });
      ev.push(['Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`]);
      return created as Pod;
    } catch (e) {
      if (!isStatusError(e)) throw e;
      if ((e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return undefined;
      ev.push(['Warning', 'FailedCreate', `Error creating: ${e.message}`]);
      return undefined;
    }
  }

  private deletePod(job: J, pod: Pod, ev: Array<['Normal' | 'Warning', string, string]>): void {
    const podName = pod.metadata?.name ?? '';
    try {
      this.ctx.registry.delete(PODS, pod.metadata?.namespace ?? '', podName);
      ev.push(['Normal', 'SuccessfulDelete', `Deleted pod: ${podName}`]);
    } catch (e) {
      if (!isStatusError(e)) throw e;
      if (e.reason !== 'NotFound') ev.push(['Warning', 'FailedDelete', `Error deleting: ${e.message}`]);
    }
  }

  private removeFinalizer(pod: Pod): void {
    const finalizers = pod.metadata?.finalizers ?? [];
    if (!finalizers.includes(JOB_TRACKING_FINALIZER)) return;
    const latest = this.ctx.store.get(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
    if (latest === undefined) return;
    const next = deepClone(latest);
    next.metadata!.finalizers = (next.metadata!.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
    if (next.metadata!.finalizers.length === 0) delete next.metadata!.finalizers;
    tolerate(() => this.ctx.registry.update(PODS, next));
  }

  private podsFor(job: J): Pod[] {
    const ns = job.metadata?.namespace ?? '';
    const candidates = job.spec?.manualSelector === true
      ? this.ctx.store.list(PODS, { namespace: ns }).items
      : controlledBy(this.ctx, PODS, job.metadata?.uid);
    return claim(this.ctx, PODS, job, selectorOf(job.spec?.selector), candidates) as Pod[];
  }

  private newCondition(type: string, reason: string, message: string, now: number): JobCondition {
    const t = rfc3339(now);
    return { type, status: 'True', lastProbeTime: t, lastTransitionTime: t, reason, message };
  }
}

/**
 * The first podFailurePolicy rule a failed pod matches, with the message upstream puts on
 * the job. K:pkg/controller/job/pod_failure_policy.go (matchPodFailurePolicy).
 */
export function matchPodFailurePolicy(job: Job, pod: Pod): { action: string; message: string } | undefined {
  const rules = job.spec?.podFailurePolicy?.rules ?? [];
  const ref = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  for (const [index, rule] of rules.entries()) {
    const codes = rule.onExitCodes;
    if (codes) {
      for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
        const code = cs.state?.terminated?.exitCode;
        if (code === undefined || code === 0) continue;
        if (codes.containerName && codes.containerName !== cs.name) continue;
        const listed = codes.values.includes(code);
        if (codes.operator === 'In' ? listed : !listed) {
          return { action: rule.action, message: `Container ${cs.name} for pod ${ref} failed with exit code ${code} matching ${rule.action} rule at index ${index}` };
        }
      }
    }
    for (const pattern of rule.onPodConditions ?? []) {
      const c = (pod.status?.conditions ?? []).find((x) => x.type === pattern.type && x.status === (pattern.status ?? 'True'));
      if (c !== undefined) return { action: rule.action, message: `Pod ${ref} has condition ${c.type} matching ${rule.action} rule at index ${index}` };
    }
  }
  return undefined;
}

/** When a failed pod stopped: its last container's finishedAt, else unknown. */
function finishTime(pod: Pod): number | undefined {
  let t: number | undefined;
  for (const c of pod.status?.containerStatuses ?? []) {
    const f = c.state?.terminated?.finishedAt;
    if (f !== undefined) t = Math.max(t ?? 0, parseTime(f));
  }
  return t;
}
