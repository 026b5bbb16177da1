import { describe, expect, it } from 'vitest';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { Event } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { parseSchedule, CronError } from './cron.ts';
import { CRONJOBS, SCHEDULED_TIMESTAMP } from './cronjob.ts';
import { JOBS } from './job.ts';
import { createKindCluster } from './kind-cluster.ts';

const NS = 'default';
const T0 = Date.UTC(2026, 0, 1);
const setup = (): Cluster => createKindCluster({ seed: 'cronjob' }).cluster;

function createCronJob(c: Cluster, spec: Record<string, unknown>, command = ['sh', '-c', 'date']): void {
  c.registry.create(CRONJOBS, {
    metadata: { name: 'hello' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox:1.36', command }] } } } },
      ...spec,
    },
  }, { namespace: NS });
}
const jobs = (c: Cluster): Job[] => (c.store.list(JOBS, { namespace: NS }).items as Job[]).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
const cj = (c: Cluster): CronJob => c.store.get(CRONJOBS, NS, 'hello') as CronJob;
const events = (c: Cluster): string[] =>
  (c.store.list(CORE('events'), { namespace: NS }).items as unknown as Event[])
    .filter((e) => e.involvedObject.kind === 'CronJob').map((e) => `${e.reason} ${e.message}`);

/** Moves the cluster's clock forward, letting everything react at each timer. */
function run(c: Cluster, ms: number): void {
  c.runUntil(c.clock.now() + ms);
}

describe('cron schedules', () => {
  it('finds the next activation of standard and descriptor schedules', () => {
    expect(new Date(parseSchedule('*/5 * * * *').next(T0)).toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(new Date(parseSchedule('@hourly').next(T0 + 1)).toISOString()).toBe('2026-01-01T01:00:00.000Z');
    expect(new Date(parseSchedule('30 2 * * mon').next(T0)).toISOString()).toBe('2026-01-05T02:30:00.000Z');
    expect(new Date(parseSchedule('0 0 1 */3 *').next(T0)).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(new Date(parseSchedule('0 9 * * *', 'Europe/Paris').next(T0)).toISOString()).toBe('2026-01-01T08:00:00.000Z');
  });
  it('rejects malformed schedules with robfig/cron messages', () => {
    expect(() => parseSchedule('* * *')).toThrow(new CronError('expected exactly 5 fields, found 3: * * *'));
    expect(() => parseSchedule('61 * * * *')).toThrow(new CronError('end of range (61) above maximum (59): 61'));
    expect(() => parseSchedule('@fortnightly')).toThrow(new CronError('unrecognized descriptor: @fortnightly'));
  });
});

describe('cronjob controller', () => {
  it('creates a job named after each scheduled minute and records it', () => {
    const c = setup();
    createCronJob(c, {});
    run(c, 5 * 60_000 + 30_000);
    const [job] = jobs(c);
    const scheduled = Date.parse('2026-01-01T00:05:00Z');
    expect(job?.metadata?.name).toBe(`hello-${scheduled / 60_000}`);
    expect(job?.metadata?.annotations?.[SCHEDULED_TIMESTAMP]).toBe('2026-01-01T00:05:00Z');
    expect(job?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'hello', controller: true });
    expect(cj(c).status?.lastScheduleTime).toBe('2026-01-01T00:05:00Z');
    expect(cj(c).status?.lastSuccessfulTime).toBeDefined();
    expect(cj(c).status?.active).toBeUndefined();
    expect(events(c)).toEqual([`SuccessfulCreate Created job ${job?.metadata?.name}`, `SawCompletedJob Saw completed job: ${job?.metadata?.name}, condition: Complete`]);
  });

  it('keeps successfulJobsHistoryLimit finished jobs', () => {
    const c = setup();
    createCronJob(c, { schedule: '* * * * *', successfulJobsHistoryLimit: 2 });
    run(c, 5 * 60_000 + 30_000);
    expect(jobs(c).map((j) => j.metadata?.name)).toEqual([`hello-${T0 / 60_000 + 4}`, `hello-${T0 / 60_000 + 5}`]);
    expect(events(c).filter((e) => e.startsWith('SuccessfulDelete'))).toHaveLength(3);
  });

  it('Forbid skips a run while the previous job is active; Replace deletes it', () => {
    const c = setup();
    createCronJob(c, { schedule: '* * * * *', concurrencyPolicy: 'Forbid' }, ['sleep', '3600']);
    run(c, 2 * 60_000 + 30_000);
    expect(jobs(c)).toHaveLength(1);
    expect(events(c)).toContain('JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid');

    const r = setup();
    createCronJob(r, { schedule: '* * * * *', concurrencyPolicy: 'Replace' }, ['sleep', '3600']);
    run(r, 2 * 60_000 + 30_000);
    const live = jobs(r).filter((j) => j.metadata?.deletionTimestamp === undefined);
    expect(live.map((j) => j.metadata?.name)).toEqual([`hello-${T0 / 60_000 + 2}`]);
    expect(cj(r).status?.active?.map((a) => a.name)).toEqual([`hello-${T0 / 60_000 + 2}`]);
    expect(events(r)).toContain(`SuccessfulDelete Deleted job hello-${T0 / 60_000 + 1}`);
  });

  it('a suspended cronjob creates nothing', () => {
    const c = setup();
    createCronJob(c, { schedule: '* * * * *', suspend: true });
    run(c, 3 * 60_000);
    expect(jobs(c)).toEqual([]);
  });
});
