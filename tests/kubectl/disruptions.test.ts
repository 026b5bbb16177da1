/**
 * PodDisruptionBudgets, the eviction API, cordon, drain and uncordon, driven by the
 * real kubectl: `kubectl drain` is client-side (cordon, list the node's pods, POST an
 * Eviction per pod, retry on 429 every 5 s, wait for each pod to go), so it works only
 * if the server answers every one of those requests as kube-apiserver does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, tokenise, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-disruptions-'));
const manifest = join(dir, 'web.yaml');
const strict = join(dir, 'strict.yaml');
writeFileSync(manifest, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  minAvailable: 3
  selector:
    matchLabels:
      app: web
`);
// One pod on kind-worker and a budget that allows no disruption at all: drain can only time out.
writeFileSync(strict, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  replicas: 1
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      nodeSelector:
        kubernetes.io/hostname: kind-worker
      containers:
      - name: db
        image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: db-pdb
spec:
  maxUnavailable: 0
  selector:
    matchLabels:
      app: db
`);

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'disruptions' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

/** Waits (off the record) until no pod is starting or terminating. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await cluster.kubectl(['get', 'pods', '-A', '--no-headers']);
    if (r.code === 0 && !/Terminating|Pending|ContainerCreating/.test(r.stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('cluster did not quieten');
}

/**
 * kubectl evicts a node's pods concurrently and retries a refused eviction every 5 s,
 * so how many `evicting pod` lines it prints, and in which order, depends on timing:
 * this keeps each distinct line once, in order of first appearance for the rest and
 * sorted for the per-pod ones, and drops the retry notices after checking their text.
 */
async function drain(args: string[], minRetries = 0): Promise<string> {
  const r = await cluster.kubectl(args, { timeoutMs: 90_000 });
  const retry = /^error when evicting pods\/"[a-z0-9-]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.$/;
  const perPod = /^(evicting pod |pod\/)/;
  const tidy = (text: string): string => {
    const lines = [...new Set(text.split('\n').filter((l) => l !== '' && !retry.test(l)))];
    const pods = lines.filter((l) => perPod.test(l)).sort();
    const first = lines.findIndex((l) => perPod.test(l));
    const rest = lines.filter((l) => !perPod.test(l));
    const out = first < 0 ? rest : [...rest.slice(0, first), ...pods, ...rest.slice(first)];
    return out.map((l) => `${l}\n`).join('');
  };
  expect(r.stderr.split('\n').filter((l) => retry.test(l)).length).toBeGreaterThanOrEqual(minRetries);
  return tokenise(`$ kubectl ${args.join(' ')}\n${tidy(r.stdout)}${tidy(r.stderr)}${r.code !== 0 ? `[exit ${r.code}]\n` : ''}`);
}

suite('PodDisruptionBudgets, cordon and drain with the real kubectl', () => {
  it('shows the budget, cordons, drains past DaemonSets and the budget, and uncordons', async () => {
    const parts = [await transcript(cluster, [['apply', '-f', manifest]])];
    await quiet();
    parts.push(await transcript(cluster, [
      ['get', 'pdb'],
      ['get', 'pdb', 'web-pdb', '-o', 'jsonpath={.status}'],
      ['get', 'pods', '-l', 'app=web', '-o', 'custom-columns=NAME:.metadata.name,NODE:.spec.nodeName', '--sort-by=.spec.nodeName'],
      ['cordon', 'kind-worker'],
      ['cordon', 'kind-worker'],
      ['get', 'nodes'],
      ['get', 'node', 'kind-worker', '-o', 'jsonpath={.spec.unschedulable}'],
      ['drain', 'kind-worker'],
    ]));
    parts.push(await drain(['drain', 'kind-worker', '--ignore-daemonsets']));
    await quiet();
    parts.push(await transcript(cluster, [
      ['get', 'pods', '-l', 'app=web', '-o', 'custom-columns=NODE:.spec.nodeName', '--sort-by=.spec.nodeName'],
      ['get', 'pdb'],
      ['drain', 'kind-worker', '--ignore-daemonsets'],
      ['uncordon', 'kind-worker'],
      ['uncordon', 'kind-worker'],
      ['get', 'nodes'],
    ]));
    const g = golden('disruptions-drain', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 120_000);

  it('blocks a drain with a budget that allows nothing, until --timeout', async () => {
    const parts = [await transcript(cluster, [['apply', '-f', strict]])];
    await quiet();
    parts.push(await transcript(cluster, [
      ['get', 'pdb'],
      ['get', 'pods', '-l', 'app=db', '-o', 'wide'],
      ['drain', 'kind-worker', '--ignore-daemonsets', '--dry-run=client'],
    ]));
    // Refused at 0 s and 5 s; the attempt at 10 s finds the 7 s deadline passed.
    parts.push(await drain(['drain', 'kind-worker', '--ignore-daemonsets', '--timeout=7s'], 2));
    parts.push(await transcript(cluster, [
      ['get', 'pdb', 'db-pdb'],
      ['get', 'pods', '-l', 'app=db'],
      ['get', 'nodes'],
      ['uncordon', 'kind-worker'],
    ]));
    const g = golden('disruptions-blocked', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 60_000);
});
