import { describe, expect, it } from 'vitest';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { Change } from '../store.ts';
import { findBestMatchForClaim } from './binding.ts';
import { STORAGE_CLASSES } from './pv-helpers.ts';
import { claim, createClaim, createVolume, eventsFor, kindWithStorage, volume } from './testing.ts';

const pv = (name: string, modes: string[], size: string, extra: Partial<PersistentVolume['spec']> = {}, labels?: Record<string, string>): PersistentVolume => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: { accessModes: modes, capacity: { storage: size }, volumeMode: 'Filesystem', ...extra },
  status: { phase: 'Available' },
});
const pvc = (modes: string[], size: string, spec: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim => ({
  metadata: { name: 'c', namespace: 'default', uid: 'u-1' },
  spec: { accessModes: modes, resources: { requests: { storage: size } }, volumeMode: 'Filesystem', ...spec },
});
const best = (claim: PersistentVolumeClaim, pvs: PersistentVolume[], delay = false): string | undefined => findBestMatchForClaim(claim, pvs, delay)?.metadata?.name;

describe('findBestMatchForClaim (index.go + FindMatchingVolume)', () => {
  it('takes the smallest volume that fits', () => {
    expect(best(pvc(['ReadWriteOnce'], '2Gi'), [pv('a', ['ReadWriteOnce'], '10Gi'), pv('b', ['ReadWriteOnce'], '5Gi'), pv('c', ['ReadWriteOnce'], '1Gi')])).toBe('b');
    expect(best(pvc(['ReadWriteOnce'], '1024Mi'), [pv('a', ['ReadWriteOnce'], '1Gi')])).toBe('a');
    expect(best(pvc(['ReadWriteOnce'], '20Gi'), [pv('a', ['ReadWriteOnce'], '10Gi')])).toBeUndefined();
  });

  it('needs every requested access mode and prefers the smallest mode set, whatever the size', () => {
    const vols = [pv('rwo-rwx', ['ReadWriteOnce', 'ReadWriteMany'], '1Gi'), pv('rwo', ['ReadWriteOnce'], '50Gi')];
    expect(best(pvc(['ReadWriteOnce'], '1Gi'), vols)).toBe('rwo');
    expect(best(pvc(['ReadWriteMany'], '1Gi'), vols)).toBe('rwo-rwx');
    expect(best(pvc(['ReadOnlyMany'], '1Gi'), vols)).toBeUndefined();
  });

  it('matches class exactly: "" is "no class"', () => {
    const vols = [pv('fast', ['ReadWriteOnce'], '1Gi', { storageClassName: 'fast' }), pv('none', ['ReadWriteOnce'], '5Gi')];
    expect(best(pvc(['ReadWriteOnce'], '1Gi', { storageClassName: '' }), vols)).toBe('none');
    expect(best(pvc(['ReadWriteOnce'], '1Gi', { storageClassName: 'fast' }), vols)).toBe('fast');
    // The deprecated beta annotation wins over the field.
    const annotated = pvc(['ReadWriteOnce'], '1Gi', { storageClassName: '' });
    annotated.metadata = { ...annotated.metadata, annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } };
    expect(best(annotated, vols)).toBe('fast');
  });

  it('honours label selectors and volumeMode', () => {
    const vols = [pv('plain', ['ReadWriteOnce'], '1Gi'), pv('gold', ['ReadWriteOnce'], '5Gi', {}, { tier: 'gold' }), pv('raw', ['ReadWriteOnce'], '1Gi', { volumeMode: 'Block' })];
    expect(best(pvc(['ReadWriteOnce'], '1Gi', { selector: { matchLabels: { tier: 'gold' } } }), vols)).toBe('gold');
    expect(best(pvc(['ReadWriteOnce'], '1Gi', { selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }] } }), vols)).toBe('plain');
    expect(best(pvc(['ReadWriteOnce'], '1Gi', { volumeMode: 'Block' }), vols)).toBe('raw');
  });

  it('skips volumes that are not Available, being deleted, or bound to another claim', () => {
    const released: PersistentVolume = { ...pv('released', ['ReadWriteOnce'], '1Gi'), status: { phase: 'Released' } };
    const deleting = pv('deleting', ['ReadWriteOnce'], '1Gi');
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' };
    const other = pv('other', ['ReadWriteOnce'], '1Gi', { claimRef: { namespace: 'default', name: 'someone-else' } });
    expect(best(pvc(['ReadWriteOnce'], '1Gi'), [released, deleting, other])).toBeUndefined();
  });

  it('returns a volume pre-bound to the claim first, even a bigger one of another class', () => {
    const prebound = pv('mine', ['ReadWriteOnce'], '100Gi', { storageClassName: 'other', claimRef: { namespace: 'default', name: 'c' } });
    expect(best(pvc(['ReadWriteOnce'], '1Gi'), [pv('small', ['ReadWriteOnce'], '1Gi'), prebound])).toBe('mine');
    // …but not one pre-bound to an earlier claim of the same name (another uid).
    const stale = pv('stale', ['ReadWriteOnce'], '1Gi', { claimRef: { namespace: 'default', name: 'c', uid: 'old' } });
    expect(best(pvc(['ReadWriteOnce'], '1Gi'), [stale])).toBeUndefined();
  });

  it('lets only pre-bound volumes match for WaitForFirstConsumer claims (the scheduler binds the rest)', () => {
    expect(best(pvc(['ReadWriteOnce'], '1Gi'), [pv('a', ['ReadWriteOnce'], '1Gi')], true)).toBeUndefined();
    expect(best(pvc(['ReadWriteOnce'], '1Gi'), [pv('a', ['ReadWriteOnce'], '1Gi', { claimRef: { namespace: 'default', name: 'c' } })], true)).toBe('a');
  });
});

describe('binding in the cluster (pv_controller.go bind)', () => {
  it('binds PV then claim, in upstream order, with the bound-by-controller and bind-completed annotations', () => {
    const c = kindWithStorage();
    createVolume(c, 'pv1');
    c.settle();
    expect(volume(c, 'pv1')?.status?.phase).toBe('Available');
    const writes: string[] = [];
    c.store.subscribe((ch: Change) => {
      if (ch.gr.resource === 'persistentvolumes' || ch.gr.resource === 'persistentvolumeclaims') {
        const kind = ch.gr.resource === 'persistentvolumes' ? 'pv' : 'pvc';
        const prev = ch.previous as { spec?: unknown; status?: unknown; metadata?: { annotations?: unknown } } | undefined;
        const obj = ch.object as { spec?: unknown; status?: unknown; metadata?: { annotations?: unknown } };
        if (ch.type === 'ADDED') writes.push(`${kind} created`);
        else if (JSON.stringify(prev?.status) !== JSON.stringify(obj.status)) writes.push(`${kind} status ${(obj.status as { phase: string }).phase}`);
        else writes.push(`${kind} spec`);
      }
    });
    createClaim(c, 'data', { storageClassName: '' });
    c.settle();
    expect(writes).toEqual(['pvc created', 'pv spec', 'pv status Bound', 'pvc spec', 'pvc status Bound']);
    const pvc1 = claim(c, 'data')!;
    const pv1 = volume(c, 'pv1')!;
    expect(pvc1.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(pvc1.spec?.volumeName).toBe('pv1');
    expect(pvc1.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(pv1.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(pv1.spec?.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: pvc1.metadata?.uid, apiVersion: 'v1' });
    expect(pv1.status?.phase).toBe('Bound');
    expect(pv1.status?.lastPhaseTransitionTime).toBe('2026-01-01T00:00:00Z');
  });

  it('"" never gets the default class; an unset class does, and waits for a consumer', () => {
    const c = kindWithStorage();
    createVolume(c, 'classless', { capacity: { storage: '5Gi' } });
    createClaim(c, 'none', { storageClassName: '' });
    createClaim(c, 'unset');
    c.settle();
    expect(claim(c, 'none')?.spec?.volumeName).toBe('classless');
    expect(claim(c, 'unset')?.spec?.storageClassName).toBe('standard');
    expect(claim(c, 'unset')?.status?.phase).toBe('Pending');
    expect(eventsFor(c, 'unset')).toEqual([['Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding']]);
  });

  it('gives a class-less claim the default class once one exists (retroactive, on the next resync)', () => {
    const c = kindWithStorage();
    c.registry.delete(STORAGE_CLASSES, '', 'standard');
    createClaim(c, 'early');
    c.settle();
    expect(claim(c, 'early')?.spec?.storageClassName).toBeUndefined();
    expect(eventsFor(c, 'early')).toEqual([['Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set']]);
    c.registry.create(STORAGE_CLASSES, { metadata: { name: 'later', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
    c.settle();
    expect(claim(c, 'early')?.spec?.storageClassName).toBeUndefined();
    c.clock.advance(15_000);
    c.settle();
    expect(claim(c, 'early')?.spec?.storageClassName).toBe('later');
    expect(eventsFor(c, 'early').at(-1)).toEqual(['Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding']);
  });

  it('binds a PV pre-bound by claimRef only to that claim; the PV keeps no bound-by-controller', () => {
    const c = kindWithStorage();
    createVolume(c, 'small', { capacity: { storage: '1Gi' } });
    createVolume(c, 'reserved', { capacity: { storage: '10Gi' }, claimRef: { namespace: 'default', name: 'vip' } });
    c.settle();
    expect(volume(c, 'reserved')?.status?.phase).toBe('Available');
    createClaim(c, 'other', { storageClassName: '' });
    createClaim(c, 'vip', { storageClassName: '' });
    c.settle();
    expect(claim(c, 'other')?.spec?.volumeName).toBe('small');
    expect(claim(c, 'vip')?.spec?.volumeName).toBe('reserved');
    expect(claim(c, 'vip')?.status?.capacity).toEqual({ storage: '10Gi' });
    expect(volume(c, 'reserved')?.metadata?.annotations).toBeUndefined();
    expect(claim(c, 'vip')?.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
  });

  it('binds a claim naming its volume, and says why when it cannot', () => {
    const c = kindWithStorage();
    createVolume(c, 'pv-a');
    createVolume(c, 'pv-tiny', { capacity: { storage: '100Mi' } });
    createClaim(c, 'wants-a', { storageClassName: '', volumeName: 'pv-a' });
    createClaim(c, 'wants-tiny', { storageClassName: '', volumeName: 'pv-tiny' });
    createClaim(c, 'wants-missing', { storageClassName: '', volumeName: 'pv-nope' });
    c.settle();
    expect(claim(c, 'wants-a')?.status?.phase).toBe('Bound');
    // The user chose the volume: only the PV side is marked as the controller's doing.
    expect(claim(c, 'wants-a')?.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes' });
    expect(volume(c, 'pv-a')?.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(claim(c, 'wants-tiny')?.status?.phase).toBe('Pending');
    expect(eventsFor(c, 'wants-tiny')).toEqual([['Warning', 'VolumeMismatch', 'Cannot bind to requested volume "pv-tiny": requested PV is too small']]);
    expect(claim(c, 'wants-missing')?.status?.phase).toBe('Pending');
    expect(eventsFor(c, 'wants-missing')).toEqual([]);
    createClaim(c, 'late', { storageClassName: '', volumeName: 'pv-a' });
    c.settle();
    expect(eventsFor(c, 'late')).toEqual([['Warning', 'FailedBinding', 'volume "pv-a" already bound to a different claim.']]);
  });

  it('leaves claims that can never bind Pending with their events, without keeping the cluster busy', () => {
    const c = kindWithStorage();
    createVolume(c, 'pv1', { storageClassName: 'manual' });
    createClaim(c, 'too-big', { storageClassName: 'manual', resources: { requests: { storage: '5Gi' } } });
    createClaim(c, 'wrong-mode', { storageClassName: 'manual', accessModes: ['ReadWriteMany'] });
    createClaim(c, 'no-class', { storageClassName: 'missing' });
    createClaim(c, 'no-volumes', { storageClassName: '' });
    const first = c.settle();
    expect(first.virtualMs).toBe(0);
    for (const name of ['too-big', 'wrong-mode', 'no-class', 'no-volumes']) expect(claim(c, name)?.status?.phase).toBe('Pending');
    expect(eventsFor(c, 'too-big')).toEqual([['Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "manual" not found']]);
    expect(eventsFor(c, 'no-class')).toEqual([['Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "missing" not found']]);
    expect(eventsFor(c, 'no-volumes')).toEqual([['Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set']]);
    // The 15 s resync repeats the events (kubectl shows "x5 over 1m"); nothing else moves.
    for (let i = 0; i < 4; i++) {
      c.clock.advance(15_000);
      c.settle();
    }
    const count = (c.store.list({ group: '', resource: 'events' }, { namespace: 'default' }).items as Array<{ involvedObject: { name: string }; count: number }>)
      .find((e) => e.involvedObject.name === 'no-volumes')?.count;
    expect(count).toBe(5);
    expect(volume(c, 'pv1')?.status?.phase).toBe('Available');
  });
});
