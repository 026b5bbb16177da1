import { describe, expect, it } from 'vitest';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1';
import { parseTime } from './clock.ts';
import { CORE } from './controller.ts';
import { DEPLOYMENTS } from './deployment.ts';
import { createKindCluster, type KindCluster } from './kind-cluster.ts';
import type { KObject } from './objects.ts';
import { STATEFULSETS } from './statefulset.ts';

const PODS = CORE('pods');
const NODES = CORE('nodes');
const LEASES = { group: 'coordination.k8s.io', resource: 'leases' };
const NS = 'default';
const W2 = 'kind-worker2';

// Pods that prefer kind-worker2 land there and may move to kind-worker.
const onWorker2 = {
  affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [W2] }] } }] } },
};
const template = (app: string) => ({ metadata: { labels: { app } }, spec: { ...onWorker2, containers: [{ name: 'nginx', image: 'nginx:1.27' }] } });

function setup(): KindCluster {
  const kind = createKindCluster({ seed: 'node-lifecycle' });
  const { registry } = kind.cluster;
  registry.create(DEPLOYMENTS, { metadata: { name: 'web' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template('web') } }, { namespace: NS });
  registry.create(STATEFULSETS, { metadata: { name: 'db' }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') } }, { namespace: NS });
  // One pod that tolerates an unreachable node for ever, one that tolerates it not at all.
  const pinned = (name: string, tolerations: unknown[]) => registry.create(PODS, {
    metadata: { name },
    spec: { nodeName: W2, tolerations, containers: [{ name: 'c', image: 'nginx:1.27' }] },
  } as KObject, { namespace: NS });
  pinned('stays', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
  pinned('goes', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]);
  kind.cluster.settle();
  return kind;
}

const pods = (k: KindCluster): Pod[] => k.cluster.store.list(PODS, { namespace: NS }).items as Pod[];
const pod = (k: KindCluster, name: string) => k.cluster.store.get(PODS, NS, name) as Pod | undefined;
const byApp = (k: KindCluster, app: string) => pods(k).filter((p) => p.metadata?.labels?.app === app);
const node = (k: KindCluster) => k.cluster.store.get(NODES, '', W2) as Node;
const ready = (p: Pod | undefined) => p?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const events = (k: KindCluster, reason: string) =>
  (k.cluster.store.list(CORE('events')).items as unknown as Event[]).filter((e) => e.reason === reason).map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.source?.component}: ${e.message}`);
const runFor = (k: KindCluster, ms: number) => k.cluster.runUntil(k.cluster.clock.now() + ms);

describe('kubelet heartbeats', () => {
  it('renew the node lease every 10 s and post status every 5 minutes', () => {
    const k = setup();
    const renewed = () => parseTime((k.cluster.store.get(LEASES, 'kube-node-lease', W2)!.spec as { renewTime: string }).renewTime);
    const heartbeat = () => parseTime(node(k).status!.conditions!.find((c) => c.type === 'Ready')!.lastHeartbeatTime!);
    const t0 = k.cluster.clock.now();
    const hb0 = heartbeat();
    runFor(k, 60_000);
    expect(k.cluster.clock.now() - renewed()).toBeLessThan(10_000);
    expect(heartbeat()).toBe(hb0);
    runFor(k, 5 * 60_000);
    expect(heartbeat()).toBeGreaterThan(t0);
    expect(ready(pod(k, 'stays'))).toBe('True');
  });
});

describe('a stopped node', () => {
  it('turns Unknown after the 50 s grace period, taints unreachable and marks its pods not ready', () => {
    const k = setup();
    expect(byApp(k, 'web')[0]?.spec?.nodeName).toBe(W2);
    k.stopNode(W2);
    // 40 s was 1.31's grace period; 1.32 waits 50 s.
    runFor(k, 40_000);
    expect(node(k).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    runFor(k, 20_000);
    const conditions = node(k).status!.conditions!;
    expect(conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['DiskPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['PIDPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ]);
    expect(node(k).spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toContain('node.kubernetes.io/unreachable:NoSchedule');
    expect(ready(pod(k, 'stays'))).toBe('False');
    // The kubelet wrote nothing: the container still shows as running.
    expect(pod(k, 'stays')?.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    expect(events(k, 'NodeNotReady')).toContain(`Node/${W2} node-controller: Node ${W2} status is now: NodeNotReady`);
    expect(events(k, 'NodeNotReady')).toContain('Pod/stays node-controller: Node is not ready');
    runFor(k, 10_000);
    expect(node(k).spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    // tolerationSeconds 0: evicted as soon as the NoExecute taint is there; it stays Terminating.
    expect(pod(k, 'goes')?.metadata?.deletionTimestamp).toBeDefined();
    expect(pod(k, 'goes')?.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
    expect(events(k, 'TaintManagerEviction')).toEqual(['Pod/goes taint-eviction-controller: Marking for deletion Pod default/goes']);
  });

  it('evicts after the default 300 s toleration: Deployment pods are replaced, StatefulSet pods wait', () => {
    const k = setup();
    const web = byApp(k, 'web')[0]!.metadata!.name!;
    k.stopNode(W2);
    runFor(k, 70_000);
    const tainted = parseTime(node(k).spec!.taints!.find((t) => t.effect === 'NoExecute')!.timeAdded!);
    k.cluster.runUntil(tainted + 299_000);
    expect(pod(k, web)?.metadata?.deletionTimestamp).toBeUndefined();
    k.cluster.runUntil(tainted + 300_000);
    k.cluster.settle();
    expect(pod(k, web)?.metadata?.deletionTimestamp).toBeDefined();
    expect(pod(k, 'db-0')?.metadata?.deletionTimestamp).toBeDefined();
    expect(pod(k, 'stays')?.metadata?.deletionTimestamp).toBeUndefined();
    const replacement = byApp(k, 'web').find((p) => p.metadata?.name !== web)!;
    expect(replacement.spec?.nodeName).toBe('kind-worker');
    expect(replacement.status?.phase).toBe('Running');
    // The StatefulSet waits for db-0 to be gone; no kubelet will finish its deletion.
    expect(byApp(k, 'db').map((p) => p.metadata?.name)).toEqual(['db-0']);
    runFor(k, 600_000);
    expect(pod(k, 'db-0')?.metadata?.deletionTimestamp).toBeDefined();
    // Force deletion releases the name: db-0 comes back on the other worker.
    k.cluster.registry.delete(PODS, NS, 'db-0', { gracePeriodSeconds: 0 });
    k.cluster.settle();
    expect(pod(k, 'db-0')).toMatchObject({ spec: { nodeName: 'kind-worker' }, status: { phase: 'Running' } });
  });

  it('comes back: Ready, untainted, deletions finished, containers restarted as after a reboot', () => {
    const k = setup();
    const web = byApp(k, 'web')[0]!.metadata!.name!;
    k.stopNode(W2);
    runFor(k, 400_000);
    k.startNode(W2);
    k.cluster.react();
    expect(node(k).status?.conditions?.map((c) => c.status)).toEqual(['False', 'False', 'False', 'True']);
    // The NoSchedule taint goes with the condition, the NoExecute one at the next monitor pass.
    expect(node(k).spec?.taints?.map((t) => t.effect)).toEqual(['NoExecute']);
    runFor(k, 5_000);
    k.cluster.settle();
    expect(node(k).spec?.taints).toBeUndefined();
    expect(pod(k, web)).toBeUndefined();
    expect(pod(k, 'goes')).toBeUndefined();
    const stays = pod(k, 'stays')!;
    expect(ready(stays)).toBe('True');
    expect(stays.status?.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      state: { running: {} },
      lastState: { terminated: { exitCode: 255, reason: 'Unknown' } },
    });
    expect(events(k, 'SandboxChanged')).toContain('Pod/stays kubelet: Pod sandbox changed, it will be killed and re-created.');
    expect(events(k, 'NodeReady')).toEqual([`Node/${W2} kubelet: Node ${W2} status is now: NodeReady`]);
    // db-0's old pod is gone, so the StatefulSet makes it again (on either worker).
    expect(pod(k, 'db-0')?.status?.phase).toBe('Running');
    expect(pod(k, 'db-0')?.metadata?.deletionTimestamp).toBeUndefined();
  });
});

describe('storage on a dead node', () => {
  // db-0 keeps its claim; only the replicated class's volume may follow it to another node.
  for (const [storageClassName, where] of [['standard', undefined], ['replicated', 'kind-worker']] as const) {
    it(`${storageClassName}: a force-deleted StatefulSet pod ${where === undefined ? 'cannot leave the node' : 'moves on'}`, () => {
      const k = createKindCluster({ seed: 'node-lifecycle', topology: { storageClasses: ['replicated'] } });
      k.cluster.registry.create(STATEFULSETS, {
        metadata: { name: 'db' },
        spec: {
          replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db'),
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        },
      }, { namespace: NS });
      k.cluster.settle();
      expect(pod(k, 'db-0')).toMatchObject({ spec: { nodeName: W2 }, status: { phase: 'Running' } });
      k.stopNode(W2);
      runFor(k, 400_000);
      k.cluster.registry.delete(PODS, NS, 'db-0', { gracePeriodSeconds: 0 });
      k.cluster.settle();
      if (where === undefined) {
        expect(pod(k, 'db-0')?.spec?.nodeName).toBeUndefined();
        expect(events(k, 'FailedScheduling').at(-1)).toContain('1 node(s) had volume node affinity conflict');
      } else {
        expect(pod(k, 'db-0')).toMatchObject({ spec: { nodeName: where }, status: { phase: 'Running' } });
      }
    });
  }
  it('a StatefulSet pod force-deleted before its eviction is due: the taint eviction controller leaves its successor alone', () => {
    const k = createKindCluster({ seed: 'node-lifecycle', topology: { storageClasses: ['replicated'] } });
    k.cluster.registry.create(STATEFULSETS, {
      metadata: { name: 'db' },
      spec: {
        replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db'),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'replicated', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    }, { namespace: NS });
    k.cluster.settle();
    k.stopNode(W2);
    runFor(k, 70_000);
    // Tainted unreachable a few seconds ago: the eviction of default/db-0 is queued for almost 300 s from now.
    k.cluster.registry.delete(PODS, NS, 'db-0', { gracePeriodSeconds: 0 });
    k.cluster.settle();
    const moved = pod(k, 'db-0');
    expect(moved).toMatchObject({ spec: { nodeName: 'kind-worker' }, status: { phase: 'Running' } });
    runFor(k, 400_000);
    expect(pod(k, 'db-0')?.metadata).toMatchObject({ uid: moved?.metadata?.uid });
    expect(pod(k, 'db-0')?.metadata?.deletionTimestamp).toBeUndefined();
    expect(events(k, 'TaintManagerEviction')).toContain('Pod/db-0 taint-eviction-controller: Cancelling deletion of Pod default/db-0');
  });
});

describe('pod garbage collection', () => {
  it('force-deletes the pods of a deleted node after the 40 s quarantine, and the node registers again on start', () => {
    const k = setup();
    k.stopNode(W2);
    k.cluster.registry.delete(NODES, '', W2);
    k.cluster.react();
    runFor(k, 30_000);
    expect(pod(k, 'stays')).toBeDefined();
    runFor(k, 40_000);
    expect(pod(k, 'stays')).toBeUndefined();
    k.cluster.settle();
    expect(pod(k, 'db-0')).toMatchObject({ spec: { nodeName: 'kind-worker' }, status: { phase: 'Running' } });
    k.startNode(W2);
    k.cluster.settle();
    expect(node(k).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(k.cluster.store.get(LEASES, 'kube-node-lease', W2)?.metadata?.ownerReferences?.[0]?.uid).toBe(node(k).metadata?.uid);
  });

  it('releases terminating pods of a NotReady node tainted out-of-service', () => {
    const k = setup();
    k.stopNode(W2);
    runFor(k, 400_000);
    expect(pod(k, 'db-0')?.metadata?.deletionTimestamp).toBeDefined();
    const n = node(k);
    k.cluster.registry.update(NODES, { ...n, spec: { ...n.spec, taints: [...(n.spec?.taints ?? []), { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } } as KObject);
    runFor(k, 25_000);
    k.cluster.settle();
    expect(pod(k, 'db-0')).toMatchObject({ spec: { nodeName: 'kind-worker' }, status: { phase: 'Running' } });
  });
});
