import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.ts';
import { CORE } from '../controller.ts';
import { installScheduler } from '../scheduler.ts';
import { installKubelet } from './kubelet.ts';

// A tripwire, not a benchmark: scheduling and starting pods must stay linear.
describe('scale', () => {
  it('schedules and starts 5,000 pods on 50 nodes without quadratic costs', () => {
    const c = new Cluster({ topology: { workers: 50 } });
    installScheduler(c);
    installKubelet(c);
    c.settle();
    const t0 = performance.now();
    const rs = c.registry.create({ group: 'apps', resource: 'replicasets' }, { metadata: { name: 'big' }, spec: {} }, { namespace: 'default' });
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'big', uid: rs.metadata!.uid!, controller: true };
    for (let i = 0; i < 5000; i++) {
      c.registry.create(CORE('pods'), { metadata: { name: `big-${i}`, ownerReferences: [ref] }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } }, { namespace: 'default' });
    }
    c.settle();
    const ms = performance.now() - t0;
    const pods = c.registry.list(CORE('pods'), { namespace: 'default' }).items;
    expect(pods.every((p) => (p.status as { phase: string }).phase === 'Running')).toBe(true);
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set((p.spec as { nodeName: string }).nodeName, (perNode.get((p.spec as { nodeName: string }).nodeName) ?? 0) + 1);
    expect(perNode.size).toBe(50);
    expect(Math.max(...perNode.values()) - Math.min(...perNode.values())).toBeLessThanOrEqual(2);
    console.log(`5000 pods: ${ms.toFixed(0)}ms`);
    expect(ms).toBeLessThan(6000);
  });
});
