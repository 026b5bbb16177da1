// The kubernetes.io "Running ZooKeeper, A Distributed System Coordinator" tutorial, end
// to end, with the real kubectl against `statecraft serve`:
// https://kubernetes.io/docs/tutorials/stateful-application/zookeeper/
// The manifest is the tutorial's zookeeper.yaml as published (its pods are labelled
// app.kubernetes.io/name=zk, so the commands select that label where the tutorial's
// prose still says app=zk; and its podAntiAffinity selects `app In (zk)`, which matches
// no pod, so spreading comes from the scheduler's default scoring, as on a real cluster).
// Four nodes, as the tutorial asks: kind's control plane and three workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { golden, kubectlPath, startServedCluster, tokenise, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-zk-'));
const LABEL = 'app.kubernetes.io/name=zk';

// WEB:content/en/examples/application/zookeeper/zookeeper.yaml
const manifest = join(dir, 'zookeeper.yaml');
writeFileSync(manifest, `apiVersion: v1
kind: Service
metadata:
  name: zk-hs
  labels:
    app.kubernetes.io/name: zk
spec:
  ports:
  - port: 2888
    name: server
  - port: 3888
    name: leader-election
  clusterIP: None
  selector:
    app.kubernetes.io/name: zk
---
apiVersion: v1
kind: Service
metadata:
  name: zk-cs
  labels:
    app.kubernetes.io/name: zk
spec:
  ports:
  - port: 2181
    name: client
  selector:
    app.kubernetes.io/name: zk
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: zk
  maxUnavailable: 1
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: zk
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: zk
  serviceName: zk-hs
  replicas: 3
  updateStrategy:
    type: RollingUpdate
  podManagementPolicy: OrderedReady
  template:
    metadata:
      labels:
        app.kubernetes.io/name: zk
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchExpressions:
                  - key: "app"
                    operator: In
                    values:
                    - zk
              topologyKey: "kubernetes.io/hostname"
      containers:
      - name: kubernetes-zookeeper
        imagePullPolicy: Always
        image: "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10"
        resources:
          requests:
            memory: "1Gi"
            cpu: "0.5"
        ports:
        - containerPort: 2181
          name: client
        - containerPort: 2888
          name: server
        - containerPort: 3888
          name: leader-election
        command:
        - sh
        - -c
        - "start-zookeeper \\
          --servers=3 \\
          --data_dir=/var/lib/zookeeper/data \\
          --data_log_dir=/var/lib/zookeeper/data/log \\
          --conf_dir=/opt/zookeeper/conf \\
          --client_port=2181 \\
          --election_port=3888 \\
          --server_port=2888 \\
          --tick_time=2000 \\
          --init_limit=10 \\
          --sync_limit=5 \\
          --heap=512M \\
          --max_client_cnxns=60 \\
          --snap_retain_count=3 \\
          --purge_interval=12 \\
          --max_session_timeout=40000 \\
          --min_session_timeout=4000 \\
          --log_level=INFO"
        readinessProbe:
          exec:
            command:
            - sh
            - -c
            - "zookeeper-ready 2181"
          initialDelaySeconds: 10
          timeoutSeconds: 5
        livenessProbe:
          exec:
            command:
            - sh
            - -c
            - "zookeeper-ready 2181"
          initialDelaySeconds: 10
          timeoutSeconds: 5
        volumeMounts:
        - name: datadir
          mountPath: /var/lib/zookeeper
      securityContext:
        runAsUser: 1000
        fsGroup: 1000
  volumeClaimTemplates:
  - metadata:
      name: datadir
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 10Gi
`);

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'zookeeper', topology: { workers: 3 } }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const run = (...commands: string[][]): Promise<string> => transcript(cluster, commands);

/** `for i in 0 1 2; do kubectl …; done` as one transcript entry; `shown` is the loop as typed. */
async function forEachPod(shown: string, args: (pod: string) => string[], after = ''): Promise<string> {
  let out = '';
  for (const i of [0, 1, 2]) {
    const r = await cluster.kubectl(args(`zk-${i}`));
    out += r.stdout + r.stderr + after + (r.code !== 0 ? `[exit ${r.code}]\n` : '');
  }
  return tokenise(`$ ${shown}\n${out}`);
}

const nodeOf = async (pod: string): Promise<string> => (await cluster.kubectl(['get', 'pod', pod, '--template', '{{.spec.nodeName}}'])).stdout;

/** Waits (off the record) until the three servers are Running and Ready and none is leaving. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 900; i++) {
    const r = await cluster.kubectl(['get', 'pods', '-l', LABEL, '--no-headers']);
    const lines = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n');
    if (r.code === 0 && lines.length === 3 && lines.every((l) => /\s1\/1\s+Running\s/.test(l))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the ensemble did not settle');
}

/** `kubectl get pods -w -l …` in another terminal: runs until stopped. */
function watchPods(): { stop(): Promise<string> } {
  const child = spawn(kubectlPath!, ['get', 'pods', '-w', '-l', LABEL], {
    env: { PATH: process.env.PATH ?? '', HOME: dirname(cluster.kubeconfig), KUBECONFIG: cluster.kubeconfig },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 500));
      child.kill();
      await closed;
      return out;
    },
  };
}

/** Watch rows as `name ready status restarts`. */
const rowsOf = (watched: string): string[] => watched.trim().split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 4).join(' '));

suite('the ZooKeeper tutorial with the real kubectl', () => {
  it('creates the ensemble in order, with stable identities and configuration', async () => {
    await cluster.kubectl(['get', 'pods', '-l', LABEL]);
    const watch = watchPods();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const parts = [await run(['apply', '-f', manifest])];
    await quiet();
    const watched = await watch.stop();
    const rows = rowsOf(watched);
    // Each server starts only once the one before it is Running and Ready.
    expect(rows.indexOf('zk-0 1/1 Running 0')).toBeGreaterThan(-1);
    expect(rows.indexOf('zk-0 1/1 Running 0')).toBeLessThan(rows.indexOf('zk-1 0/1 Pending 0'));
    expect(rows.indexOf('zk-1 1/1 Running 0')).toBeLessThan(rows.indexOf('zk-2 0/1 Pending 0'));
    parts.push(tokenise(`$ kubectl get pods -w -l ${LABEL}\n${watched}`));
    parts.push(await forEachPod('for i in 0 1 2; do kubectl exec zk-$i -- hostname; done', (p) => ['exec', p, '--', 'hostname']));
    let myids = '';
    for (const i of [0, 1, 2]) myids += `myid zk-${i}\n${(await cluster.kubectl(['exec', `zk-${i}`, '--', 'cat', '/var/lib/zookeeper/data/myid'])).stdout}`;
    parts.push(`$ for i in 0 1 2; do echo "myid zk-$i";kubectl exec zk-$i -- cat /var/lib/zookeeper/data/myid; done\n${myids}`);
    parts.push(await forEachPod('for i in 0 1 2; do kubectl exec zk-$i -- hostname -f; done', (p) => ['exec', p, '--', 'hostname', '-f']));
    parts.push(await run(['exec', 'zk-0', '--', 'cat', '/opt/zookeeper/conf/zoo.cfg']));
    expect(golden('zookeeper-ensemble', parts.join('\n')).expected).toBe(parts.join('\n'));
  }, 180_000);

  it('replicates writes across the ensemble and keeps them on the servers\' volumes', async () => {
    const parts = [await run(['exec', 'zk-0', '--', 'zkCli.sh', 'create', '/hello', 'world'], ['exec', 'zk-1', '--', 'zkCli.sh', 'get', '/hello'])];
    parts.push(await run(['delete', 'statefulset', 'zk']));
    for (let i = 0; i < 600; i++) {
      if ((await cluster.kubectl(['get', 'pods', '-l', LABEL, '--no-headers'])).stdout.trim() === '') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    parts.push(await run(['apply', '-f', manifest]));
    await quiet();
    parts.push(await run(['exec', 'zk-2', '--', 'zkCli.sh', 'get', '/hello'], ['get', 'pvc', '-l', LABEL]));
    const text = parts.join('\n').replace(/[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}/g, '<JAVADATE>').replace(/pvc-<UID>\s+/g, 'pvc-<UID>   ');
    expect(text).toContain('world\ncZxid = 0x100000002\n');
    expect(golden('zookeeper-durable', text).expected).toBe(text);
  }, 180_000);

  // `ps -elf` is left out until the JVM shows in the process list (see the skipped test below).
  it('shows the configuration, the logs and the pod\'s hosts file', async () => {
    const sts = (await cluster.kubectl(['get', 'sts', 'zk', '-o', 'yaml'])).stdout;
    expect(sts).toContain('        - start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data');
    expect(sts).toMatch(/securityContext:\n {8}fsGroup: 1000\n {8}runAsUser: 1000\n/);
    const logs = await cluster.kubectl(['logs', 'zk-0', '--tail', '20']);
    const lines = logs.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[myid:1\] - INFO  \[/);
    expect(logs.stdout).toMatch(/Processing ruok command from \/127\.0\.0\.1:\d+/);
    const text = (await run(['exec', 'zk-0', '--', 'cat', '/etc/hosts'])).replace(/^10\.244\.\d+\.\d+\t/m, '<IP>\t');
    expect(golden('zookeeper-process', text).expected).toBe(text);
  }, 60_000);

  // Unfinished (see the report): `sh -c` does not exec its last command and the JVM's
  // exec() does not show in the namespace's process list, so `pkill java` finds nothing.
  it.skip('restarts the server when its process dies, and spreads the servers over the nodes', async () => {
    const watch = watchPods();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const parts = [await run(['exec', 'zk-0', '--', 'pkill', 'java'])];
    for (let i = 0; i < 600; i++) {
      if (/zk-0\s+1\/1\s+Running\s+1\s/.test((await cluster.kubectl(['get', 'pod', 'zk-0', '--no-headers'])).stdout)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const rows = rowsOf(await watch.stop());
    // The container exits with the JVM's 143 (Error), and the kubelet restarts it.
    expect(rows).toContain('zk-0 0/1 Error 0');
    expect(rows.indexOf('zk-0 0/1 Error 0')).toBeLessThan(rows.indexOf('zk-0 1/1 Running 1'));
    const nodes = await forEachPod('for i in 0 1 2; do kubectl get pod zk-$i --template {{.spec.nodeName}}; echo ""; done', (p) => ['get', 'pod', p, '--template', '{{.spec.nodeName}}'], '\n');
    expect(new Set(nodes.trim().split('\n').slice(1)).size).toBe(3);
    parts.push(nodes, await run(['get', 'pods', '-l', LABEL], ['get', 'pdb', 'zk-pdb']));
    expect(golden('zookeeper-liveness', parts.join('\n')).expected).toBe(parts.join('\n'));
  }, 120_000);

  // Unfinished (see the report): runs past its timeout; not yet diagnosed.
  it.skip('survives maintenance: drains respect the PodDisruptionBudget', async () => {
    const parts = [await run(['get', 'nodes'])];
    const [n0, n1, n2] = [await nodeOf('zk-0'), await nodeOf('zk-1'), await nodeOf('zk-2')];
    const drainArgs = (node: string): string[] => ['drain', node, '--ignore-daemonsets', '--force', '--delete-emptydir-data'];
    // zk-0's node: zk-0 is evicted and comes back on another node.
    parts.push(await run(drainArgs(n0)));
    await quiet();
    expect(await nodeOf('zk-0')).not.toBe(n0);
    parts.push(await run(['get', 'pods', '-l', LABEL, '-o', 'wide']));
    // zk-1's node, then zk-2's: with every other worker cordoned the last servers have
    // nowhere to go, so once one of them is down the budget blocks the next eviction.
    await cluster.kubectl(drainArgs(n1), { timeoutMs: 120_000 });
    await quiet();
    const blocked = cluster.kubectl(drainArgs(n2), { timeoutMs: 120_000 });
    let pending = '';
    for (let i = 0; i < 600 && pending === ''; i++) {
      pending = (await cluster.kubectl(['get', 'pods', '-l', LABEL, '--field-selector', 'status.phase=Pending', '-o', 'name'])).stdout.trim();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pending).toMatch(/^pod\/zk-\d$/);
    // The service is still available: two of three servers are a quorum.
    const survivor = ['zk-0', 'zk-1', 'zk-2'].find((p) => `pod/${p}` !== pending)!;
    const read = await cluster.kubectl(['exec', survivor, '--', 'zkCli.sh', 'get', '/hello']);
    expect(read.stdout).toContain('\nworld\n');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    parts.push(await run(['uncordon', n0]));
    const drained = await blocked;
    expect(drained.code).toBe(0);
    expect(drained.stderr).toMatch(/error when evicting pods\/"zk-\d" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    expect(drained.stdout).toContain(`node/${n2} drained`);
    await quiet();
    parts.push(await run(['get', 'pdb', 'zk-pdb'], ['uncordon', n1], ['uncordon', n2]));
    expect(golden('zookeeper-maintenance', parts.join('\n').replaceAll(n0, '<NODE0>').replaceAll(n1, '<NODE1>').replaceAll(n2, '<NODE2>')).expected)
      .toBe(parts.join('\n').replaceAll(n0, '<NODE0>').replaceAll(n1, '<NODE1>').replaceAll(n2, '<NODE2>'));
  }, 240_000);
});
