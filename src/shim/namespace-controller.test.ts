import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { StatusError } from './errors.ts';

const NS = CORE('namespaces');

describe('namespaces', () => {
  it('new namespaces are Active, labelled, finalized by kubernetes, and get their defaults', () => {
    const c = new Cluster({ bootstrap: false });
    const ns = c.registry.create(NS, { metadata: { name: 'demo' } });
    expect(ns.status).toEqual({ phase: 'Active' });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.metadata!.labels).toEqual({ 'kubernetes.io/metadata.name': 'demo' });
    c.settle();
    expect(c.store.get(CORE('serviceaccounts'), 'demo', 'default')).toBeDefined();
    const ca = c.store.get(CORE('configmaps'), 'demo', 'kube-root-ca.crt');
    expect((ca?.data as Record<string, string>)['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('namespace names must be DNS-1123 labels', () => {
    const c = new Cluster({ bootstrap: false });
    expect(() => c.registry.create(NS, { metadata: { name: 'a.b' } })).toThrow(/Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label/);
  });

  it('deleting a namespace marks it Terminating, empties it, then removes it', () => {
    const c = new Cluster({ bootstrap: false });
    c.registry.create(NS, { metadata: { name: 'demo' } });
    c.registry.create(CORE('configmaps'), { metadata: { name: 'cfg' } }, { namespace: 'demo' });
    c.registry.create(CORE('pods'), { metadata: { name: 'p' }, spec: { containers: [] } }, { namespace: 'demo' });
    c.settle();
    const r = c.registry.delete(NS, '', 'demo');
    expect(r.deleted).toBe(false);
    expect(r.object.status).toEqual({ phase: 'Terminating' });
    let err: unknown;
    try {
      c.registry.create(CORE('configmaps'), { metadata: { name: 'late' } }, { namespace: 'demo' });
    } catch (e) {
      err = e;
    }
    expect((err as StatusError).status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'configmaps "late" is forbidden: unable to create new content in namespace demo because it is being terminated',
      details: { name: 'late', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', field: 'metadata.namespace' }] },
    });
    c.settle();
    expect(c.store.get(NS, '', 'demo')).toBeUndefined();
    expect(c.store.count(CORE('configmaps'), 'demo')).toBe(0);
    expect(c.store.count(CORE('pods'), 'demo')).toBe(0);
  });

  it('waits for content with finalizers and says so in its conditions', () => {
    const c = new Cluster({ bootstrap: false });
    c.registry.create(NS, { metadata: { name: 'demo' } });
    c.registry.create(CORE('persistentvolumeclaims'), { metadata: { name: 'data', finalizers: ['kubernetes.io/pvc-protection'] }, spec: {} }, { namespace: 'demo' });
    c.settle();
    c.registry.delete(NS, '', 'demo');
    c.settle();
    const ns = c.registry.get(NS, '', 'demo');
    const conds = (ns.status as { conditions: Array<{ type: string; status: string; message: string }> }).conditions;
    expect(conds.find((x) => x.type === 'NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      message: 'Some resources are remaining: persistentvolumeclaims. has 1 resource instances',
    });
    expect(conds.find((x) => x.type === 'NamespaceFinalizersRemaining')?.message).toBe(
      'Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances',
    );
    expect(() => c.registry.delete(NS, '', 'demo')).toThrow(/The system is ensuring all content is removed from this namespace/);
    const pvc = c.registry.get(CORE('persistentvolumeclaims'), 'demo', 'data');
    c.registry.update(CORE('persistentvolumeclaims'), { ...pvc, metadata: { ...pvc.metadata, finalizers: [] } });
    c.settle();
    expect(c.store.get(NS, '', 'demo')).toBeUndefined();
  });
});
