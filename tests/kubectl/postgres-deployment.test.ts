// Issue 4's seed example with the real kubectl against `statecraft serve`: a
// single-replica PostgreSQL Deployment on a ReadWriteOnce local-path claim, and why it
// must use `strategy: Recreate`.
// - RollingUpdate starts the new pod before stopping the old one. The PV's node affinity
//   pins the new pod to the old pod's node, and ReadWriteOnce is per node, so both run
//   on the same data directory at once; when the old server stops it unlinks the lock
//   file (postmaster.pid) the new one took. (Nothing stops this: on a real cluster the
//   second postmaster also starts, since both are PID 1 in their containers.)
// - Recreate stops the old pod first: one server at a time, its lock file intact.
// - A ReadWriteOncePod claim makes the scheduler refuse the second pod instead, so a
//   RollingUpdate stalls with the new pod Pending until the old one is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, tokenise, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-postgres-'));
const LABEL = 'app=postgres';
const PGDATA = '/var/lib/postgresql/data/pgdata';

const manifest = (accessMode: string): string => {
  const file = join(dir, `postgres-${accessMode}.yaml`);
  writeFileSync(file, `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-db
provisioner: rancher.io/local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: postgres-data
spec:
  storageClassName: local-db
  accessModes: [${accessMode}]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: postgres
spec:
  replicas: 1
  selector:
    matchLabels:
      app: postgres
  template:
    metadata:
      labels:
        app: postgres
    spec:
      containers:
      - name: postgres
        image: postgres:17.4
        env:
        - name: POSTGRES_PASSWORD
          value: example
        - name: PGDATA
          value: ${PGDATA}
        ports:
        - containerPort: 5432
        readinessProbe:
          exec:
            command: [pg_isready, -U, postgres]
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: postgres-data
`);
  return file;
};

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'postgres' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const run = (...commands: string[][]): Promise<string> => transcript(cluster, commands);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (off the record) until exactly one postgres pod runs, Ready, and nothing else is starting or stopping. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await cluster.kubectl(['get', 'pods', '-l', LABEL, '--no-headers']);
    const lines = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n');
    if (r.code === 0 && lines.length === 1 && /\s1\/1\s+Running\s/.test(lines[0]!)) return;
    await sleep(100);
  }
  throw new Error('postgres did not settle');
}

/** `kubectl get pods -w -l app=postgres` in another terminal, as `name ready status` rows (repeats folded). */
function watchPods(): { stop(): Promise<string[]> } {
  const watch = cluster.background(['get', 'pods', '-w', '-l', LABEL, '--no-headers']);
  return {
    async stop() {
      const rows = (await watch.stop()).trim().split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' '));
      return rows.filter((r, i) => i === 0 || r !== rows[i - 1]);
    },
  };
}

/** Pod names as `old`/`new`, in order of appearance: the ReplicaSet hashes are not the point. */
function byRole(rows: string[]): string[] {
  const names = [...new Set(rows.map((r) => r.split(' ')[0]!))];
  return rows.map((r) => r.replace(names[0]!, '<old>').replace(names[1] ?? '\0', '<new>'));
}

/** Updates the pod template and records the pods coming and going until the new one is Ready. */
async function update(image: string): Promise<{ text: string; rows: string[] }> {
  const watch = watchPods();
  await sleep(1_000);
  const text = await run(['set', 'image', 'deployment/postgres', `postgres=${image}`]);
  await quiet();
  const rows = byRole(await watch.stop());
  return { text: `${text}\n$ kubectl get pods -w -l ${LABEL}\n${rows.join('\n')}\n`, rows };
}

/** Which node each pod of the Deployment was scheduled to, oldest first. */
const SCHEDULED = ['get', 'events', '--field-selector', 'reason=Scheduled', '--sort-by=.metadata.creationTimestamp', '-o', 'custom-columns=MESSAGE:.message'];
const tidy = (text: string): string => tokenise(text).replace(/postgres-[a-z0-9]{8,10}-[a-z0-9]{5}/g, '<POD>').replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC/g, '<LOGTIME>');

suite('a single-replica PostgreSQL Deployment on a ReadWriteOnce claim', () => {
  it('with RollingUpdate, runs the new server beside the old one on the same volume', async () => {
    const parts = [await run(['apply', '-f', manifest('ReadWriteOnce')])];
    await quiet();
    parts.push(await run(['get', 'pvc', 'postgres-data'], ['exec', 'deploy/postgres', '--', 'pg_isready', '-U', 'postgres'], ['exec', 'deploy/postgres', '--', 'psql', '-U', 'postgres', '-c', 'select 1'], ['exec', 'deploy/postgres', '--', 'ls', PGDATA]));
    const { text, rows } = await update('postgres:17.5');
    // The new server is up before the old one is asked to stop.
    expect(rows.indexOf('<new> 1/1 Running')).toBeGreaterThan(-1);
    expect(rows.indexOf('<new> 1/1 Running')).toBeLessThan(rows.indexOf('<old> 1/1 Terminating'));
    parts.push(text);
    const scheduled = await run(SCHEDULED);
    const nodes = [...scheduled.matchAll(/ to (\S+)/g)].map((m) => m[1]);
    expect(nodes).toHaveLength(2);
    expect(nodes[0]).toBe(nodes[1]);
    // The old server's shutdown removed the lock file the new one holds.
    const ls = await run(['exec', 'deploy/postgres', '--', 'ls', PGDATA]);
    expect(ls).not.toContain('postmaster.pid');
    parts.push(scheduled, ls, await run(['logs', 'deploy/postgres']));
    const g = golden('postgres-rolling-update', tidy(parts.join('\n')));
    expect(g.actual).toBe(g.expected);
  }, 120_000);

  it('with Recreate, stops the old server before the new one starts', async () => {
    const parts = [await run(['patch', 'deployment', 'postgres', '-p', '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'])];
    const { text, rows } = await update('postgres:17.4');
    const lastOld = rows.reduce((last, r, i) => (r.startsWith('<old>') ? i : last), -1);
    expect(lastOld).toBeGreaterThan(-1);
    expect(rows.findIndex((r) => r.startsWith('<new>'))).toBeGreaterThan(lastOld);
    parts.push(text, await run(['exec', 'deploy/postgres', '--', 'ls', PGDATA]));
    const g = golden('postgres-recreate', tidy(parts.join('\n')));
    expect(g.actual).toBe(g.expected);
  }, 120_000);

  it('with a ReadWriteOncePod claim, keeps the new pod Pending until the old one is gone', async () => {
    await cluster.kubectl(['delete', 'deployment', 'postgres']);
    await cluster.kubectl(['delete', 'pvc', 'postgres-data', '--wait=true'], { timeoutMs: 60_000 });
    // Created afresh from the manifest: the default strategy, RollingUpdate, again.
    const parts = [await run(['apply', '-f', manifest('ReadWriteOncePod')])];
    await quiet();
    parts.push(await run(['set', 'image', 'deployment/postgres', 'postgres=postgres:17.5']));
    const pending = ['get', 'pods', '-l', LABEL, '--field-selector', 'status.phase=Pending', '-o', 'jsonpath={.items[0].status.conditions[?(@.type=="PodScheduled")].message}'];
    let why = '';
    for (let i = 0; i < 300 && why === ''; i++) {
      why = (await cluster.kubectl(pending)).stdout;
      if (why === '') await sleep(100);
    }
    expect(why).toBe('0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, '
      + '2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. '
      + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
    parts.push(await run(['get', 'pods', '-l', LABEL], pending));
    const g = golden('postgres-rwop', tidy(parts.join('\n')));
    expect(g.actual).toBe(g.expected);
  }, 120_000);
});
