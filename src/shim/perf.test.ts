import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';

// Not a benchmark, a tripwire: the store, GC and namespace controller must stay
// roughly linear in the number of objects.
describe('scale', () => {
  it('creates, updates and cascades 5,000 owned pods quickly', () => {
    const c = new Cluster({ topology: { workers: 49 } });
    const t0 = performance.now();
    const rs = c.registry.create({ group: 'apps', resource: 'replicasets' }, { metadata: { name: 'big' }, spec: {} }, { namespace: 'default' });
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'big', uid: rs.metadata!.uid!, controller: true };
    for (let i = 0; i < 5000; i++) {
      const p = c.registry.create(CORE('pods'), { metadata: { generateName: 'big-', ownerReferences: [ref], labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { namespace: 'default' });
      c.registry.update(CORE('pods'), { ...p, status: { phase: 'Running' } }, { subresource: 'status' });
    }
    c.settle();
    c.registry.delete({ group: 'apps', resource: 'replicasets' }, 'default', 'big');
    c.settle();
    expect(c.store.count(CORE('pods'), 'default')).toBe(0);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
