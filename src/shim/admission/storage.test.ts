import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.ts';
import { isStatusError } from '../errors.ts';
import type { KObject } from '../objects.ts';
import { installAdmission } from './index.ts';

const PVS = { group: '', resource: 'persistentvolumes' };
const PVCS = { group: '', resource: 'persistentvolumeclaims' };
const SCS = { group: 'storage.k8s.io', resource: 'storageclasses' };

function cluster(): Cluster {
  return new Cluster({ seed: 'adm', install: [installAdmission] });
}

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e.status.message ?? '';
    throw e;
  }
  return 'no error';
};

describe('storage admission', () => {
  it('adds the in-use protection finalizers on create (StorageObjectInUseProtection)', () => {
    const c = cluster();
    const pv = c.registry.create(PVS, { metadata: { name: 'pv' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/x' } } });
    const pvc = c.registry.create(PVCS, { metadata: { name: 'c', namespace: 'default', finalizers: ['example.com/mine'] }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    expect(pv.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(pvc.metadata?.finalizers).toEqual(['example.com/mine', 'kubernetes.io/pvc-protection']);
  });

  it('stamps a PV\'s lastPhaseTransitionTime on create and on every phase change', () => {
    const c = cluster();
    const pv = c.registry.create(PVS, { metadata: { name: 'pv' }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: '/x' } } });
    expect(pv.status).toEqual({ phase: 'Pending', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' });
    c.clock.advance(5_000);
    const available = c.registry.update(PVS, { ...pv, status: { phase: 'Available' } } as KObject, { subresource: 'status' });
    expect(available.status).toEqual({ phase: 'Available', lastPhaseTransitionTime: '2026-01-01T00:00:05Z' });
    c.clock.advance(5_000);
    const same = c.registry.update(PVS, { ...available, status: { phase: 'Available', message: 'x' } } as KObject, { subresource: 'status' });
    expect(same.status).toEqual({ phase: 'Available', message: 'x', lastPhaseTransitionTime: '2026-01-01T00:00:05Z' });
  });

  it('allows growing a bound claim only when its class allows expansion (PersistentVolumeClaimResize)', () => {
    const c = cluster();
    c.registry.create(SCS, { metadata: { name: 'fixed' }, provisioner: 'example.com/x' });
    c.registry.create(SCS, { metadata: { name: 'growable' }, provisioner: 'example.com/x', allowVolumeExpansion: true });
    const bound = (name: string, cls: string): KObject => {
      const created = c.registry.create(PVCS, { metadata: { name, namespace: 'default' }, spec: { storageClassName: cls, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      return c.registry.update(PVCS, { ...created, status: { phase: 'Bound', capacity: { storage: '1Gi' } } } as KObject, { subresource: 'status' });
    };
    const grow = (o: KObject, storage: string): KObject => ({ ...o, spec: { ...(o.spec as object), resources: { requests: { storage } } } });
    const fixed = bound('a', 'fixed');
    expect(message(() => c.registry.update(PVCS, grow(fixed, '2Gi')))).toBe(
      'persistentvolumeclaims "a" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
    );
    const noClass = bound('b', '');
    expect(message(() => c.registry.update(PVCS, grow(noClass, '2Gi')))).toMatch(/is forbidden: only dynamically provisioned pvc/);
    const growable = bound('g', 'growable');
    const grown = c.registry.update(PVCS, grow(growable, '2Gi'));
    expect((grown.spec as { resources: { requests: { storage: string } } }).resources.requests.storage).toBe('2Gi');
    // Back down is allowed (recovering from a failed expansion), but not to status.capacity.
    expect(message(() => c.registry.update(PVCS, grow(grown, '1Gi')))).toBe(
      'PersistentVolumeClaim "g" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    );
    expect(message(() => c.registry.update(PVCS, grow(grown, '1536Mi')))).toBe('no error');
  });
});
