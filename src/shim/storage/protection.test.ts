import { describe, expect, it } from 'vitest';
import { deepClone } from '../objects.ts';
import { PODS, PVCS, PVS } from './pv-helpers.ts';
import { asKObject, claim, createClaim, createPod, createVolume, kindWithStorage, pod, volume } from './testing.ts';

describe('pvc-protection', () => {
  it('keeps a claim in use Terminating (still Bound) until its pod is gone, then reclaims the volume', () => {
    const c = kindWithStorage();
    createClaim(c, 'data');
    createPod(c, 'app', ['data']);
    c.settle();
    const pvName = claim(c, 'data')!.spec!.volumeName!;
    const result = c.registry.delete(PVCS, 'default', 'data');
    expect(result.deleted).toBe(false);
    c.settle();
    const terminating = claim(c, 'data')!;
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    expect(terminating.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(terminating.status?.phase).toBe('Bound');
    expect(volume(c, pvName)?.status?.phase).toBe('Bound');

    c.registry.delete(PODS, 'default', 'app');
    c.settle();
    expect(pod(c, 'app')).toBeUndefined();
    expect(claim(c, 'data')).toBeUndefined();
    expect(volume(c, pvName)).toBeUndefined();
  });

  it('is held by a finished pod too, but not by a pod that was never scheduled', () => {
    const c = kindWithStorage();
    createVolume(c, 'pv1');
    createVolume(c, 'pv2');
    createClaim(c, 'done', { storageClassName: '' });
    createClaim(c, 'unplaced', { storageClassName: '' });
    c.settle();
    c.registry.create(PODS, {
      metadata: { name: 'job', namespace: 'default' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'once', image: 'busybox', command: ['true'] }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'done' } }] },
    });
    createPod(c, 'nowhere', ['unplaced'], { nodeSelector: { disk: 'ssd' } });
    c.settle();
    expect(['Succeeded', 'Failed']).toContain(pod(c, 'job')?.status?.phase);
    c.registry.delete(PVCS, 'default', 'done');
    c.registry.delete(PVCS, 'default', 'unplaced');
    c.settle();
    expect(claim(c, 'done')?.metadata?.deletionTimestamp).toBeDefined();
    expect(claim(c, 'unplaced')).toBeUndefined();
  });

  it('puts the finalizer back if someone removes it', () => {
    const c = kindWithStorage();
    createClaim(c, 'data');
    c.settle();
    const stripped = deepClone(claim(c, 'data')!);
    stripped.metadata = { ...stripped.metadata, finalizers: [] };
    c.registry.update(PVCS, asKObject(stripped));
    c.settle();
    expect(claim(c, 'data')?.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
  });
});

describe('pv-protection', () => {
  it('keeps a Bound volume Terminating until its claim lets go', () => {
    const c = kindWithStorage();
    createVolume(c, 'pv1');
    createClaim(c, 'data', { storageClassName: '' });
    c.settle();
    c.registry.delete(PVS, '', 'pv1');
    c.settle();
    expect(volume(c, 'pv1')?.metadata?.deletionTimestamp).toBeDefined();
    expect(volume(c, 'pv1')?.status?.phase).toBe('Bound');
    expect(claim(c, 'data')?.status?.phase).toBe('Bound');
    c.registry.delete(PVCS, 'default', 'data');
    c.settle();
    expect(claim(c, 'data')).toBeUndefined();
    expect(volume(c, 'pv1')).toBeUndefined();
  });

  it('lets an unbound volume go at once', () => {
    const c = kindWithStorage();
    createVolume(c, 'spare');
    c.settle();
    expect(volume(c, 'spare')?.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);
    c.registry.delete(PVS, '', 'spare');
    c.settle();
    expect(volume(c, 'spare')).toBeUndefined();
  });
});
