import { describe, expect, it } from 'vitest';
import type { PersistentVolume } from 'kubernetes-types/core/v1';
import { deepClone } from '../objects.ts';
import { PVCS, PVS } from './pv-helpers.ts';
import { registerVolumeDataStore } from './volume-data.ts';
import { asKObject, claim, createClaim, createPod, createVolume, eventsFor, kindWithStorage, pod, volume, volumes } from './testing.ts';

describe('reclaiming released volumes (reclaimVolume)', () => {
  it('Retain: the PV stays Released with its claimRef and is never bound again on its own', () => {
    const c = kindWithStorage();
    createVolume(c, 'keep', { persistentVolumeReclaimPolicy: 'Retain' });
    createClaim(c, 'data', { storageClassName: '' });
    c.settle();
    const uid = claim(c, 'data')?.metadata?.uid;
    c.registry.delete(PVCS, 'default', 'data');
    c.settle();
    expect(claim(c, 'data')).toBeUndefined();
    expect(volume(c, 'keep')?.status?.phase).toBe('Released');
    expect(volume(c, 'keep')?.spec?.claimRef).toMatchObject({ name: 'data', uid });
    // A new claim of the same name is another claim (another uid): it does not get the volume.
    createClaim(c, 'data', { storageClassName: '' });
    c.clock.advance(15_000);
    c.settle();
    expect(claim(c, 'data')?.status?.phase).toBe('Pending');
    expect(volume(c, 'keep')?.status?.phase).toBe('Released');
    // The administrator frees it by clearing claimRef; then it is Available and bound again.
    const freed = deepClone(volume(c, 'keep')!);
    delete freed.spec!.claimRef;
    c.registry.update(PVS, asKObject(freed));
    c.settle();
    expect(volume(c, 'keep')?.status?.phase).toBe('Available');
    c.clock.advance(15_000);
    c.settle();
    expect(claim(c, 'data')?.spec?.volumeName).toBe('keep');
    expect(volume(c, 'keep')?.status?.phase).toBe('Bound');
  });

  it('Delete of a static hostPath PV outside /tmp fails the way the in-tree deleter does', () => {
    const c = kindWithStorage();
    createVolume(c, 'manual', { persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/data/manual' } });
    createClaim(c, 'data', { storageClassName: '' });
    c.settle();
    c.registry.delete(PVCS, 'default', 'data');
    c.settle();
    const pv = volume(c, 'manual')!;
    expect(pv.status).toMatchObject({ phase: 'Failed', message: 'host_path deleter only supports /tmp/.+ but received provided /data/manual' });
    expect(eventsFor(c, 'manual')).toEqual([['Warning', 'VolumeFailedDelete', 'host_path deleter only supports /tmp/.+ but received provided /data/manual']]);
    // Retries (every resync) stay quiet while it is Failed.
    c.clock.advance(15_000);
    c.settle();
    expect(eventsFor(c, 'manual')).toHaveLength(1);
  });

  it('Delete of a hostPath PV under /tmp removes the PV and its data', () => {
    const c = kindWithStorage();
    const deleted: string[] = [];
    registerVolumeDataStore(c.store, { deleteVolume: (pv) => deleted.push(pv.metadata?.name ?? '') });
    createVolume(c, 'scratch', { persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/tmp/scratch' } });
    createClaim(c, 'data', { storageClassName: '' });
    c.settle();
    c.registry.delete(PVCS, 'default', 'data');
    c.settle();
    expect(volume(c, 'scratch')).toBeUndefined();
    expect(deleted).toEqual(['scratch']);
  });

  it('Recycle (deprecated) scrubs a hostPath volume and offers it again; other volumes have no recycler', () => {
    const c = kindWithStorage();
    const deleted: string[] = [];
    registerVolumeDataStore(c.store, { deleteVolume: (pv) => deleted.push(pv.metadata?.name ?? '') });
    createVolume(c, 'recycled', { persistentVolumeReclaimPolicy: 'Recycle' });
    createVolume(c, 'nfs-less', { persistentVolumeReclaimPolicy: 'Recycle', hostPath: undefined, local: { path: '/mnt/disk' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['kind-worker'] }] }] } } });
    createClaim(c, 'a', { storageClassName: '', volumeName: 'recycled' });
    createClaim(c, 'b', { storageClassName: '', volumeName: 'nfs-less' });
    c.settle();
    c.registry.delete(PVCS, 'default', 'a');
    c.registry.delete(PVCS, 'default', 'b');
    c.settle();
    expect(volume(c, 'recycled')?.status?.phase).toBe('Available');
    expect(volume(c, 'recycled')?.spec?.claimRef).toBeUndefined();
    expect(eventsFor(c, 'recycled')).toEqual([['Normal', 'VolumeRecycled', 'Volume recycled']]);
    expect(deleted).toEqual(['recycled']);
    expect(volume(c, 'nfs-less')?.status?.phase).toBe('Failed');
    expect(eventsFor(c, 'nfs-less')).toEqual([['Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!']]);
  });

  it('Delete of a local-path volume: Released, then the provisioner removes its data and the PV', () => {
    const c = kindWithStorage();
    const deleted: string[] = [];
    registerVolumeDataStore(c.store, { deleteVolume: (pv) => deleted.push(pv.spec?.hostPath?.path ?? '') });
    createClaim(c, 'data');
    createPod(c, 'app', ['data']);
    c.settle();
    const pvName = claim(c, 'data')!.spec!.volumeName!;
    c.registry.delete({ group: '', resource: 'pods' }, 'default', 'app', { gracePeriodSeconds: 0 });
    c.settle();
    c.registry.delete(PVCS, 'default', 'data');
    c.react();
    expect(volume(c, pvName)?.status?.phase).toBe('Released');
    const t0 = c.clock.now();
    c.settle();
    expect(volume(c, pvName)).toBeUndefined();
    expect(c.clock.now() - t0).toBe(2_000);
    expect(deleted).toEqual([`/var/local-path-provisioner/${pvName}_default_data`]);
  });
});

describe('claims that lose their volume (syncBoundClaim)', () => {
  it('marks the claim Lost when its PV disappears', () => {
    const c = kindWithStorage();
    createVolume(c, 'pv1');
    createClaim(c, 'data', { storageClassName: '' });
    c.settle();
    // Force the PV away (an administrator removing the finalizer).
    const pv = deepClone(volume(c, 'pv1')!) as PersistentVolume;
    pv.metadata = { ...pv.metadata, finalizers: [] };
    c.registry.update(PVS, asKObject(pv));
    c.registry.delete(PVS, '', 'pv1');
    c.settle();
    expect(volumes(c)).toEqual([]);
    expect(claim(c, 'data')?.status).toEqual({ phase: 'Lost' });
    expect(eventsFor(c, 'data')).toEqual([['Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!']]);
    // The scheduler will not place a pod on a lost claim.
    createPod(c, 'app', ['data']);
    c.settle();
    expect(pod(c, 'app')?.spec?.nodeName).toBeUndefined();
    expect(eventsFor(c, 'app').at(-1)?.[2]).toBe('0/3 nodes are available: persistentvolumeclaim "data" bound to non-existent persistentvolume "pv1". preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });
});
