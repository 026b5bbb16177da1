import { describe, expect, it } from 'vitest';
import type { Node } from 'kubernetes-types/core/v1';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { kindNodes } from './kind.ts';

describe('kind bootstrap', () => {
  const c = new Cluster({ topology: { workers: 3, zones: ['a', 'b'] } });
  const node = (name: string): Node => c.registry.get(CORE('nodes'), '', name) as Node;

  it('names nodes and hands out IPs and pod CIDRs in order', () => {
    expect(kindNodes({ workers: 2 }).map((n) => `${n.name} ${n.ip} ${n.podCIDR}`)).toEqual([
      'kind-control-plane 172.18.0.2 10.244.0.0/24',
      'kind-worker 172.18.0.3 10.244.1.0/24',
      'kind-worker2 172.18.0.4 10.244.2.0/24',
    ]);
  });

  it('taints and labels the control plane like kubeadm', () => {
    const cp = node('kind-control-plane');
    expect(cp.spec?.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(cp.metadata?.labels).toMatchObject({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'kind-control-plane' });
    expect(cp.spec?.providerID).toBe('kind://docker/kind/kind-control-plane');
  });

  it('gives zoned workers a region when the topology names one', () => {
    const r = new Cluster({ topology: { workers: 3, zones: ['a', 'b'], region: 'r1' } });
    const labels = (name: string): Record<string, string> | undefined => (r.registry.get(CORE('nodes'), '', name) as Node).metadata?.labels;
    expect(['kind-worker', 'kind-worker2', 'kind-worker3'].map((n) => labels(n)?.['topology.kubernetes.io/region'])).toEqual(['r1', 'r1', 'r1']);
    expect(labels('kind-control-plane')?.['topology.kubernetes.io/region']).toBeUndefined();
    expect(node('kind-worker').metadata?.labels?.['topology.kubernetes.io/region']).toBeUndefined();
  });

  it('labels workers with zones round-robin and reports them Ready', () => {
    expect(['kind-worker', 'kind-worker2', 'kind-worker3'].map((n) => node(n).metadata?.labels?.['topology.kubernetes.io/zone'])).toEqual(['a', 'b', 'a']);
    const w = node('kind-worker');
    expect(w.metadata?.labels?.['node-role.kubernetes.io/control-plane']).toBeUndefined();
    expect(w.status?.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(w.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.2', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://2.0.2' });
    expect(w.status?.capacity?.pods).toBe('110');
  });

  it('has the default StorageClass and the two well-known Services', () => {
    const sc = c.registry.get({ group: 'storage.k8s.io', resource: 'storageclasses' }, '', 'standard');
    expect(sc).toMatchObject({ provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } });
    expect((c.registry.get(CORE('services'), 'default', 'kubernetes').spec as { clusterIP: string }).clusterIP).toBe('10.96.0.1');
    expect((c.registry.get(CORE('services'), 'kube-system', 'kube-dns').spec as { clusterIP: string }).clusterIP).toBe('10.96.0.10');
  });

  it('gives CoreDNS and the provisioner pod IPs from the control plane CIDR', () => {
    const ips = c.registry.list(CORE('pods')).items
      .filter((p) => /^(coredns|local-path)/.test(p.metadata!.name!))
      .map((p) => (p.status as { podIP: string }).podIP).sort();
    expect(ips).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4']);
  });

  it('runs one kindnet and one kube-proxy pod on every node', () => {
    const pods = c.registry.list(CORE('pods'), { namespace: 'kube-system' }).items;
    for (const ds of ['kindnet', 'kube-proxy']) {
      const nodes = pods.filter((p) => p.metadata!.name!.startsWith(`${ds}-`)).map((p) => (p.spec as { nodeName: string }).nodeName).sort();
      expect(nodes).toEqual(['kind-control-plane', 'kind-worker', 'kind-worker2', 'kind-worker3']);
    }
  });
});
