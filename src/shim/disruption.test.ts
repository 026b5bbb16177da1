import { describe, expect, it } from 'vitest';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { DEPLOYMENTS } from './deployment.ts';
import { PDBS, scaledValue, type PDB } from './disruption.ts';
import { isStatusError } from './errors.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { KObject } from './objects.ts';

const PODS = CORE('pods');
const NS = 'default';

function setup(replicas = 3): Cluster {
  const c = createKindCluster({ seed: 'disruption' }).cluster;
  c.registry.create(DEPLOYMENTS, {
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
    },
  }, { namespace: NS });
  c.settle();
  return c;
}

function createPdb(c: Cluster, spec: Record<string, unknown>, name = 'web-pdb'): void {
  c.registry.create(PDBS, { metadata: { name }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } }, { namespace: NS });
  c.settle();
}

const pdb = (c: Cluster, name = 'web-pdb'): PDB => c.registry.get(PDBS, NS, name) as PDB;
const counts = (c: Cluster, name = 'web-pdb') => {
  const s = pdb(c, name).status ?? {};
  return { expected: s.expectedPods, desired: s.desiredHealthy, current: s.currentHealthy, allowed: s.disruptionsAllowed };
};

describe('disruption controller', () => {
  it('computes an integer minAvailable budget from the selected pods', () => {
    const c = setup(3);
    createPdb(c, { minAvailable: 2 });
    const p = pdb(c);
    expect(counts(c)).toEqual({ expected: 3, desired: 2, current: 3, allowed: 1 });
    expect(p.status?.observedGeneration).toBe(1);
    expect(p.status?.conditions?.map(({ type, status, reason, message }) => ({ type, status, reason, message })))
      .toEqual([{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }]);
  });

  it('uses the Deployment scale for maxUnavailable and percentages, rounding up', () => {
    const c = setup(3);
    createPdb(c, { maxUnavailable: '50%' }, 'by-max');
    createPdb(c, { minAvailable: '50%' }, 'by-pct');
    // 50% of 3 rounds up to 2 unavailable → 1 must stay healthy; 50% available → 2.
    expect(counts(c, 'by-max')).toEqual({ expected: 3, desired: 1, current: 3, allowed: 2 });
    expect(counts(c, 'by-pct')).toEqual({ expected: 3, desired: 2, current: 3, allowed: 1 });
  });

  it('follows pods leaving and the owner scaling', () => {
    const c = setup(3);
    createPdb(c, { maxUnavailable: 1 });
    const d = c.registry.get(DEPLOYMENTS, NS, 'web');
    c.registry.update(DEPLOYMENTS, { ...d, spec: { ...(d.spec as object), replicas: 5 } });
    c.settle();
    expect(counts(c)).toEqual({ expected: 5, desired: 4, current: 5, allowed: 1 });
  });

  it('allows nothing, with InsufficientPods, when no healthy pod can go', () => {
    const c = setup(2);
    createPdb(c, { minAvailable: 2 });
    expect(counts(c)).toEqual({ expected: 2, desired: 2, current: 2, allowed: 0 });
    const cond = pdb(c).status?.conditions?.[0];
    expect([cond?.status, cond?.reason]).toEqual(['False', 'InsufficientPods']);
  });

  it('records NoPods when the selector matches nothing, and allows no disruption', () => {
    const c = setup(1);
    c.registry.create(PDBS, { metadata: { name: 'empty' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'none' } } } }, { namespace: NS });
    c.settle();
    expect(counts(c, 'empty')).toEqual({ expected: 0, desired: 1, current: 0, allowed: 0 });
    const events = c.registry.list(CORE('events'), { namespace: NS }).items as unknown as Event[];
    expect(events.filter((e) => e.involvedObject.name === 'empty').map((e) => `${e.type} ${e.reason} ${e.message} ${e.source?.component}`))
      .toEqual(['Normal NoPods No matching pods found controllermanager']);
  });

  it('fails safe with SyncFailed when a percentage meets a pod without a controller', () => {
    const c = setup(1);
    c.registry.create(PODS, { metadata: { name: 'bare', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }, { namespace: NS });
    c.settle();
    // Unmanaged pods only warn: the scale of the managed ones is still known.
    createPdb(c, { maxUnavailable: '10%' });
    expect(counts(c)).toEqual({ expected: 1, desired: 0, current: 2, allowed: 2 });
    const events = c.registry.list(CORE('events'), { namespace: NS }).items as unknown as Event[];
    expect(events.some((e) => e.reason === 'UnmanagedPods' && e.type === 'Warning')).toBe(true);
  });

  it('forgets an admitted eviction whose pod was not deleted in time', () => {
    const c = setup(3);
    createPdb(c, { minAvailable: 1 });
    const p = pdb(c);
    const name = (c.registry.list(PODS, { namespace: NS }).items[0] as Pod).metadata!.name!;
    // What the eviction subresource writes before it deletes the pod.
    c.registry.update(PDBS, { ...p, status: { ...p.status, disruptionsAllowed: 1, disruptedPods: { [name]: '2025-12-31T23:00:00Z' } } } as KObject, { subresource: 'status' });
    c.react();
    // An hour old and the pod still not deleting: the controller drops it, counts the pod again and says so.
    expect(pdb(c).status?.disruptedPods).toBeUndefined();
    expect(counts(c).current).toBe(3);
    const events = c.registry.list(CORE('events'), { namespace: NS }).items as unknown as Event[];
    expect(events.filter((e) => e.reason === 'NotDeleted').map((e) => `${e.involvedObject.name}: ${e.message}`))
      .toEqual([`${name}: Pod was expected by PDB default/default to be deleted but it wasn't`]);
  });

  it('keeps a fresh admitted eviction out of currentHealthy', () => {
    const c = setup(3);
    createPdb(c, { minAvailable: 1 });
    const p = pdb(c);
    const name = (c.registry.list(PODS, { namespace: NS }).items[0] as Pod).metadata!.name!;
    const now = new Date(c.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    c.registry.update(PDBS, { ...p, status: { ...p.status, disruptionsAllowed: 1, disruptedPods: { [name]: now } } } as KObject, { subresource: 'status' });
    c.react();
    expect(counts(c)).toEqual({ expected: 3, desired: 1, current: 2, allowed: 1 });
    // Two minutes on, the pod was never deleted: it counts again.
    c.settle();
    expect(counts(c)).toEqual({ expected: 3, desired: 1, current: 3, allowed: 2 });
  });

  it('rejects invalid budgets as the API server does', () => {
    const c = setup(1);
    const create = (spec: Record<string, unknown>) => {
      try {
        c.registry.create(PDBS, { metadata: { name: 'bad' }, spec }, { namespace: NS });
        return 'created';
      } catch (e) {
        if (!isStatusError(e)) throw e;
        return e.message;
      }
    };
    expect(create({ minAvailable: '120%', selector: {} })).toBe('PodDisruptionBudget.policy "bad" is invalid: spec.minAvailable: Invalid value: "120%": must not be greater than 100%');
    expect(create({ maxUnavailable: -1, selector: {} })).toBe('PodDisruptionBudget.policy "bad" is invalid: spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0');
    expect(create({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Sometimes', selector: {} }))
      .toBe('PodDisruptionBudget.policy "bad" is invalid: spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"');
  });

  it('scales percentages as intstr does', () => {
    expect(scaledValue('25%', 3, true)).toBe(1);
    expect(scaledValue('25%', 3, false)).toBe(0);
    expect(scaledValue(4, 3, true)).toBe(4);
  });
});
