import { describe, expect, it } from 'vitest';
import type { PersistentVolumeSpec } from 'kubernetes-types/core/v1';
import { claim, createClaim, createPod, createVolume, eventsFor, kindWithStorage, pod, volume } from './testing.ts';

const LOCAL_CLASS = { metadata: { name: 'local-storage' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };
const localPV = (node: string, size = '1Gi'): PersistentVolumeSpec & Record<string, unknown> => ({
  storageClassName: 'local-storage',
  capacity: { storage: size },
  hostPath: undefined,
  local: { path: `/mnt/disks/${node}` },
  nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
});

describe('VolumeBinding with static local volumes (WaitForFirstConsumer, no provisioner)', () => {
  it('places the pod where a fitting volume is, binds it, then runs the pod', () => {
    const c = kindWithStorage({ storageClasses: [LOCAL_CLASS] });
    createVolume(c, 'local-w2', localPV('kind-worker2'));
    createClaim(c, 'data', { storageClassName: 'local-storage' });
    c.settle();
    expect(claim(c, 'data')?.status?.phase).toBe('Pending');
    expect(volume(c, 'local-w2')?.status?.phase).toBe('Available');
    createPod(c, 'app', ['data']);
    c.settle();
    expect(pod(c, 'app')?.spec?.nodeName).toBe('kind-worker2');
    expect(claim(c, 'data')?.spec?.volumeName).toBe('local-w2');
    // The scheduler wrote claimRef (bound-by-controller); the PV controller finished the claim.
    expect(volume(c, 'local-w2')?.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(claim(c, 'data')?.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(claim(c, 'data')?.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
    expect(pod(c, 'app')?.status?.phase).toBe('Running');
  });

  it('fails scheduling where no volume fits, with upstream\'s reasons', () => {
    const c = kindWithStorage({ storageClasses: [LOCAL_CLASS] });
    createVolume(c, 'small', localPV('kind-worker', '100Mi'));
    createClaim(c, 'data', { storageClassName: 'local-storage' });
    createPod(c, 'app', ['data']);
    c.settle();
    expect(eventsFor(c, 'app')).toEqual([['Warning', 'FailedScheduling',
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."]]);
    expect(eventsFor(c, 'data')).toEqual([['Normal', 'WaitForPodScheduled', 'waiting for pod app to be scheduled']]);
  });

  it('gives two claims of one pod two different volumes on the same node', () => {
    const c = kindWithStorage({ storageClasses: [LOCAL_CLASS] });
    createVolume(c, 'a1', localPV('kind-worker'));
    createVolume(c, 'a2', { ...localPV('kind-worker'), local: { path: '/mnt/disks/second' } });
    createVolume(c, 'b1', localPV('kind-worker2'));
    createClaim(c, 'one', { storageClassName: 'local-storage' });
    createClaim(c, 'two', { storageClassName: 'local-storage' });
    createPod(c, 'app', ['one', 'two']);
    c.settle();
    expect(pod(c, 'app')?.spec?.nodeName).toBe('kind-worker');
    expect([claim(c, 'one')?.spec?.volumeName, claim(c, 'two')?.spec?.volumeName].sort()).toEqual(['a1', 'a2']);
  });

  it('rejects pods whose claims are missing or being deleted', () => {
    const c = kindWithStorage();
    createPod(c, 'orphan', ['nope']);
    c.settle();
    expect(eventsFor(c, 'orphan')[0]?.[2]).toBe('0/3 nodes are available: persistentvolumeclaim "nope" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    createClaim(c, 'going');
    createPod(c, 'holder', ['going']);
    c.settle();
    c.registry.delete({ group: '', resource: 'persistentvolumeclaims' }, 'default', 'going');
    createPod(c, 'late', ['going']);
    c.settle();
    expect(eventsFor(c, 'late')[0]?.[2]).toBe('0/3 nodes are available: persistentvolumeclaim "going" is being deleted. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });
});
