// A worker dies and comes back, watched with the real kubectl: `statecraft node stop`
// does to kind-worker2 what `docker stop kind-worker2` does to a kind node. After the
// 50 s grace period the node is NotReady and tainted unreachable; 300 s later (the
// default tolerations) its pods are evicted: the Deployment's is replaced on
// kind-worker, the StatefulSet's stays Terminating, and once force-deleted cannot
// follow its local-path volume off the dead node. `statecraft node start` brings
// everything back. The cluster runs at 20× real time; every step waits (off the
// record) for the state it shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodePower } from '../../src/cli/node.ts';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-node-failure-'));
const manifest = join(dir, 'app.yaml');
// Both prefer kind-worker2, so the story happens there; the web pod may move, the
// database's volume may not.
const PREFER_WORKER2 = `      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            preference:
              matchExpressions:
              - key: kubernetes.io/hostname
                operator: In
                values: [kind-worker2]`;
writeFileSync(manifest, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
${PREFER_WORKER2}
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 1
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
${PREFER_WORKER2}
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts:
        - name: data
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`);

// Applied once the others run, so pod IPs are handed out in a fixed order.
const cacheManifest = join(dir, 'cache.yaml');
writeFileSync(cacheManifest, `# Tolerates an unreachable node for ever: it waits the outage out and restarts with it.
apiVersion: v1
kind: Pod
metadata:
  name: cache
spec:
  nodeSelector:
    kubernetes.io/hostname: kind-worker2
  tolerations:
  - key: node.kubernetes.io/unreachable
    operator: Exists
    effect: NoExecute
  containers:
  - name: nginx
    image: nginx:1.27
`);

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'node-failure' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const run = (...commands: string[][]): Promise<string> => transcript(cluster, commands);

/** Polls (off the record) until `check` holds for kubectl's output. */
async function until(args: string[], check: (out: string) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await cluster.kubectl(args);
    if (r.code === 0 && check(r.stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function node(action: 'stop' | 'start'): Promise<string> {
  await nodePower('kind-worker2', action, { kubeconfig: cluster.kubeconfig });
  return `$ statecraft node ${action} kind-worker2\nkind-worker2\n`;
}

const PODS = ['get', 'pods', '-o', 'wide'];
const NO_EXECUTE = ['get', 'node', 'kind-worker2', '-o', 'jsonpath={.spec.taints[*].effect}'];

suite('a node failure with the real kubectl', () => {
  it('goes NotReady, evicts, holds the StatefulSet pod, and recovers', async () => {
    const parts = [await run(['apply', '-f', manifest])];
    await until(['get', 'pods', '--no-headers'], (o) => /^db-0 +1\/1 +Running/m.test(o) && /^web-\S+ +1\/1 +Running/m.test(o), 'the pods to run');
    parts.push(await run(['apply', '-f', cacheManifest]));
    await until(['get', 'pods', '--no-headers'], (o) => /^cache +1\/1 +Running/m.test(o), 'the cache pod to run');
    parts.push(await run(PODS));

    parts.push(await node('stop'));
    await until(NO_EXECUTE, (o) => o.includes('NoExecute'), 'the unreachable NoExecute taint');
    parts.push(await run(
      ['get', 'nodes'],
      ['describe', 'node', 'kind-worker2'],
      PODS,
      ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status,TOLERATIONS:.spec.tolerations[*].tolerationSeconds'],
      ['logs', 'db-0'],
      ['get', 'events', '--field-selector', 'reason=NodeNotReady', '-o', 'custom-columns=OBJECT:.involvedObject.name,SOURCE:.source.component,MESSAGE:.message', '--sort-by=.involvedObject.name'],
    ));

    // Five minutes later the taint manager deletes both pods; no kubelet finishes the job.
    await until(['get', 'pods', '--no-headers'], (o) => (o.match(/Terminating/g) ?? []).length === 2 && /^web-\S+ +1\/1 +Running/m.test(o), 'the evictions');
    parts.push(await run(
      PODS,
      ['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'custom-columns=OBJECT:.involvedObject.name,SOURCE:.source.component,MESSAGE:.message', '--sort-by=.involvedObject.name'],
      ['get', 'pod', 'db-0', '-o', 'jsonpath={.status.conditions[?(@.type=="DisruptionTarget")]}'],
    ));

    // Forced: db-0 is made again, but its local-path volume lives on the dead node.
    parts.push(await run(['delete', 'pod', 'db-0', '--force', '--grace-period=0']));
    await until(['get', 'events', '--field-selector', 'involvedObject.name=db-0,reason=FailedScheduling', '--no-headers'], (o) => o.includes('volume node affinity conflict'), 'FailedScheduling');
    parts.push(await run(
      PODS,
      ['get', 'events', '--field-selector', 'involvedObject.name=db-0,reason=FailedScheduling', '-o', 'custom-columns=SOURCE:.source.component,MESSAGE:.message'],
    ));

    parts.push(await node('start'));
    await until(['get', 'pods', '--no-headers'], (o) => !/Terminating|Pending|ContainerCreating|0\/1/.test(o) && /^db-0 +1\/1 +Running/m.test(o), 'the recovery');
    await until(NO_EXECUTE, (o) => o === '', 'the taints to go');
    // RESTARTS would read "1 (3s ago)": the columns that matter, without the age.
    parts.push(await run(
      ['get', 'nodes'],
      ['get', 'pods', '-o', 'custom-columns=NAME:.metadata.name,PHASE:.status.phase,READY:.status.containerStatuses[0].ready,RESTARTS:.status.containerStatuses[0].restartCount,LAST:.status.containerStatuses[0].lastState.terminated.reason,EXIT:.status.containerStatuses[0].lastState.terminated.exitCode,NODE:.spec.nodeName'],
      ['get', 'node', 'kind-worker2', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}{"\\n"}'],
      ['get', 'events', '--field-selector', 'involvedObject.name=kind-worker2,source=kubelet', '-o', 'custom-columns=REASON:.reason,SOURCE:.source.component,MESSAGE:.message', '--sort-by=.reason'],
      ['get', 'events', '--field-selector', 'involvedObject.name=cache,reason=SandboxChanged', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message'],
    ));
    const g = golden('node-failure', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 120_000);
});
