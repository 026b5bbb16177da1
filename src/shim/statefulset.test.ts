import { describe, expect, it } from 'vitest';
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1';
import type { Event, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { CONTROLLER_REVISIONS } from './controller-revision.ts';
import { StatusError } from './errors.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { KObject } from './objects.ts';
import { STATEFULSETS } from './statefulset.ts';

const PODS = CORE('pods');
const PVCS = CORE('persistentvolumeclaims');
const NS = 'default';
const BAD_IMAGE = 'registry.example.com/missing:1.0';

const setup = (): Cluster => createKindCluster({ seed: 'statefulset' }).cluster;

function createSet(c: Cluster, spec: Record<string, unknown> = {}, image = 'registry.k8s.io/nginx-slim:0.21'): void {
  c.registry.create(STATEFULSETS, {
    metadata: { name: 'web' },
    spec: {
      serviceName: 'nginx', replicas: 3, selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  }, { namespace: NS });
}

const set = (c: Cluster): StatefulSet => c.registry.get(STATEFULSETS, NS, 'web') as StatefulSet;
const pod = (c: Cluster, name: string): Pod | undefined => c.store.get(PODS, NS, name) as Pod | undefined;
const podNames = (c: Cluster): string[] => c.store.list(PODS, { namespace: NS }).items.map((p) => p.metadata!.name!).filter((n) => n.startsWith('web-'));
const claimNames = (c: Cluster): string[] => c.store.list(PVCS, { namespace: NS }).items.map((p) => p.metadata!.name!);
const imageOf = (c: Cluster, name: string): string | undefined => pod(c, name)?.spec?.containers[0]?.image;
const revisions = (c: Cluster): ControllerRevision[] =>
  (c.store.list(CONTROLLER_REVISIONS, { namespace: NS }).items as unknown as ControllerRevision[]).sort((a, b) => a.revision - b.revision);

function update(c: Cluster, change: (spec: Record<string, unknown>) => void): void {
  const s = c.registry.get(STATEFULSETS, NS, 'web');
  const spec = structuredClone(s.spec) as Record<string, unknown>;
  change(spec);
  c.registry.update(STATEFULSETS, { ...s, spec });
}
const setImage = (c: Cluster, image: string): void => update(c, (s) => {
  (s.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image = image;
});
const scale = (c: Cluster, replicas: number): void => update(c, (s) => { s.replicas = replicas; });

/** `ADDED web-0`, `READY web-0`, `TERMINATING web-2`, `DELETED web-2`, in store order. */
function watchPods(c: Cluster): string[] {
  const log: string[] = [];
  c.store.subscribe((ch) => {
    if (ch.gr.resource !== 'pods' || !ch.object.metadata?.name?.startsWith('web-')) return;
    const name = ch.object.metadata.name;
    const ready = (p: KObject | undefined): boolean => (p as Pod | undefined)?.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') === true;
    if (ch.type === 'ADDED') log.push(`ADDED ${name}`);
    else if (ch.type === 'DELETED') log.push(`DELETED ${name}`);
    else if (ch.object.metadata.deletionTimestamp !== undefined && ch.previous?.metadata?.deletionTimestamp === undefined) log.push(`TERMINATING ${name}`);
    else if (ready(ch.object) && !ready(ch.previous)) log.push(`READY ${name}`);
  });
  return log;
}

const setEvents = (c: Cluster): string[] =>
  (c.store.list(CORE('events'), { namespace: NS }).items as unknown as Event[])
    .filter((e) => e.involvedObject.kind === 'StatefulSet')
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .map((e) => `${e.type} ${e.reason} ${e.message}`);

describe('StatefulSet controller: identity and creation', () => {
  it('creates web-0..2 one at a time, each once its predecessor is Running and Ready', () => {
    const c = setup();
    const log = watchPods(c);
    createSet(c);
    c.settle();
    expect(log).toEqual(['ADDED web-0', 'READY web-0', 'ADDED web-1', 'READY web-1', 'ADDED web-2', 'READY web-2']);
    const s = set(c);
    const rev = `web-${revisions(c)[0]!.metadata!.labels!['controller.kubernetes.io/hash']}`;
    expect(s.status).toEqual({
      observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3,
      currentRevision: rev, updateRevision: rev, collisionCount: 0,
    });
  });

  it('gives each pod its name, labels, hostname, subdomain, owner and claim', () => {
    const c = setup();
    createSet(c);
    c.settle();
    const s = set(c);
    const p = pod(c, 'web-1')!;
    const rev = s.status!.updateRevision!;
    expect(p.metadata?.generateName).toBe('web-');
    expect(p.metadata?.labels).toEqual({ app: 'nginx', 'statefulset.kubernetes.io/pod-name': 'web-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': rev });
    expect(p.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: s.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect([p.spec?.hostname, p.spec?.subdomain]).toEqual(['web-1', 'nginx']);
    expect(p.spec?.volumes?.[0]).toEqual({ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } });
    const claim = c.store.get(PVCS, NS, 'www-web-1') as PersistentVolumeClaim;
    // The selector's labels, no owner (Retain/Retain), bound by the default class.
    expect(claim.metadata?.labels).toEqual({ app: 'nginx' });
    expect(claim.metadata?.ownerReferences).toBeUndefined();
    expect([claim.spec?.storageClassName, claim.status?.phase]).toEqual(['standard', 'Bound']);
    expect(setEvents(c).slice(0, 2)).toEqual([
      'Normal SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success',
      'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful',
    ]);
  });

  it('starts at .spec.ordinals.start', () => {
    const c = setup();
    createSet(c, { replicas: 2, ordinals: { start: 5 } });
    c.settle();
    expect(podNames(c)).toEqual(['web-5', 'web-6']);
    expect(claimNames(c)).toEqual(['www-web-5', 'www-web-6']);
    expect(pod(c, 'web-5')?.metadata?.labels?.['apps.kubernetes.io/pod-index']).toBe('5');
  });

  it('OrderedReady: a pod that never becomes Ready blocks the ones after it', () => {
    const c = setup();
    createSet(c, {}, BAD_IMAGE);
    c.settle({ maxVirtualMs: 120_000 });
    c.clock.advance(60_000);
    c.settle();
    expect(podNames(c)).toEqual(['web-0']);
    expect(set(c).status).toMatchObject({ replicas: 1, availableReplicas: 0 });
  });

  it('Parallel: creates every pod at once, ready or not', () => {
    const c = setup();
    const log = watchPods(c);
    createSet(c, { podManagementPolicy: 'Parallel' }, BAD_IMAGE);
    c.settle();
    expect(log).toEqual(['ADDED web-0', 'ADDED web-1', 'ADDED web-2']);
  });

  it('replaces a failed pod and repairs a pod whose identity label was removed', () => {
    const c = setup();
    createSet(c, { replicas: 2 });
    c.settle();
    const p = c.registry.get(PODS, NS, 'web-1');
    const labels = { ...p.metadata!.labels };
    delete labels['statefulset.kubernetes.io/pod-name'];
    c.registry.update(PODS, { ...p, metadata: { ...p.metadata, labels } });
    c.settle();
    expect(pod(c, 'web-1')?.metadata?.labels?.['statefulset.kubernetes.io/pod-name']).toBe('web-1');
    expect(setEvents(c)).toContain('Normal SuccessfulUpdate update Pod web-1 in StatefulSet web successful');

    const failed = c.registry.get(PODS, NS, 'web-0');
    const uid = failed.metadata?.uid;
    c.registry.update(PODS, { ...failed, status: { ...(failed.status as object), phase: 'Failed' } }, { subresource: 'status' });
    c.settle();
    expect(pod(c, 'web-0')?.metadata?.uid).not.toBe(uid);
    expect(pod(c, 'web-0')?.status?.phase).toBe('Running');
    expect(setEvents(c)).toContain('Normal SuccessfulDelete delete Pod web-0 in StatefulSet web successful');
  });

  it('waits quietly on a claim that can never bind', () => {
    const c = setup();
    createSet(c, { volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { storageClassName: 'nope', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] });
    const { steps } = c.settle();
    expect(steps).toBeLessThan(100);
    expect(podNames(c)).toEqual(['web-0']);
    expect(pod(c, 'web-0')?.status?.phase).toBe('Pending');
    expect(set(c).status).toMatchObject({ replicas: 1, availableReplicas: 0 });
    expect(set(c).status?.readyReplicas).toBeUndefined();
  });

  it('does not create a pod while its claim is being deleted', () => {
    const c = setup();
    c.registry.create(PVCS, { metadata: { name: 'www-web-0', finalizers: ['example.com/hold'] }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, { namespace: NS });
    c.registry.delete(PVCS, NS, 'www-web-0');
    createSet(c, { replicas: 1 });
    c.settle();
    expect(podNames(c)).toEqual([]);
    expect(setEvents(c)).toContain('Warning FailedCreate create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted');
    const held = c.registry.get(PVCS, NS, 'www-web-0');
    c.registry.update(PVCS, { ...held, metadata: { ...held.metadata, finalizers: [] } });
    c.settle();
    expect(podNames(c)).toEqual(['web-0']);
    expect(claimNames(c)).toEqual(['www-web-0']);
  });
});

describe('StatefulSet controller: scaling', () => {
  it('scales down from the top, waiting for each pod to be gone, and keeps the claims', () => {
    const c = setup();
    createSet(c, { replicas: 5 });
    c.settle();
    const log = watchPods(c);
    scale(c, 3);
    c.settle();
    expect(log).toEqual(['TERMINATING web-4', 'DELETED web-4', 'TERMINATING web-3', 'DELETED web-3']);
    expect(claimNames(c)).toEqual(['www-web-0', 'www-web-1', 'www-web-2', 'www-web-3', 'www-web-4']);
    expect(set(c).status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3 });
    // Scaling up again reuses the claims.
    const uid = c.store.get(PVCS, NS, 'www-web-3')?.metadata?.uid;
    scale(c, 4);
    c.settle();
    expect(podNames(c)).toContain('web-3');
    expect(c.store.get(PVCS, NS, 'www-web-3')?.metadata?.uid).toBe(uid);
  });

  it('Parallel scale-down deletes every condemned pod at once', () => {
    const c = setup();
    createSet(c, { replicas: 4, podManagementPolicy: 'Parallel' });
    c.settle();
    const log = watchPods(c);
    scale(c, 1);
    c.settle();
    expect(log.slice(0, 3)).toEqual(['TERMINATING web-3', 'TERMINATING web-2', 'TERMINATING web-1']);
  });

  it('OrderedReady scale-down removes a stuck top pod: it is the first unhealthy one', () => {
    const c = setup();
    createSet(c, { replicas: 2 });
    c.settle();
    setImage(c, BAD_IMAGE);
    c.settle({ maxVirtualMs: 60_000 });
    // The update replaced web-1 with a pod that never gets Ready: the rollout is stuck.
    expect(imageOf(c, 'web-1')).toBe(BAD_IMAGE);
    expect(imageOf(c, 'web-0')).not.toBe(BAD_IMAGE);
    scale(c, 1);
    c.settle({ maxVirtualMs: 60_000 });
    expect(podNames(c)).toEqual(['web-0']);
  });
});

describe('StatefulSet controller: updates and revisions', () => {
  it('RollingUpdate replaces pods from the highest ordinal down, one Ready pod at a time', () => {
    const c = setup();
    createSet(c);
    c.settle();
    const old = set(c).status!.currentRevision!;
    const log = watchPods(c);
    setImage(c, 'registry.k8s.io/nginx-slim:0.24');
    c.settle();
    expect(log).toEqual([
      'TERMINATING web-2', 'DELETED web-2', 'ADDED web-2', 'READY web-2',
      'TERMINATING web-1', 'DELETED web-1', 'ADDED web-1', 'READY web-1',
      'TERMINATING web-0', 'DELETED web-0', 'ADDED web-0', 'READY web-0',
    ]);
    const s = set(c);
    expect(s.status?.currentRevision).toBe(s.status?.updateRevision);
    expect(s.status?.currentRevision).not.toBe(old);
    expect(s.status).toMatchObject({ observedGeneration: 2, replicas: 3, currentReplicas: 3, updatedReplicas: 3 });
    expect(revisions(c).map((r) => [r.metadata?.name, r.revision])).toEqual([[old, 1], [s.status?.updateRevision, 2]]);
  });

  it('a partition stages the update: lower ordinals stay at (and are recreated with) the old template', () => {
    const c = setup();
    createSet(c, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    c.settle();
    const old = set(c).status!.currentRevision!;
    setImage(c, 'registry.k8s.io/nginx-slim:0.24');
    c.settle();
    expect([0, 1, 2].map((i) => imageOf(c, `web-${i}`))).toEqual(['registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.21', 'registry.k8s.io/nginx-slim:0.24']);
    const s = set(c);
    expect(s.status).toMatchObject({ currentRevision: old, currentReplicas: 2, updatedReplicas: 1, readyReplicas: 3 });
    expect(s.status?.updateRevision).not.toBe(old);
    expect(pod(c, 'web-2')?.metadata?.labels?.['controller-revision-hash']).toBe(s.status?.updateRevision);

    c.registry.delete(PODS, NS, 'web-1');
    c.settle();
    expect(imageOf(c, 'web-1')).toBe('registry.k8s.io/nginx-slim:0.21');

    update(c, (spec) => { spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }; });
    c.settle();
    expect([0, 1, 2].map((i) => imageOf(c, `web-${i}`))).toEqual(Array(3).fill('registry.k8s.io/nginx-slim:0.24'));
    expect(set(c).status).toMatchObject({ currentRevision: s.status?.updateRevision, currentReplicas: 3, updatedReplicas: 3 });
  });

  it('OnDelete leaves pods alone until they are deleted', () => {
    const c = setup();
    createSet(c, { updateStrategy: { type: 'OnDelete' } });
    c.settle();
    const old = set(c).status!.currentRevision!;
    setImage(c, 'registry.k8s.io/nginx-slim:0.24');
    c.settle();
    expect(podNames(c).map((n) => imageOf(c, n))).toEqual(Array(3).fill('registry.k8s.io/nginx-slim:0.21'));
    c.registry.delete(PODS, NS, 'web-0');
    c.settle();
    expect(imageOf(c, 'web-0')).toBe('registry.k8s.io/nginx-slim:0.24');
    // The current revision only moves with RollingUpdate.
    expect(set(c).status).toMatchObject({ currentRevision: old, currentReplicas: 2, updatedReplicas: 1 });
  });

  it('going back to an earlier template reuses its revision under a new number (rollout undo)', () => {
    const c = setup();
    createSet(c, { replicas: 1 });
    c.settle();
    const first = set(c).status!.currentRevision!;
    setImage(c, 'registry.k8s.io/nginx-slim:0.24');
    c.settle();
    setImage(c, 'registry.k8s.io/nginx-slim:0.21');
    c.settle();
    expect(set(c).status?.currentRevision).toBe(first);
    expect(revisions(c).map((r) => [r.metadata?.name === first, r.revision])).toEqual([[false, 2], [true, 3]]);
    // A revision is the template as a strategic merge patch, labelled and owned like upstream's.
    const rev = revisions(c)[1]!;
    expect(rev.metadata?.labels).toEqual({ app: 'nginx', 'controller.kubernetes.io/hash': first.slice('web-'.length) });
    expect(rev.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
    expect((rev.data as { spec: { template: Record<string, unknown> } }).spec.template.$patch).toBe('replace');
  });

  it('keeps revisionHistoryLimit old revisions besides the live ones', () => {
    const c = setup();
    createSet(c, { replicas: 1, revisionHistoryLimit: 1 });
    c.settle();
    for (const tag of ['0.22', '0.23', '0.24']) {
      setImage(c, `registry.k8s.io/nginx-slim:${tag}`);
      c.settle();
    }
    expect(revisions(c).map((r) => r.revision)).toEqual([3, 4]);
  });

  it('counts availableReplicas after minReadySeconds', () => {
    const c = setup();
    createSet(c, { replicas: 1, minReadySeconds: 10 });
    const seen: string[] = [];
    c.store.subscribe((ch) => {
      if (ch.gr.resource !== 'statefulsets') return;
      const st = (ch.object as StatefulSet).status;
      const line = `ready=${st?.readyReplicas ?? 0} available=${st?.availableReplicas ?? 0}`;
      if (seen.at(-1) !== line) seen.push(line);
    });
    c.settle();
    expect(seen.slice(-2)).toEqual(['ready=1 available=0', 'ready=1 available=1']);
  });
});

describe('StatefulSet controller: claims, deletion and adoption', () => {
  const ownerKinds = (c: Cluster, claim: string): string[] =>
    (c.store.get(PVCS, NS, claim)?.metadata?.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}`);

  it('whenScaled: Delete hands condemned claims to their pods, and the garbage collector removes them', () => {
    const c = setup();
    createSet(c, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } });
    c.settle();
    expect(ownerKinds(c, 'www-web-2')).toEqual([]);
    scale(c, 1);
    c.settle();
    expect(podNames(c)).toEqual(['web-0']);
    expect(claimNames(c)).toEqual(['www-web-0']);
    // Scaling up makes fresh claims.
    scale(c, 2);
    c.settle();
    expect(claimNames(c)).toEqual(['www-web-0', 'www-web-1']);
  });

  it('whenDeleted: Delete makes the set own its claims, so they go with it', () => {
    const c = setup();
    createSet(c, { replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
    c.settle();
    expect(ownerKinds(c, 'www-web-0')).toEqual(['StatefulSet/web']);
    c.registry.delete(STATEFULSETS, NS, 'web');
    c.settle();
    expect(podNames(c)).toEqual([]);
    expect(claimNames(c)).toEqual([]);
  });

  it('a policy change applies to existing claims', () => {
    const c = setup();
    createSet(c, { replicas: 2 });
    c.settle();
    update(c, (spec) => { spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Delete' }; });
    c.settle();
    expect(ownerKinds(c, 'www-web-1')).toEqual(['StatefulSet/web']);
  });

  it('orphans its pods on --cascade=orphan and adopts them (and its revisions) when it comes back', () => {
    const c = setup();
    createSet(c);
    c.settle();
    const uids = podNames(c).map((n) => pod(c, n)?.metadata?.uid);
    c.registry.delete(STATEFULSETS, NS, 'web', { propagationPolicy: 'Orphan' });
    c.settle();
    expect(podNames(c).map((n) => pod(c, n)?.metadata?.ownerReferences)).toEqual([undefined, undefined, undefined]);
    expect(revisions(c)[0]?.metadata?.ownerReferences).toBeUndefined();
    c.registry.delete(PODS, NS, 'web-0');
    c.settle();
    createSet(c, { replicas: 2 });
    c.settle();
    const s = set(c);
    expect(podNames(c)).toEqual(['web-0', 'web-1']);
    // web-1 was adopted, not replaced; web-0 was recreated; web-2 was scaled away.
    expect(pod(c, 'web-1')?.metadata?.uid).toBe(uids[1]);
    expect(pod(c, 'web-1')?.metadata?.ownerReferences?.[0]?.uid).toBe(s.metadata?.uid);
    expect(revisions(c).map((r) => [r.revision, r.metadata?.ownerReferences?.[0]?.uid])).toEqual([[1, s.metadata?.uid]]);
    expect(s.status).toMatchObject({ replicas: 2, readyReplicas: 2, currentReplicas: 2 });
  });

  it('deleting the set deletes every pod at once (garbage collector), claims stay', () => {
    const c = setup();
    createSet(c);
    c.settle();
    const log = watchPods(c);
    c.registry.delete(STATEFULSETS, NS, 'web');
    c.settle();
    expect(log.slice(0, 3).every((l) => l.startsWith('TERMINATING'))).toBe(true);
    expect(claimNames(c)).toHaveLength(3);
  });
});

describe('StatefulSet validation (1.32 texts)', () => {
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (e instanceof StatusError) return e.status.message ?? "";
      throw e;
    }
    return '';
  };

  it('refuses a selector that does not match the template, and OnDelete with a rollingUpdate block', () => {
    const c = setup();
    expect(message(() => createSet(c, { selector: { matchLabels: { app: 'other' } } }))).toBe(
      'StatefulSet.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`',
    );
    createSet(c, { replicas: 1 });
    expect(message(() => update(c, (spec) => { spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 0 } }; }))).toBe(
      "StatefulSet.apps \"web\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
    );
    expect(message(() => update(c, (spec) => { spec.volumeClaimTemplates = []; }))).toBe(
      "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });
});
