import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';

// Behaviour at scale (timings live in `npm run bench`, not here): cascading
// deletion reaches every one of thousands of dependents.
describe('scale', () => {
  it('creates, updates and cascades 5,000 owned pods quickly', () => {
    const c = new Cluster({ topology: { workers: 49 } });
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
  });
});
