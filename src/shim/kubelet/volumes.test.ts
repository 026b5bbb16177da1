import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { installAdmission } from '../admission/index.ts';
import { Cluster } from '../cluster.ts';
import { CORE } from '../controller.ts';
import type { Topology } from '../kind.ts';
import { kindNodeImages } from '../kind-system.ts';
import { installScheduler } from '../scheduler.ts';
import { installStorage } from '../storage/index.ts';
import { PODS, PVCS, PVS } from '../storage/pv-helpers.ts';
import { installKubelet, type Kubelet } from './kubelet.ts';

function cluster(topology: Topology = {}): { c: Cluster; k: Kubelet } {
  const c = new Cluster({ seed: 'volumes', topology, install: [installAdmission, (cl) => { installScheduler(cl); }] });
  const k = installKubelet(c, { preloadedImages: kindNodeImages() });
  installStorage(c, topology);
  c.settle();
  return { c, k };
}

function sh(c: Cluster, k: Kubelet, pod: string, cmd: string): { out: string; code: number | undefined } {
  let out = '';
  const h = k.execInContainer('default', pod, undefined, ['sh', '-c', cmd], { stdout: (t) => { out += t; }, stderr: (t) => { out += t; } });
  c.settle();
  return { out, code: h.exitCode };
}

const claim = (c: Cluster, name: string, reclaim?: 'Delete' | 'Retain'): void => {
  if (reclaim !== undefined) {
    c.registry.create(PVS, { metadata: { name: `pv-${name}` }, spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' }, hostPath: { path: `/tmp/${name}` }, persistentVolumeReclaimPolicy: reclaim, storageClassName: 'manual' } });
  }
  c.registry.create(PVCS, {
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(reclaim !== undefined ? { storageClassName: 'manual' } : {}) },
  });
};

const podWith = (c: Cluster, name: string, volumes: object[], mounts: object[]): void => {
  c.registry.create(PODS, { metadata: { name, namespace: 'default' }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: mounts }], volumes } });
  c.settle();
  expect((c.store.get(PODS, 'default', name) as Pod).status?.phase).toBe('Running');
};

const remove = (c: Cluster, name: string): void => {
  c.registry.delete(PODS, 'default', name);
  c.settle();
  expect(c.store.get(PODS, 'default', name)).toBeUndefined();
};

describe('volume data', () => {
  it('a claim keeps its data across pods (local-path)', () => {
    const { c, k } = cluster();
    claim(c, 'data');
    const vol = [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }];
    podWith(c, 'a', vol, [{ name: 'd', mountPath: '/data' }]);
    expect(sh(c, k, 'a', 'echo hello > /data/f && echo root > /root.txt').code).toBe(0);
    remove(c, 'a');
    podWith(c, 'b', vol, [{ name: 'd', mountPath: '/data' }, { name: 'd', mountPath: '/sub', subPath: 'x/y' }]);
    expect(sh(c, k, 'b', 'cat /data/f; cat /root.txt; echo s > /sub/z; cat /data/x/y/z')).toEqual({ out: 'hello\ncat: can\'t open \'/root.txt\': No such file or directory\ns\n', code: 0 });
    // A hostPath view of the provisioner directory on the same node sees the claim's files.
    const pv = c.store.get(PVS, '', (c.store.get(PVCS, 'default', 'data')!.spec as { volumeName: string }).volumeName)!;
    const path = (pv.spec as { hostPath: { path: string } }).hostPath.path;
    const node = (c.store.get(PODS, 'default', 'b') as Pod).spec!.nodeName;
    c.registry.create(PODS, { metadata: { name: 'h', namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'h', mountPath: '/host' }] }], volumes: [{ name: 'h', hostPath: { path } }] } });
    c.settle();
    expect(sh(c, k, 'h', 'cat /host/f').out).toBe('hello\n');
    const df = sh(c, k, 'b', 'df').out;
    expect(df).toMatch(/^overlay .* \/$/m);
    expect(df).toMatch(/^\/dev\/sda1 .* \/data$/m);
    expect(df).toMatch(/^tmpfs .* \/var\/run\/secrets\/kubernetes.io\/serviceaccount$/m);
  });

  it('emptyDir data dies with its pod', () => {
    const { c, k } = cluster();
    const vol = [{ name: 'scratch', emptyDir: {} }];
    podWith(c, 'a', vol, [{ name: 'scratch', mountPath: '/scratch' }]);
    expect(sh(c, k, 'a', 'echo x > /scratch/f && cat /scratch/f').out).toBe('x\n');
    remove(c, 'a');
    podWith(c, 'a', vol, [{ name: 'scratch', mountPath: '/scratch' }]);
    expect(sh(c, k, 'a', 'ls /scratch').out).toBe('');
  });

  it('configMap and secret files are read-only projections; the service-account volume is mounted', () => {
    const { c, k } = cluster();
    c.registry.create(CORE('configmaps'), { metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': 'port=80\n', other: 'x' } });
    c.registry.create(CORE('secrets'), { metadata: { name: 'pw', namespace: 'default' }, data: { password: 'czNjcmV0' } });
    podWith(
      c,
      'a',
      [{ name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf' }] } }, { name: 'pw', secret: { secretName: 'pw' } }],
      [{ name: 'cfg', mountPath: '/etc/app' }, { name: 'pw', mountPath: '/etc/pw' }],
    );
    expect(sh(c, k, 'a', 'cat /etc/app/conf/app.conf; ls /etc/app; cat /etc/pw/password; echo').out).toBe('port=80\nconf\ns3cret\n');
    const w = sh(c, k, 'a', 'echo y > /etc/app/conf/app.conf');
    expect(w.code).not.toBe(0);
    expect(w.out).toMatch(/Read-only file system/);
    expect(sh(c, k, 'a', 'cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; ls /var/run/secrets/kubernetes.io/serviceaccount').out).toBe('default\nca.crt\nnamespace\ntoken\n');
  });

  it('configMap volumes follow their ConfigMap within a sync period, except subPath files', () => {
    const { c, k } = cluster();
    const cms = CORE('configmaps');
    c.registry.create(cms, { metadata: { name: 'conf', namespace: 'default' }, data: { mode: 'slow', level: '1' } });
    podWith(c, 'p', [{ name: 'conf', configMap: { name: 'conf' } }], [{ name: 'conf', mountPath: '/etc/conf' }, { name: 'conf', mountPath: '/etc/mode', subPath: 'mode' }]);
    const cm = c.store.get(cms, 'default', 'conf')!;
    c.registry.update(cms, { ...cm, data: { mode: 'fast', extra: 'x' } });
    c.runUntil(c.clock.now() + 61_000);
    expect(sh(c, k, 'p', 'cat /etc/conf/mode; echo; ls /etc/conf; cat /etc/mode')).toEqual({ out: 'fast\nextra\nmode\nslow', code: 0 });
  });

  it('a PV with reclaim Delete loses its data when its claim is deleted; Retain keeps it', () => {
    const { c, k } = cluster();
    const nodes: Record<string, string> = {};
    for (const policy of ['Delete', 'Retain'] as const) {
      const name = policy.toLowerCase();
      claim(c, name, policy);
      podWith(c, name, [{ name: 'd', persistentVolumeClaim: { claimName: name } }], [{ name: 'd', mountPath: '/data' }]);
      expect(sh(c, k, name, 'echo kept > /data/f').code).toBe(0);
      nodes[name] = (c.store.get(PODS, 'default', name) as Pod).spec!.nodeName!;
      remove(c, name);
      c.registry.delete(PVCS, 'default', name);
      c.settle();
    }
    expect(c.store.get(PVS, '', 'pv-delete')).toBeUndefined();
    expect(c.store.get(PVS, '', 'pv-retain')).toBeDefined();
    expect(k.volumes.nodeDisk(nodes.delete!).exists('/tmp/delete')).toBe(false);
    expect(k.volumes.nodeDisk(nodes.retain!).readFile('/tmp/retain/f')).toBe('kept\n');
  });

  it('a replicated PV is its own disk, reachable from every node, with its capacity in df', () => {
    const { c, k } = cluster({ storageClasses: ['replicated'] });
    c.registry.create(PVCS, { metadata: { name: 'db', namespace: 'default' }, spec: { storageClassName: 'replicated', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } });
    c.settle();
    const vol = [{ name: 'd', persistentVolumeClaim: { claimName: 'db' } }];
    podWith(c, 'a', vol, [{ name: 'd', mountPath: '/data' }]);
    const first = (c.store.get(PODS, 'default', 'a') as Pod).spec!.nodeName;
    sh(c, k, 'a', 'echo v > /data/f');
    remove(c, 'a');
    const other = ['kind-worker', 'kind-worker2'].find((n) => n !== first)!;
    c.registry.create(PODS, { metadata: { name: 'b', namespace: 'default' }, spec: { nodeName: other, containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'd', mountPath: '/data' }] }], volumes: vol } });
    c.settle();
    expect(sh(c, k, 'b', 'cat /data/f').out).toBe('v\n');
    expect(sh(c, k, 'b', 'df -h /data').out).toMatch(/^\/dev\/sdb +2\.0G .* \/data$/m);
  });

  it('a pod whose configMap volume is missing waits in ContainerCreating with FailedMount', () => {
    const { c } = cluster();
    c.registry.create(PODS, { metadata: { name: 'a', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }], volumes: [{ name: 'cfg', configMap: { name: 'nope' } }] } });
    c.settle();
    const p = c.store.get(PODS, 'default', 'a') as Pod;
    expect(p.status?.phase).toBe('Pending');
    const events = (c.store.list(CORE('events')).items as Array<{ reason?: string; message?: string }>).filter((e) => e.reason === 'FailedMount');
    expect(events[0]?.message).toBe('MountVolume.SetUp failed for volume "cfg" : configmap "nope" not found');
    c.registry.create(CORE('configmaps'), { metadata: { name: 'nope', namespace: 'default' }, data: { k: 'v' } });
    c.clock.advance(60_000);
    c.settle();
    expect((c.store.get(PODS, 'default', 'a') as Pod).status?.phase).toBe('Running');
  });
});
