import { describe, expect, it } from 'vitest';
import { pvcNameHashAndIndex } from './replicated.ts';
import { claim, createClaim, createPod, kindWithStorage, pod, volume } from './testing.ts';

const ZONE = 'topology.kubernetes.io/zone';
const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';
const zoneClass = (name: string, provisioner: string, mode: string, zones: string[]): Record<string, unknown> => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name },
  provisioner,
  volumeBindingMode: mode,
  allowedTopologies: [{ matchLabelExpressions: [{ key: ZONE, values: zones }] }],
});
const scheduledMessage = (c: ReturnType<typeof kindWithStorage>, name: string): string | undefined =>
  pod(c, name)?.status?.conditions?.find((x) => x.type === 'PodScheduled')?.message;

describe('StorageClass allowedTopologies', () => {
  it('WaitForFirstConsumer: the scheduler only picks nodes in an allowed zone to provision on', () => {
    const c = kindWithStorage({ workers: 4, zones: ['zone-a', 'zone-b'], storageClasses: [zoneClass('local-b', 'rancher.io/local-path', 'WaitForFirstConsumer', ['zone-b'])] });
    for (const n of [0, 1, 2]) {
      createClaim(c, `data-${n}`, { storageClassName: 'local-b' });
      createPod(c, `app-${n}`, [`data-${n}`]);
    }
    c.settle();
    for (const n of [0, 1, 2]) {
      // kind-worker2 and kind-worker4 are zone-b.
      expect(['kind-worker2', 'kind-worker4']).toContain(pod(c, `app-${n}`)?.spec?.nodeName);
      expect(claim(c, `data-${n}`)?.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe(pod(c, `app-${n}`)?.spec?.nodeName);
      expect(claim(c, `data-${n}`)?.status?.phase).toBe('Bound');
    }
  });

  it('WaitForFirstConsumer with no node in an allowed zone: the pod waits, as upstream words it', () => {
    const c = kindWithStorage({ workers: 2, zones: ['zone-a', 'zone-b'], storageClasses: [zoneClass('local-c', 'rancher.io/local-path', 'WaitForFirstConsumer', ['zone-c'])] });
    createClaim(c, 'data', { storageClassName: 'local-c' });
    createPod(c, 'app', ['data']);
    c.settle();
    expect(pod(c, 'app')?.spec?.nodeName).toBeUndefined();
    expect(scheduledMessage(c, 'app')).toBe(`0/3 nodes are available: ${TAINT}, 2 node(s) didn't find available persistent volumes to bind. `
      + 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    expect(claim(c, 'data')?.status?.phase).toBe('Pending');
  });

  it('Immediate zonal replicated volumes: spread over the allowed zones by claim ordinal, pinned by node affinity', () => {
    const c = kindWithStorage({ workers: 4, zones: ['zone-a', 'zone-b'], storageClasses: ['replicated', zoneClass('zonal', 'block.statecraft.dev', 'Immediate', ['zone-b', 'zone-a'])] });
    createClaim(c, 'data-db-0', { storageClassName: 'zonal' });
    createClaim(c, 'data-db-1', { storageClassName: 'zonal' });
    c.settle();
    const zoneOf = (name: string): string | undefined => volume(c, claim(c, name)!.spec!.volumeName!)?.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0];
    const { hash } = pvcNameHashAndIndex('data-db-0');
    const sorted = ['zone-a', 'zone-b'];
    expect(zoneOf('data-db-0')).toBe(sorted[hash % 2]);
    expect(zoneOf('data-db-1')).toBe(sorted[(hash + 1) % 2]);
    expect(volume(c, claim(c, 'data-db-0')!.spec!.volumeName!)?.spec?.nodeAffinity).toEqual({
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: [zoneOf('data-db-0')] }] }] },
    });

    const zone0 = zoneOf('data-db-0')!;
    const inZone = zone0 === 'zone-a' ? ['kind-worker', 'kind-worker3'] : ['kind-worker2', 'kind-worker4'];
    const otherNode = zone0 === 'zone-a' ? 'kind-worker2' : 'kind-worker';
    createPod(c, 'db-0', ['data-db-0']);
    createPod(c, 'stuck', ['data-db-0'], { nodeSelector: { 'kubernetes.io/hostname': otherNode } });
    c.settle();
    expect(inZone).toContain(pod(c, 'db-0')?.spec?.nodeName);
    expect(scheduledMessage(c, 'stuck')).toBe(`0/5 nodes are available: ${TAINT}, 1 node(s) had volume node affinity conflict, 3 node(s) didn't match Pod's node affinity/selector. `
      + 'preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.');
  });

  it('hashes StatefulSet claim names by set name and ordinal, as external-provisioner does', () => {
    expect(pvcNameHashAndIndex('www-web-3').index).toBe(3);
    expect(pvcNameHashAndIndex('www-web-3').hash).toBe(pvcNameHashAndIndex('data-web-0').hash);
    expect(pvcNameHashAndIndex('claim').index).toBe(0);
    // FNV-1 32 of "web" (Go: fnv.New32().Write([]byte("web")).Sum32()).
    expect(pvcNameHashAndIndex('www-web-0').hash).toBe(0x46661985);
  });
});
