// Storage as the real kubectl sees it on a kind cluster: kind's `standard` class, a
// WaitForFirstConsumer claim that waits, is provisioned by local-path for the pod's node
// and bound, the columns of `get pvc,pv` (VOLUMEATTRIBUTESCLASS included in 1.32), the
// claim's events, and the API server's answers to growing and shrinking the claim.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-storage-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => { cluster = await startServedCluster(); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const CLAIM = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: web
    image: nginx
    volumeMounts:
    - name: data
      mountPath: /usr/share/nginx/html
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
`;

suite('storage with the real kubectl', () => {
  it('provisions a WaitForFirstConsumer claim for its pod and shows it as kind does', async () => {
    const claim = file('pvc.yaml', CLAIM);
    const pod = file('pod.yaml', POD);
    const t1 = await transcript(cluster, [
      ['get', 'sc'],
      ['apply', '-f', claim],
      ['get', 'pvc'],
      ['describe', 'pvc', 'data'],
      ['apply', '-f', pod],
      ['wait', '--for=jsonpath={.status.phase}=Bound', 'pvc/data', '--timeout=60s'],
      ['wait', '--for=condition=Ready', 'pod/app', '--timeout=60s'],
      ['get', 'pvc,pv'],
      ['get', 'pvc', '-o', 'wide'],
      ['get', 'pvc', 'data', '-o', 'jsonpath={.metadata.annotations}'],
      ['describe', 'pvc', 'data'],
      ['get', 'events', '--field-selector', 'involvedObject.name=data'],
      ['patch', 'pvc', 'data', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'],
      ['patch', 'pvc', 'data', '-p', '{"spec":{"resources":{"requests":{"storage":"500Mi"}}}}'],
      ['delete', 'pod', 'app'],
      ['delete', 'pvc', 'data'],
      ['wait', '--for=delete', 'pv', '--all', '--timeout=60s'],
      ['get', 'pv'],
    ]);
    const g = golden('storage-wait-for-first-consumer', t1);
    expect(g.actual).toBe(g.expected);
  }, 120_000);

  it('binds a static volume to a class-less claim and keeps it Released under Retain', async () => {
    const manifests = file('static.yaml', `apiVersion: v1
kind: PersistentVolume
metadata:
  name: manual
  labels:
    tier: gold
spec:
  capacity:
    storage: 5Gi
  accessModes: ["ReadWriteOnce", "ReadOnlyMany"]
  hostPath:
    path: /data/manual
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: gold
spec:
  storageClassName: ""
  selector:
    matchLabels:
      tier: gold
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 2Gi
`);
    const t = await transcript(cluster, [
      ['apply', '-f', manifests],
      ['get', 'pv,pvc'],
      ['get', 'pv', 'manual', '-o', 'jsonpath={.spec.claimRef.name} {.status.phase} {.metadata.annotations.pv\\.kubernetes\\.io/bound-by-controller}'],
      ['delete', 'pvc', 'gold'],
      ['get', 'pv'],
      ['apply', '-f', manifests],
      ['get', 'pvc', 'gold'],
      ['delete', '-f', manifests],
    ]);
    const g = golden('storage-static-retain', t);
    expect(g.actual).toBe(g.expected);
  }, 60_000);

  it('leaves a ReadWriteMany claim on local-path Pending with the provisioner\'s error', async () => {
    const manifests = file('rwx.yaml', `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: shared
spec:
  accessModes: ["ReadWriteMany"]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: reader
spec:
  containers:
  - name: reader
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - name: shared
      mountPath: /shared
  volumes:
  - name: shared
    persistentVolumeClaim:
      claimName: shared
`);
    const t = await transcript(cluster, [
      ['apply', '-f', manifests],
      ['get', 'pvc,pods'],
      ['get', 'events', '--field-selector', 'involvedObject.name=shared'],
      ['get', 'events', '--field-selector', 'involvedObject.name=reader'],
      ['delete', '-f', manifests, '--wait=false'],
    ]);
    const g = golden('storage-rwx-local-path', t);
    expect(g.actual).toBe(g.expected);
  }, 60_000);
});
