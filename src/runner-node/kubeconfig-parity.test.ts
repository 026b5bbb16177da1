/**
 * DESIGN.md rule 3: the grader gives the same verdicts whatever cluster it
 * grades. `statecraft serve` is graded through the kubeconfig backend
 * (@kubernetes/client-node, a namespace per scenario) and the same lab in
 * process on the shim; every scenario's verdict and every word the learner
 * reads must agree, once names that differ by nature (the namespace, IPs) are
 * set aside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath, startServedCluster, type ServedCluster } from '../../tests/kubectl/harness.ts';
import { checkLab, type LabCheckReport } from '../runner/lab-check.ts';
import { grade } from '../runner/grade.ts';
import { freshShim, shimBackend, shimTopology } from '../runner/shim-backend.ts';
import { labIds, loadLabBundle } from './files.ts';
import { kubeconfigBackend } from './kubeconfig-backend.ts';
import { KubeconfigClusterClient } from './kubeconfig-client.ts';
import { runGrade } from '../cli/grade.ts';

let served: ServedCluster;
// Fast virtual time: image pulls and container starts take milliseconds of wall time.
beforeAll(async () => { served = await startServedCluster({ speed: 50, seed: 'parity' }); }, 30_000);
afterAll(async () => { await served?.close(); });

/** What a scenario proved, in words that do not depend on the backend. */
function verdicts(report: LabCheckReport) {
  return report.scenarios.map((s) => ({
    name: s.name,
    passed: s.passed,
    steps: s.grade?.steps.map((st) => ({ step: st.step, passed: st.passed, checks: st.checks.map((c) => unordered(normalise([c.message ?? '', ...c.details, ...c.reasons].join('\n')))).sort() })),
    problems: s.grade?.problems.map(normalise),
  }));
}

function normalise(text: string): string {
  return text.replace(/\bsc-[a-z0-9-]+-[0-9a-f]{6}\b/g, '<ns>').replace(/\bdefault\b/g, '<ns>').replace(/\b\d+\.\d+\.\d+\.\d+\b/g, '<ip>')
    // generateName's random suffix (Pods of a DaemonSet, EndpointSlices).
    .replace(/\b([a-z][a-z0-9-]*)-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '$1-<id>')
    // A provisioned volume is named after its claim's uid.
    .replace(/\bpvc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'pvc-<uid>')
    // Which worker a pod lands on is a seeded tie-break, and so is which member a node takes down with it.
    .replace(/\bkind-worker\d*\b/g, 'kind-worker<n>')
    .replace(/\bdb-\d\b/g, 'db-<n>')
    // An Event's name ends with the hex nanoseconds of its clock.
    .replace(/\b([a-z0-9-]+)\.[0-9a-f]{16}\b/g, '$1.<time>');
}

/** What a lab check may not leave behind on a shared cluster. */
async function clusterScoped(admin: KubeconfigClusterClient) {
  const names = async (kind: string, apiVersion = 'v1') => (await admin.list({ apiVersion, kind })).map((o) => o.metadata?.name ?? '').sort();
  const nodes = await admin.list({ apiVersion: 'v1', kind: 'Node' });
  return {
    namespaces: await names('Namespace'),
    persistentVolumes: await names('PersistentVolume'),
    storageClasses: await names('StorageClass', 'storage.k8s.io/v1'),
    ready: nodes.map((n) => `${n.metadata?.name} ${(n.status as { conditions?: { type: string; status: string }[] }).conditions?.find((c) => c.type === 'Ready')?.status}`),
  };
}

/** Lines under a check's first are about objects in name order, and generated names order differently. */
function unordered(text: string): string {
  const [first, ...rest] = text.split('\n');
  return [first, ...rest.sort()].join('\n');
}

// Command checks run the real kubectl on a real cluster: CI always has one (.ci/run).
const suite = kubectlPath || process.env.CI ? describe : describe.skip;

suite('the same verdicts on the shim and on a served cluster by kubeconfig', () => {
  // One served cluster per lab, shaped by the lab's topology (the replicated driver
  // node-failure needs is installed on it, as a real cluster would need it); the lab's
  // scenarios share it, so each must leave nothing behind for the next.
  it.each(labIds('labs'))('lab check of %s: start, solution and every wrong answer', async (id) => {
    const bundle = loadLabBundle(`labs/${id}`);
    // The served clusters run 50 times faster than the wall: a lab's own timeouts (node-failure's 420 s) are theirs.
    const options = { timeoutSeconds: 3, pollIntervalMs: 100, now: Date.now, speed: 50 };
    const shim = await checkLab(bundle, shimBackend(), options);
    const cluster = id === 'configmap-pod' ? served : await startServedCluster({ speed: 50, seed: 'parity', topology: shimTopology(bundle.lab.topology) });
    try {
      const admin = new KubeconfigClusterClient({ kubeconfig: cluster.kubeconfig });
      const before = await clusterScoped(admin);
      const live = await checkLab(bundle, kubeconfigBackend({ kubeconfig: cluster.kubeconfig, ...(kubectlPath ? { kubectl: kubectlPath } : {}) }), options);
      expect(shim.passed).toBe(true);
      expect(live.backend).toBe('kubeconfig kind-kind');
      expect(verdicts(live)).toEqual(verdicts(shim));
      // Every scenario cleaned up after itself: no namespaces, volumes, classes or stopped nodes left.
      expect(await clusterScoped(admin)).toEqual(before);
    } finally {
      if (cluster !== served) await cluster.close();
    }
  }, 300_000);

  it('grading the live state of a namespace: what is there, nothing applied', async () => {
    const bundle = loadLabBundle('labs/configmap-pod');
    const client = new KubeconfigClusterClient({ kubeconfig: served.kubeconfig, namespace: 'default' });
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data: { mode: 'production', 'index.html': 'Hello from a ConfigMap\n' } });
    const live = await grade(client, bundle.lab, { fresh: false }, { timeoutSeconds: 2, pollIntervalMs: 100 });
    const { client: shimClient } = freshShim(bundle.lab);
    await shimClient.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data: { mode: 'production', 'index.html': 'Hello from a ConfigMap\n' } });
    const shim = await grade(shimClient, bundle.lab, { fresh: false });
    expect(live.steps.map((s) => s.passed)).toEqual([true, false, false]);
    expect(live.steps.map((s) => s.checks.map((c) => normalise(c.message ?? '')))).toEqual(shim.steps.map((s) => s.checks.map((c) => normalise(c.message ?? ''))));
    expect(live.submission).toBe('(live state)');
  }, 60_000);

  it('statecraft grade --kubeconfig --namespace: a submission in the learner\'s namespace', async () => {
    const admin = new KubeconfigClusterClient({ kubeconfig: served.kubeconfig });
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    let stdout = '';
    const code = await runGrade({
      lab: 'configmap-pod', labs: 'labs', submission: ['labs/configmap-pod/solution'], kubeconfig: served.kubeconfig, namespace: 'team-a', kubectl: kubectlPath,
      format: 'json', timeout: 5, progress: false,
    }, { stdout: (t) => { stdout += t; }, stderr: () => undefined });
    const result = (JSON.parse(stdout) as { results: { passed: boolean; backend: string }[] }).results[0]!;
    expect(result.backend).toBe('kubeconfig kind-kind namespace team-a');
    expect(code).toBe(0);
    // The objects went to team-a, not default.
    expect(await admin.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'team-a', name: 'web' })).toBeDefined();
    expect(await admin.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web' })).toBeUndefined();
  }, 60_000);
});
