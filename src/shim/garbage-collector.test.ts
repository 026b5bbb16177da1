import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import type { KObject } from './objects.ts';

const RS = { group: 'apps', resource: 'replicasets' };
const PODS = CORE('pods');

function setup(): { c: Cluster; rs: KObject; pods: KObject[] } {
  const c = new Cluster({ bootstrap: false });
  c.registry.create(CORE('namespaces'), { metadata: { name: 'default' } });
  const rs = c.registry.create(RS, { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } } } }, { namespace: 'default' });
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid!, controller: true, blockOwnerDeletion: true };
  const pods = [0, 1].map((i) =>
    c.registry.create(PODS, { metadata: { name: `web-${i}`, ownerReferences: [ref] }, spec: { containers: [] } }, { namespace: 'default' }),
  );
  c.settle();
  return { c, rs, pods };
}

const podNames = (c: Cluster): string[] => c.registry.list(PODS, { namespace: 'default' }).items.map((p) => p.metadata!.name!);

describe('GarbageCollector', () => {
  it('Background: dependents go after their owner', () => {
    const { c } = setup();
    c.registry.delete(RS, 'default', 'web', { propagationPolicy: 'Background' });
    expect(podNames(c)).toEqual(['web-0', 'web-1']);
    c.settle();
    expect(podNames(c)).toEqual([]);
  });

  it('Orphan: dependents lose the owner reference and stay; then the owner goes', () => {
    const { c } = setup();
    const r = c.registry.delete(RS, 'default', 'web', { propagationPolicy: 'Orphan' });
    expect(r.deleted).toBe(false);
    c.settle();
    expect(c.store.get(RS, 'default', 'web')).toBeUndefined();
    const pods = c.registry.list(PODS, { namespace: 'default' }).items;
    expect(pods.map((p) => p.metadata!.name)).toEqual(['web-0', 'web-1']);
    expect(pods.every((p) => p.metadata!.ownerReferences === undefined)).toBe(true);
  });

  it('Foreground: the owner waits, with foregroundDeletion, until blocking dependents are gone', () => {
    const { c } = setup();
    // Schedule one pod so its deletion is graceful and takes a while.
    const p0 = c.registry.get(PODS, 'default', 'web-0');
    c.registry.update(PODS, { ...p0, spec: { ...(p0.spec as object), nodeName: 'n1' } });
    c.registry.delete(RS, 'default', 'web', { propagationPolicy: 'Foreground' });
    c.settle();
    const owner = c.store.get(RS, 'default', 'web');
    expect(owner?.metadata?.finalizers).toEqual(['foregroundDeletion']);
    expect(owner?.metadata?.deletionTimestamp).toBeDefined();
    expect(podNames(c)).toEqual(['web-0']);
    // The kubelet's final delete.
    c.registry.delete(PODS, 'default', 'web-0', { gracePeriodSeconds: 0 });
    c.settle();
    expect(c.store.get(RS, 'default', 'web')).toBeUndefined();
  });

  it('deletes a dependent whose owner uid does not exist', () => {
    const c = new Cluster({ bootstrap: false });
    c.registry.create(CORE('namespaces'), { metadata: { name: 'default' } });
    c.registry.create(CORE('configmaps'), {
      metadata: { name: 'lost', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'gone', uid: 'no-such-uid' }] },
    }, { namespace: 'default' });
    c.settle();
    expect(c.store.get(CORE('configmaps'), 'default', 'lost')).toBeUndefined();
  });

  it('keeps a dependent that still has another owner, dropping only the dead reference', () => {
    const { c, rs } = setup();
    const other = c.registry.create(CORE('configmaps'), { metadata: { name: 'other' } }, { namespace: 'default' });
    const p = c.registry.get(PODS, 'default', 'web-0');
    c.registry.update(PODS, {
      ...p,
      metadata: { ...p.metadata, ownerReferences: [...p.metadata!.ownerReferences!, { apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid: other.metadata!.uid! }] },
    });
    c.registry.delete(RS, 'default', 'web');
    c.settle();
    expect(podNames(c)).toEqual(['web-0']);
    expect(c.registry.get(PODS, 'default', 'web-0').metadata!.ownerReferences!.map((r) => r.uid)).toEqual([other.metadata!.uid]);
    expect(rs.metadata!.uid).not.toBe(other.metadata!.uid);
  });
});
