import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { installScheduler } from './scheduler.ts';

const PODS = CORE('pods');
const PVCS = CORE('persistentvolumeclaims');
const TAINT = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

function setup(accessMode: string): Cluster {
  const c = new Cluster({ seed: 'volume-restrictions' });
  installScheduler(c);
  c.registry.create(PVCS, { metadata: { name: 'data' }, spec: { accessModes: [accessMode], resources: { requests: { storage: '1Gi' } }, storageClassName: '' } }, { namespace: 'default' });
  return c;
}
const createPod = (c: Cluster, name: string): void => {
  c.registry.create(PODS, { metadata: { name }, spec: { containers: [{ name: 'app', image: 'postgres' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }, { namespace: 'default' });
};
const pod = (c: Cluster, name: string): Pod => c.registry.get(PODS, 'default', name) as Pod;
const message = (c: Cluster, name: string): string | undefined => pod(c, name).status?.conditions?.find((x) => x.type === 'PodScheduled')?.message;

describe('VolumeRestrictions', () => {
  it('keeps a second pod off every node while another pod uses a ReadWriteOncePod claim, with upstream wording', () => {
    const c = setup('ReadWriteOncePod');
    createPod(c, 'old');
    c.settle();
    expect(pod(c, 'old').spec?.nodeName).toBeDefined();
    createPod(c, 'new');
    c.settle();
    expect(pod(c, 'new').spec?.nodeName).toBeUndefined();
    expect(message(c, 'new')).toBe(`0/3 nodes are available: ${TAINT}, 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. `
      + 'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
    // The first pod gone, the claim is free: the waiting pod is scheduled.
    c.registry.delete(PODS, 'default', 'old', { gracePeriodSeconds: 0 });
    c.settle();
    expect(pod(c, 'new').spec?.nodeName).toBeDefined();
  });

  it('lets pods share a ReadWriteOnce claim (the access mode is per node)', () => {
    const c = setup('ReadWriteOnce');
    createPod(c, 'old');
    createPod(c, 'new');
    c.settle();
    expect(pod(c, 'old').spec?.nodeName).toBeDefined();
    expect(pod(c, 'new').spec?.nodeName).toBeDefined();
  });
});
