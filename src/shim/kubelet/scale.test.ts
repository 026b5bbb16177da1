import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.ts';
import { CORE } from '../controller.ts';
import { installScheduler } from '../scheduler.ts';
import { installKubelet } from './kubelet.ts';

// Behaviour at scale (timings live in `npm run bench`, not here): every pod runs
// and the scheduler spreads them evenly.
describe('scale', () => {
  it('schedules and starts 5,000 pods on 50 nodes evenly', () => {
    const c = new Cluster({ topology: { workers: 50 } });
    installScheduler(c);
    installKubelet(c);
    c.settle();
    const rs = c.registry.create({ group: 'apps', resource: 'replicasets' }, { metadata: { name: 'big' }, spec: { selector: { matchLabels: { app: 'big' } } } }, { namespace: 'default' });
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'big', uid: rs.metadata!.uid!, controller: true };
    for (let i = 0; i < 5000; i++) {
      c.registry.create(CORE('pods'), { metadata: { name: `big-${i}`, labels: { app: 'big' }, ownerReferences: [ref] }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } }, { namespace: 'default' });
    }
    c.settle();
    const pods = c.registry.list(CORE('pods'), { namespace: 'default' }).items;
    expect(pods.every((p) => (p.status as { phase: string }).phase === 'Running')).toBe(true);
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set((p.spec as { nodeName: string }).nodeName, (perNode.get((p.spec as { nodeName: string }).nodeName) ?? 0) + 1);
    expect(perNode.size).toBe(50);
    expect(Math.max(...perNode.values()) - Math.min(...perNode.values())).toBeLessThanOrEqual(2);
  });
});
