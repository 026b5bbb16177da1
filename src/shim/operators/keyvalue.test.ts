import { describe, expect, it } from 'vitest';
import { CORE } from '../controller.ts';
import { createKindCluster, type KindCluster } from '../kind-cluster.ts';
import type { KObject } from '../objects.ts';
import { KEYVALUECLUSTERS } from './index.ts';

const PODS = CORE('pods');
const STS = { group: 'apps', resource: 'statefulsets' };
const OP_NS = 'keyvalue-system';

interface Kvc extends KObject {
  spec: { members: number };
  status?: { members?: number; readyMembers?: number; primary?: string; phase?: string; conditions?: Array<{ type: string; status: string; reason: string }> };
}

function start(members = 3): KindCluster {
  const k = createKindCluster({ seed: 7, topology: { operators: ['keyvalue'] } });
  k.cluster.registry.create(KEYVALUECLUSTERS, { apiVersion: 'kv.statecraft.dev/v1alpha1', kind: 'KeyValueCluster', metadata: { name: 'kv', namespace: 'default' }, spec: { members } }, { namespace: 'default' });
  k.cluster.settle();
  return k;
}

const kvc = (k: KindCluster): Kvc => k.cluster.store.get(KEYVALUECLUSTERS, 'default', 'kv') as Kvc;
const roles = (k: KindCluster): Record<string, string | undefined> => Object.fromEntries(
  k.cluster.store.list(PODS, { namespace: 'default' }).items.map((p) => [p.metadata?.name ?? '', p.metadata?.labels?.role]),
);
const events = (k: KindCluster, reason: string): string[] => k.cluster.store.list(CORE('events'), { namespace: 'default' }).items
  .filter((e) => (e as { reason?: string }).reason === reason)
  .map((e) => (e as { message?: string }).message ?? '');
const operatorLog = (k: KindCluster): string => {
  const pod = k.cluster.store.list(PODS, { namespace: OP_NS }).items.find((p) => p.metadata?.deletionTimestamp === undefined);
  return k.kubelet.getLogs(OP_NS, pod?.metadata?.name ?? '', undefined);
};

describe('KeyValueCluster operator', () => {
  it('installs its CRD and runs as a Deployment in keyvalue-system', () => {
    const k = createKindCluster({ topology: { operators: ['keyvalue'] } });
    expect(k.cluster.resources.lookup('kvc')).toMatchObject({ group: 'kv.statecraft.dev', version: 'v1alpha1', kind: 'KeyValueCluster' });
    const pods = k.cluster.store.list(PODS, { namespace: OP_NS }).items;
    expect(pods.map((p) => (p as { status?: { phase?: string } }).status?.phase)).toEqual(['Running']);
    expect(operatorLog(k)).toContain('INFO\tsetup\tstarting manager');
  });

  it('creates owned Services, ConfigMap and StatefulSet and reports members and the primary', () => {
    const k = start();
    const cr = kvc(k);
    for (const [gr, name] of [[CORE('services'), 'kv'], [CORE('services'), 'kv-primary'], [CORE('configmaps'), 'kv-config'], [STS, 'kv']] as const) {
      const obj = k.cluster.store.get(gr, 'default', name);
      expect(obj?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'KeyValueCluster', name: 'kv', uid: cr.metadata?.uid, controller: true });
    }
    expect(cr.status).toMatchObject({ members: 3, readyMembers: 3, primary: 'kv-0', phase: 'Running' });
    expect(roles(k)).toEqual({ 'kv-0': 'primary', 'kv-1': 'replica', 'kv-2': 'replica' });
    expect(k.cluster.store.list(CORE('persistentvolumeclaims'), { namespace: 'default' }).items.map((p) => p.metadata?.name)).toEqual(['data-kv-0', 'data-kv-1', 'data-kv-2']);
    expect(operatorLog(k)).toMatch(/INFO\tCreated StatefulSet\t\{"controller": "keyvaluecluster", "namespace": "default", "name": "kv", "StatefulSet": "kv"\}/);
  });

  it('scales the StatefulSet with spec.members and status follows', () => {
    const k = start();
    k.cluster.registry.update(KEYVALUECLUSTERS, { ...kvc(k), spec: { ...kvc(k).spec, members: 5 } }, { namespace: 'default' });
    k.cluster.settle();
    expect((k.cluster.store.get(STS, 'default', 'kv') as { spec: { replicas: number } }).spec.replicas).toBe(5);
    expect(kvc(k).status).toMatchObject({ members: 5, readyMembers: 5, phase: 'Running' });
    expect(events(k, 'Scaled')).toEqual(['Scaled StatefulSet kv from 3 to 5 members']);
  });

  it('promotes a ready replica when the primary pod is deleted', () => {
    const k = start();
    k.cluster.registry.delete(PODS, 'default', 'kv-0');
    k.cluster.react();
    // redis exits at once on SIGTERM and the StatefulSet recreates kv-0 before the
    // operator's turn: it finds a new, not yet ready kv-0 and fails over without waiting.
    expect(kvc(k).status?.primary).toBe('kv-1');
    expect(roles(k)['kv-1']).toBe('primary');
    expect(events(k, 'PrimaryChanged')).toEqual(['Primary changed from kv-0 to kv-1: kv-0 is not ready']);
    k.cluster.settle();
    // kv-0 comes back (same name, same claim) as a replica.
    expect(roles(k)).toEqual({ 'kv-0': 'replica', 'kv-1': 'primary', 'kv-2': 'replica' });
    expect(kvc(k).status).toMatchObject({ readyMembers: 3, primary: 'kv-1', phase: 'Running' });
    expect(operatorLog(k)).toContain('INFO\tPromoting replica\t{"controller": "keyvaluecluster", "namespace": "default", "name": "kv", "from": "kv-0", "to": "kv-1"}');
    const cm = k.cluster.store.get(CORE('configmaps'), 'default', 'kv-config') as { data: Record<string, string> };
    expect(cm.data.primary).toBe('kv-1');
    // Clients of the kv-primary Service now reach kv-1, and only kv-1.
    const ip = (k.cluster.store.get(PODS, 'default', 'kv-1') as { status: { podIP: string } }).status.podIP;
    const ep = k.cluster.store.get(CORE('endpoints'), 'default', 'kv-primary') as { subsets: Array<{ addresses: Array<{ ip: string }> }> };
    expect(ep.subsets.flatMap((s) => s.addresses.map((a) => a.ip))).toEqual([ip]);
  });

  it('configures redis replication: replicas follow the primary, refuse writes, and keep the data through a failover', () => {
    const k = start();
    const redis = (pod: string, cmd: string): string => {
      const ip = (k.cluster.store.get(PODS, 'default', pod) as { status: { podIP: string } }).status.podIP;
      return k.kubelet.connect(ip, 6379)?.tcp?.(cmd) ?? 'refused';
    };
    expect(redis('kv-0', 'SET greeting hello')).toBe('OK');
    expect(redis('kv-2', 'GET greeting')).toBe('hello');
    expect(redis('kv-1', 'SET greeting bye')).toBe("(error) READONLY You can't write against a read only replica.");
    expect(redis('kv-1', 'ROLE')).toContain('"kv-0.kv.default.svc.cluster.local"');
    // Replicas pull once a second: a write is on every replica within a second.
    k.cluster.runUntil(k.cluster.clock.now() + 1000);
    k.cluster.registry.delete(PODS, 'default', 'kv-0');
    k.cluster.settle();
    expect(redis('kv-1', 'ROLE')).toBe('1) "master"\n2) (integer) 0\n3) (empty array)');
    expect(redis('kv-1', 'GET greeting')).toBe('hello');
    expect(redis('kv-1', 'SET after failover')).toBe('OK');
    // The old primary came back with its volume and now replicates from kv-1.
    expect(redis('kv-0', 'ROLE')).toContain('"kv-1.kv.default.svc.cluster.local"');
    expect(redis('kv-0', 'GET after')).toBe('failover');
  });

  it('fails over when the primary node stops', () => {
    const k = start();
    const node = (k.cluster.store.get(PODS, 'default', 'kv-0') as { spec: { nodeName: string } }).spec.nodeName;
    const opNode = (k.cluster.store.list(PODS, { namespace: OP_NS }).items[0] as { spec: { nodeName: string } }).spec.nodeName;
    // Keep the operator's own node up: stop the primary's node only if they differ.
    expect(node).not.toBe(opNode);
    k.stopNode(node);
    k.cluster.runUntil(k.cluster.clock.now() + 60_000);
    const primary = kvc(k).status?.primary;
    expect(primary).not.toBe('kv-0');
    expect(events(k, 'PrimaryChanged')).toEqual([`Primary changed from kv-0 to ${primary}: kv-0 is not ready`]);
  });

  it('stops reconciling while the operator Deployment is scaled to zero', () => {
    const k = start();
    const deploy = k.cluster.store.get({ group: 'apps', resource: 'deployments' }, OP_NS, 'keyvalue-operator') as KObject & { spec: { replicas: number } };
    k.cluster.registry.update({ group: 'apps', resource: 'deployments' }, { ...deploy, spec: { ...deploy.spec, replicas: 0 } }, { namespace: OP_NS });
    k.cluster.settle();
    k.cluster.registry.delete(PODS, 'default', 'kv-0');
    k.cluster.registry.update(KEYVALUECLUSTERS, { ...kvc(k), spec: { ...kvc(k).spec, members: 4 } }, { namespace: 'default' });
    k.cluster.settle();
    expect(events(k, 'PrimaryChanged')).toEqual([]);
    expect((k.cluster.store.get(STS, 'default', 'kv') as { spec: { replicas: number } }).spec.replicas).toBe(3);
    expect(kvc(k).status?.members).toBe(3);
    const now = k.cluster.store.get({ group: 'apps', resource: 'deployments' }, OP_NS, 'keyvalue-operator') as typeof deploy;
    k.cluster.registry.update({ group: 'apps', resource: 'deployments' }, { ...now, spec: { ...now.spec, replicas: 1 } }, { namespace: OP_NS });
    k.cluster.settle();
    // The new manager lists every KeyValueCluster and catches up.
    expect(kvc(k).status).toMatchObject({ members: 4, readyMembers: 4, primary: 'kv-0' });
  });

  it('deleting the KeyValueCluster deletes what it owns', () => {
    const k = start();
    k.cluster.registry.delete(KEYVALUECLUSTERS, 'default', 'kv');
    k.cluster.settle();
    expect(k.cluster.store.get(STS, 'default', 'kv')).toBeUndefined();
    expect(k.cluster.store.get(CORE('services'), 'default', 'kv-primary')).toBeUndefined();
    expect(k.cluster.store.get(CORE('configmaps'), 'default', 'kv-config')).toBeUndefined();
    expect(k.cluster.store.list(PODS, { namespace: 'default' }).items).toEqual([]);
    // Claims outlive the StatefulSet (persistentVolumeClaimRetentionPolicy defaults to Retain).
    expect(k.cluster.store.list(CORE('persistentvolumeclaims'), { namespace: 'default' }).items).toHaveLength(3);
  });
});
