import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-policy-'));
const limits = join(dir, 'limits.yaml');
writeFileSync(limits, `apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
  namespace: team
spec:
  limits:
  - type: Container
    default:
      cpu: 500m
      memory: 256Mi
    defaultRequest:
      cpu: 250m
`);
const netpol = join(dir, 'netpol.yaml');
writeFileSync(netpol, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-ingress
  namespace: team
spec:
  podSelector:
    matchLabels:
      app: db
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: api
`);

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'policy' }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

const run = (...commands: string[][]): Promise<string> => transcript(cluster, commands);

/** Polls (off the record) until a command's output matches. */
async function until(args: string[], re: RegExp): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await cluster.kubectl(args);
    if (r.code === 0 && re.test(r.stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${args.join(' ')} to match ${re}`);
}

suite('ResourceQuota, LimitRange, RBAC, PriorityClass, Ingress and tokens with the real kubectl', () => {
  it('defaults container resources from a LimitRange and refuses pods over quota', async () => {
    const parts = [await run(
      ['create', 'namespace', 'team'],
      ['create', 'quota', 'compute', '-n', 'team', '--hard=pods=2,requests.cpu=1,limits.memory=1Gi'],
      ['apply', '-f', limits],
    )];
    await until(['get', 'quota', 'compute', '-n', 'team', '-o', 'jsonpath={.status.used}'], /pods/);
    parts.push(await run(
      ['get', 'limitrange', 'defaults', '-n', 'team', '-o', 'jsonpath={.spec.limits[0]}'],
      ['run', 'one', '-n', 'team', '--image=nginx:1.27'],
      ['run', 'two', '-n', 'team', '--image=nginx:1.27'],
      ['run', 'three', '-n', 'team', '--image=nginx:1.27'],
      ['get', 'pod', 'one', '-n', 'team', '-o', 'jsonpath={.spec.containers[0].resources} {.metadata.annotations}'],
    ));
    await until(['get', 'quota', 'compute', '-n', 'team', '-o', 'jsonpath={.status.used.pods}'], /^2$/);
    parts.push(await run(
      ['get', 'quota', '-n', 'team'],
      ['describe', 'quota', 'compute', '-n', 'team'],
    ));
    const g = golden('policy-quota', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  });

  it('creates RBAC objects, a PriorityClass, an Ingress and a NetworkPolicy', async () => {
    const parts = [await run(
      ['get', 'priorityclasses'],
      ['create', 'priorityclass', 'batch-low', '--value=100', '--description=for batch jobs'],
      ['get', 'pc', 'batch-low'],
      ['get', 'clusterroles', 'cluster-admin', 'admin', 'edit', 'view'],
      ['get', 'clusterrolebinding', 'cluster-admin', '-o', 'wide'],
      ['create', 'role', 'pod-reader', '-n', 'team', '--verb=get,list,watch', '--resource=pods'],
      ['create', 'rolebinding', 'read-pods', '-n', 'team', '--role=pod-reader', '--serviceaccount=team:default', '--user=jane'],
      ['get', 'rolebinding', 'read-pods', '-n', 'team', '-o', 'wide'],
      ['get', 'role', 'pod-reader', '-n', 'team', '-o', 'jsonpath={.rules}'],
      ['create', 'ingress', 'web', '-n', 'team', '--rule=shop.example.com/=web:80', '--class=nginx'],
      ['get', 'ingress', '-n', 'team'],
      ['apply', '-f', netpol],
      ['get', 'networkpolicies', '-n', 'team'],
    )];
    const g = golden('policy-rbac', parts.join('\n'));
    expect(g.actual).toBe(g.expected);
  });

  it('issues a service account token', async () => {
    const r = await cluster.kubectl(['create', 'token', 'default']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [header, claims] = r.stdout.trim().split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
    expect(header.alg).toBe('RS256');
    expect(claims.sub).toBe('system:serviceaccount:default:default');
    expect(claims.exp - claims.iat).toBe(3600);
    const missing = await cluster.kubectl(['create', 'token', 'nobody']);
    expect(missing.stderr).toBe('error: failed to create token: serviceaccounts "nobody" not found\n');
  });
});
