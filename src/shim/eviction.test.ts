import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { DEPLOYMENTS } from './deployment.ts';
import { PDBS, type PDB } from './disruption.ts';
import { isStatusError } from './errors.ts';
import { evictPod, EVICTION_BLOCKED } from './eviction.ts';
import { createKindCluster } from './kind-cluster.ts';

const PODS = CORE('pods');
const NS = 'default';

function setup(replicas: number, pdbSpec?: Record<string, unknown>): Cluster {
  const c = createKindCluster({ seed: 'eviction' }).cluster;
  c.registry.create(DEPLOYMENTS, {
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
    },
  }, { namespace: NS });
  if (pdbSpec) c.registry.create(PDBS, { metadata: { name: 'web-pdb' }, spec: { selector: { matchLabels: { app: 'web' } }, ...pdbSpec } }, { namespace: NS });
  c.settle();
  return c;
}

const webPods = (c: Cluster): Pod[] =>
  (c.registry.list(PODS, { namespace: NS }).items as Pod[]).filter((p) => p.metadata?.labels?.app === 'web').sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));

function evict(c: Cluster, name: string, deleteOptions: Record<string, unknown> = {}) {
  try {
    const status = evictPod(c.context, NS, name, { metadata: { name, namespace: NS }, deleteOptions });
    c.react();
    return status;
  } catch (e) {
    if (!isStatusError(e)) throw e;
    return e.status;
  }
}

describe('pods/eviction', () => {
  it('deletes a pod no budget covers, marking it DisruptionTarget first', () => {
    const c = setup(1);
    const pod = webPods(c)[0]!;
    expect(evictPod(c.context, NS, pod.metadata!.name!, { metadata: { name: pod.metadata!.name! } })).toMatchObject({ status: 'Success', code: 201 });
    const after = c.registry.get(PODS, NS, pod.metadata!.name!) as Pod;
    expect(after.metadata?.deletionTimestamp).toBeDefined();
    expect(after.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
  });

  it('spends the budget: one eviction passes, the next is a 429 naming the budget', () => {
    const c = setup(3, { minAvailable: 2 });
    const [a, b] = webPods(c);
    expect(evict(c, a!.metadata!.name!)).toMatchObject({ status: 'Success' });
    // Admitted, recorded in disruptedPods, spent — before the controller has looked again.
    const blocked = evict(c, b!.metadata!.name!);
    expect(blocked).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests',
      message: EVICTION_BLOCKED,
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently' }] },
    });
    expect(c.registry.get(PODS, NS, b!.metadata!.name!).metadata?.deletionTimestamp).toBeUndefined();
    // Once the replacement is Ready, the budget allows one disruption again.
    c.settle();
    const s = (c.registry.get(PDBS, NS, 'web-pdb') as PDB).status;
    expect([s?.currentHealthy, s?.disruptionsAllowed, s?.disruptedPods]).toEqual([3, 1, undefined]);
    expect(evict(c, b!.metadata!.name!)).toMatchObject({ status: 'Success' });
  });

  it('records the evicted pod in disruptedPods and drops a disruption in the same write', () => {
    const c = setup(3, { maxUnavailable: 1 });
    const name = webPods(c)[0]!.metadata!.name!;
    evictPod(c.context, NS, name, { metadata: { name }, deleteOptions: {} });
    const s = (c.registry.get(PDBS, NS, 'web-pdb') as PDB).status;
    expect(s?.disruptionsAllowed).toBe(0);
    expect(Object.keys(s?.disruptedPods ?? {})).toEqual([name]);
    expect(s?.conditions?.find((x) => x.type === 'DisruptionAllowed')?.reason).toBe('InsufficientPods');
  });

  it('dry run checks the budget but changes nothing', () => {
    const c = setup(2, { minAvailable: 1 });
    const name = webPods(c)[0]!.metadata!.name!;
    const rv = c.registry.get(PDBS, NS, 'web-pdb').metadata?.resourceVersion;
    expect(evict(c, name, { dryRun: true })).toMatchObject({ status: 'Success' });
    expect(c.registry.get(PDBS, NS, 'web-pdb').metadata?.resourceVersion).toBe(rv);
    expect(c.registry.get(PODS, NS, name).metadata?.deletionTimestamp).toBeUndefined();
  });

  it('refuses a pod covered by two budgets with a 500', () => {
    const c = setup(2, { minAvailable: 1 });
    c.registry.create(PDBS, { metadata: { name: 'second' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } }, { namespace: NS });
    c.settle();
    expect(evict(c, webPods(c)[0]!.metadata!.name!)).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500,
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    });
  });

  it('lets Pending and unhealthy pods go without spending the budget', () => {
    const c = setup(2, { minAvailable: 2 });
    // A pod that cannot be scheduled stays Pending: evicting it bypasses the budget.
    c.registry.create(PODS, { metadata: { name: 'stuck', labels: { app: 'web' } }, spec: { nodeSelector: { none: 'x' }, containers: [{ name: 'c', image: 'nginx:1.27' }] } }, { namespace: NS });
    c.settle();
    expect(evict(c, 'stuck')).toMatchObject({ status: 'Success' });
    expect(evict(c, webPods(c)[0]!.metadata!.name!)).toMatchObject({ code: 429 });
  });

  it('lets a not-Ready pod go as unhealthyPodEvictionPolicy says', () => {
    /** Marks a pod not Ready and the budget short of healthy pods, as the controller would see it. */
    const degrade = (c: Cluster, name: string, currentHealthy: number): void => {
      const pod = c.registry.get(PODS, NS, name) as Pod;
      const conditions = (pod.status?.conditions ?? []).map((x) => (x.type === 'Ready' ? { ...x, status: 'False' } : x));
      c.registry.update(PODS, { ...pod, status: { ...pod.status, conditions } } as never, { subresource: 'status' });
      const pdb = c.registry.get(PDBS, NS, 'web-pdb') as PDB;
      c.registry.update(PDBS, { ...pdb, status: { ...pdb.status, currentHealthy } } as never, { subresource: 'status' });
    };
    const outcome = (policy: string | undefined, currentHealthy: number) => {
      const c = setup(3, { minAvailable: 3, ...(policy ? { unhealthyPodEvictionPolicy: policy } : {}) });
      const name = webPods(c)[0]!.metadata!.name!;
      degrade(c, name, currentHealthy);
      try {
        return evictPod(c.context, NS, name, { metadata: { name } }).status;
      } catch (e) {
        return isStatusError(e) ? e.status.code : e;
      }
    };
    // IfHealthyBudget (the default): only while the budget is met without the pod.
    expect(outcome(undefined, 3)).toBe('Success');
    expect(outcome('IfHealthyBudget', 2)).toBe(429);
    expect(outcome('AlwaysAllow', 2)).toBe('Success');
  });

  it('answers 404 for a missing pod and 400 for a mismatched name', () => {
    const c = setup(1);
    expect(evict(c, 'nope')).toMatchObject({ code: 404, reason: 'NotFound', message: 'pods "nope" not found' });
    expect((() => {
      try {
        evictPod(c.context, NS, 'a', { metadata: { name: 'b' } });
      } catch (e) {
        return isStatusError(e) ? e.status.message : e;
      }
    })()).toBe('name in URL does not match name in Eviction object');
  });
});
