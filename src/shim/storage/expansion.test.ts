import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { Cluster } from '../cluster.ts';
import { isStatusError } from '../errors.ts';
import { deepClone } from '../objects.ts';
import { PVCS } from './pv-helpers.ts';
import { asKObject, claim, createClaim, createPod, eventsFor, kindWithStorage, volume } from './testing.ts';

function resize(c: Cluster, name: string, storage: string): void {
  const next = deepClone(claim(c, name)!) as PersistentVolumeClaim;
  next.spec = { ...next.spec, resources: { requests: { storage } } };
  c.registry.update(PVCS, asKObject(next));
}

function errorOf(fn: () => void): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return { code: e.status.code ?? 0, message: e.status.message ?? '' };
    throw e;
  }
  throw new Error('no error');
}

describe('volume expansion', () => {
  it('is forbidden for kind\'s standard class, and shrinking is invalid', () => {
    const c = kindWithStorage();
    createClaim(c, 'data');
    createPod(c, 'app', ['data']);
    c.settle();
    expect(errorOf(() => resize(c, 'data', '2Gi'))).toEqual({
      code: 403,
      message: 'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    });
    expect(errorOf(() => resize(c, 'data', '500Mi'))).toEqual({
      code: 422,
      message: 'PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    });
  });

  it('grows a replicated volume: Resizing, FileSystemResizePending, then the kubelet finishes', () => {
    const c = kindWithStorage({ storageClasses: ['replicated'] });
    createClaim(c, 'db', { storageClassName: 'replicated' });
    createPod(c, 'app', ['db']);
    c.settle();
    const pvName = claim(c, 'db')!.spec!.volumeName!;
    resize(c, 'db', '2Gi');
    c.react();
    let pvc = claim(c, 'db')!;
    expect(pvc.spec?.resources?.requests?.storage).toBe('2Gi');
    expect(pvc.status?.capacity).toEqual({ storage: '1Gi' });
    expect(pvc.status?.conditions).toEqual([{ type: 'Resizing', status: 'True', lastProbeTime: null, lastTransitionTime: expect.any(String) }]);
    expect(pvc.status?.allocatedResources).toEqual({ storage: '2Gi' });
    expect(pvc.status?.allocatedResourceStatuses).toEqual({ storage: 'ControllerResizeInProgress' });

    c.clock.advance(1_000);
    c.react();
    pvc = claim(c, 'db')!;
    expect(volume(c, pvName)?.spec?.capacity).toEqual({ storage: '2Gi' });
    expect(pvc.status?.capacity).toEqual({ storage: '1Gi' });
    expect(pvc.status?.conditions).toEqual([{
      type: 'FileSystemResizePending', status: 'True', lastProbeTime: null, lastTransitionTime: expect.any(String),
      message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.',
    }]);
    expect(pvc.status?.allocatedResourceStatuses).toEqual({ storage: 'NodeResizeInProgress' });

    c.settle();
    pvc = claim(c, 'db')!;
    expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' }, allocatedResources: { storage: '2Gi' } });
    const node = (c.store.get({ group: '', resource: 'pods' }, 'default', 'app')?.spec as { nodeName: string }).nodeName;
    expect(eventsFor(c, 'db').slice(3)).toEqual([
      ['Warning', 'ExternalExpanding', 'waiting for an external controller to expand this PVC'],
      ['Normal', 'Resizing', `External resizer is resizing volume ${pvName}`],
      ['Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node'],
      ['Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" ${node}`],
    ]);
    expect(eventsFor(c, 'app').at(-1)).toEqual(['Normal', 'FileSystemResizeSuccessful', `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" ${node}`]);
  });

  it('waits for a pod to finish a filesystem resize', () => {
    const c = kindWithStorage({ storageClasses: ['replicated'] });
    createClaim(c, 'idle', { storageClassName: 'replicated' });
    c.settle();
    resize(c, 'idle', '3Gi');
    c.settle();
    expect(claim(c, 'idle')?.status?.allocatedResourceStatuses).toEqual({ storage: 'NodeResizePending' });
    expect(claim(c, 'idle')?.status?.capacity).toEqual({ storage: '1Gi' });
    createPod(c, 'app', ['idle']);
    c.settle();
    expect(claim(c, 'idle')?.status?.capacity).toEqual({ storage: '3Gi' });
    expect(claim(c, 'idle')?.status?.conditions).toBeUndefined();
  });

  it('lets a raw block volume finish in the controller', () => {
    const c = kindWithStorage({ storageClasses: ['replicated'] });
    createClaim(c, 'raw', { storageClassName: 'replicated', volumeMode: 'Block' });
    c.settle();
    resize(c, 'raw', '2Gi');
    c.settle();
    expect(claim(c, 'raw')?.status?.capacity).toEqual({ storage: '2Gi' });
    expect(eventsFor(c, 'raw').at(-1)).toEqual(['Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded']);
  });

  it('waits forever for a resizer that does not exist (local-path with allowVolumeExpansion)', () => {
    const c = kindWithStorage({ storageClasses: [{ metadata: { name: 'local-expand' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true }] });
    createClaim(c, 'ex', { storageClassName: 'local-expand' });
    createPod(c, 'app', ['ex']);
    c.settle();
    resize(c, 'ex', '2Gi');
    c.settle();
    const pvc = claim(c, 'ex')!;
    expect(pvc.spec?.resources?.requests?.storage).toBe('2Gi');
    expect(pvc.status?.capacity).toEqual({ storage: '1Gi' });
    expect(eventsFor(c, 'ex').at(-1)).toEqual(['Warning', 'ExternalExpanding', 'waiting for an external controller to expand this PVC']);
  });
});
