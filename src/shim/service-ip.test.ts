import { describe, expect, it } from 'vitest';
import type { Service } from 'kubernetes-types/core/v1';
import { CORE } from './controller.ts';
import { isStatusError, type StatusError } from './errors.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { Cluster } from './cluster.ts';
import type { KObject } from './objects.ts';
import { parseIPv4 } from './service-ip.ts';

const SVC = CORE('services');
const NS = 'default';
const setup = (seed = 'services'): Cluster => createKindCluster({ seed }).cluster;

function create(c: Cluster, name: string, spec: object, opts: { dryRun?: boolean } = {}): Service {
  return c.registry.create(SVC, { metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } }, { namespace: NS, ...opts }) as Service;
}

function error(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('Service ClusterIP allocation', () => {
  it('allocates a random IP from the upper part of 10.96.0.0/16 and fills the IP family fields', () => {
    const c = setup();
    const s = create(c, 'web', {});
    const ip = s.spec!.clusterIP!;
    const n = parseIPv4(ip)!;
    expect(n).toBeGreaterThan(parseIPv4('10.96.1.0')!);
    expect(n).toBeLessThan(parseIPv4('10.96.255.255')!);
    expect(s.spec).toMatchObject({ type: 'ClusterIP', clusterIPs: [ip], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster' });
    expect(s.status).toEqual({ loadBalancer: {} });
    // The same seed gives the same IP; another seed another one.
    expect(create(setup(), 'web', {}).spec?.clusterIP).toBe(ip);
    expect(create(setup('other'), 'web', {}).spec?.clusterIP).not.toBe(ip);
  });

  it('honours a requested IP and refuses taken or out-of-range ones as the API server does', () => {
    const c = setup();
    expect(create(c, 'a', { clusterIP: '10.96.100.100' }).spec?.clusterIPs).toEqual(['10.96.100.100']);
    expect(create(c, 'b', { clusterIPs: ['10.96.0.50'] }).spec?.clusterIP).toBe('10.96.0.50');
    expect(error(() => create(c, 'dns', { clusterIP: '10.96.0.10' })).message).toBe(
      'Service "dns" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
    const far = error(() => create(c, 'far', { clusterIP: '10.97.0.5' }));
    expect(far.code).toBe(422);
    expect(far.message).toBe(
      'Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.97.0.5"}: failed to allocate IP 10.97.0.5: the provided IP (10.97.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/16',
    );
    expect(error(() => create(c, 'net', { clusterIP: '10.96.0.0' })).message).toContain('the provided IP (10.96.0.0) is not in the valid range');
    expect(error(() => create(c, 'bcast', { clusterIP: '10.96.255.255' })).message).toContain('not in the valid range');
  });

  it('frees the IP when the Service is deleted, and a dry run takes nothing', () => {
    const c = setup();
    create(c, 'a', { clusterIP: '10.96.7.7' });
    create(c, 'dry', { clusterIP: '10.96.8.8' }, { dryRun: true });
    expect(create(c, 'b', { clusterIP: '10.96.8.8' }).spec?.clusterIP).toBe('10.96.8.8');
    c.registry.delete(SVC, NS, 'a');
    expect(create(c, 'c', { clusterIP: '10.96.7.7' }).spec?.clusterIP).toBe('10.96.7.7');
  });

  it('gives headless Services None and ExternalName Services nothing', () => {
    const c = setup();
    const headless = create(c, 'h', { clusterIP: 'None' });
    expect(headless.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    const ext = c.registry.create(SVC, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } }, { namespace: NS }) as Service;
    expect(ext.spec?.clusterIP).toBeUndefined();
    expect(ext.spec?.clusterIPs).toBeUndefined();
  });

  it('keeps the allocated IP when an update leaves it out', () => {
    const c = setup();
    const s = create(c, 'web', {});
    const spec = { ...s.spec };
    delete spec.clusterIP;
    delete spec.clusterIPs;
    const updated = c.registry.update(SVC, { ...s, spec } as KObject) as Service;
    expect(updated.spec?.clusterIPs).toEqual(s.spec?.clusterIPs);
  });
});

describe('Service node ports', () => {
  it('allocates node ports for NodePort and LoadBalancer Services, sharing one per port number', () => {
    const c = setup();
    const np = create(c, 'np', { type: 'NodePort', ports: [{ name: 'tcp', port: 53, protocol: 'TCP' }, { name: 'udp', port: 53, protocol: 'UDP' }, { name: 'm', port: 9153 }] });
    const [a, b, m] = np.spec!.ports!.map((p) => p.nodePort!);
    expect(a).toBe(b);
    expect(m).not.toBe(a);
    for (const p of [a!, m!]) {
      expect(p).toBeGreaterThanOrEqual(30086);
      expect(p).toBeLessThanOrEqual(32767);
    }
    const lb = create(c, 'lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect(lb.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(lb.spec?.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(lb.spec?.allocateLoadBalancerNodePorts).toBe(true);
    expect(lb.status).toEqual({ loadBalancer: {} });
    const none = create(c, 'lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false });
    expect(none.spec?.ports?.[0]?.nodePort).toBeUndefined();
  });

  it('honours requested node ports and refuses taken or out-of-range ones', () => {
    const c = setup();
    expect(create(c, 'a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }).spec?.ports?.[0]?.nodePort).toBe(30080);
    expect(error(() => create(c, 'b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).message).toBe(
      'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    expect(error(() => create(c, 'c', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] })).message).toBe(
      'Service "c" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    c.registry.delete(SVC, NS, 'a');
    expect(create(c, 'd', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }).spec?.ports?.[0]?.nodePort).toBe(30080);
  });

  it('keeps node ports across updates and allocates when a ClusterIP Service becomes a NodePort', () => {
    const c = setup();
    const s = create(c, 'web', {});
    const asNodePort = c.registry.update(SVC, { ...s, spec: { ...s.spec, type: 'NodePort' } } as KObject) as Service;
    const port = asNodePort.spec?.ports?.[0]?.nodePort;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(asNodePort.spec?.clusterIP).toBe(s.spec?.clusterIP);
    const ports = asNodePort.spec!.ports!.map((p) => ({ ...p, nodePort: undefined }));
    const again = c.registry.update(SVC, { ...asNodePort, spec: { ...asNodePort.spec, ports } } as KObject) as Service;
    expect(again.spec?.ports?.[0]?.nodePort).toBe(port);
  });
});
