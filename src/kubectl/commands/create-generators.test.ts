import { describe, expect, it } from 'vitest';
import { testCluster } from './test-cluster.ts';

describe('kubectl create job|cronjob|quota|priorityclass|token', () => {
  it('creates a job from a cronjob, owned by it and marked manual', async () => {
    const c = testCluster();
    expect(await c.run(['create', 'cronjob', 'hello', '--image=busybox:1.36', '--schedule=0 * * * *', '--', 'echo', 'hi']))
      .toEqual({ code: 0, stdout: 'cronjob.batch/hello created\n', stderr: '' });
    expect((await c.run(['create', 'job', 'now', '--from=cronjob/hello'])).stdout).toBe('job.batch/now created\n');
    const job = JSON.parse((await c.run(['get', 'job', 'now', '-o', 'json'])).stdout);
    expect(job.metadata.annotations).toEqual({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(job.metadata.ownerReferences).toMatchObject([{ kind: 'CronJob', name: 'hello', controller: true }]);
    expect(job.spec.template.spec.containers[0].command).toEqual(['echo', 'hi']);
    c.settle();
    expect((await c.run(['logs', 'job/now'])).stdout).toBe('hi\n');
    expect((await c.run(['create', 'job', 'x'])).stderr).toBe('error: either --image or --from must be specified\n');
    expect((await c.run(['create', 'job', 'y', '--from=deployment/web'])).stderr).toBe('error: unknown object type deployment\n');
  });

  it('creates a job from an image with restartPolicy Never', async () => {
    const c = testCluster();
    await c.run(['create', 'job', 'pi', '--image=busybox:1.36', '--', 'sh', '-c', 'echo 3.14']);
    c.settle();
    expect((await c.run(['get', 'job', 'pi', '-o', 'jsonpath={.spec.template.spec.restartPolicy} {.status.succeeded}'])).stdout).toBe('Never 1');
  });

  it('creates a quota and a priority class, and prints a token', async () => {
    const c = testCluster();
    expect((await c.run(['create', 'quota', 'q', '--hard=pods=1'])).stdout).toBe('resourcequota/q created\n');
    expect((await c.run(['create', 'priorityclass', 'high', '--value=1000'])).stdout).toBe('priorityclass.scheduling.k8s.io/high created\n');
    const token = await c.run(['create', 'token', 'default']);
    expect(token.stdout).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n$/);
    expect((await c.run(['create', 'token', 'ghost'])).stderr).toBe('error: failed to create token: serviceaccounts "ghost" not found\n');
  });
});
