// Builders for the storage tests: a kind cluster, claims, volumes, pods that mount them,
// and the events a `kubectl describe` would list.
import type { Event, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeSpec, Pod } from 'kubernetes-types/core/v1';
import { CORE } from '../controller.ts';
import { installAdmission } from '../admission/index.ts';
import { Cluster } from '../cluster.ts';
import type { Topology } from '../kind.ts';
import { kindNodeImages } from '../kind-system.ts';
import { installKubelet } from '../kubelet/index.ts';
import { installScheduler } from '../scheduler.ts';
import { installStorage } from './index.ts';
import { PODS, PVCS, PVS, asObject } from './pv-helpers.ts';

/**
 * kind's nodes and system pods with admission, the scheduler, the kubelet and storage
 * only: no workload controllers, so a deleted system pod stays deleted.
 */
export function kindWithStorage(topology: Topology = {}): Cluster {
  const c = new Cluster({ seed: 'storage', topology, install: [installAdmission, (cl) => { installScheduler(cl); }] });
  installKubelet(c, { preloadedImages: kindNodeImages() });
  installStorage(c, topology);
  c.settle();
  return c;
}

export function createClaim(c: Cluster, name: string, spec: PersistentVolumeClaimSpec & Record<string, unknown> = {}, meta: Record<string, unknown> = {}): PersistentVolumeClaim {
  return c.registry.create(PVCS, {
    metadata: { name, namespace: 'default', ...meta },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  }) as PersistentVolumeClaim;
}

export function createVolume(c: Cluster, name: string, spec: PersistentVolumeSpec & Record<string, unknown> = {}, meta: Record<string, unknown> = {}): PersistentVolume {
  return c.registry.create(PVS, {
    metadata: { name, ...meta },
    spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: `/data/${name}` }, ...spec },
  }) as PersistentVolume;
}

/** A pod mounting the given claims (volume name = claim name). */
export function createPod(c: Cluster, name: string, claims: string[], spec: Record<string, unknown> = {}): Pod {
  return c.registry.create(PODS, {
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: 'nginx', volumeMounts: claims.map((cl) => ({ name: cl, mountPath: `/${cl}` })) }],
      volumes: claims.map((cl) => ({ name: cl, persistentVolumeClaim: { claimName: cl } })),
      ...spec,
    },
  }) as Pod;
}

export const claim = (c: Cluster, name: string): PersistentVolumeClaim | undefined => c.store.get(PVCS, 'default', name) as PersistentVolumeClaim | undefined;
export const volume = (c: Cluster, name: string): PersistentVolume | undefined => c.store.get(PVS, '', name) as PersistentVolume | undefined;
export const pod = (c: Cluster, name: string): Pod | undefined => c.store.get(PODS, 'default', name) as Pod | undefined;
export const volumes = (c: Cluster): PersistentVolume[] => c.store.list(PVS).items as PersistentVolume[];

/** `[type, reason, message]` of the events about an object, oldest first. */
export function eventsFor(c: Cluster, name: string, kind?: string): Array<[string, string, string]> {
  return (c.store.list(CORE('events')).items as unknown as Event[])
    .filter((e) => e.involvedObject.name === name && (kind === undefined || e.involvedObject.kind === kind))
    .sort((a, b) => (a.firstTimestamp ?? '').localeCompare(b.firstTimestamp ?? '') || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .map((e) => [e.type ?? '', e.reason ?? '', e.message ?? '']);
}

export const asKObject = asObject;
