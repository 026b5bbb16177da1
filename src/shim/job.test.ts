import { describe, expect, it } from 'vitest';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { formatIndexes, JOB_TRACKING_FINALIZER, JOBS, parseIndexes } from './job.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { KObject } from './objects.ts';

const PODS = CORE('pods');
const NS = 'default';

const setup = (): Cluster => createKindCluster({ seed: 'job' }).cluster;

function createJob(c: Cluster, name: string, spec: Record<string, unknown>, command: string[] = ['sh', '-c', 'echo done']): Job & KObject {
  return c.registry.create(JOBS, {
    metadata: { name },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command }] } },
      ...spec,
    },
  }, { namespace: NS }) as Job & KObject;
}

const job = (c: Cluster, name: string): Job => c.store.get(JOBS, NS, name) as Job;
const podsOf = (c: Cluster, name: string): Pod[] =>
  (c.store.list(PODS, { namespace: NS }).items as Pod[]).filter((p) => p.metadata?.labels?.['batch.kubernetes.io/job-name'] === name);
const events = (c: Cluster, name: string): string[] =>
  (c.store.list(CORE('events'), { namespace: NS }).items as unknown as Event[])
    .filter((e) => e.involvedObject.kind === 'Job' && e.involvedObject.name === name)
    .map((e) => `${e.reason} ${e.message?.replace(/-[a-z0-9]{5}$/, '-*')}`);
const conditions = (j: Job): string[] => (j.status?.conditions ?? []).map((x) => `${x.type}=${x.status} ${x.reason ?? ''}`);

describe('job controller', () => {
  it('generates the selector and labels pods with the job name and UID', () => {
    const c = setup();
    const created = createJob(c, 'pi', {});
    const uid = created.metadata?.uid ?? '';
    expect(created.spec?.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect(created.metadata?.labels).toEqual({
      'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi',
    });
    c.react();
    const [pod] = podsOf(c, 'pi');
    expect(pod?.metadata?.generateName).toBe('pi-');
    expect(pod?.metadata?.finalizers).toEqual([JOB_TRACKING_FINALIZER]);
    expect(pod?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'pi', controller: true });
  });

  it('completes when the pod succeeds, counting it and releasing its finalizer', () => {
    const c = setup();
    createJob(c, 'pi', {});
    c.settle();
    const j = job(c, 'pi');
    expect(conditions(j)).toEqual(['SuccessCriteriaMet=True CompletionsReached', 'Complete=True CompletionsReached']);
    expect(j.status).toMatchObject({ succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(j.status?.active).toBeUndefined();
    expect(j.status?.completionTime).toBeDefined();
    const pods = podsOf(c, 'pi');
    expect(pods.map((p) => [p.status?.phase, p.metadata?.finalizers])).toEqual([['Succeeded', undefined]]);
    expect(events(c, 'pi')).toEqual(['SuccessfulCreate Created pod: pi-*', 'Completed Job completed']);
  });

  it('runs completions in parallel batches', () => {
    const c = setup();
    createJob(c, 'batch', { completions: 5, parallelism: 2 });
    c.react();
    expect(job(c, 'batch').status?.active).toBe(2);
    c.settle();
    expect(job(c, 'batch').status?.succeeded).toBe(5);
    expect(podsOf(c, 'batch')).toHaveLength(5);
  });

  it('fails with BackoffLimitExceeded after backoffLimit+1 failures, backing off between pods', () => {
    const c = setup();
    createJob(c, 'fail', { backoffLimit: 2 }, ['sh', '-c', 'exit 1']);
    c.settle();
    const j = job(c, 'fail');
    expect(conditions(j)).toEqual(['FailureTarget=True BackoffLimitExceeded', 'Failed=True BackoffLimitExceeded']);
    expect(j.status?.failed).toBe(3);
    expect(j.status?.completionTime).toBeUndefined();
    const created = podsOf(c, 'fail').map((p) => Date.parse(p.metadata?.creationTimestamp ?? '')).sort();
    expect(created).toHaveLength(3);
    // 10 s, then 20 s, after each failure.
    expect(created[1]! - created[0]!).toBeGreaterThanOrEqual(10_000);
    expect(created[2]! - created[1]!).toBeGreaterThanOrEqual(20_000);
    expect(events(c, 'fail').at(-1)).toBe('BackoffLimitExceeded Job has reached the specified backoff limit');
  });

  it('gives each Indexed pod its index, hostname and JOB_COMPLETION_INDEX', () => {
    const c = setup();
    createJob(c, 'idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' });
    c.react();
    const pods = podsOf(c, 'idx').sort((a, b) => (a.spec?.hostname ?? '').localeCompare(b.spec?.hostname ?? ''));
    expect(pods.map((p) => p.spec?.hostname)).toEqual(['idx-0', 'idx-1', 'idx-2']);
    expect(pods.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'])).toEqual(['0', '1', '2']);
    expect(pods[1]?.metadata?.generateName).toBe('idx-1-');
    expect(pods[0]?.spec?.containers[0]?.env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    c.settle();
    expect(job(c, 'idx').status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
  });

  it('fails a job that runs past activeDeadlineSeconds and deletes its pods', () => {
    const c = setup();
    createJob(c, 'slow', { activeDeadlineSeconds: 30 }, ['sleep', '3600']);
    c.settle({ maxVirtualMs: 60_000 });
    const j = job(c, 'slow');
    expect(conditions(j)).toEqual(['FailureTarget=True DeadlineExceeded', 'Failed=True DeadlineExceeded']);
    expect(podsOf(c, 'slow').filter((p) => p.metadata?.deletionTimestamp === undefined && p.status?.phase === 'Running')).toEqual([]);
    expect(events(c, 'slow').at(-1)).toBe('DeadlineExceeded Job was active longer than specified deadline');
  });

  it('a suspended job runs no pods until resumed', () => {
    const c = setup();
    createJob(c, 'later', { suspend: true });
    c.settle();
    expect(podsOf(c, 'later')).toEqual([]);
    expect(conditions(job(c, 'later'))).toEqual(['Suspended=True JobSuspended']);
    expect(job(c, 'later').status?.startTime).toBeUndefined();
    const j = c.store.get(JOBS, NS, 'later') as Job & KObject;
    c.registry.update(JOBS, { ...j, spec: { ...j.spec!, suspend: false } } as KObject);
    c.settle();
    expect(job(c, 'later').status?.succeeded).toBe(1);
    expect(events(c, 'later')).toContain('Resumed Job resumed');
  });

  it('deletes a finished job after ttlSecondsAfterFinished', () => {
    const c = setup();
    createJob(c, 'short', { ttlSecondsAfterFinished: 100 });
    c.settle();
    expect(job(c, 'short')).toBeDefined();
    c.clock.advance(100_000);
    c.settle();
    expect(job(c, 'short')).toBeUndefined();
    expect(podsOf(c, 'short')).toEqual([]);
  });

  it('formats completed indexes as ranges', () => {
    expect(formatIndexes([0, 1, 2, 4, 6, 7])).toBe('0-2,4,6-7');
    expect([...parseIndexes('0-2,4')]).toEqual([0, 1, 2, 4]);
  });
});

describe('podFailurePolicy', () => {
  it('fails the job at once on a FailJob exit code, and ignores Ignore ones', () => {
    const c = setup();
    createJob(c, 'strict', {
      backoffLimit: 6,
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
    }, ['sh', '-c', 'exit 42']);
    c.settle();
    const j = job(c, 'strict');
    expect(conditions(j)).toEqual(['FailureTarget=True PodFailurePolicy', 'Failed=True PodFailurePolicy']);
    expect(j.status?.failed).toBe(1);
    expect(j.status?.conditions?.[1]?.message).toMatch(/^Container main for pod default\/strict-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$/);

    createJob(c, 'lenient', {
      backoffLimit: 0,
      podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } }] },
    }, ['sh', '-c', 'exit 3']);
    c.runUntil(c.clock.now() + 5_000);
    // Ignored failures are replaced without counting against backoffLimit 0.
    expect(job(c, 'lenient').status?.failed).toBeUndefined();
    expect(conditions(job(c, 'lenient'))).toEqual([]);
    expect(podsOf(c, 'lenient').length).toBeGreaterThan(1);
  });
});
