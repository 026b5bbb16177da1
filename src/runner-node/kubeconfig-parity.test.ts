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
import { freshShim, shimBackend } from '../runner/shim-backend.ts';
import { loadLabBundle } from './files.ts';
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
    steps: s.grade?.steps.map((st) => ({ step: st.step, passed: st.passed, checks: st.checks.map((c) => normalise([c.message ?? '', ...c.details, ...c.reasons].join('\n'))) })),
    problems: s.grade?.problems.map(normalise),
  }));
}

function normalise(text: string): string {
  return text.replace(/\bsc-[a-z0-9-]+-[0-9a-f]{6}\b/g, '<ns>').replace(/\bdefault\b/g, '<ns>').replace(/\b\d+\.\d+\.\d+\.\d+\b/g, '<ip>');
}

// Command checks run the real kubectl on a real cluster: CI always has one (.ci/run).
const suite = kubectlPath || process.env.CI ? describe : describe.skip;

suite('the same verdicts on the shim and on a served cluster by kubeconfig', () => {
  it('lab check of configmap-pod: start, solution and every wrong answer', async () => {
    const bundle = loadLabBundle('labs/configmap-pod');
    const options = { timeoutSeconds: 3, pollIntervalMs: 100, now: Date.now };
    const shim = await checkLab(bundle, shimBackend(), options);
    const live = await checkLab(bundle, kubeconfigBackend({ kubeconfig: served.kubeconfig, ...(kubectlPath ? { kubectl: kubectlPath } : {}) }), options);
    expect(shim.passed).toBe(true);
    expect(live.backend).toBe('kubeconfig kind-kind');
    expect(verdicts(live)).toEqual(verdicts(shim));
  }, 120_000);

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
