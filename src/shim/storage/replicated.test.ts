import { describe, expect, it } from 'vitest';
import { PVCS } from './pv-helpers.ts';
import { registerVolumeDataStore } from './volume-data.ts';
import { claim, createClaim, createPod, eventsFor, kindWithStorage, pod, volume } from './testing.ts';

const replicated = (): ReturnType<typeof kindWithStorage> => kindWithStorage({ storageClasses: ['replicated'] });

describe('the simulated replicated block class (block.statecraft.dev)', () => {
  it('is installed only when the topology asks for it', () => {
    const plain = kindWithStorage();
    expect(plain.store.list({ group: 'storage.k8s.io', resource: 'storageclasses' }).items.map((s) => s.metadata?.name)).toEqual(['standard']);
    expect(plain.store.list({ group: 'storage.k8s.io', resource: 'csidrivers' }).items).toEqual([]);
    const c = replicated();
    expect(c.store.get({ group: 'storage.k8s.io', resource: 'storageclasses' }, '', 'replicated')).toMatchObject({
      provisioner: 'block.statecraft.dev', parameters: { repl: '3', secure: 'true' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: true,
    });
    expect(c.store.get({ group: 'storage.k8s.io', resource: 'csidrivers' }, '', 'block.statecraft.dev')?.spec).toMatchObject({ attachRequired: false, volumeLifecycleModes: ['Persistent'] });
    expect(c.store.get({ group: 'storage.k8s.io', resource: 'csinodes' }, '', 'kind-worker')?.spec).toEqual({ drivers: [{ name: 'block.statecraft.dev', nodeID: 'kind-worker', topologyKeys: null }] });
  });

  it('provisions at once (Immediate), with the class parameters on the PV and no node affinity', () => {
    const c = replicated();
    createClaim(c, 'db', { storageClassName: 'replicated' });
    c.settle();
    const pvc = claim(c, 'db')!;
    expect(pvc.status?.phase).toBe('Bound');
    const pv = volume(c, pvc.spec!.volumeName!)!;
    expect(pv.metadata?.annotations).toEqual({
      'pv.kubernetes.io/provisioned-by': 'block.statecraft.dev',
      'volume.kubernetes.io/provisioner-deletion-secret-name': '',
      'volume.kubernetes.io/provisioner-deletion-secret-namespace': '',
    });
    expect(pv.metadata?.finalizers).toEqual(['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection']);
    expect(pv.spec?.nodeAffinity).toBeUndefined();
    expect(pv.spec?.csi).toEqual({
      driver: 'block.statecraft.dev',
      fsType: 'ext4',
      volumeAttributes: { repl: '3', secure: 'true', 'storage.kubernetes.io/csiProvisionerIdentity': expect.stringMatching(/^\d+-\d+-block\.statecraft\.dev$/) },
      volumeHandle: pv.metadata?.name,
    });
    expect(eventsFor(c, 'db').map((e) => e[1])).toEqual(['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']);
  });

  it('keeps a pod with an unbound Immediate claim out until the claim is bound', () => {
    const c = replicated();
    createPod(c, 'app', ['db']);
    c.react();
    expect(eventsFor(c, 'app')).toEqual([['Warning', 'FailedScheduling', '0/3 nodes are available: persistentvolumeclaim "db" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.']]);
    createClaim(c, 'db', { storageClassName: 'replicated' });
    c.settle();
    expect(eventsFor(c, 'app').map((e) => e[2])).toContain('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    expect(pod(c, 'app')?.status?.phase).toBe('Running');
  });

  it('refuses ReadWriteMany with a CSI error', () => {
    const c = replicated();
    createClaim(c, 'shared', { storageClassName: 'replicated', accessModes: ['ReadWriteMany'] });
    c.settle();
    expect(eventsFor(c, 'shared').at(-1)?.[2]).toMatch(/^failed to provision volume with StorageClass "replicated": rpc error: code = InvalidArgument desc = access mode ReadWriteMany is not supported/);
  });

  it('deletes the backend volume and the PV when the claim goes', () => {
    const c = replicated();
    const deleted: string[] = [];
    registerVolumeDataStore(c.store, { deleteVolume: (pv) => deleted.push(pv.spec?.csi?.volumeHandle ?? '') });
    createClaim(c, 'db', { storageClassName: 'replicated' });
    c.settle();
    const pvName = claim(c, 'db')!.spec!.volumeName!;
    c.registry.delete(PVCS, 'default', 'db');
    c.settle();
    expect(volume(c, pvName)).toBeUndefined();
    expect(deleted).toEqual([pvName]);
  });
});
