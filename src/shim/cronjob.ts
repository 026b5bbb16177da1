// The CronJob controller (v2): creates a Job for each scheduled time on the virtual clock,
// honours suspend, startingDeadlineSeconds and concurrencyPolicy, tracks active jobs and
// prunes finished ones past the history limits.
// K:pkg/controller/cronjob/cronjob_controllerv2.go (syncCronJob, cleanupFinishedJobs),
// K:pkg/controller/cronjob/utils.go (mostRecentScheduleTime, getJobFromTemplate2, getTimeHashInMinutes).
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { ObjectReference } from 'kubernetes-types/core/v1';
import { parseTime, rfc3339 } from './clock.ts';
import type { Cluster } from './cluster.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { controlledBy, queueController, keyOf, newControllerRef, splitKey, tolerate } from './controller-utils.ts';
import { CronError, parseSchedule, zoneOffset, type Schedule } from './cron.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { isJobFinished, JOBS } from './job.ts';
import { deepClone, deepEqual, type GroupResource, type KObject } from './objects.ts';
import type { Change } from './store.ts';

export const CRONJOBS: GroupResource = { group: 'batch', resource: 'cronjobs' };
const SOURCE = { component: 'cronjob-controller' };
export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** More missed start times than this is reported rather than caught up. */
const TOO_MANY_MISSED = 100;

type CJ = CronJob & KObject;

export function installCronJobController(cluster: Cluster): CronJobController {
  return cluster.addController((ctx) => new CronJobController(ctx)) as CronJobController;
}

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`. */
export const cronJobName = (cj: CronJob, scheduledMs: number): string => `${cj.metadata?.name ?? ''}-${Math.floor(scheduledMs / 60_000)}`;

export class CronJobController implements Controller {
  readonly name = 'cronjob-controller';
  private readonly queue = new Set<string>();
  private readonly timers = new Map<string, { at: number; cancel: () => void }>();
  private readonly events: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    for (const cj of ctx.store.list(CRONJOBS).items) this.queue.add(keyOf(cj));
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    if (c.gr.group === 'batch' && c.gr.resource === 'cronjobs') this.queue.add(keyOf(c.object));
    else if (c.gr.group === 'batch' && c.gr.resource === 'jobs') queueController(this.queue, c, 'CronJob');
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

  /**
   * Wakes the cronjob at its next scheduled time. Background: a schedule never ends, so it
   * must not keep settle() busy; the clock (or the served speed factor) moves it on.
   */
  private requeueAt(key: string, at: number): void {
    if (!Number.isFinite(at)) return;
    const pending = this.timers.get(key);
    if (pending?.at === at) return;
    pending?.cancel();
    const cancel = this.ctx.clock.at(at, () => {
      this.timers.delete(key);
      this.queue.add(key);
    }, { background: true, label: `cronjob schedule ${key}` });
    this.timers.set(key, { at, cancel });
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const cj = this.ctx.store.get(CRONJOBS, ns, name) as CJ | undefined;
    if (cj === undefined) {
      this.timers.get(key)?.cancel();
      this.timers.delete(key);
      return;
    }
    const now = this.ctx.clock.now();
    const jobs = controlledBy(this.ctx, JOBS, cj.metadata?.uid) as Array<Job & KObject>;
    const status = deepClone(cj.status ?? {});
    let active: ObjectReference[] = [...(status.active ?? [])];
    const pending: Array<[type: 'Normal' | 'Warning', reason: string, message: string]> = [];

    // Reconcile the active list with the jobs that exist.
    for (const job of jobs) {
      const uid = job.metadata?.uid;
      const found = active.some((r) => r.uid === uid);
      const finished = isJobFinished(job);
      if (!found && !finished) {
        pending.push(['Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata?.name ?? ''}`]);
      } else if (found && finished) {
        const type = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type ?? '';
        active = active.filter((r) => r.uid !== uid);
        pending.push(['Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name ?? ''}, condition: ${type}`]);
      }
      const completion = job.status?.completionTime;
      if (finished && completion !== undefined && (status.lastSuccessfulTime === undefined || parseTime(completion) > parseTime(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = completion;
      }
    }
    // References to jobs that are gone.
    active = active.filter((r) => this.ctx.store.get(JOBS, r.namespace ?? ns, r.name ?? '') !== undefined);

    const schedule = this.schedule(cj, pending);
    if (cj.metadata?.deletionTimestamp === undefined && cj.spec?.suspend !== true && schedule !== undefined) {
      active = this.maybeStart(cj, key, schedule, jobs, active, status, now, pending);
    }
    if (active.length > 0) status.active = active;
    else delete status.active;
    if (!deepEqual(status, cj.status ?? {})) {
      if (tolerate(() => this.ctx.registry.update(CRONJOBS, { ...cj, status } as KObject, { subresource: 'status' })) === undefined) {
        this.queue.add(key);
        return;
      }
    }
    for (const [type, reason, message] of pending) this.events.record(cj, type, reason, message, SOURCE);
    if (cj.metadata?.deletionTimestamp === undefined) this.cleanupFinishedJobs(cj, jobs);
  }

  private schedule(cj: CJ, pending: Array<['Normal' | 'Warning', string, string]>): { sched: Schedule; tz: string } | undefined {
    const tz = cj.spec?.timeZone ?? 'UTC';
    try {
      zoneOffset(tz);
    } catch {
      pending.push(['Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`]);
      return undefined;
    }
    try {
      return { sched: parseSchedule(cj.spec?.schedule ?? '', tz), tz };
    } catch (e) {
      if (!(e instanceof CronError)) throw e;
      pending.push(['Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule ?? '')} : ${e.message}`]);
      return undefined;
    }
  }

  /** The scheduling half of syncCronJob; returns the new active list. */
  private maybeStart(
    cj: CJ, key: string, { sched, tz }: { sched: Schedule; tz: string }, jobs: Job[], active: ObjectReference[],
    status: NonNullable<CronJob['status']>, now: number, pending: Array<['Normal' | 'Warning', string, string]>,
  ): ObjectReference[] {
    const deadline = cj.spec?.startingDeadlineSeconds ?? undefined;
    let earliest = status.lastScheduleTime !== undefined ? parseTime(status.lastScheduleTime) : parseTime(cj.metadata?.creationTimestamp ?? rfc3339(now));
    if (deadline !== undefined) earliest = Math.max(earliest, now - deadline * 1000);
    // mostRecentScheduleTime: the latest activation in (earliest, now].
    let scheduled: number | undefined;
    let missed = 0;
    for (let t = sched.next(earliest); t <= now; t = sched.next(t)) {
      scheduled = t;
      if (++missed > TOO_MANY_MISSED) {
        // Jump to the last one without walking every missed minute.
        for (let u = sched.next(t); u <= now; u = sched.next(u)) scheduled = u;
        break;
      }
    }
    this.requeueAt(key, sched.next(now));
    if (scheduled === undefined) return active;
    if (missed > TOO_MANY_MISSED) {
      pending.push(['Warning', 'TooManyMissedTimes', `too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew`]);
    }
    if (deadline !== undefined && scheduled + deadline * 1000 < now) {
      pending.push(['Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`]);
      return active;
    }
    const jobName = cronJobName(cj, scheduled);
    if (active.some((r) => r.name === jobName) || (status.lastScheduleTime !== undefined && parseTime(status.lastScheduleTime) === scheduled)) return active;
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      pending.push(['Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid']);
      return active;
    }
    if (policy === 'Replace') {
      for (const ref of active) {
        const removed = tolerate(() => this.ctx.registry.delete(JOBS, ref.namespace ?? '', ref.name ?? '', { propagationPolicy: 'Background' }));
        if (removed !== undefined) pending.push(['Normal', 'SuccessfulDelete', `Deleted job ${ref.name ?? ''}`]);
      }
      active = [];
    }
    const job = this.jobFromTemplate(cj, jobName, scheduled, tz);
    let created: KObject;
    try {
      created = this.ctx.registry.create(JOBS, job, { namespace: cj.metadata?.namespace ?? '' });
    } catch (e) {
      if (!isStatusError(e)) throw e;
      if (e.reason === 'AlreadyExists') {
        const existing = jobs.find((j) => j.metadata?.name === jobName);
        // Ours already: the status update was lost. Someone else's: nothing to do.
        if (existing === undefined) pending.push(['Warning', 'FailedCreate', `Error creating job: ${e.message}`]);
        return active;
      }
      pending.push(['Warning', 'FailedCreate', `Error creating job: ${e.message}`]);
      return active;
    }
    pending.push(['Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name ?? ''}`]);
    status.lastScheduleTime = rfc3339(scheduled);
    return [...active, { kind: 'Job', namespace: created.metadata?.namespace, name: created.metadata?.name, uid: created.metadata?.uid, apiVersion: 'batch/v1', resourceVersion: created.metadata?.resourceVersion }];
  }

  /** getJobFromTemplate2. */
  private jobFromTemplate(cj: CJ, name: string, scheduled: number, tz: string): KObject {
    const template = cj.spec?.jobTemplate ?? {};
    const offset = zoneOffset(tz)(scheduled);
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata?.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: rfc3339InZone(scheduled, offset) },
        ownerReferences: [newControllerRef(cj)],
      },
      spec: deepClone(template.spec ?? {}),
    } as KObject;
  }

  /** cleanupFinishedJobs: the newest successful/failed jobs up to each history limit stay. */
  private cleanupFinishedJobs(cj: CJ, jobs: Array<Job & KObject>): void {
    const fresh = jobs.map((j) => this.ctx.store.get(JOBS, j.metadata?.namespace ?? '', j.metadata?.name ?? '') as (Job & KObject) | undefined)
      .filter((j): j is Job & KObject => j !== undefined && j.metadata?.deletionTimestamp === undefined && isJobFinished(j));
    const isType = (j: Job, type: string): boolean => (j.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
    const prune = (list: Array<Job & KObject>, limit: number | undefined): void => {
      if (limit === undefined || list.length <= limit) return;
      // byJobStartTime: oldest first (no start time sorts last), then by name.
      const start = (j: Job): number => (j.status?.startTime ? parseTime(j.status.startTime) : Infinity);
      list.sort((a, b) => start(a) - start(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
      for (const j of list.slice(0, list.length - limit)) {
        const removed = tolerate(() => this.ctx.registry.delete(JOBS, j.metadata?.namespace ?? '', j.metadata?.name ?? '', { propagationPolicy: 'Background' }));
        if (removed !== undefined) this.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata?.name ?? ''}`, SOURCE);
      }
    };
    prune(fresh.filter((j) => isType(j, 'Complete')), cj.spec?.successfulJobsHistoryLimit ?? undefined);
    prune(fresh.filter((j) => isType(j, 'Failed')), cj.spec?.failedJobsHistoryLimit ?? undefined);
  }
}

/** Go's time.RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`. */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${day}, ${p(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** RFC 3339 in a zone's offset (`Z` for UTC), as Go's Time.Format(time.RFC3339) prints it. */
function rfc3339InZone(ms: number, offsetMs: number): string {
  if (offsetMs === 0) return rfc3339(ms);
  const wall = new Date(ms + offsetMs).toISOString().slice(0, 19);
  const sign = offsetMs < 0 ? '-' : '+';
  const abs = Math.abs(offsetMs) / 60_000;
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
