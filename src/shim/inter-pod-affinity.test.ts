import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import type { Topology } from './kind.ts';
import { installScheduler } from './scheduler.ts';

const PODS = CORE('pods');
const setup = (topology: Topology = {}): Cluster => {
  const c = new Cluster({ seed: 'affinity', topology });
  installScheduler(c);
  return c;
};
const create = (c: Cluster, name: string, labels: Record<string, string>, spec: object = {}, namespace = 'default'): void => {
  c.registry.create(PODS, { metadata: { name, labels }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } }, { namespace });
};
const nodeOf = (c: Cluster, name: string, namespace = 'default'): string | undefined => (c.registry.get(PODS, namespace, name) as Pod).spec?.nodeName;
const message = (c: Cluster, name: string): string | undefined =>
  (c.registry.get(PODS, 'default', name) as Pod).status?.conditions?.find((x) => x.type === 'PodScheduled')?.message;

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const antiAffinity = (app: string, topologyKey = HOST, extra: object = {}): object => ({
  affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey, ...extra }] } },
});
const affinity = (app: string, topologyKey = HOST): object => ({
  affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey }] } },
});
const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

describe('InterPodAffinity', () => {
  it('required anti-affinity on hostname: one pod per worker, the third waits with upstream wording and schedules once a node frees up', () => {
    const c = setup();
    for (const name of ['web-0', 'web-1', 'web-2']) create(c, name, { app: 'web' }, antiAffinity('web'));
    c.settle();
    expect(new Set([nodeOf(c, 'web-0'), nodeOf(c, 'web-1')])).toEqual(new Set(['kind-worker', 'kind-worker2']));
    expect(nodeOf(c, 'web-2')).toBeUndefined();
    expect(message(c, 'web-2')).toBe(`0/3 nodes are available: ${TAINT}, 2 node(s) didn't match pod anti-affinity rules. `
      + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
    const freed = nodeOf(c, 'web-0');
    c.registry.delete(PODS, 'default', 'web-0', { gracePeriodSeconds: 0 });
    c.settle();
    expect(nodeOf(c, 'web-2')).toBe(freed);
  });

  it('is symmetric: an existing pod\'s anti-affinity keeps matching newcomers off its node', () => {
    const c = setup();
    create(c, 'guard', { app: 'guard' }, { nodeSelector: { [HOST]: 'kind-worker' }, ...antiAffinity('db') });
    c.settle();
    create(c, 'db-0', { app: 'db' });
    create(c, 'db-1', { app: 'db' }, { nodeSelector: { [HOST]: 'kind-worker' } });
    create(c, 'web', { app: 'web' }, { nodeSelector: { [HOST]: 'kind-worker' } });
    c.settle();
    expect(nodeOf(c, 'db-0')).toBe('kind-worker2');
    expect(nodeOf(c, 'web')).toBe('kind-worker');
    expect(message(c, 'db-1')).toBe("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't satisfy existing pods anti-affinity rules, "
      + `${TAINT}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.`);
  });

  it('required affinity on zone follows the matching pod; the first pod of a self-affine group may go anywhere', () => {
    const c = setup({ workers: 4, zones: ['zone-a', 'zone-b'] });
    create(c, 'cache', { app: 'cache' }, { nodeSelector: { [HOST]: 'kind-worker2' } });
    c.settle();
    for (let i = 0; i < 3; i++) create(c, `web-${i}`, { app: 'web' }, affinity('cache', ZONE));
    create(c, 'lonely', { app: 'lonely' }, affinity('nobody'));
    create(c, 'first', { app: 'group' }, affinity('group'));
    c.settle();
    // kind-worker2 and kind-worker4 are in zone-b.
    for (let i = 0; i < 3; i++) expect(['kind-worker2', 'kind-worker4']).toContain(nodeOf(c, `web-${i}`));
    expect(nodeOf(c, 'first')).toBeDefined();
    expect(message(c, 'lonely')).toBe(`0/5 nodes are available: ${TAINT}, 4 node(s) didn't match pod affinity rules. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.`);
    // A matching pod appearing lets the waiting pod in (QueueingHint on the added pod).
    create(c, 'nobody', { app: 'nobody' }, { nodeSelector: { [HOST]: 'kind-worker3' } });
    c.settle();
    expect(nodeOf(c, 'lonely')).toBe('kind-worker3');
  });

  it('fails the affinity filter on nodes without the topology label', () => {
    const c = setup();
    create(c, 'cache', { app: 'cache' });
    c.settle();
    create(c, 'web', { app: 'web' }, affinity('cache', ZONE));
    c.settle();
    expect(message(c, 'web')).toBe(`0/3 nodes are available: ${TAINT}, 2 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`);
  });

  it('counts pods in the term\'s namespaces: its own by default, listed ones, or those a namespaceSelector picks', () => {
    const c = setup();
    c.registry.create(CORE('namespaces'), { metadata: { name: 'team-a', labels: { team: 'a' } } });
    c.settle();
    create(c, 'other-web', { app: 'web' }, { nodeSelector: { [HOST]: 'kind-worker' } }, 'team-a');
    c.settle();
    // Same labels, other namespace: the default (own-namespace) term ignores it.
    create(c, 'free', { app: 'x' }, { nodeSelector: { [HOST]: 'kind-worker' }, ...antiAffinity('web') });
    create(c, 'listed', { app: 'x' }, antiAffinity('web', HOST, { namespaces: ['team-a'] }));
    create(c, 'selected', { app: 'x' }, antiAffinity('web', HOST, { namespaceSelector: { matchLabels: { team: 'a' } } }));
    create(c, 'everywhere', { app: 'x' }, antiAffinity('web', HOST, { namespaceSelector: {} }));
    c.settle();
    expect(nodeOf(c, 'free')).toBe('kind-worker');
    expect(nodeOf(c, 'listed')).toBe('kind-worker2');
    expect(nodeOf(c, 'selected')).toBe('kind-worker2');
    expect(nodeOf(c, 'everywhere')).toBe('kind-worker2');
  });

  it('matchLabelKeys narrows a term to pods sharing the listed label values', () => {
    const c = setup();
    create(c, 'v1-a', { app: 'web', rev: '1' }, { nodeSelector: { [HOST]: 'kind-worker' } });
    c.settle();
    const term = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: HOST, matchLabelKeys: ['rev'] }] } } };
    create(c, 'v2-a', { app: 'web', rev: '2' }, { nodeSelector: { [HOST]: 'kind-worker' }, ...term });
    create(c, 'v1-b', { app: 'web', rev: '1' }, { nodeSelector: { [HOST]: 'kind-worker' }, ...term });
    c.settle();
    expect(nodeOf(c, 'v2-a')).toBe('kind-worker');
    expect(nodeOf(c, 'v1-b')).toBeUndefined();
  });

  it('scores preferred terms: anti-affinity spreads over zones, affinity gathers', () => {
    const c = setup({ workers: 3, zones: ['zone-a', 'zone-b', 'zone-c'] });
    const preferApart = { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: ZONE } }] } } };
    for (let i = 0; i < 3; i++) {
      create(c, `db-${i}`, { app: 'db' }, preferApart);
      c.settle();
    }
    expect(new Set([0, 1, 2].map((i) => nodeOf(c, `db-${i}`)))).toEqual(new Set(['kind-worker', 'kind-worker2', 'kind-worker3']));
    create(c, 'db-3', { app: 'db' }, preferApart);
    c.settle();
    expect(nodeOf(c, 'db-3')).toBeDefined();
    const preferWithCache = { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: HOST } }] } } };
    c.registry.delete(PODS, 'default', 'db-3', { gracePeriodSeconds: 0 });
    c.registry.delete(PODS, 'default', 'db-1', { gracePeriodSeconds: 0 });
    c.registry.delete(PODS, 'default', 'db-2', { gracePeriodSeconds: 0 });
    c.settle();
    for (let i = 0; i < 3; i++) create(c, `app-${i}`, { app: 'app' }, preferWithCache);
    c.settle();
    for (let i = 0; i < 3; i++) expect(nodeOf(c, `app-${i}`)).toBe(nodeOf(c, 'db-0'));
  });
});
