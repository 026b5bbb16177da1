import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { PODS } from './pv-helpers.ts';
import { claim, createClaim, createPod, eventsFor, kindWithStorage, pod, volume, volumes } from './testing.ts';

const LPP = /^rancher\.io\/local-path_local-path-provisioner-7dc846544d-[a-z0-9]{5}_[0-9a-f-]{36}$/;
const sources = (c: ReturnType<typeof kindWithStorage>, name: string): string[] =>
  (c.store.list({ group: '', resource: 'events' }, { namespace: 'default' }).items as Array<{ involvedObject: { name: string }; source: { component: string }; firstTimestamp: string }>)
    .filter((e) => e.involvedObject.name === name)
    .sort((a, b) => a.firstTimestamp.localeCompare(b.firstTimestamp))
    .map((e) => e.source.component);

describe('kind\'s standard class: WaitForFirstConsumer with rancher.io/local-path', () => {
  it('goes claim → pod → scheduled node → provisioned → bound → running, with kind\'s events', () => {
    const c = kindWithStorage();
    createClaim(c, 'data');
    c.settle();
    expect(claim(c, 'data')?.status?.phase).toBe('Pending');
    expect(volumes(c)).toEqual([]);

    createPod(c, 'app', ['data']);
    c.react();
    // The scheduler chose a node for the claim but holds the pod back until it is bound.
    const node = claim(c, 'data')!.metadata!.annotations!['volume.kubernetes.io/selected-node']!;
    expect(['kind-worker', 'kind-worker2']).toContain(node);
    expect(pod(c, 'app')?.spec?.nodeName).toBeUndefined();
    expect(pod(c, 'app')?.status?.conditions).toBeUndefined();

    const t0 = c.clock.now();
    c.settle();
    const pvc = claim(c, 'data')!;
    const uid = pvc.metadata!.uid!;
    const pv = volume(c, `pvc-${uid}`)!;
    expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(pvc.metadata?.annotations).toEqual({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
      'volume.kubernetes.io/selected-node': node,
      'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
    });
    expect(pvc.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(pv.metadata?.annotations).toEqual({ 'local.path.provisioner/selected-node': node, 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' });
    expect(pv.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(pv.metadata?.creationTimestamp).toBe('2026-01-01T00:00:02Z');
    expect(pv.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '1Gi' },
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: 'data', namespace: 'default', uid, resourceVersion: expect.any(String) },
      hostPath: { path: `/var/local-path-provisioner/pvc-${uid}_default_data`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      volumeMode: 'Filesystem',
    });
    expect(pv.status).toEqual({ phase: 'Bound', lastPhaseTransitionTime: '2026-01-01T00:00:02Z' });
    expect(eventsFor(c, 'data')).toEqual([
      ['Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding'],
      ['Normal', 'ExternalProvisioning', "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."],
      ['Normal', 'Provisioning', 'External provisioner is provisioning volume for claim "default/data"'],
      ['Normal', 'ProvisioningSucceeded', `Successfully provisioned volume pvc-${uid}`],
    ]);
    const from = sources(c, 'data');
    expect(from.slice(0, 2)).toEqual(['persistentvolume-controller', 'persistentvolume-controller']);
    expect(from[2]).toMatch(LPP);
    expect(from[3]).toBe(from[2]);
    const p = pod(c, 'app')!;
    expect(p.spec?.nodeName).toBe(node);
    expect(p.status?.phase).toBe('Running');
    expect(eventsFor(c, 'app')[0]).toEqual(['Normal', 'Scheduled', `Successfully assigned default/app to ${node}`]);
    expect(c.clock.now() - t0).toBeLessThan(10_000);
  });

  it('keeps later pods of the claim on the volume\'s node, with the 1.32 conflict reason', () => {
    const c = kindWithStorage();
    createClaim(c, 'data');
    createPod(c, 'first', ['data']);
    c.settle();
    const node = pod(c, 'first')!.spec!.nodeName!;
    const other = node === 'kind-worker' ? 'kind-worker2' : 'kind-worker';
    createPod(c, 'follower', ['data']);
    createPod(c, 'elsewhere', ['data'], { nodeSelector: { 'kubernetes.io/hostname': other } });
    c.settle();
    expect(pod(c, 'follower')?.spec?.nodeName).toBe(node);
    expect(pod(c, 'elsewhere')?.spec?.nodeName).toBeUndefined();
    expect(eventsFor(c, 'elsewhere')).toEqual([['Warning', 'FailedScheduling',
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]]);
  });

  it('says which pods a claim waits for while they cannot be scheduled', () => {
    const c = kindWithStorage();
    createClaim(c, 'data');
    createPod(c, 'stuck', ['data'], { nodeSelector: { disk: 'ssd' } });
    c.settle();
    c.clock.advance(15_000);
    c.settle();
    expect(claim(c, 'data')?.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
    expect(eventsFor(c, 'data').at(-1)).toEqual(['Normal', 'WaitForPodScheduled', 'waiting for pod stuck to be scheduled']);
  });

  it('refuses ReadWriteMany the way local-path-provisioner does, and the pod waits without events', () => {
    const c = kindWithStorage();
    createClaim(c, 'shared', { accessModes: ['ReadWriteMany'] });
    createPod(c, 'reader', ['shared']);
    const { virtualMs } = c.settle();
    expect(virtualMs).toBe(0);
    expect(claim(c, 'shared')?.status?.phase).toBe('Pending');
    expect(volumes(c)).toEqual([]);
    expect(eventsFor(c, 'shared').slice(-2)).toEqual([
      ['Normal', 'Provisioning', 'External provisioner is provisioning volume for claim "default/shared"'],
      ['Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "standard": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes'],
    ]);
    expect(pod(c, 'reader')?.spec?.nodeName).toBeUndefined();
    expect(eventsFor(c, 'reader')).toEqual([]);
    // The provisioner retries with back-off: 15 s, 30 s, … (all in the background).
    c.clock.advance(15_000);
    c.settle();
    const failed = (c.store.list({ group: '', resource: 'events' }, { namespace: 'default' }).items as Array<{ reason: string; count: number }>).find((e) => e.reason === 'ProvisioningFailed');
    expect(failed?.count).toBe(2);
  });

  it('refuses Block volumes and claim selectors', () => {
    const c = kindWithStorage();
    createClaim(c, 'raw', { volumeMode: 'Block' });
    createClaim(c, 'picky', { selector: { matchLabels: { tier: 'gold' } } });
    createPod(c, 'a', ['raw']);
    createPod(c, 'b', ['picky']);
    c.settle();
    expect(eventsFor(c, 'raw').at(-1)).toEqual(['Warning', 'ProvisioningFailed', 'rancher.io/local-path does not support block volume provisioning']);
    expect(eventsFor(c, 'picky').at(-1)).toEqual(['Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "standard": claim.Spec.Selector is not supported']);
  });

  it('needs a node: an Immediate local-path class fails with "no node was specified"', () => {
    const c = kindWithStorage({ storageClasses: [{ metadata: { name: 'local-immediate' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'Immediate' }] });
    createClaim(c, 'imm', { storageClassName: 'local-immediate' });
    c.settle();
    expect(eventsFor(c, 'imm').at(-1)).toEqual(['Warning', 'ProvisioningFailed', 'failed to provision volume with StorageClass "local-immediate": configuration error, no node was specified']);
  });

  it('stalls while its provisioner pod is down, and catches up when a new one runs', () => {
    const c = kindWithStorage();
    const provisioner = (c.store.list(PODS, { namespace: 'local-path-storage' }).items as Pod[])[0]!;
    c.registry.delete(PODS, 'local-path-storage', provisioner.metadata!.name!, { gracePeriodSeconds: 0 });
    c.settle();
    createClaim(c, 'data');
    createPod(c, 'app', ['data']);
    c.settle();
    expect(claim(c, 'data')?.status?.phase).toBe('Pending');
    expect(eventsFor(c, 'data').map((e) => e[1])).toEqual(['ExternalProvisioning']);
    // A replacement pod (what the Deployment would create) starts and relists.
    c.registry.create(PODS, { metadata: { name: 'local-path-provisioner-7dc846544d-abcde', namespace: 'local-path-storage', labels: { app: 'local-path-provisioner' } }, spec: { serviceAccountName: 'local-path-provisioner-service-account', containers: [{ name: 'local-path-provisioner', image: 'docker.io/kindest/local-path-provisioner:v20250214-acbabc1a' }] } });
    c.settle();
    expect(claim(c, 'data')?.status?.phase).toBe('Bound');
    expect(sources(c, 'data').at(-1)).toMatch(/^rancher\.io\/local-path_local-path-provisioner-7dc846544d-abcde_/);
    expect(pod(c, 'app')?.status?.phase).toBe('Running');
  });
});

describe('generic ephemeral volumes', () => {
  it('get a claim owned by the pod, provisioned for its node, and gone with the pod', () => {
    const c = kindWithStorage();
    c.registry.create(PODS, {
      metadata: { name: 'app', namespace: 'default' },
      spec: {
        containers: [{ name: 'app', image: 'nginx', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
        volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { metadata: { labels: { type: 'scratch' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }],
      },
    });
    c.settle();
    const pvc = claim(c, 'app-scratch')!;
    expect(pvc.metadata?.labels).toEqual({ type: 'scratch' });
    expect(pvc.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: 'app', uid: pod(c, 'app')?.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(pvc.status?.phase).toBe('Bound');
    expect(pod(c, 'app')?.status?.phase).toBe('Running');
    const pvName = pvc.spec!.volumeName!;
    c.registry.delete(PODS, 'default', 'app');
    c.settle();
    expect(claim(c, 'app-scratch')).toBeUndefined();
    expect(volume(c, pvName)).toBeUndefined();
  });
});

describe('the kubelet and claims', () => {
  it('holds a pod placed by hand until its claim is bound (FailedMount), then starts it', () => {
    const c = kindWithStorage();
    createClaim(c, 'manual', { storageClassName: '' });
    createPod(c, 'pinned', ['manual'], { nodeName: 'kind-worker' });
    c.settle();
    const p = pod(c, 'pinned')!;
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.podIP).toBeUndefined();
    expect(eventsFor(c, 'pinned')).toEqual([['Warning', 'FailedMount',
      'Unable to attach or mount volumes: unmounted volumes=[manual], unattached volumes=[], failed to process volumes=[manual]: error processing PVC default/manual: PVC is not bound']]);
    c.registry.create({ group: '', resource: 'persistentvolumes' }, { metadata: { name: 'pv-manual' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/data/manual' } } });
    // The waiting claim finds the new volume at the PV controller's next resync.
    c.clock.advance(15_000);
    c.settle();
    expect(claim(c, 'manual')?.status?.phase).toBe('Bound');
    expect(pod(c, 'pinned')?.status?.phase).toBe('Running');
  });
});
