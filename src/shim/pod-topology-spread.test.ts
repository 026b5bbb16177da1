import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import type { Topology } from './kind.ts';
import { installScheduler } from './scheduler.ts';

const PODS = CORE('pods');
const setup = (topology: Topology = {}): Cluster => {
  const c = new Cluster({ seed: 'spread', topology });
  installScheduler(c);
  return c;
};
const create = (c: Cluster, name: string, labels: Record<string, string>, spec: object = {}, meta: object = {}): void => {
  c.registry.create(PODS, { metadata: { name, labels, ...meta }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } }, { namespace: 'default' });
};
const pod = (c: Cluster, name: string): Pod => c.registry.get(PODS, 'default', name) as Pod;
const message = (c: Cluster, name: string): string | undefined => pod(c, name).status?.conditions?.find((x) => x.type === 'PodScheduled')?.message;
/** Pods per node, sorted by node name. */
const placement = (c: Cluster, names: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const n of names.map((x) => pod(c, x).spec?.nodeName ?? '<pending>').sort()) out[n] = (out[n] ?? 0) + 1;
  return out;
};

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const spread = (topologyKey: string, whenUnsatisfiable: string, extra: object = {}): object => ({
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: { app: 'web' } }, ...extra }],
});
const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';
const names = (n: number, prefix = 'web'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('PodTopologySpread', () => {
  it('DoNotSchedule over zones keeps the skew within maxSkew', () => {
    const c = setup({ workers: 4, zones: ['zone-a', 'zone-b'] });
    // kind-worker takes two first: the zone spread must still balance the zones.
    create(c, 'pinned-0', { app: 'web' }, { nodeSelector: { [HOST]: 'kind-worker' } });
    create(c, 'pinned-1', { app: 'web' }, { nodeSelector: { [HOST]: 'kind-worker' } });
    c.settle();
    for (const n of names(4)) create(c, n, { app: 'web' }, spread(ZONE, 'DoNotSchedule'));
    c.settle();
    const zoneOf = (node: string | undefined): string => (['kind-worker', 'kind-worker3'].includes(node ?? '') ? 'zone-a' : 'zone-b');
    const zones = names(4).map((n) => zoneOf(pod(c, n).spec?.nodeName));
    expect(zones.filter((z) => z === 'zone-b')).toHaveLength(3);
    expect(zones.filter((z) => z === 'zone-a')).toHaveLength(1);
  });

  it('counts the tainted control plane as a hostname domain unless nodeTaintsPolicy is Honor', () => {
    const c = setup();
    for (const n of names(3)) create(c, n, { app: 'web' }, spread(HOST, 'DoNotSchedule'));
    c.settle();
    expect(placement(c, names(3))).toEqual({ '<pending>': 1, 'kind-worker': 1, 'kind-worker2': 1 });
    const pending = names(3).find((n) => pod(c, n).spec?.nodeName === undefined)!;
    expect(message(c, pending)).toBe(`0/3 nodes are available: ${TAINT}, 2 node(s) didn't match pod topology spread constraints. `
      + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');

    const h = setup();
    for (const n of names(3)) create(h, n, { app: 'web' }, spread(HOST, 'DoNotSchedule', { nodeTaintsPolicy: 'Honor' }));
    h.settle();
    expect(Object.keys(placement(h, names(3)))).toEqual(['kind-worker', 'kind-worker2']);
  });

  it('rejects nodes missing the topology key as unresolvable', () => {
    const c = setup();
    create(c, 'web', { app: 'web' }, spread(ZONE, 'DoNotSchedule'));
    c.settle();
    expect(message(c, 'web')).toBe(`0/3 nodes are available: ${TAINT}, 2 node(s) didn't match pod topology spread constraints (missing required label). `
      + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });

  it('minDomains above the number of zones holds the global minimum at 0', () => {
    const c = setup({ workers: 2, zones: ['zone-a', 'zone-b'] });
    for (const n of names(3)) {
      create(c, n, { app: 'web' }, spread(ZONE, 'DoNotSchedule', { minDomains: 3 }));
      c.settle();
    }
    expect(placement(c, names(3))).toEqual({ '<pending>': 1, 'kind-worker': 1, 'kind-worker2': 1 });
  });

  it('a pod leaving re-admits a pod the constraint held back', () => {
    const c = setup({ workers: 2, zones: ['zone-a', 'zone-b'] });
    for (const n of names(3)) create(c, n, { app: 'web' }, spread(ZONE, 'DoNotSchedule', { minDomains: 3 }));
    c.settle();
    const placed = names(3).filter((n) => pod(c, n).spec?.nodeName !== undefined);
    expect(placed).toHaveLength(2);
    c.registry.delete(PODS, 'default', placed[0]!, { gracePeriodSeconds: 0 });
    c.settle();
    expect(names(3).filter((n) => c.store.get(PODS, 'default', n) !== undefined).every((n) => pod(c, n).spec?.nodeName !== undefined)).toBe(true);
  });

  it('ScheduleAnyway prefers the emptier zone but never blocks', () => {
    const c = setup({ workers: 4, zones: ['zone-a', 'zone-a', 'zone-a', 'zone-b'] });
    for (const n of names(4)) {
      create(c, n, { app: 'web' }, spread(ZONE, 'ScheduleAnyway'));
      c.settle();
    }
    const inB = names(4).filter((n) => pod(c, n).spec?.nodeName === 'kind-worker4');
    expect(inB).toHaveLength(2);
  });

  it('spreads a ReplicaSet\'s pods by the cluster-default constraints, zones before nodes', () => {
    // Several seeds, so ties broken by chance cannot make this pass.
    for (const seed of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const c = new Cluster({ seed, topology: { workers: 3, zones: ['zone-a', 'zone-a', 'zone-b'] } });
      installScheduler(c);
      const rs = c.registry.create({ group: 'apps', resource: 'replicasets' }, { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } } } }, { namespace: 'default' });
      const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid!, controller: true }];
      for (const n of names(3)) {
        create(c, n, { app: 'web' }, {}, { ownerReferences });
        c.settle();
      }
      // The second replica goes to the other zone rather than to the empty node beside the first.
      const inB = (n: string): boolean => pod(c, n).spec?.nodeName === 'kind-worker3';
      expect(inB('web-0') !== inB('web-1')).toBe(true);
      expect(Object.keys(placement(c, names(3)))).toEqual(['kind-worker', 'kind-worker2', 'kind-worker3']);
    }
  });

  it('spreads pods a Service selects even without an owner, and leaves unrelated pods alone', () => {
    const c = setup({ workers: 3 });
    c.registry.create(CORE('services'), { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }, { namespace: 'default' });
    c.settle();
    for (const n of names(3)) create(c, n, { app: 'web' });
    c.settle();
    expect(Object.keys(placement(c, names(3)))).toEqual(['kind-worker', 'kind-worker2', 'kind-worker3']);
  });
});
