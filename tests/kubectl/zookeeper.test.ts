// The kubernetes.io "Running ZooKeeper, A Distributed System Coordinator" tutorial, end
// to end, with the real kubectl against `statecraft serve`:
// https://kubernetes.io/docs/tutorials/stateful-application/zookeeper/
// The manifest is the tutorial's zookeeper.yaml as published (its pods are labelled
// app.kubernetes.io/name=zk, so the commands select that label where the tutorial's
// prose still says app=zk; and its podAntiAffinity selects `app In (zk)`, which matches
// no pod, so spreading comes from the scheduler's default scoring, as on a real cluster).
// Four nodes, as the tutorial asks: kind's control plane and three workers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  return cluster.background(['get', 'pods', '-w', '-l', LABEL]);
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

  // The image's sh is dash, which forks the command of `sh -c` and waits: PID 1 stays
  // `sh -c start-zookeeper …`, and start-zookeeper's exec makes its child the JVM.
  it('restarts the server when its process dies, and spreads the servers over the nodes', async () => {
    const tree = await run(['exec', 'zk-0', '--', 'ps', '-ef']);
    expect(tree).toMatch(/\n\S+ +1 +0 .* sh -c start-zookeeper --servers=3 /);
    expect(tree).toMatch(/\n\S+ +\d+ +1 .* \/usr\/lib\/jvm\/java-8-openjdk-amd64\/bin\/java -Dzookeeper.log.dir=\/var\/log\/zookeeper .* org.apache.zookeeper.server.quorum.QuorumPeerMain \/opt\/zookeeper\/conf\/zoo.cfg\n/);
    const watch = watchPods();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The PIDs the probes and this exec get depend on how many probes have run.
    const parts = [tree.replace(/ \d\d:\d\d \?/g, ' <STIME> ?').replace(/^root +\d+ +0 (.*ps -ef)$/m, 'root     <PID>     0 $1'), await run(['exec', 'zk-0', '--', 'pkill', 'java'])];
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
    // `1 (85s ago)`: the restart's age, and the column widths that follow from it.
    const text = parts.join('\n').replace(/1 \(\d+[smh]\w* ago\)/, '1 (<AGE> ago)').replace(/RESTARTS +AGE/, 'RESTARTS   AGE').replace(/^(zk-\d .*?) {2,}<AGE>$/gm, '$1   <AGE>');
    expect(golden('zookeeper-liveness', text).expected).toBe(text);
  }, 120_000);

  // The tutorial's "Testing for Liveness": without its probe script the server is alive
  // but unhealthy, and the kubelet restarts the container (whose fresh filesystem has the
  // script again). dash as PID 1 ignores the SIGTERM, so the kill waits for the grace period.
  it('restarts the server when its liveness probe fails', async () => {
    const watch = watchPods();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const parts = [await run(['exec', 'zk-0', '--', 'rm', '/usr/bin/zookeeper-ready'])];
    for (let i = 0; i < 900; i++) {
      if (/zk-0\s+1\/1\s+Running\s+2\s/.test((await cluster.kubectl(['get', 'pod', 'zk-0', '--no-headers'])).stdout)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const rows = rowsOf(await watch.stop());
    expect(rows.indexOf('zk-0 0/1 Running 1')).toBeGreaterThan(-1);
    expect(rows.indexOf('zk-0 0/1 Running 1')).toBeLessThan(rows.indexOf('zk-0 1/1 Running 2'));
    const unhealthy = await run(['get', 'events', '--field-selector', 'involvedObject.name=zk-0,reason=Unhealthy', '-o', 'custom-columns=MESSAGE:.message', '--sort-by=.lastTimestamp']);
    expect(unhealthy).toContain('\nLiveness probe failed: sh: 1: zookeeper-ready: not found\n');
    const back = await run(['exec', 'zk-0', '--', 'ls', '/usr/bin/zookeeper-ready']);
    expect(back).toContain('\n/usr/bin/zookeeper-ready\n');
  }, 120_000);

  // On kind each server's data is a local-path volume on the node it first ran on (the
  // PV's node affinity), so an evicted server can only come back there: draining zk-0's
  // node leaves zk-0 Pending, and the budget then blocks the next drain until that node
  // is uncordoned. (The manifest's anti-affinity selects `app In (zk)` and matches none
  // of these pods: the volumes, not the affinity, keep the servers apart here.)
  it('survives maintenance: drains respect the PodDisruptionBudget', async () => {
    const [n0, n1] = [await nodeOf('zk-0'), await nodeOf('zk-1')];
    const drainArgs = (node: string): string[] => ['drain', node, '--ignore-daemonsets', '--force', '--delete-emptydir-data'];
    const parts = [await run(['get', 'nodes'], ['get', 'pdb', 'zk-pdb'])];
    parts.push(await forEachPod('for i in 0 1 2; do kubectl get pod zk-$i --template {{.spec.nodeName}}; echo ""; done', (p) => ['get', 'pod', p, '--template', '{{.spec.nodeName}}'], '\n'));
    parts.push(await run(drainArgs(n0)));
    const scheduled = ['get', 'pod', 'zk-0', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}'];
    let why = '';
    for (let i = 0; i < 600 && why === ''; i++) {
      why = (await cluster.kubectl(scheduled)).stdout;
      if (why === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(why).toContain('node(s) had volume node affinity conflict');
    parts.push(await run(['get', 'pods', '-l', LABEL], scheduled));
    // zk-1's node: zk-0 is not Ready, so the budget allows no eviction; kubectl retries every 5s.
    const blocked = cluster.kubectl(drainArgs(n1), { timeoutMs: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    // The service is still available: two of three servers are a quorum.
    const read = await run(['exec', 'zk-2', '--', 'zkCli.sh', 'get', '/hello']);
    expect(read).toContain('\nworld\n');
    parts.push(read, await run(['get', 'pdb', 'zk-pdb'], ['uncordon', n0]));
    const drained = await blocked;
    expect(drained.code).toBe(0);
    expect(drained.stderr).toContain(`error when evicting pods/"zk-1" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`);
    expect(drained.stdout).toContain(`pod/zk-1 evicted\nnode/${n1} drained\n`);
    // How many retries it took depends on time: each repeated line is shown once.
    const once = (text: string): string => text.split('\n').filter((l, i, all) => i === 0 || l !== all[i - 1]).join('\n');
    parts.push(tokenise(`$ kubectl ${drainArgs(n1).join(' ')}\n${once(drained.stdout)}${once(drained.stderr)}`));
    // zk-1 now waits for its node in turn.
    parts.push(await run(['uncordon', n1]));
    await quiet();
    parts.push(await run(['get', 'pods', '-l', LABEL], ['get', 'pdb', 'zk-pdb']));
    const text = parts.join('\n').replace(/[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}/g, '<JAVADATE>');
    expect(golden('zookeeper-maintenance', text).expected).toBe(text);
  }, 240_000);
});
