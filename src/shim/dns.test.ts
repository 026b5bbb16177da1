import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { ClusterDNS } from './dns.ts';
import { createKindCluster } from './kind-cluster.ts';
import type { Kubelet } from './kubelet/index.ts';
import { STATEFULSETS } from './statefulset.ts';

const NS = 'default';
const SERVICES = CORE('services');
const PODS = CORE('pods');

/** The tutorial's headless Service and a 2-replica StatefulSet behind it (no claims: DNS only). */
function tutorial(): { c: Cluster; kubelet: Kubelet; dns: ClusterDNS } {
  const { cluster: c, kubelet } = createKindCluster({ seed: 'dns' });
  c.registry.create(SERVICES, { metadata: { name: 'nginx', labels: { app: 'nginx' } }, spec: { ports: [{ port: 80, name: 'web' }], clusterIP: 'None', selector: { app: 'nginx' } } }, { namespace: NS });
  c.registry.create(STATEFULSETS, {
    metadata: { name: 'web' },
    spec: {
      serviceName: 'nginx', replicas: 2, selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.21', ports: [{ containerPort: 80, name: 'web' }] }] } },
    },
  }, { namespace: NS });
  c.registry.create(PODS, { metadata: { name: 'dns-test' }, spec: { containers: [{ name: 'dns-test', image: 'busybox:1.28', command: ['sleep', '3600'] }] } }, { namespace: NS });
  c.settle();
  return { c, kubelet, dns: new ClusterDNS(c.store) };
}

const ipOf = (c: Cluster, name: string): string => (c.store.get(PODS, NS, name) as Pod).status!.podIP!;
const a = (dns: ClusterDNS, name: string): string[] | 'NXDOMAIN' => {
  const answer = dns.query(name, 'A');
  return answer.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : answer.records.map((r) => (r.type === 'A' ? r.address : `${r.type} ${'target' in r ? r.target : ''}`));
};

function exec(c: Cluster, kubelet: Kubelet, pod: string, cmd: string): { out: string; code: number | undefined } {
  let out = '';
  const h = kubelet.execInContainer(NS, pod, undefined, ['sh', '-c', cmd], { stdout: (t) => { out += t; }, stderr: (t) => { out += t; } });
  c.settle();
  return { out, code: h.exitCode };
}

describe('cluster DNS records (kubernetes/dns specification)', () => {
  it('a ClusterIP Service: A, SRV for named ports, PTR', () => {
    const { c, dns } = tutorial();
    c.registry.create(SERVICES, { metadata: { name: 'front' }, spec: { selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 80, name: 'http' }, { port: 9090, name: 'metrics', protocol: 'UDP' }] } }, { namespace: NS });
    const ip = (c.store.get(SERVICES, NS, 'front')!.spec as { clusterIP: string }).clusterIP;
    expect(a(dns, 'front.default.svc.cluster.local')).toEqual([ip]);
    expect(a(dns, 'kubernetes.default.svc.cluster.local.')).toEqual(['10.96.0.1']);
    expect(a(dns, 'KUBE-DNS.kube-system.svc.Cluster.Local')).toEqual(['10.96.0.10']);
    expect(dns.query('_http._tcp.front.default.svc.cluster.local', 'SRV').records).toEqual([
      { type: 'SRV', name: '_http._tcp.front.default.svc.cluster.local', ttl: 30, priority: 0, weight: 100, port: 8080, target: 'front.default.svc.cluster.local.' },
    ]);
    expect(dns.query('_http._udp.front.default.svc.cluster.local', 'SRV').rcode).toBe('NXDOMAIN');
    const [d1, d2, d3, d4] = ip.split('.');
    expect(dns.query(`${d4}.${d3}.${d2}.${d1}.in-addr.arpa`, 'PTR').records).toEqual([
      { type: 'PTR', name: `${d4}.${d3}.${d2}.${d1}.in-addr.arpa`, ttl: 30, target: 'front.default.svc.cluster.local' },
    ]);
    expect(dns.reverse('10.96.0.10')).toBe('kube-dns.kube-system.svc.cluster.local');
  });

  it('a headless Service: one A record per ready endpoint, per-pod names, SRV per endpoint, PTR to the pod name', () => {
    const { c, dns } = tutorial();
    const [ip0, ip1] = [ipOf(c, 'web-0'), ipOf(c, 'web-1')];
    expect([...a(dns, 'nginx.default.svc.cluster.local')].sort()).toEqual([ip0, ip1].sort());
    expect(a(dns, 'web-0.nginx.default.svc.cluster.local')).toEqual([ip0]);
    expect(a(dns, 'web-1.nginx.default.svc.cluster.local')).toEqual([ip1]);
    expect(a(dns, 'web-2.nginx.default.svc.cluster.local')).toBe('NXDOMAIN');
    const srv = dns.query('_web._tcp.nginx.default.svc.cluster.local', 'SRV').records.map((r) => (r.type === 'SRV' ? `${r.priority} ${r.weight} ${r.port} ${r.target}` : ''));
    expect(srv.sort()).toEqual(['0 50 80 web-0.nginx.default.svc.cluster.local.', '0 50 80 web-1.nginx.default.svc.cluster.local.']);
    expect(dns.reverse(ip0)).toBe('web-0.nginx.default.svc.cluster.local');
    // The dns-test pod is behind no Service: no PTR record.
    expect(dns.reverse(ipOf(c, 'dns-test'))).toBeUndefined();
  });

  it('answers NXDOMAIN when no endpoint is ready, unless the Service publishes not-ready addresses', () => {
    const { c, dns } = tutorial();
    // Pods that are Running with an address but never Ready (nothing answers the probe).
    const pod = (name: string, app: string): void => {
      c.registry.create(PODS, {
        metadata: { name, labels: { app } },
        spec: { hostname: name, subdomain: app, containers: [{ name: 'c', image: 'busybox:1.28', command: ['sleep', '3600'], readinessProbe: { tcpSocket: { port: 81 }, periodSeconds: 1 } }] },
      }, { namespace: NS });
    };
    c.registry.create(SERVICES, { metadata: { name: 'quiet' }, spec: { clusterIP: 'None', selector: { app: 'quiet' }, ports: [{ port: 80, name: 'web' }] } }, { namespace: NS });
    c.registry.create(SERVICES, { metadata: { name: 'eager' }, spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'eager' }, ports: [{ port: 80, name: 'web' }] } }, { namespace: NS });
    pod('q-0', 'quiet');
    pod('e-0', 'eager');
    c.settle();
    expect((c.store.get(PODS, NS, 'q-0') as Pod).status?.phase).toBe('Running');
    expect(a(dns, 'quiet.default.svc.cluster.local')).toBe('NXDOMAIN');
    expect(a(dns, 'q-0.quiet.default.svc.cluster.local')).toBe('NXDOMAIN');
    expect(a(dns, 'eager.default.svc.cluster.local')).toEqual([ipOf(c, 'e-0')]);
    expect(a(dns, 'e-0.eager.default.svc.cluster.local')).toEqual([ipOf(c, 'e-0')]);
  });

  it('ExternalName, pod and schema-version records; NXDOMAIN for the rest', () => {
    const { c, dns } = tutorial();
    c.registry.create(SERVICES, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'Example.COM' } }, { namespace: NS });
    expect(a(dns, 'ext.default.svc.cluster.local')).toEqual(['CNAME example.com']);
    expect(a(dns, '10-244-1-9.default.pod.cluster.local')).toEqual(['10.244.1.9']);
    expect(dns.query('dns-version.cluster.local', 'TXT').records).toEqual([{ type: 'TXT', name: 'dns-version.cluster.local', ttl: 30, text: '1.1.0' }]);
    for (const name of ['nope.default.svc.cluster.local', 'nginx.other.svc.cluster.local', 'example.org', 'default.svc.cluster.local']) expect(a(dns, name)).toBe('NXDOMAIN');
  });

  it('resolves short names through the pod search path, and names stay while addresses change', () => {
    const { c, dns } = tutorial();
    const before = ipOf(c, 'web-0');
    expect(dns.resolve('web-0.nginx', NS)).toEqual({ fqdn: 'web-0.nginx.default.svc.cluster.local', addresses: [before] });
    expect(dns.resolve('web-0.nginx.default', 'kube-system')).toEqual({ fqdn: 'web-0.nginx.default.svc.cluster.local', addresses: [before] });
    expect(dns.resolve('web-0.nginx', 'kube-system')).toBeUndefined();
    expect(dns.resolve('kubernetes.default', NS)?.addresses).toEqual(['10.96.0.1']);
    c.registry.delete(PODS, NS, 'web-0');
    c.registry.delete(PODS, NS, 'web-1');
    c.settle();
    const after = dns.resolve('web-0.nginx', NS);
    expect(after?.fqdn).toBe('web-0.nginx.default.svc.cluster.local');
    expect(after?.addresses).toEqual([ipOf(c, 'web-0')]);
    expect(after?.addresses[0]).not.toBe(before);
  });
});

describe('the cluster network inside containers', () => {
  it('nslookup in busybox:1.28 prints what the StatefulSet tutorial shows', () => {
    const { c, kubelet } = tutorial();
    const ip0 = ipOf(c, 'web-0');
    expect(exec(c, kubelet, 'dns-test', 'nslookup web-0.nginx')).toEqual({
      out: `Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: ${ip0} web-0.nginx.default.svc.cluster.local\n`,
      code: 0,
    });
    expect(exec(c, kubelet, 'dns-test', 'nslookup web-5.nginx')).toMatchObject({ code: 1 });
    expect(exec(c, kubelet, 'dns-test', 'nslookup web-5.nginx').out).toContain("nslookup: can't resolve 'web-5.nginx'");
  });

  it('reaches pods by name and Services by their cluster IP', () => {
    const { c, kubelet } = tutorial();
    c.registry.create(SERVICES, { metadata: { name: 'front' }, spec: { selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 'web' }] } }, { namespace: NS });
    c.settle();
    expect(exec(c, kubelet, 'dns-test', 'wget -qO- web-1.nginx | grep -o "<title>.*</title>"').out).toBe('<title>Welcome to nginx!</title>\n');
    expect(exec(c, kubelet, 'dns-test', 'wget -qO- http://front:8080/ | grep -o "<title>.*</title>"').out).toBe('<title>Welcome to nginx!</title>\n');
    expect(exec(c, kubelet, 'dns-test', 'wget -qO- http://front:9999/').code).toBe(1);
  });
});
