import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { CORE } from './controller.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { Cluster } from './cluster.ts';
import type { KObject } from './objects.ts';
import { compareForDeletion, REPLICASETS } from './replicaset.ts';

const PODS = CORE('pods');
const NS = 'default';

function setup(): Cluster {
  return createKindCluster({ seed: 'replicaset' }).cluster;
}

const template = (labels: Record<string, string> = { app: 'web' }, extra: object = {}): object => ({
  metadata: { labels },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }], ...extra },
});

function createRS(c: Cluster, name: string, replicas: number, spec: object = {}): KObject {
  return c.registry.create(REPLICASETS, {
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
  }, { namespace: NS });
}

const rs = (c: Cluster, name: string): ReplicaSet => c.registry.get(REPLICASETS, NS, name) as ReplicaSet;
const pods = (c: Cluster): Pod[] => c.registry.list(PODS, { namespace: NS }).items as Pod[];
const active = (c: Cluster): Pod[] => pods(c).filter((p) => p.metadata?.deletionTimestamp === undefined);
const events = (c: Cluster, kind: string): string[] =>
  (c.registry.list(CORE('events'), { namespace: NS }).items as unknown as Event[])
    .filter((e) => e.involvedObject.kind === kind)
    .map((e) => `${e.type} ${e.reason} ${e.message}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`);

function scale(c: Cluster, name: string, replicas: number): void {
  const cur = c.registry.get(REPLICASETS, NS, name);
  c.registry.update(REPLICASETS, { ...cur, spec: { ...(cur.spec as object), replicas } });
}

describe('ReplicaSet controller', () => {
  it('stamps pods from the template, owned and named after the set, and reports status', () => {
    const c = setup();
    const set = createRS(c, 'web', 3);
    c.settle();
    const ps = pods(c);
    expect(ps).toHaveLength(3);
    for (const p of ps) {
      expect(p.metadata?.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata?.generateName).toBe('web-');
      expect(p.metadata?.labels).toEqual({ app: 'web' });
      expect(p.metadata?.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: set.metadata?.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(p.status?.phase).toBe('Running');
    }
    expect(rs(c, 'web').status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(events(c, 'ReplicaSet').sort()).toEqual(ps.map((p) => `Normal SuccessfulCreate Created pod: ${p.metadata?.name}`).sort());
  });

  it('replaces a pod as soon as it starts terminating, and deletes extra pods when scaled down', () => {
    const c = setup();
    // A finalizer (copied from the template) holds the pod in Terminating.
    createRS(c, 'web', 2, { template: { metadata: { labels: { app: 'web' }, finalizers: ['example.com/hold'] }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } });
    c.settle();
    const [first] = pods(c);
    const log: string[] = [];
    c.store.subscribe((ch) => {
      if (ch.gr.resource !== 'pods') return;
      const m = ch.object.metadata!;
      if (ch.type !== 'MODIFIED') log.push(`${ch.type} ${m.name === first!.metadata!.name ? 'old' : 'new'}`);
      else if (m.deletionTimestamp !== undefined && ch.previous?.metadata?.deletionTimestamp === undefined) log.push('TERMINATING old');
    });
    c.registry.delete(PODS, NS, first!.metadata!.name!);
    c.settle();
    // The replacement exists while the old pod is still terminating (at-least-once, unlike a StatefulSet).
    expect(log).toEqual(['TERMINATING old', 'ADDED new']);
    expect(pods(c)).toHaveLength(3);
    for (const p of pods(c)) c.registry.update(PODS, { ...p, metadata: { ...p.metadata, finalizers: undefined } } as KObject);
    c.settle();
    expect(log.at(-1)).toBe('DELETED old');
    expect(active(c)).toHaveLength(2);

    scale(c, 'web', 1);
    c.react();
    expect(active(c)).toHaveLength(1);
    expect(events(c, 'ReplicaSet').filter((e) => e.includes('SuccessfulDelete'))).toHaveLength(1);
    c.settle();
    expect(rs(c, 'web').status).toEqual({ replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 });
  });

  it('creates in slow-start batches and stops at the first failure, with FailedCreate and ReplicaFailure', () => {
    const c = setup();
    // Pods name a ServiceAccount that does not exist yet: the API server refuses them.
    createRS(c, 'web', 5, { template: template({ app: 'web' }, { serviceAccountName: 'robot' }) });
    c.react();
    expect(pods(c)).toHaveLength(0);
    const msg = 'pods "web-" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found';
    // One attempt per sync: slow start stops at the first failure (the status write resyncs once).
    expect(events(c, 'ReplicaSet')).toEqual([`Warning FailedCreate Error creating: ${msg} (x2)`]);
    const status = rs(c, 'web').status!;
    expect(status.replicas).toBe(0);
    expect(status.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'FailedCreate', message: msg },
    ]);
    // Once the account exists, the backed-off retry creates all five and clears the condition.
    c.registry.create(CORE('serviceaccounts'), { metadata: { name: 'robot' } }, { namespace: NS });
    c.runUntil(c.clock.now() + 2000);
    c.settle();
    expect(active(c)).toHaveLength(5);
    expect(rs(c, 'web').status?.conditions).toBeUndefined();
  });

  it('adopts matching orphans and releases pods whose labels stop matching', () => {
    const c = setup();
    c.registry.create(PODS, { metadata: { name: 'stray', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { namespace: NS });
    c.settle();
    const set = createRS(c, 'web', 2);
    c.settle();
    const stray = c.registry.get(PODS, NS, 'stray') as Pod;
    expect(stray.metadata?.ownerReferences?.[0]?.uid).toBe(set.metadata?.uid);
    expect(active(c)).toHaveLength(2);

    // Relabelled: released (owner reference removed) and replaced.
    c.registry.update(PODS, { ...stray, metadata: { ...stray.metadata, labels: { app: 'other' } } } as KObject);
    c.settle();
    expect((c.registry.get(PODS, NS, 'stray') as Pod).metadata?.ownerReferences).toBeUndefined();
    expect(active(c).filter((p) => p.metadata?.labels?.app === 'web')).toHaveLength(2);
  });

  it('leaves its pods behind, ownerless, when deleted with propagationPolicy Orphan', () => {
    const c = setup();
    createRS(c, 'web', 2);
    c.settle();
    c.registry.delete(REPLICASETS, NS, 'web', { propagationPolicy: 'Orphan' });
    c.settle();
    expect(c.store.get(REPLICASETS, NS, 'web')).toBeUndefined();
    expect(active(c)).toHaveLength(2);
    for (const p of active(c)) expect(p.metadata?.ownerReferences).toBeUndefined();
    // A new set with the same selector adopts them instead of creating pods.
    createRS(c, 'web2', 2);
    c.settle();
    expect(active(c).map((p) => p.metadata?.ownerReferences?.[0]?.name)).toEqual(['web2', 'web2']);
  });

  it('counts pods available only after minReadySeconds', () => {
    const c = setup();
    createRS(c, 'web', 2, { minReadySeconds: 10 });
    const seen: Array<[string, number]> = [];
    c.store.subscribe((ch) => {
      if (ch.gr.resource !== 'replicasets' || ch.type === 'DELETED') return;
      const s = (ch.object as ReplicaSet).status;
      const line = `ready=${s?.readyReplicas ?? 0} available=${s?.availableReplicas ?? 0}`;
      if (seen.at(-1)?.[0] !== line) seen.push([line, c.clock.now()]);
    });
    c.settle();
    expect(seen.map(([l]) => l)).toEqual(['ready=0 available=0', 'ready=2 available=0', 'ready=2 available=2']);
    // Ready since second S (timestamps have whole seconds): available once S + 10 s has passed.
    const readyAt = Math.floor(seen[1]![1] / 1000) * 1000;
    expect(seen[2]![1]).toBe(readyAt + 10_001);
  });
});

describe('which pods a ReplicaSet deletes first', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const pod = (name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: string; cost?: string; restarts?: number; created?: string } = {}): Pod => ({
    metadata: {
      name,
      uid: name,
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
    },
    spec: { containers: [], ...(o.node !== undefined ? { nodeName: o.node } : { nodeName: 'n1' }) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.readySince ?? '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  });
  const order = (ps: Array<[Pod, number]>): string[] =>
    [...ps].sort((a, b) => compareForDeletion(a[0], a[1], b[0], b[1], now)).map(([p]) => p.metadata!.name!);

  it('ranks unscheduled, pending, not ready, cheap, doubled-up, recently ready, restarting and new pods first', () => {
    expect(order([[pod('a'), 0], [pod('b', { node: '' }), 0]])).toEqual(['b', 'a']);
    expect(order([[pod('a'), 0], [pod('b', { phase: 'Pending' }), 0]])).toEqual(['b', 'a']);
    expect(order([[pod('a'), 0], [pod('b', { ready: false }), 0]])).toEqual(['b', 'a']);
    expect(order([[pod('a', { cost: '10' }), 0], [pod('b', { cost: '-5' }), 0], [pod('c'), 0]])).toEqual(['b', 'c', 'a']);
    expect(order([[pod('a'), 1], [pod('b'), 3]])).toEqual(['b', 'a']);
    // Ready 5 minutes ago vs 50 minutes ago: different log2 buckets, the recent one goes.
    expect(order([[pod('a', { readySince: '2026-01-01T00:10:00Z' }), 0], [pod('b', { readySince: '2026-01-01T00:55:00Z' }), 0]])).toEqual(['b', 'a']);
    expect(order([[pod('a', { restarts: 1 }), 0], [pod('b', { restarts: 4 }), 0]])).toEqual(['b', 'a']);
    expect(order([[pod('a', { created: '2026-01-01T00:00:00Z' }), 0], [pod('b', { created: '2026-01-01T00:59:00Z' }), 0]])).toEqual(['b', 'a']);
    // Ages in the same log2 bucket tie and fall back to the uid.
    expect(order([[pod('z', { created: '2026-01-01T00:00:00Z' }), 0], [pod('y', { created: '2026-01-01T00:00:30Z' }), 0]])).toEqual(['y', 'z']);
  });
});
