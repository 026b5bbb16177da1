// Cluster DNS as CoreDNS's `kubernetes` plugin answers it in a kind cluster (zone
// cluster.local, `pods insecure`), read from Services and EndpointSlices, plus the
// pod-side resolver (search path, ndots:5) and the Service routing kube-proxy does,
// together the `ClusterNetwork` containers see (nslookup, wget, curl).
// DNS:docs/specification.md; CORE:plugin/kubernetes/{kubernetes.go,reverse.go,parse.go},
// CORE:plugin/kubernetes/object/endpoint.go (only endpoints whose `ready` is not false).
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Service as KService } from 'kubernetes-types/core/v1';
import type { Service as PortService } from './images.ts';
import { CORE } from './controller.ts';
import type { GroupResource, KObject } from './objects.ts';
import { fromLabelSelector } from './selectors.ts';
import type { Store } from './store.ts';
import type { ClusterNetwork, PortHandler } from './container/types.ts';

export const CLUSTER_DOMAIN = 'cluster.local';
/** kubeadm's Corefile: `ttl 30`. */
export const DNS_TTL = 30;
/** What CoreDNS answers for `dns-version.<zone>` TXT. */
export const DNS_SCHEMA_VERSION = '1.1.0';

const SERVICES = CORE('services');
const ENDPOINTSLICES: GroupResource = { group: 'discovery.k8s.io', resource: 'endpointslices' };
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export type DnsRecord =
  | { type: 'A'; name: string; ttl: number; address: string }
  | { type: 'SRV'; name: string; ttl: number; priority: number; weight: number; port: number; target: string }
  | { type: 'PTR'; name: string; ttl: number; target: string }
  | { type: 'CNAME'; name: string; ttl: number; target: string }
  | { type: 'TXT'; name: string; ttl: number; text: string };

export type QueryType = 'A' | 'SRV' | 'PTR' | 'CNAME' | 'TXT';

export interface DnsAnswer {
  /** NXDOMAIN: no such name; NOERROR with no records: the name exists without that type. */
  rcode: 'NOERROR' | 'NXDOMAIN';
  records: DnsRecord[];
}

type Svc = KService & KObject;

/** One ready endpoint address of a Service, with the port it serves a Service port name on. */
interface Endpoint {
  ip: string;
  /** Its DNS label: the endpoint's hostname, else the address with dashes (CoreDNS endpointHostname). */
  label: string;
  ports: Array<{ name: string; port: number; protocol: string }>;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const isIPv4 = (s: string): boolean => IPV4.test(s);

const isHeadless = (svc: Svc): boolean => (svc.spec?.clusterIP ?? '') === '' || svc.spec?.clusterIP === 'None';
const nx = (): DnsAnswer => ({ rcode: 'NXDOMAIN', records: [] });

/** The records of the cluster zone, computed from the store at query time. */
export class ClusterDNS {
  readonly zone: string;

  constructor(private readonly store: Store, zone = CLUSTER_DOMAIN) {
    this.zone = zone.toLowerCase();
  }

  /** Answers one question for a fully qualified name (a trailing dot is optional; case does not matter). */
  query(rawName: string, type: QueryType): DnsAnswer {
    const name = rawName.toLowerCase().replace(/\.$/, '');
    if (type === 'PTR') return this.queryPTR(name);
    const zoneSuffix = `.${this.zone}`;
    if (!name.endsWith(zoneSuffix)) return nx();
    const labels = name.slice(0, -zoneSuffix.length).split('.');
    if (labels.length === 1 && labels[0] === 'dns-version') {
      return { rcode: 'NOERROR', records: type === 'TXT' ? [{ type: 'TXT', name, ttl: DNS_TTL, text: DNS_SCHEMA_VERSION }] : [] };
    }
    const kind = labels[labels.length - 1];
    if (kind === 'pod') return this.queryPod(name, labels, type);
    if (kind !== 'svc') return nx();
    return this.queryService(name, labels.slice(0, -1), type);
  }

  /** `a-b-c-d.<ns>.pod.<zone>`: kind's Corefile says `pods insecure`, so any well-formed address answers. */
  private queryPod(name: string, labels: string[], type: QueryType): DnsAnswer {
    if (labels.length !== 3) return nx();
    const ip = labels[0]!.replace(/-/g, '.');
    if (!isIPv4(ip)) return nx();
    return { rcode: 'NOERROR', records: type === 'A' ? [{ type: 'A', name, ttl: DNS_TTL, address: ip }] : [] };
  }

  /**
   * `[_port._proto.|endpoint.]<svc>.<ns>.svc.<zone>`. A ClusterIP Service answers with its
   * cluster IP; a headless one (and any endpoint-qualified name) with its ready endpoints,
   * and NXDOMAIN when none is ready. SRV records exist for named ports only.
   */
  private queryService(name: string, labels: string[], type: QueryType): DnsAnswer {
    let port: string | undefined;
    let protocol: string | undefined;
    let endpoint: string | undefined;
    if (labels.length === 4 && labels[0]!.startsWith('_') && labels[1]!.startsWith('_')) {
      port = labels[0]!.slice(1);
      protocol = labels[1]!.slice(1);
      labels = labels.slice(2);
    } else if (labels.length === 3) {
      endpoint = labels[0];
      labels = labels.slice(1);
    }
    if (labels.length !== 2) return nx();
    const [svcName, ns] = labels as [string, string];
    const svc = this.store.get(SERVICES, ns, svcName) as Svc | undefined;
    if (svc === undefined) return nx();
    const base = `${svcName}.${ns}.svc.${this.zone}`;

    if (svc.spec?.type === 'ExternalName') {
      if (endpoint !== undefined || port !== undefined) return nx();
      const target = (svc.spec.externalName ?? '').toLowerCase().replace(/\.$/, '');
      return { rcode: 'NOERROR', records: type === 'A' || type === 'CNAME' ? [{ type: 'CNAME', name, ttl: DNS_TTL, target }] : [] };
    }
    const matchPort = (p: { name?: string; protocol?: string }): boolean =>
      (port === undefined || port === '*' || (p.name ?? '').toLowerCase() === port) &&
      (protocol === undefined || protocol === '*' || (p.protocol ?? 'TCP').toLowerCase() === protocol);

    if (isHeadless(svc) || endpoint !== undefined) {
      const hits: Array<{ ep: Endpoint; port: { name: string; port: number; protocol: string } }> = [];
      for (const ep of this.endpoints(svc)) {
        if (endpoint !== undefined && ep.label !== endpoint) continue;
        // An endpoint without ports still has its address (CoreDNS adds a sentinel port).
        const ports = ep.ports.length > 0 ? ep.ports : [{ name: '', port: -1, protocol: '' }];
        for (const p of ports) if (port === undefined || matchPort(p)) hits.push({ ep, port: p });
      }
      if (hits.length === 0) return nx();
      if (type === 'A') {
        const seen = new Set<string>();
        const records: DnsRecord[] = [];
        for (const { ep } of hits) {
          if (seen.has(ep.ip)) continue;
          seen.add(ep.ip);
          records.push({ type: 'A', name, ttl: DNS_TTL, address: ep.ip });
        }
        return { rcode: 'NOERROR', records };
      }
      if (type === 'SRV') {
        const named = hits.filter((h) => h.port.name !== '' && h.port.port > 0);
        return { rcode: 'NOERROR', records: srv(name, named.map((h) => ({ port: h.port.port, target: `${h.ep.label}.${base}` }))) };
      }
      return { rcode: 'NOERROR', records: [] };
    }

    const ports = (svc.spec?.ports ?? []).filter((p) => port === undefined || matchPort(p));
    if (ports.length === 0) return nx();
    const ips = (svc.spec?.clusterIPs ?? [svc.spec?.clusterIP ?? '']).filter(isIPv4);
    if (type === 'A') return { rcode: 'NOERROR', records: ips.map((address) => ({ type: 'A', name, ttl: DNS_TTL, address })) };
    if (type === 'SRV') {
      return { rcode: 'NOERROR', records: srv(name, ports.filter((p) => (p.name ?? '') !== '').map((p) => ({ port: p.port, target: base }))) };
    }
    return { rcode: 'NOERROR', records: [] };
  }

  /** `d.c.b.a.in-addr.arpa`: a cluster IP names its Service, a ready endpoint address its endpoint name. */
  private queryPTR(name: string): DnsAnswer {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name);
    if (m === null) return nx();
    const ip = `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
    const targets = this.reverseNames(ip);
    if (targets.length === 0) return nx();
    return { rcode: 'NOERROR', records: targets.map((target) => ({ type: 'PTR', name, ttl: DNS_TTL, target })) };
  }

  /** Names an address has (CoreDNS serviceRecordForIP): its Service's when it is a cluster IP, else one per endpoint. */
  reverseNames(ip: string): string[] {
    const services = this.store.list(SERVICES).items as Svc[];
    for (const svc of services) {
      if ((svc.spec?.clusterIPs ?? [svc.spec?.clusterIP]).includes(ip)) return [`${svc.metadata?.name}.${svc.metadata?.namespace}.svc.${this.zone}`];
    }
    const out: string[] = [];
    for (const svc of services) {
      for (const ep of this.endpoints(svc)) {
        if (ep.ip === ip) out.push(`${ep.label}.${svc.metadata?.name}.${svc.metadata?.namespace}.svc.${this.zone}`);
      }
    }
    return [...new Set(out)];
  }

  /** The Service's ready endpoints across its EndpointSlices, in slice and endpoint order. */
  endpoints(svc: Svc): Endpoint[] {
    const ns = svc.metadata?.namespace ?? '';
    const selector = fromLabelSelector({ matchLabels: { [SERVICE_NAME_LABEL]: svc.metadata?.name ?? '' } });
    const out: Endpoint[] = [];
    for (const slice of this.store.list(ENDPOINTSLICES, { namespace: ns, labelSelector: selector }).items as Array<EndpointSlice & KObject>) {
      if (slice.addressType !== 'IPv4') continue;
      const ports = (slice.ports ?? []).map((p) => ({ name: (p.name ?? '').toLowerCase(), port: p.port ?? -1, protocol: p.protocol ?? 'TCP' }));
      for (const e of slice.endpoints ?? []) {
        if (e.conditions?.ready === false) continue;
        for (const ip of e.addresses ?? []) {
          out.push({ ip, label: (e.hostname ?? '') !== '' ? e.hostname!.toLowerCase() : ip.replace(/\./g, '-'), ports });
        }
      }
    }
    return out;
  }

  /**
   * A name as a pod's resolver looks it up (resolv.conf `search <ns>.svc.<zone>
   * svc.<zone> <zone>`, `options ndots:5`): the first candidate with addresses wins.
   */
  resolve(name: string, fromNamespace: string): { fqdn: string; addresses: string[] } | undefined {
    const trimmed = name.trim();
    if (trimmed === '') return undefined;
    if (isIPv4(trimmed)) return { fqdn: trimmed, addresses: [trimmed] };
    for (const candidate of this.searchCandidates(trimmed, fromNamespace)) {
      const addresses = this.addressesOf(candidate, 0);
      if (addresses.length > 0) return { fqdn: candidate, addresses };
    }
    return undefined;
  }

  /** The names a stub resolver tries, in order. */
  searchCandidates(name: string, fromNamespace: string): string[] {
    if (name.endsWith('.')) return [name.slice(0, -1)];
    const search = [`${fromNamespace}.svc.${this.zone}`, `svc.${this.zone}`, this.zone].map((d) => `${name}.${d}`);
    const dots = name.split('.').length - 1;
    return dots >= 5 ? [name, ...search] : [...search, name];
  }

  /** A records, following a CNAME within the cluster (an ExternalName pointing at another Service). */
  private addressesOf(fqdn: string, depth: number): string[] {
    const answer = this.query(fqdn, 'A');
    const out: string[] = [];
    for (const r of answer.records) {
      if (r.type === 'A') out.push(r.address);
      else if (r.type === 'CNAME' && depth < 8) out.push(...(isIPv4(r.target) ? [r.target] : this.addressesOf(r.target, depth + 1)));
    }
    return out;
  }

  /** The first PTR name of an address, as nslookup prints it; undefined without one. */
  reverse(ip: string): string | undefined {
    return this.reverseNames(ip)[0];
  }
}

/** RFC 2782 records as CoreDNS weighs them: priority 0, weight 100 split evenly (rounded down). */
function srv(name: string, targets: Array<{ port: number; target: string }>): DnsRecord[] {
  const weight = targets.length === 0 ? 0 : Math.floor(100 / targets.length);
  return targets.map((t) => ({ type: 'SRV', name, ttl: DNS_TTL, priority: 0, weight, port: t.port, target: `${t.target}.` }));
}

/** What the network needs from the nodes: the sockets pods listen on (the kubelet has them). */
export interface PodSockets {
  connect(ip: string, port: number): PortService | undefined;
}

/**
 * The cluster network a container sees: cluster DNS, Service cluster IPs routed to a
 * ready endpoint (round robin, where kube-proxy picks at random), and pod IPs directly.
 */
export function clusterNetwork(store: Store, sockets: PodSockets, dns = new ClusterDNS(store)): ClusterNetwork {
  const turns = new Map<string, number>();

  /** host:port → the pod ip:port that answers, through a Service's cluster IP if it is one. */
  const route = (host: string, port: number, fromNamespace: string): { ip: string; port: number } | undefined => {
    const ip = isIPv4(host) ? host : dns.resolve(host, fromNamespace)?.addresses[0];
    if (ip === undefined) return undefined;
    const svc = (store.list(SERVICES).items as Svc[]).find((s) => !isHeadless(s) && (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).includes(ip));
    if (svc === undefined) return { ip, port };
    const sp = (svc.spec?.ports ?? []).find((p) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
    if (sp === undefined) return undefined;
    const spName = (sp.name ?? '').toLowerCase();
    const backends = dns.endpoints(svc).flatMap((ep) => {
      const target = ep.ports.find((p) => p.name === spName && p.protocol === 'TCP');
      return target === undefined ? [] : [{ ip: ep.ip, port: target.port }];
    });
    if (backends.length === 0) return undefined;
    const key = `${svc.metadata?.namespace}/${svc.metadata?.name}:${port}`;
    const turn = turns.get(key) ?? 0;
    turns.set(key, turn + 1);
    return backends[turn % backends.length];
  };

  const handler = (s: PortService): PortHandler => ({
    ...(s.http ? { http: (req) => s.http!({ method: req.method, path: req.path, remoteAddr: req.remoteAddr ?? '10.244.0.1', userAgent: req.userAgent ?? '' }) } : {}),
    ...(s.tcp ? { request: (data: string) => s.tcp!(data) } : {}),
  });

  return {
    resolve: (name, fromNamespace) => dns.resolve(name, fromNamespace),
    reverse: (ip) => dns.reverse(ip),
    // The interface carries no client identity: access logs see a pod-network address
    // and, unless the caller passes one, busybox wget's user agent.
    httpGet(host: string, port: number, path: string, fromNamespace: string, userAgent = 'Wget') {
      const to = route(host, port, fromNamespace);
      const service = to === undefined ? undefined : sockets.connect(to.ip, to.port);
      return service?.http?.({ method: 'GET', path, remoteAddr: '10.244.0.1', userAgent });
    },
    connect(host, port, fromNamespace) {
      const to = route(host, port, fromNamespace);
      const service = to === undefined ? undefined : sockets.connect(to.ip, to.port);
      return service === undefined ? undefined : handler(service);
    },
  };
}
