// A node-level log agent as a DaemonSet, with the real kubectl against `statecraft
// serve`: one pod per worker (the control-plane taint keeps it off kind-control-plane
// until tolerated), the table, wide and describe views, a rolling image update with
// `rollout status`, history, undo and restart, and the OnDelete strategy.
// The cluster runs at 20× real time; every step waits (off the record) until the pods
// are quiet, so the seeded names and hashes come out the same on every run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-ds-'));

// In the shape of kubernetes.io's fluentd-elasticsearch example, with an image the
// simulated runtime knows.
const AGENT = (tolerations = ''): string => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-agent
  labels:
    k8s-app: log-agent
spec:
  selector:
    matchLabels:
      name: log-agent
  template:
    metadata:
      labels:
        name: log-agent
    spec:${tolerations}
      containers:
      - name: agent
        image: busybox:1.36
        command: ["sleep", "86400"]
        resources:
          limits:
            memory: 200Mi
          requests:
            memory: 200Mi
      terminationGracePeriodSeconds: 30
`;
const agent = join(dir, 'log-agent.yaml');
writeFileSync(agent, AGENT());
const agentEverywhere = join(dir, 'log-agent-everywhere.yaml');
writeFileSync(agentEverywhere, AGENT(`
      tolerations:
      # these tolerations are to have the daemonset runnable on control plane nodes
      # remove them if your control plane nodes should not run pods
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule`));

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'daemonset' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const run = (...commands: string[][]): Promise<string> => transcript(cluster, commands);

const WAITING = [
  /^Waiting for daemon set spec update to be observed\.\.\.$/,
  /^Waiting for daemon set "log-agent" rollout to finish: \d+ out of \d+ new pods have been updated\.\.\.$/,
  /^Waiting for daemon set "log-agent" rollout to finish: \d+ of \d+ updated pods are available\.\.\.$/,
];

/** `kubectl rollout status`: its "Waiting…" lines depend on timing; each must be one of kubectl's, only the verdict is kept. */
async function rolloutStatus(): Promise<string> {
  const args = ['rollout', 'status', 'daemonset/log-agent', '--timeout=120s'];
  const r = await cluster.kubectl(args, { timeoutMs: 130_000 });
  const lines = r.stdout.trimEnd().split('\n');
  const verdict = lines.pop();
  for (const line of lines) expect(WAITING.some((re) => re.test(line)), line).toBe(true);
  expect(r.code, r.stderr).toBe(0);
  return `$ kubectl ${args.join(' ')}\n${verdict}\n${r.stderr}`;
}

/** Waits (off the record) until `count` agent pods run, all Ready, on `image`, none leaving. */
async function quiet(count: number, image: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await cluster.kubectl(['get', 'pods', '-l', 'name=log-agent', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image} {.status.phase} {.metadata.deletionTimestamp} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    const lines = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n');
    if (r.code === 0 && lines.length === count && lines.every((l) => l === `${image} Running  True`)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the DaemonSet's pods did not settle at ${count} × ${image}`);
}

const IMAGES = ['get', 'pods', '-l', 'name=log-agent', '-o', 'custom-columns=NODE:.spec.nodeName,IMAGE:.spec.containers[0].image,HASH:.metadata.labels.controller-revision-hash,GENERATION:.metadata.labels.pod-template-generation', '--sort-by=.spec.nodeName'];

// After `rollout restart` the template carries kubectl's wall-clock restartedAt, so its
// hash differs from run to run: from then on the hash is left out.
const IMAGES_NO_HASH = ['get', 'pods', '-l', 'name=log-agent', '-o', 'custom-columns=NODE:.spec.nodeName,IMAGE:.spec.containers[0].image,GENERATION:.metadata.labels.pod-template-generation', '--sort-by=.spec.nodeName'];

suite('a DaemonSet with the real kubectl', () => {
  it('runs one pod per worker, and on the control plane once its taint is tolerated', async () => {
    const parts: string[] = [];
    parts.push(await run(['apply', '-f', agent]));
    parts.push(await rolloutStatus());
    await quiet(2, 'busybox:1.36');
    parts.push(await run(
      ['get', 'ds', 'log-agent'],
      ['get', 'ds', 'log-agent', '-o', 'wide'],
      ['get', 'pods', '-l', 'name=log-agent', '-o', 'custom-columns=NODE:.spec.nodeName,AFFINITY:.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0],OWNER:.metadata.ownerReferences[0].kind', '--sort-by=.spec.nodeName'],
      ['get', 'pods', '-l', 'name=log-agent', '-o', 'jsonpath={.items[0].spec.tolerations}'],
      ['get', 'ds', 'log-agent', '-o', 'jsonpath={.status}'],
      ['get', 'ds', 'log-agent', '-o', 'jsonpath={.metadata.annotations.deprecated\\.daemonset\\.template\\.generation}'],
      ['describe', 'ds', 'log-agent'],
      ['get', 'ds', '-n', 'kube-system'],
    ));
    parts.push(await run(['apply', '-f', agentEverywhere]));
    parts.push(await rolloutStatus());
    await quiet(3, 'busybox:1.36');
    parts.push(await run(
      ['get', 'ds', 'log-agent'],
      IMAGES,
      ['get', 'events', '--field-selector', 'involvedObject.kind=DaemonSet,reason=SuccessfulDelete', '-o', 'custom-columns=REASON:.reason,OBJECT:.involvedObject.name'],
    ));
    const g = golden('daemonset-create', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 180_000);

  it('rolls an image update node by node; history, undo and restart use ControllerRevisions', async () => {
    const parts: string[] = [];
    parts.push(await run(['set', 'image', 'daemonset/log-agent', 'agent=busybox:1.37']));
    parts.push(await rolloutStatus());
    await quiet(3, 'busybox:1.37');
    parts.push(await run(
      IMAGES,
      ['get', 'controllerrevisions', '-l', 'name=log-agent', '-o', 'custom-columns=REVISION:.revision,IMAGE:.data.spec.template.spec.containers[0].image', '--sort-by=.revision'],
      ['rollout', 'history', 'daemonset/log-agent'],
      ['rollout', 'history', 'daemonset/log-agent', '--revision=2'],
      ['rollout', 'undo', 'daemonset/log-agent'],
    ));
    parts.push(await rolloutStatus());
    await quiet(3, 'busybox:1.36');
    parts.push(await run(
      IMAGES,
      ['rollout', 'history', 'daemonset/log-agent'],
      ['rollout', 'undo', 'daemonset/log-agent', '--to-revision=4'],
      ['rollout', 'undo', 'daemonset/log-agent', '--to-revision=9'],
      ['rollout', 'restart', 'daemonset/log-agent'],
    ));
    parts.push(await rolloutStatus());
    await quiet(3, 'busybox:1.36');
    parts.push(await run(
      ['rollout', 'history', 'daemonset/log-agent'],
      ['get', 'ds', 'log-agent'],
    ));
    const g = golden('daemonset-update', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 240_000);

  it('OnDelete: a new template reaches a node only when its pod is deleted', async () => {
    const parts: string[] = [];
    parts.push(await run(
      ['patch', 'daemonset', 'log-agent', '-p', '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'],
      ['set', 'image', 'daemonset/log-agent', 'agent=busybox:1.37'],
      ['rollout', 'status', 'daemonset/log-agent'],
    ));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await quiet(3, 'busybox:1.36');
    parts.push(await run(['get', 'ds', 'log-agent'], IMAGES_NO_HASH));
    const pod = await cluster.kubectl(['get', 'pods', '-l', 'name=log-agent', '--field-selector', 'spec.nodeName=kind-worker2', '-o', 'name']);
    await cluster.kubectl(['delete', pod.stdout.trim()]);
    parts.push('$ kubectl delete pod <the pod on kind-worker2>\n');
    for (let i = 0; i < 600; i++) {
      const r = await cluster.kubectl(['get', 'pods', '-l', 'name=log-agent', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image} {.status.phase} {.metadata.deletionTimestamp} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
      const lines = r.stdout.trim().split('\n').sort();
      if (lines.join('|') === 'busybox:1.36 Running  True|busybox:1.36 Running  True|busybox:1.37 Running  True') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    parts.push(await run(['get', 'ds', 'log-agent'], IMAGES_NO_HASH, ['get', 'ds', 'log-agent', '-o', 'jsonpath={.status}']));
    const g = golden('daemonset-ondelete', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  }, 120_000);
});
