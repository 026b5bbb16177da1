import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

// The cluster runs in real time at 20× so rollouts take a fraction of a second. Every
// mutating command is issued once the cluster is quiet again, so the seeded names,
// IPs and hashes come out the same on every run.
let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-workloads-'));
const manifest = join(dir, 'web.yaml');
// The Service comes first so its ClusterIP is drawn before any pod exists.
writeFileSync(manifest, `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
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
        image: nginx:1.26
        ports:
        - containerPort: 80
`);

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'workloads' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const WAITING = [
  /^Waiting for deployment "web" rollout to finish: \d+ out of \d+ new replicas have been updated\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ old replicas are pending termination\.\.\.$/,
  /^Waiting for deployment "web" rollout to finish: \d+ of \d+ updated replicas are available\.\.\.$/,
  /^Waiting for deployment spec update to be observed\.\.\.$/,
];

/**
 * `kubectl rollout status` prints a "Waiting…" line whenever it sees progress, which
 * depends on timing; each must be one of kubectl's messages, and only the verdict goes
 * into the transcript.
 */
async function rolloutStatus(): Promise<string> {
  const args = ['rollout', 'status', 'deployment/web', '--timeout=60s'];
  const r = await cluster.kubectl(args, { timeoutMs: 70_000 });
  const lines = r.stdout.trimEnd().split('\n');
  const verdict = lines.pop();
  for (const line of lines) expect(WAITING.some((re) => re.test(line)), line).toBe(true);
  expect(r.code).toBe(0);
  expect(verdict).toBe('deployment "web" successfully rolled out');
  return `$ kubectl ${args.join(' ')}\n${verdict}\n${r.stderr}`;
}

/** Waits (off the record) until no pod is starting or terminating. */
async function quiet(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await cluster.kubectl(['get', 'pods', '-A', '--no-headers']);
    if (r.code === 0 && !/Terminating|Pending|ContainerCreating/.test(r.stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('cluster did not quieten');
}

async function run(...commands: string[][]): Promise<string> {
  return transcript(cluster, commands);
}

// Revision, size and owner of each ReplicaSet, without names: after `rollout restart`
// the new set's pod-template-hash depends on kubectl's wall clock.
const SETS = ['get', 'rs', '--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision',
  '-o', 'custom-columns=REVISION:.metadata.annotations.deployment\\.kubernetes\\.io/revision,DESIRED:.spec.replicas,READY:.status.readyReplicas,IMAGE:.spec.template.spec.containers[0].image,OWNER:.metadata.ownerReferences[0].kind'];

suite('Deployments, ReplicaSets and Services with the real kubectl', () => {
  it('applies a Deployment and a Service, rolls out and lists endpoints', async () => {
    const parts = [await run(['apply', '-f', manifest])];
    parts.push(await rolloutStatus());
    await quiet();
    parts.push(await run(
      ['get', 'deploy,rs,pods', '-o', 'wide'],
      ['get', 'svc'],
      ['get', 'svc', 'web', '-o', 'wide'],
      ['get', 'endpoints'],
      ['get', 'endpointslices'],
      ['get', 'endpoints,endpointslices', '-n', 'kube-system'],
      ['get', 'deploy', 'web', '-o', 'jsonpath={.status.conditions[*].reason}'],
      ['describe', 'deployment', 'web'],
      ['describe', 'service', 'web'],
    ));
    const g = golden('workloads-rollout', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  });

  it('scales, updates the image, rolls back, pauses, resumes and restarts', async () => {
    const parts: string[] = [];
    const step = async (cmd: string[], after: string[][] = []): Promise<void> => {
      parts.push(await run(cmd));
      parts.push(await rolloutStatus());
      await quiet();
      if (after.length > 0) parts.push(await run(...after));
    };
    await step(['scale', 'deployment/web', '--replicas=5'], [['get', 'deploy,rs']]);
    await step(['set', 'image', 'deployment/web', 'nginx=nginx:1.27'], [['get', 'rs'], ['get', 'pods'], ['rollout', 'history', 'deployment/web']]);
    await step(['rollout', 'undo', 'deployment/web'], [['get', 'rs'], ['rollout', 'history', 'deployment/web']]);
    parts.push(await run(
      ['rollout', 'pause', 'deployment/web'],
      ['set', 'image', 'deployment/web', 'nginx=nginx:1.25'],
      ['get', 'rs'],
      ['get', 'deploy', 'web', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'],
    ));
    await step(['rollout', 'resume', 'deployment/web'], [['get', 'rs'], ['get', 'deploy', 'web']]);
    await step(['rollout', 'restart', 'deployment/web'], [['rollout', 'history', 'deployment/web'], SETS, ['get', 'deploy', 'web']]);
    const g = golden('workloads-update', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  });

  it('deletes the Deployment with --cascade=orphan and keeps its ReplicaSets and pods', async () => {
    const before = await cluster.kubectl(['get', 'pods', '-o', 'name']);
    const t = await run(
      ['delete', 'deploy', 'web', '--cascade=orphan'],
      ['get', 'deploy'],
      SETS,
      ['get', 'pods', '-o', 'custom-columns=READY:.status.containerStatuses[0].ready,OWNER:.metadata.ownerReferences[0].kind'],
    );
    expect((await cluster.kubectl(['get', 'pods', '-o', 'name'])).stdout).toBe(before.stdout);
    const g = golden('workloads-orphan', t);
    expect(g.actual).toBe(g.expected);
  });

  it('allocates ClusterIPs and node ports and reports conflicts as the API server does', async () => {
    const taken = join(dir, 'taken.yaml');
    writeFileSync(taken, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: taken\nspec:\n  clusterIP: 10.96.0.10\n  ports:\n  - port: 53\n');
    const far = join(dir, 'far.yaml');
    writeFileSync(far, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: far\nspec:\n  clusterIP: 10.100.0.1\n  ports:\n  - port: 53\n');
    const np = join(dir, 'np.yaml');
    writeFileSync(np, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: np\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - port: 80\n    nodePort: 30080\n');
    const np2 = join(dir, 'np2.yaml');
    writeFileSync(np2, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: np2\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n');
    const lb = join(dir, 'lb.yaml');
    writeFileSync(lb, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n  - port: 443\n    targetPort: 80\n    nodePort: 31443\n');
    const headless = join(dir, 'headless.yaml');
    writeFileSync(headless, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: headless\nspec:\n  clusterIP: None\n  selector:\n    app: web\n  ports:\n  - port: 80\n');
    const t = await run(
      ['apply', '-f', taken],
      ['apply', '-f', far],
      ['apply', '-f', np],
      ['apply', '-f', np2],
      ['apply', '-f', lb],
      ['apply', '-f', headless],
      ['get', 'svc', 'np', 'lb', 'headless'],
      ['get', 'svc', 'headless', '-o', 'jsonpath={.spec.clusterIPs}'],
    );
    const g = golden('workloads-services', t);
    expect(g.actual).toBe(g.expected);
  });
});
