import { describe, expect, it } from 'vitest';
import { createShimApi } from './index.ts';

const NS = '/api/v1/namespaces/default';
const json = (body: unknown) => JSON.stringify(body);

function setup() {
  const t = createShimApi({ seed: 'eviction-api' });
  t.requestSync({ method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments', body: json({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
  }) });
  t.requestSync({ method: 'POST', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets', body: json({
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
  }) });
  t.cluster.settle();
  const pods = t.requestSync({ method: 'GET', path: `${NS}/pods` }).body as { items: { metadata: { name: string } }[] };
  return { t, pod: pods.items[0]!.metadata.name };
}

const evict = (name: string, extra: Record<string, unknown> = {}) => ({
  method: 'POST' as const, path: `${NS}/pods/${name}/eviction`,
  body: json({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...extra }),
});

describe('POST pods/{name}/eviction', () => {
  it('answers 429 TooManyRequests with the DisruptionBudget cause when the budget is spent', () => {
    const { t, pod } = setup();
    const r = t.requestSync(evict(pod));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBeUndefined();
    expect(r.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }] },
    });
  });

  it('asks the client to come back in 10 s while the controller has not seen the budget\'s new spec', () => {
    const { t, pod } = setup();
    // Straight to the handler: no controller turn between the two requests.
    t.server.handle({ method: 'PATCH', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb', headers: { 'content-type': 'application/merge-patch+json' }, body: json({ spec: { minAvailable: 1 } }) });
    const r = t.server.handle(evict(pod));
    expect([r.status, r.headers['retry-after']]).toEqual([429, '10']);
    expect((r.body as { details: unknown }).details).toEqual({ retryAfterSeconds: 10, causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb is still being processed by the server.' }] });
    t.cluster.react();
    expect(t.requestSync(evict(pod)).status).toBe(201);
  });

  it('evicts with 201 Success, honours dryRun, and refuses a name that differs from the URL', () => {
    const { t, pod } = setup();
    t.requestSync({ method: 'DELETE', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb' });
    expect(t.requestSync({ ...evict(pod), query: { dryRun: 'All' } }).status).toBe(201);
    expect((t.requestSync({ method: 'GET', path: `${NS}/pods/${pod}` }).body as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp).toBeUndefined();
    const mismatch = t.requestSync({ ...evict(pod), body: json({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } }) });
    expect([mismatch.status, (mismatch.body as { message: string }).message]).toEqual([400, 'name in URL does not match name in Eviction object']);
    const ok = t.requestSync(evict(pod));
    expect([ok.status, ok.body]).toEqual([201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }]);
  });
});
