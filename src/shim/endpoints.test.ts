import { describe, expect, it } from 'vitest';
import type { Endpoints, Pod } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { installAdmission } from './admission/index.ts';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { installEndpointControllers } from './endpoints.ts';
import { ENDPOINTSLICES } from './endpointslice.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { KObject } from './objects.ts';
import { installServiceAllocation } from './service-ip.ts';

const PODS = CORE('pods');
const SVC = CORE('services');
const EP = CORE('endpoints');
const NS = 'default';

/** Endpoint controllers without a kubelet: pod status is whatever the test writes. */
function setup(): Cluster {
  const c = new Cluster({ seed: 'endpoints', install: [installAdmission, installServiceAllocation] });
  installEndpointControllers(c);
  c.settle();
  return c;
}

interface PodState {
  ip?: string;
  ready?: boolean;
  node?: string;
  labels?: Record<string, string>;
  ports?: Array<{ name: string; containerPort: number }>;
  hostname?: string;
  subdomain?: string;
  readySince?: string;
}

function pod(c: Cluster, name: string, s: PodState = {}): Pod {
  const created = c.registry.create(PODS, {
    metadata: { name, labels: s.labels ?? { app: 'web' } },
    spec: {
      nodeName: s.node ?? 'kind-worker',
      containers: [{ name: 'c', image: 'nginx', ports: s.ports ?? [{ name: 'http', containerPort: 8080 }] }],
      ...(s.hostname ? { hostname: s.hostname } : {}),
      ...(s.subdomain ? { subdomain: s.subdomain } : {}),
    },
  }, { namespace: NS });
  return setStatus(c, created as Pod, s);
}

function setStatus(c: Cluster, p: Pod, s: PodState): Pod {
  const current = c.registry.get(PODS, NS, p.metadata!.name!);
  const ip = s.ip ?? (current.status as Pod['status'])?.podIP;
  return c.registry.update(PODS, {
    ...current,
    status: {
      phase: ip ? 'Running' : 'Pending',
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [{ type: 'Ready', status: s.ready === false ? 'False' : 'True', lastTransitionTime: s.readySince ?? '2026-01-01T00:00:05Z' }],
    },
  }, { subresource: 'status' }) as Pod;
}

function service(c: Cluster, name: string, spec: object = {}, labels?: Record<string, string>): KObject {
  return c.registry.create(SVC, { metadata: { name, ...(labels ? { labels } : {}) }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], ...spec } }, { namespace: NS });
}

const endpoints = (c: Cluster, name: string): Endpoints | undefined => c.store.get(EP, NS, name) as Endpoints | undefined;
const slices = (c: Cluster, name: string): EndpointSlice[] =>
  c.store.list(ENDPOINTSLICES, { namespace: NS }).items.filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === name) as unknown as EndpointSlice[];

/** `ip ready serving terminating` per slice endpoint. */
const sliceView = (c: Cluster, name: string): string[] =>
  slices(c, name).flatMap((s) => (s.endpoints ?? []).map((e) =>
    `${e.addresses[0]} ready=${e.conditions?.ready} serving=${e.conditions?.serving} terminating=${e.conditions?.terminating}`));

describe('Endpoints and EndpointSlices for a Service', () => {
  it('start with an empty Endpoints and a placeholder slice, then list pods as they get IPs', () => {
    const c = setup();
    const svc = service(c, 'web', {}, { tier: 'front' });
    c.settle();
    const ep = endpoints(c, 'web')!;
    expect(ep.subsets).toBeUndefined();
    expect(ep.metadata?.labels).toEqual({ tier: 'front' });
    expect(ep.metadata?.annotations).toEqual({ 'endpoints.kubernetes.io/last-change-trigger-time': svc.metadata?.creationTimestamp });
    const [placeholder] = slices(c, 'web');
    expect(placeholder?.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(placeholder?.metadata?.labels).toEqual({
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(placeholder?.metadata?.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(placeholder).toMatchObject({ addressType: 'IPv4', endpoints: null, ports: null });

    const p = pod(c, 'web-1', {});
    c.settle();
    expect(endpoints(c, 'web')?.subsets).toBeUndefined();
    setStatus(c, p, { ip: '10.244.1.5', readySince: '2026-01-01T00:00:07Z' });
    c.settle();
    expect(endpoints(c, 'web')?.subsets).toEqual([{
      addresses: [{ ip: '10.244.1.5', nodeName: 'kind-worker', targetRef: { kind: 'Pod', namespace: NS, name: 'web-1', uid: p.metadata?.uid } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
    expect(endpoints(c, 'web')?.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBe('2026-01-01T00:00:07Z');
    // The placeholder became the real slice: same name.
    const [slice] = slices(c, 'web');
    expect(slice?.metadata?.name).toBe(placeholder?.metadata?.name);
    expect(slice?.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(slice?.endpoints).toEqual([{
      addresses: ['10.244.1.5'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: NS, name: 'web-1', uid: p.metadata?.uid },
      nodeName: 'kind-worker',
    }]);
  });

  it('follow readiness: not-ready pods move to notReadyAddresses and ready=false', () => {
    const c = setup();
    service(c, 'web');
    const a = pod(c, 'a', { ip: '10.244.1.2' });
    pod(c, 'b', { ip: '10.244.2.2', node: 'kind-worker2' });
    c.settle();
    expect(endpoints(c, 'web')?.subsets?.[0]?.addresses?.map((x) => x.ip)).toEqual(['10.244.1.2', '10.244.2.2']);
    setStatus(c, a, { ready: false });
    c.settle();
    const [subset] = endpoints(c, 'web')!.subsets!;
    expect(subset?.addresses?.map((x) => x.ip)).toEqual(['10.244.2.2']);
    expect(subset?.notReadyAddresses?.map((x) => x.ip)).toEqual(['10.244.1.2']);
    expect(sliceView(c, 'web')).toEqual(['10.244.1.2 ready=false serving=false terminating=false', '10.244.2.2 ready=true serving=true terminating=false']);
    setStatus(c, a, { ready: true });
    c.settle();
    expect(endpoints(c, 'web')?.subsets).toHaveLength(1);
    expect(endpoints(c, 'web')?.subsets?.[0]?.notReadyAddresses).toBeUndefined();
  });

  it('drop terminating pods from Endpoints but keep them in slices as terminating', () => {
    const c = setup();
    service(c, 'web');
    pod(c, 'a', { ip: '10.244.1.2' });
    pod(c, 'b', { ip: '10.244.2.2', node: 'kind-worker2' });
    c.settle();
    c.registry.delete(PODS, NS, 'a');
    c.settle();
    expect(endpoints(c, 'web')?.subsets?.[0]?.addresses?.map((x) => x.ip)).toEqual(['10.244.2.2']);
    expect(sliceView(c, 'web')).toEqual(['10.244.1.2 ready=false serving=true terminating=true', '10.244.2.2 ready=true serving=true terminating=false']);
    c.registry.delete(PODS, NS, 'a', { gracePeriodSeconds: 0 });
    c.settle();
    expect(sliceView(c, 'web')).toEqual(['10.244.2.2 ready=true serving=true terminating=false']);
  });

  it('publish not-ready (and terminating) pods when publishNotReadyAddresses is set', () => {
    const c = setup();
    service(c, 'web', { publishNotReadyAddresses: true });
    pod(c, 'a', { ip: '10.244.1.2', ready: false });
    c.settle();
    expect(endpoints(c, 'web')?.subsets?.[0]?.addresses?.map((x) => x.ip)).toEqual(['10.244.1.2']);
    expect(sliceView(c, 'web')).toEqual(['10.244.1.2 ready=true serving=false terminating=false']);
    c.registry.delete(PODS, NS, 'a');
    c.settle();
    expect(endpoints(c, 'web')?.subsets?.[0]?.addresses?.map((x) => x.ip)).toEqual(['10.244.1.2']);
    expect(sliceView(c, 'web')).toEqual(['10.244.1.2 ready=true serving=false terminating=true']);
  });

  it('resolve named target ports per pod: pods that disagree get their own subset and slice', () => {
    const c = setup();
    service(c, 'web');
    pod(c, 'a', { ip: '10.244.1.2', ports: [{ name: 'http', containerPort: 8080 }] });
    pod(c, 'b', { ip: '10.244.1.3', ports: [{ name: 'http', containerPort: 9090 }] });
    pod(c, 'c', { ip: '10.244.1.4', ports: [{ name: 'other', containerPort: 80 }] });
    c.settle();
    const subsets = endpoints(c, 'web')!.subsets!;
    expect(subsets.map((s) => `${s.addresses?.map((a) => a.ip).join(',')}:${s.ports?.map((p) => p.port).join(',')}`).sort())
      .toEqual(['10.244.1.2:8080', '10.244.1.3:9090']);
    // The pod without the named port is in no Endpoints subset, and in a slice without ports.
    expect(slices(c, 'web').map((s) => `${(s.ports ?? []).map((p) => p.port).join(',')}=${(s.endpoints ?? []).map((e) => e.addresses[0]).join(',')}`).sort())
      .toEqual(['8080=10.244.1.2', '9090=10.244.1.3', '=10.244.1.4'].sort());
  });

  it('set hostname for pods whose subdomain names a headless Service, and label both objects headless', () => {
    const c = setup();
    service(c, 'nginx', { clusterIP: 'None', ports: [{ port: 80, name: 'web' }] });
    pod(c, 'web-0', { ip: '10.244.1.2', hostname: 'web-0', subdomain: 'nginx' });
    pod(c, 'other', { ip: '10.244.1.3' });
    c.settle();
    expect(endpoints(c, 'nginx')?.metadata?.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(endpoints(c, 'nginx')?.subsets?.[0]?.addresses?.map((a) => `${a.ip}/${a.hostname ?? '-'}`)).toEqual(['10.244.1.2/web-0', '10.244.1.3/-']);
    const [slice] = slices(c, 'nginx');
    expect(slice?.metadata?.labels?.['service.kubernetes.io/headless']).toBe('');
    expect(slice?.endpoints?.map((e) => `${e.addresses[0]}/${e.hostname ?? '-'}`).sort()).toEqual(['10.244.1.2/web-0', '10.244.1.3/-']);
    expect(slice?.ports).toEqual([{ name: 'web', port: 80, protocol: 'TCP' }]);
  });

  it('leave Services without a selector alone and clean up after a deleted Service', () => {
    const c = setup();
    c.registry.create(SVC, { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } }, { namespace: NS });
    service(c, 'web');
    pod(c, 'a', { ip: '10.244.1.2' });
    c.settle();
    expect(endpoints(c, 'manual')).toBeUndefined();
    expect(slices(c, 'manual')).toEqual([]);
    // The API server's own `kubernetes` Endpoints and slice are untouched.
    expect(endpoints(c, 'kubernetes')?.subsets?.[0]?.addresses).toEqual([{ ip: '172.18.0.2' }]);
    c.registry.delete(SVC, NS, 'web');
    c.settle();
    expect(endpoints(c, 'web')).toBeUndefined();
    expect(slices(c, 'web')).toEqual([]);
  });

  it('spread more than 100 endpoints over several slices', () => {
    const c = setup();
    service(c, 'web');
    for (let i = 0; i < 150; i++) pod(c, `p${i}`, { ip: `10.244.1.${i + 2}` });
    c.settle();
    expect(slices(c, 'web').map((s) => s.endpoints?.length).sort()).toEqual([100, 50]);
    expect(endpoints(c, 'web')?.subsets?.[0]?.addresses).toHaveLength(150);
  });
});

describe('kube-dns on a fresh kind cluster', () => {
  it('gets Endpoints and a slice for the CoreDNS pods, ports ordered as upstream hashes them', () => {
    const { cluster: c } = createKindCluster({ seed: 'dns' });
    const ep = c.store.get(EP, 'kube-system', 'kube-dns') as Endpoints;
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.244.0.2', '10.244.0.3']);
    // What `kubectl get endpoints -n kube-system` shows on kind: 53,53 then 9153.
    expect(ep.subsets?.[0]?.ports?.map((p) => p.name)).toEqual(['dns-tcp', 'dns', 'metrics']);
    const [slice] = c.store.list(ENDPOINTSLICES, { namespace: 'kube-system' }).items as unknown as EndpointSlice[];
    expect(slice?.metadata?.name).toMatch(/^kube-dns-[a-z0-9]{5}$/);
    // And `kubectl get endpointslices -n kube-system`: PORTS 9153,53,53.
    expect(slice?.ports?.map((p) => p.port)).toEqual([9153, 53, 53]);
    expect(slice?.metadata?.labels).toEqual({
      'k8s-app': 'kube-dns',
      'kubernetes.io/cluster-service': 'true',
      'kubernetes.io/name': 'CoreDNS',
      'kubernetes.io/service-name': 'kube-dns',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
  });
});
