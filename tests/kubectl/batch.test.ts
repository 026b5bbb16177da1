import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

// 30× real time: a failed pod's 10 s back-off is a third of a second, a cron minute two seconds.
let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-batch-'));
const failing = join(dir, 'fail.yaml');
writeFileSync(failing, `apiVersion: batch/v1
kind: Job
metadata:
  name: fail
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "echo failing; exit 1"]
`);
const indexed = join(dir, 'indexed.yaml');
writeFileSync(indexed, `apiVersion: batch/v1
kind: Job
metadata:
  name: idx
spec:
  completions: 3
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "echo index $JOB_COMPLETION_INDEX on $(hostname)"]
`);

beforeAll(async () => { cluster = await startServedCluster({ speed: 30, seed: 'batch' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const run = (...commands: string[][]): Promise<string> => transcript(cluster, commands);

/** Polls (off the record) until a command's output matches. */
async function until(args: string[], re: RegExp, tries = 300): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const r = await cluster.kubectl(args);
    if (r.code === 0 && re.test(r.stdout)) return r.stdout;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${args.join(' ')} to match ${re}`);
}

// A cronjob's job is named after the scheduled minute, which depends on when the test ran.
const minutes = (text: string): string => text.replace(/hello-\d{8}/g, 'hello-<MINUTE>');

suite('Jobs and CronJobs with the real kubectl', () => {
  it('creates a job, waits for it to complete and reads its logs', async () => {
    const parts = [await run(['create', 'job', 'pi', '--image=busybox:1.36', '--', 'sh', '-c', 'echo hello from the job'])];
    parts.push(await run(['wait', '--for=condition=complete', 'job/pi', '--timeout=60s']));
    parts.push(await run(
      ['logs', 'job/pi'],
      ['get', 'jobs'],
      ['get', 'pods', '-l', 'batch.kubernetes.io/job-name=pi'],
      ['get', 'job', 'pi', '-o', 'jsonpath={.status.conditions[*].type} {.status.succeeded} {.spec.selector.matchLabels}'],
      ['get', 'events', '--field-selector', 'involvedObject.kind=Job', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message'],
    ));
    const g = golden('batch-job', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  });

  it('fails a job past its backoffLimit', async () => {
    const parts = [await run(['apply', '-f', failing])];
    await until(['get', 'job', 'fail', '-o', 'jsonpath={.status.conditions[*].type}'], /\bFailed\b/);
    parts.push(await run(
      ['get', 'job', 'fail'],
      ['get', 'job', 'fail', '-o', 'jsonpath={range .status.conditions[*]}{.type} {.reason}: {.message}{"\\n"}{end}'],
      ['get', 'pods', '-l', 'batch.kubernetes.io/job-name=fail'],
    ));
    const g = golden('batch-backoff', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  });

  it('runs an Indexed job with one pod per completion index', async () => {
    const parts = [await run(['apply', '-f', indexed])];
    parts.push(await run(['wait', '--for=condition=complete', 'job/idx', '--timeout=60s']));
    const pods = await cluster.kubectl(['get', 'pods', '-l', 'batch.kubernetes.io/job-name=idx', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']);
    const names = pods.stdout.trim().split('\n').sort();
    const logs: string[] = [];
    for (const name of names) logs.push((await cluster.kubectl(['logs', name])).stdout.trim());
    expect(logs).toEqual(['index 0 on idx-0', 'index 1 on idx-1', 'index 2 on idx-2']);
    parts.push(await run(['get', 'job', 'idx', '-o', 'jsonpath={.status.completedIndexes} {.status.succeeded}']));
    const g = golden('batch-indexed', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  });

  it('fires a cronjob on the virtual clock and starts a job from it by hand', async () => {
    const parts = [await run(['create', 'cronjob', 'hello', '--image=busybox:1.36', '--schedule=*/1 * * * *', '--', 'sh', '-c', 'echo tick'])];
    const job = (await until(['get', 'jobs', '-o', 'name'], /hello-\d{8}/)).match(/hello-\d{8}/)![0];
    await until(['get', 'job', job, '-o', 'jsonpath={.status.succeeded}'], /^1$/);
    await until(['get', 'cronjob', 'hello', '-o', 'jsonpath={.status.lastSuccessfulTime}'], /Z$/);
    parts.push(await run(
      ['get', 'cronjobs'],
      ['get', 'job', job, '-o', 'jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.annotations}'],
      ['logs', `job/${job}`],
      ['create', 'job', 'manual', '--from=cronjob/hello'],
      ['get', 'job', 'manual', '-o', 'jsonpath={.metadata.annotations} {.metadata.ownerReferences[0].name}'],
    ));
    await until(['get', 'job', 'manual', '-o', 'jsonpath={.status.succeeded}'], /^1$/);
    parts.push(await run(['logs', 'job/manual']));
    const g = golden('batch-cronjob', minutes(parts.join('\n')).replace(/"\d{4}-\d\d-\d\dT\d\d:\d\d:00Z"/g, '"<SCHEDULED>"'));
    expect(g.actual).toBe(g.expected);
  }, 60_000);
});
