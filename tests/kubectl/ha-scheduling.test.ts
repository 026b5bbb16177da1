// Scheduling for high availability, as the real kubectl shows it, on a kind cluster with
// two workers in two zones (kind-worker in zone-a, kind-worker2 in zone-b):
// - a 3-replica StatefulSet with required pod anti-affinity on the hostname: two pods,
//   one per worker, and web-2 Pending with the scheduler's FailedScheduling message;
// - topologySpreadConstraints over zones, and the hostname constraint whose skew counts
//   the tainted control plane (nodeTaintsPolicy defaults to Ignore);
// - StorageClasses whose allowedTopologies pick the zone of a WaitForFirstConsumer volume.
// Every step waits (off the record) for the state it shows, so the seeded names come out
// the same on every run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-ha-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  cluster = await startServedCluster({ speed: 10, seed: 'ha-scheduling', topology: { workers: 2, zones: ['zone-a', 'zone-b'], region: 'region-1' } });
}, 30_000);
afterAll(async () => { await cluster?.close(); });

const STATEFULSET = `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector:
    app: db
  ports:
  - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels:
                app: db
            topologyKey: kubernetes.io/hostname
      containers:
      - name: db
        image: nginx:1.27
        volumeMounts:
        - name: data
          mountPath: /var/lib/data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
`;

const spreadDeployment = (name: string, replicas: number, topologyKey: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: ${topologyKey}
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels:
            app: ${name}
      containers:
      - name: nginx
        image: nginx:1.27
`;

const zonalClaim = (name: string, zone: string): string => `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-${zone}
provisioner: rancher.io/local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowedTopologies:
- matchLabelExpressions:
  - key: topology.kubernetes.io/zone
    values: ["${zone}"]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
  storageClassName: local-${zone}
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: nginx:1.27
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: ${name}
`;

/** Polls (off the record) until `check` holds for kubectl's output. */
async function until(args: string[], check: (out: string) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await cluster.kubectl(args);
    if (r.code === 0 && check(r.stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ANTI_AFFINITY_MESSAGE = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match pod anti-affinity rules. "
  + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';

suite('scheduling for high availability with the real kubectl', () => {
  it('keeps a StatefulSet\'s replicas apart and explains the one that cannot fit', async () => {
    const parts = [await transcript(cluster, [
      ['get', 'nodes', '-L', 'topology.kubernetes.io/region,topology.kubernetes.io/zone'],
      ['apply', '-f', file('web.yaml', STATEFULSET)],
    ])];
    await until(['get', 'pods', '-l', 'app=db', '--no-headers'], (out) => (out.match(/1\/1\s+Running/g) ?? []).length === 2 && /web-2\s+0\/1\s+Pending/.test(out), 'web-0 and web-1 Running, web-2 Pending');
    await until(['get', 'events', '--field-selector', 'involvedObject.name=web-2,reason=FailedScheduling', '--no-headers'], (out) => out.includes('anti-affinity'), 'the FailedScheduling event');
    parts.push(await transcript(cluster, [
      ['get', 'pods', '-l', 'app=db', '-o', 'custom-columns=NAME:.metadata.name,STATUS:.status.phase,NODE:.spec.nodeName'],
      ['get', 'pod', 'web-2', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}{"\\n"}'],
      ['get', 'events', '--field-selector', 'involvedObject.name=web-2'],
      ['describe', 'pod', 'web-2'],
      ['get', 'pvc', 'data-web-2'],
      ['scale', 'statefulset', 'web', '--replicas=2'],
    ]));
    await until(['get', 'pods', '-l', 'app=db', '--no-headers'], (out) => !out.includes('web-2'), 'web-2 to go');
    const text = parts.join('\n');
    // The point of the scenario, whatever else the transcript holds.
    expect(text).toContain(ANTI_AFFINITY_MESSAGE);
    const g = golden('ha-scheduling-anti-affinity', text);
    expect(g.actual).toBe(g.expected);
  }, 120_000);

  it('spreads over zones, and counts the control plane as a hostname domain', async () => {
    const parts = [await transcript(cluster, [
      ['apply', '-f', file('zones.yaml', spreadDeployment('zones', 4, 'topology.kubernetes.io/zone'))],
      ['apply', '-f', file('hosts.yaml', spreadDeployment('hosts', 3, 'kubernetes.io/hostname'))],
    ])];
    await until(['get', 'pods', '-l', 'app=zones', '--no-headers'], (out) => (out.match(/1\/1\s+Running/g) ?? []).length === 4, 'four zones pods Running');
    await until(['get', 'pods', '-l', 'app=hosts', '--no-headers'], (out) => (out.match(/1\/1\s+Running/g) ?? []).length === 2 && (out.match(/Pending/g) ?? []).length === 1, 'two hosts pods Running, one Pending');
    parts.push(await transcript(cluster, [
      ['get', 'pods', '-l', 'app=zones', '-o', 'custom-columns=NODE:.spec.nodeName', '--sort-by=.spec.nodeName'],
      ['get', 'pods', '-l', 'app=hosts', '--field-selector', 'status.phase=Pending', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="PodScheduled")].message}{"\\n"}'],
      ['delete', 'deployment', 'zones', 'hosts'],
    ]));
    const g = golden('ha-scheduling-spread', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 120_000);

  it('provisions WaitForFirstConsumer volumes only in the zones a class allows', async () => {
    const parts = [await transcript(cluster, [
      ['apply', '-f', file('zone-b.yaml', zonalClaim('in-b', 'zone-b'))],
      ['apply', '-f', file('zone-c.yaml', zonalClaim('in-c', 'zone-c'))],
    ])];
    await until(['get', 'pvc', 'in-b', '--no-headers'], (out) => out.includes('Bound'), 'in-b Bound');
    await until(['get', 'events', '--field-selector', 'involvedObject.name=in-c,reason=FailedScheduling', '--no-headers'], (out) => out.includes('persistent volumes'), 'in-c FailedScheduling');
    await until(['get', 'pod', 'in-b', '--no-headers'], (out) => out.includes('Running'), 'in-b Running');
    // The PV controller notices the unscheduled consumer on its next pass over the claim.
    await until(['get', 'events', '--field-selector', 'involvedObject.name=in-c,reason=WaitForPodScheduled', '--no-headers'], (out) => out.includes('waiting for pod in-c'), 'in-c WaitForPodScheduled');
    parts.push(await transcript(cluster, [
      ['get', 'pods', 'in-b', 'in-c', '-o', 'custom-columns=NAME:.metadata.name,STATUS:.status.phase,NODE:.spec.nodeName'],
      ['get', 'pvc', 'in-b', 'in-c'],
      ['get', 'pvc', 'in-b', '-o', 'jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}{"\\n"}'],
      ['get', 'events', '--field-selector', 'involvedObject.name=in-c'],
    ]));
    const g = golden('ha-scheduling-allowed-topologies', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 120_000);
});
