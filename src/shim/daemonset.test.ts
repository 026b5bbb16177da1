import { describe, expect, it } from 'vitest';
import type { ControllerRevision, DaemonSet } from 'kubernetes-types/apps/v1';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { CONTROLLER_REVISIONS } from './controller-revision.ts';
import { DAEMONSETS } from './daemonset.ts';
import { templateHash } from './daemonset-util.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { KObject } from './objects.ts';

const PODS = CORE('pods');
const NODES = CORE('nodes');
const NS = 'default';
const CONTROL_PLANE_TOLERATION = { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' };

const setup = (workers = 2): Cluster => createKindCluster({ seed: 'daemonset', topology: { workers } }).cluster;

function createDS(c: Cluster, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): void {
  c.registry.create(DAEMONSETS, {
    metadata: { name: 'log-agent' },
    spec: {
      selector: { matchLabels: { name: 'log-agent' } },
      template: { metadata: { labels: { name: 'log-agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox:1.36', command: ['sleep', '86400'] }], ...podSpec } },
      ...spec,
    },
  }, { namespace: NS });
}

const ds = (c: Cluster): DaemonSet & KObject => c.store.get(DAEMONSETS, NS, 'log-agent') as DaemonSet & KObject;
const pods = (c: Cluster): Pod[] =>
  (c.store.list(PODS, { namespace: NS }).items as Pod[]).filter((p) => p.metadata?.name?.startsWith('log-agent-'));
/** `node image` for each pod, sorted by node. */
const placement = (c: Cluster): string[] => pods(c).map((p) => `${p.spec?.nodeName ?? '-'} ${p.spec?.containers[0]?.image ?? ''}`).sort();
const revisions = (c: Cluster): ControllerRevision[] =>
  (c.store.list(CONTROLLER_REVISIONS, { namespace: NS }).items as unknown as ControllerRevision[]).sort((a, b) => a.revision - b.revision);
const dsEvents = (c: Cluster, ns = NS): string[] =>
  (c.store.list(CORE('events'), { namespace: ns }).items as unknown as Event[])
    .filter((e) => e.involvedObject.kind === 'DaemonSet')
    .map((e) => `${e.reason} ${e.message?.replace(/log-agent-[a-z0-9]{5}/, 'log-agent-*')}`);

function updateDS(c: Cluster, change: (spec: NonNullable<DaemonSet['spec']>) => void): void {
  const current = ds(c);
  const spec = structuredClone(current.spec!);
  change(spec);
  c.registry.update(DAEMONSETS, { ...current, spec } as KObject);
}
const setImage = (c: Cluster, image: string): void => updateDS(c, (s) => { s.template.spec!.containers[0]!.image = image; });

function updateNode(c: Cluster, name: string, change: (node: Node) => void): void {
  const node = structuredClone(c.store.get(NODES, '', name)) as Node;
  change(node);
  c.registry.update(NODES, node as KObject);
}

describe('DaemonSet controller: placement', () => {
  it('runs one pod on each worker, pinned by node affinity, with the daemon tolerations and labels', () => {
    const c = setup();
    createDS(c);
    c.settle();
    expect(placement(c)).toEqual(['kind-worker busybox:1.36', 'kind-worker2 busybox:1.36']);
    const hash = revisions(c)[0]!.metadata!.labels!['controller-revision-hash']!;
    expect(revisions(c).map((r) => [r.metadata?.name, r.revision])).toEqual([[`log-agent-${hash}`, 1]]);
    const pod = pods(c).find((p) => p.spec?.nodeName === 'kind-worker')!;
    expect(pod.metadata?.name).toMatch(/^log-agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.metadata?.labels).toEqual({ name: 'log-agent', 'controller-revision-hash': hash, 'pod-template-generation': '1' });
    expect(pod.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'log-agent', uid: ds(c).metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pod.spec?.affinity).toEqual({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kind-worker'] }] }] } },
    });
    expect(pod.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(ds(c).metadata?.annotations).toEqual({ 'deprecated.daemonset.template.generation': '1' });
    expect(ds(c).status).toEqual({
      currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2,
      observedGeneration: 1, updatedNumberScheduled: 2, numberAvailable: 2,
    });
    expect(dsEvents(c)).toEqual(['SuccessfulCreate Created pod: log-agent-*', 'SuccessfulCreate Created pod: log-agent-*']);
  });

  it('replaces a toleration it also adds (dropping tolerationSeconds) and adds network-unavailable for hostNetwork', () => {
    const c = setup(1);
    createDS(c, {}, { hostNetwork: true, tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] });
    c.settle();
    const tolerations = pods(c)[0]!.spec?.tolerations ?? [];
    expect(tolerations[0]).toEqual({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
    expect(tolerations.map((t) => t.key)).toEqual([
      'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure',
      'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable', 'node.kubernetes.io/network-unavailable',
    ]);
  });

  it('runs on the control plane too once its taint is tolerated', () => {
    const c = setup();
    createDS(c);
    c.settle();
    updateDS(c, (s) => { s.template.spec!.tolerations = [CONTROL_PLANE_TOLERATION]; });
    c.settle();
    expect(placement(c)).toEqual(['kind-control-plane busybox:1.36', 'kind-worker busybox:1.36', 'kind-worker2 busybox:1.36']);
    expect(ds(c).metadata?.annotations?.['deprecated.daemonset.template.generation']).toBe('2');
    expect(pods(c).every((p) => p.metadata?.labels?.['pod-template-generation'] === '2')).toBe(true);
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
  });

  it('follows node labels: nodeSelector adds and removes pods as nodes are relabelled', () => {
    const c = setup();
    createDS(c, {}, { nodeSelector: { disk: 'ssd' } });
    c.settle();
    expect(placement(c)).toEqual([]);
    expect(ds(c).status).toEqual({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0, observedGeneration: 1 });
    updateNode(c, 'kind-worker2', (n) => { n.metadata!.labels = { ...n.metadata!.labels, disk: 'ssd' }; });
    c.settle();
    expect(placement(c)).toEqual(['kind-worker2 busybox:1.36']);
    updateNode(c, 'kind-worker2', (n) => { delete n.metadata!.labels!.disk; });
    c.settle();
    expect(placement(c)).toEqual([]);
    expect(dsEvents(c)).toEqual(['SuccessfulCreate Created pod: log-agent-*', 'SuccessfulDelete Deleted pod: log-agent-*']);
  });

  it('keeps a pod on a node tainted NoSchedule (misscheduled) but removes it for an untolerated NoExecute taint', () => {
    const c = setup();
    createDS(c);
    c.settle();
    updateNode(c, 'kind-worker', (n) => { n.spec = { ...n.spec, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }; });
    c.settle();
    expect(placement(c)).toEqual(['kind-worker busybox:1.36', 'kind-worker2 busybox:1.36']);
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 1 });
    updateNode(c, 'kind-worker', (n) => { n.spec = { ...n.spec, taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }] }; });
    c.settle();
    expect(placement(c)).toEqual(['kind-worker2 busybox:1.36']);
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0 });
  });

  it('ignores a cordon: a new pod still lands on an unschedulable node', () => {
    const c = setup();
    updateNode(c, 'kind-worker', (n) => { n.spec = { ...n.spec, unschedulable: true }; });
    c.settle();
    createDS(c);
    c.settle();
    expect(placement(c)).toEqual(['kind-worker busybox:1.36', 'kind-worker2 busybox:1.36']);
  });

  it('starts a pod on a node that joins', () => {
    const c = setup();
    createDS(c);
    c.settle();
    const worker = structuredClone(c.store.get(NODES, '', 'kind-worker2')) as Node & KObject;
    const fresh = c.registry.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kind-worker3', labels: { ...worker.metadata?.labels, 'kubernetes.io/hostname': 'kind-worker3' } }, spec: {} });
    c.registry.update(NODES, { ...fresh, status: worker.status }, { subresource: 'status' });
    c.settle();
    expect(placement(c).map((p) => p.split(' ')[0])).toEqual(['kind-worker', 'kind-worker2', 'kind-worker3']);
    expect(ds(c).status?.desiredNumberScheduled).toBe(3);
  });

  it('replaces a failed daemon pod and says so', () => {
    const c = setup(1);
    createDS(c);
    c.settle();
    const victim = pods(c)[0]! as KObject;
    c.registry.update(PODS, { ...victim, status: { ...(victim.status as object), phase: 'Failed' } }, { subresource: 'status' });
    c.settle();
    expect(pods(c).map((p) => p.metadata?.name)).not.toContain(victim.metadata?.name);
    expect(pods(c)).toHaveLength(1);
    expect(dsEvents(c)).toEqual([
      'SuccessfulCreate Created pod: log-agent-*',
      'FailedDaemonPod Found failed daemon pod default/log-agent-* on node kind-worker, will try to kill it',
      'SuccessfulDelete Deleted pod: log-agent-*',
      'SuccessfulCreate Created pod: log-agent-*',
    ]);
  });
});

describe('DaemonSet controller: updates and history', () => {
  /** Records, in store order, `delete <node>` when a pod starts terminating and `ready <node>` when one becomes Ready. */
  function watchRollout(c: Cluster): string[] {
    const log: string[] = [];
    c.store.subscribe((ch) => {
      if (ch.gr.resource !== 'pods' || !ch.object.metadata?.name?.startsWith('log-agent-')) return;
      const pod = ch.object as Pod;
      const ready = (p: KObject | undefined): boolean => (p as Pod | undefined)?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') === true;
      if (pod.metadata?.deletionTimestamp !== undefined && ch.previous?.metadata?.deletionTimestamp === undefined && ch.type !== 'DELETED') log.push(`delete ${pod.spec?.nodeName}`);
      else if (ch.type !== 'DELETED' && ready(ch.object) && !ready(ch.previous)) log.push(`ready ${pod.spec?.nodeName}`);
    });
    return log;
  }

  it('rolls one node at a time with maxUnavailable 1', () => {
    const c = setup(3);
    createDS(c);
    c.settle();
    const log = watchRollout(c);
    setImage(c, 'busybox:1.37');
    c.settle();
    expect(placement(c)).toEqual(['kind-worker busybox:1.37', 'kind-worker2 busybox:1.37', 'kind-worker3 busybox:1.37']);
    // Each deletion waits for the previous replacement to be Ready.
    expect(log.filter((l) => l.startsWith('delete')).length).toBe(3);
    for (let i = 0; i < log.length - 1; i++) if (log[i]!.startsWith('delete')) expect(log[i + 1]).toMatch(/^ready /);
    expect(ds(c).status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
  });

  it('surges with maxSurge: the new pod is Ready before the old one on its node goes', () => {
    const c = setup();
    createDS(c, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    c.settle();
    const log = watchRollout(c);
    setImage(c, 'busybox:1.37');
    c.settle();
    expect(placement(c)).toEqual(['kind-worker busybox:1.37', 'kind-worker2 busybox:1.37']);
    const first = log.findIndex((l) => l.startsWith('delete'));
    expect(log[first - 1]).toBe(`ready ${log[first]!.slice('delete '.length)}`);
    expect(log).toHaveLength(4);
  });

  it('OnDelete: the template changes nothing until a pod is deleted', () => {
    const c = setup();
    createDS(c, { updateStrategy: { type: 'OnDelete' } });
    c.settle();
    setImage(c, 'busybox:1.37');
    c.settle();
    expect(placement(c)).toEqual(['kind-worker busybox:1.36', 'kind-worker2 busybox:1.36']);
    // updatedNumberScheduled is omitempty: at 0 it is not there at all.
    expect(ds(c).status).toEqual({ currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2, observedGeneration: 2, numberAvailable: 2 });
    const old = pods(c).find((p) => p.spec?.nodeName === 'kind-worker2')!;
    c.registry.delete(PODS, NS, old.metadata!.name!, { gracePeriodSeconds: 0 });
    c.settle();
    expect(placement(c)).toEqual(['kind-worker busybox:1.36', 'kind-worker2 busybox:1.37']);
    expect(ds(c).status).toMatchObject({ updatedNumberScheduled: 1 });
  });

  it('keeps revisions; going back to an old template renumbers its revision instead of making a new one', () => {
    const c = setup();
    createDS(c);
    c.settle();
    setImage(c, 'busybox:1.37');
    c.settle();
    const [first, second] = revisions(c);
    expect([first?.revision, second?.revision]).toEqual([1, 2]);
    expect(first?.data).toMatchObject({ spec: { template: { $patch: 'replace', spec: { containers: [{ image: 'busybox:1.36' }] } } } });
    // What `kubectl rollout undo` sends: the revision's data as a strategic merge patch.
    setImage(c, 'busybox:1.36');
    c.settle();
    expect(revisions(c).map((r) => [r.metadata?.name, r.revision])).toEqual([[second!.metadata?.name, 2], [first!.metadata?.name, 3]]);
    expect(placement(c)).toEqual(['kind-worker busybox:1.36', 'kind-worker2 busybox:1.36']);
    expect(pods(c).every((p) => p.metadata?.labels?.['controller-revision-hash'] === first!.metadata?.labels?.['controller-revision-hash'])).toBe(true);
  });

  it('bumps deprecated.daemonset.template.generation only when the template changes', () => {
    const c = setup(1);
    createDS(c);
    c.settle();
    const generationOf = (): string | undefined => ds(c).metadata?.annotations?.['deprecated.daemonset.template.generation'];
    updateDS(c, (s) => { s.minReadySeconds = 5; });
    expect([ds(c).metadata?.generation, generationOf()]).toEqual([2, '1']);
    setImage(c, 'busybox:1.37');
    expect([ds(c).metadata?.generation, generationOf()]).toEqual([3, '2']);
    // A client cannot set it on update: the stored value stands.
    c.registry.update(DAEMONSETS, { ...ds(c), metadata: { ...ds(c).metadata, annotations: { 'deprecated.daemonset.template.generation': '40' } } });
    expect(generationOf()).toBe('2');
  });

  it('resolves a revision name collision by bumping status.collisionCount', () => {
    const c = setup(1);
    createDS(c);
    const taken = `log-agent-${templateHash(ds(c))}`;
    c.registry.create(CONTROLLER_REVISIONS, { metadata: { name: taken }, data: { something: 'else' }, revision: 1 }, { namespace: NS });
    c.settle();
    expect(ds(c).status?.collisionCount).toBe(1);
    const mine = revisions(c).filter((r) => r.metadata?.ownerReferences !== undefined);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.metadata?.name).not.toBe(taken);
    expect(pods(c)[0]!.metadata?.labels?.['controller-revision-hash']).toBe(mine[0]!.metadata?.labels?.['controller-revision-hash']);
  });

  it('trims history to revisionHistoryLimit', () => {
    const c = setup(1);
    createDS(c, { revisionHistoryLimit: 1 });
    c.settle();
    for (const tag of ['1.37', '1.35', '1.34']) {
      setImage(c, `busybox:${tag}`);
      c.settle();
    }
    expect(revisions(c).map((r) => r.revision)).toEqual([3, 4]);
  });
});

describe('DaemonSet controller: kind system DaemonSets', () => {
  it('adopts kindnet and kube-proxy quietly: no pod churn, no events, status as created', () => {
    const { cluster: c } = createKindCluster({ seed: 'daemonset-kind' });
    const names = (): string[] => (c.store.list(PODS, { namespace: 'kube-system' }).items as Pod[]).map((p) => p.metadata!.name!).sort();
    const before = names();
    c.clock.advance(60_000);
    c.settle();
    expect(names()).toEqual(before);
    expect(dsEvents(c, 'kube-system')).toEqual([]);
    const kindnet = c.store.get(DAEMONSETS, 'kube-system', 'kindnet') as DaemonSet;
    expect(kindnet.status).toEqual({ currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3 });
    expect(c.store.list(CONTROLLER_REVISIONS, { namespace: 'kube-system' }).items.map((r) => (r as unknown as ControllerRevision).revision)).toEqual([1, 1]);
  });
});
