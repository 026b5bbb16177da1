// What the Service REST storage does beyond defaulting: allocate a ClusterIP from the
// service CIDR (kind: 10.96.0.0/16) and node ports from 30000-32767, honour requested
// ones with the API server's errors, and keep them across updates. Kubernetes v1.32
// with the bitmap allocators (MultiCIDRServiceAllocator is off by default).
// K:pkg/registry/core/service/storage/alloc.go (allocateCreate, initNodePorts,
// patchAllocatedValues), K:pkg/registry/core/service/ipallocator/bitmap.go,
// K:pkg/registry/core/service/portallocator/allocator.go,
// K:pkg/registry/core/service/allocator/bitmap.go (randomScanStrategyWithOffset).
//
// The allocators keep no state of their own: what is taken is read from the stored
// Services, so a deleted Service's IP and ports are free again at once and a dry run
// or a failed create leaks nothing.
import type { Service, ServicePort } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { fieldError, internalError, invalid, type FieldError } from './errors.ts';
import { invalidError, invalidRepr } from './admission/validation/common.ts';
import type { KObject } from './objects.ts';
import type { SeededRandom } from './random.ts';
import type { AdmissionPlugin } from './registry.ts';
import type { Store } from './store.ts';

const SERVICES = { group: '', resource: 'services' };

/** kind's `networking.serviceSubnet` default. */
export const SERVICE_CIDR = '10.96.0.0/16';
export const NODE_PORT_RANGE = { base: 30000, size: 2768 } as const;
const NODE_PORT_RANGE_TEXT = `${NODE_PORT_RANGE.base}-${NODE_PORT_RANGE.base + NODE_PORT_RANGE.size - 1}`;

const ALREADY_ALLOCATED_IP = 'provided IP is already allocated';
const ALREADY_ALLOCATED_PORT = 'provided port is already allocated';
const PORT_NOT_IN_RANGE = `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE_TEXT}`;

/** An IPv4 dotted quad as a number; undefined for anything else. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * One range as upstream's bitmap allocators see it: `size` slots from `base`, random
 * picks from the upper part first (`offset` and up) so the lower part stays free for
 * static requests, then the lower part.
 */
class Range {
  constructor(
    readonly base: number,
    readonly size: number,
    private readonly offset: number,
  ) {}

  contains(value: number): boolean {
    return value >= this.base && value < this.base + this.size;
  }

  next(taken: ReadonlySet<number>, random: SeededRandom): number | undefined {
    const upper = this.size - this.offset;
    let start = random.int(upper);
    for (let i = 0; i < upper; i++) {
      const at = this.offset + ((start + i) % upper);
      if (!taken.has(this.base + at)) return this.base + at;
    }
    if (this.offset === 0) return undefined;
    start = random.int(this.offset);
    for (let i = 0; i < this.offset; i++) {
      const at = (start + i) % this.offset;
      if (!taken.has(this.base + at)) return this.base + at;
    }
    return undefined;
  }
}

/** calculateRangeOffset: min(max(lo, size/step), hi), or 0 for tiny ranges. */
function rangeOffset(size: number, lo: number, hi: number, step: number): number {
  if (size <= lo) return 0;
  return Math.min(Math.max(lo, Math.floor(size / step)), hi);
}

function ipRange(cidr: string): Range {
  const [addr, bits] = cidr.split('/');
  const network = parseIPv4(addr ?? '') ?? 0;
  const total = 2 ** (32 - Number(bits));
  // Neither the network address nor the broadcast address is handed out.
  return new Range(network + 1, Math.max(0, total - 2), rangeOffset(total, 16, 256, 16));
}

const IPS = ipRange(SERVICE_CIDR);
const PORTS = new Range(NODE_PORT_RANGE.base, NODE_PORT_RANGE.size, rangeOffset(NODE_PORT_RANGE.size, 16, 128, 32));

type Svc = Service & KObject;

const needsClusterIP = (s: Svc): boolean => s.spec?.type !== 'ExternalName';
const needsNodePorts = (s: Svc): boolean => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer';
const needsHealthCheckPort = (s: Svc): boolean => s.spec?.type === 'LoadBalancer' && s.spec.externalTrafficPolicy === 'Local';
const shouldAllocateNodePorts = (s: Svc): boolean =>
  s.spec?.type === 'NodePort' || (s.spec?.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false);

/** What every other Service holds. */
function taken(store: Store, self: string | undefined): { ips: Set<number>; ports: Set<number> } {
  const ips = new Set<number>();
  const ports = new Set<number>();
  for (const o of store.list(SERVICES).items) {
    if (self !== undefined && o.metadata?.uid === self) continue;
    const spec = (o as Svc).spec;
    for (const ip of spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : [])) {
      const n = parseIPv4(ip);
      if (n !== undefined) ips.add(n);
    }
    for (const p of spec?.ports ?? []) if ((p.nodePort ?? 0) > 0) ports.add(p.nodePort!);
    if ((spec?.healthCheckNodePort ?? 0) > 0) ports.add(spec!.healthCheckNodePort!);
  }
  return { ips, ports };
}

class Allocation {
  private readonly ips: Set<number>;
  private readonly ports: Set<number>;
  /** Ports this Service already held before the update: keeping them is not a conflict. */
  private readonly own: Set<number>;

  constructor(
    store: Store,
    private readonly random: SeededRandom,
    private readonly svc: Svc,
    old: Svc | undefined,
  ) {
    ({ ips: this.ips, ports: this.ports } = taken(store, old?.metadata?.uid));
    this.own = new Set([...(old?.spec?.ports ?? []).map((p) => p.nodePort ?? 0), old?.spec?.healthCheckNodePort ?? 0].filter((p) => p > 0));
  }

  private get name(): string {
    return this.svc.metadata?.name ?? '';
  }

  private invalid(errs: FieldError[]): Error {
    return invalidError('', 'Service', this.name, errs);
  }

  /** normalizeClusterIPs + allocClusterIPs for a Service that has none yet. */
  clusterIP(): void {
    const spec = this.svc.spec!;
    if ((spec.clusterIPs ?? []).length === 0 && (spec.clusterIP ?? '') !== '') spec.clusterIPs = [spec.clusterIP!];
    if ((spec.clusterIP ?? '') === '' && (spec.clusterIPs ?? []).length > 0) spec.clusterIP = spec.clusterIPs![0];
    const requested = spec.clusterIP ?? '';
    if (requested === 'None') return;
    if (requested === '') {
      const ip = IPS.next(this.ips, this.random);
      if (ip === undefined) throw internalError('failed to allocate a serviceIP: range is full');
      spec.clusterIP = formatIPv4(ip);
      spec.clusterIPs = [spec.clusterIP];
      return;
    }
    const ip = parseIPv4(requested);
    const repr = `[]string{${(spec.clusterIPs ?? []).map((s) => JSON.stringify(s)).join(', ')}}`;
    const fail = (why: string): Error =>
      this.invalid([invalidRepr('spec.clusterIPs', spec.clusterIPs, repr, `failed to allocate IP ${requested}: ${why}`)]);
    if (ip === undefined) {
      throw invalid('', 'Service', this.name, [fieldError.invalid('spec.clusterIPs[0]', requested, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')]);
    }
    if (!IPS.contains(ip)) {
      throw fail(`the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`);
    }
    if (this.ips.has(ip)) throw fail(ALREADY_ALLOCATED_IP);
    this.ips.add(ip);
  }

  /** A specific node port: in range and free (or already this Service's). */
  private claimPort(port: number, field: string, detail: (why: string) => string): void {
    const why = !PORTS.contains(port) ? PORT_NOT_IN_RANGE : this.ports.has(port) ? ALREADY_ALLOCATED_PORT : undefined;
    if (why !== undefined) throw this.invalid([fieldError.invalid(field, port, detail(why))]);
    if (!this.own.has(port)) this.ports.add(port);
  }

  private nextPort(what: string): number {
    const port = PORTS.next(new Set([...this.ports, ...this.own]), this.random);
    if (port === undefined) throw internalError(`failed to allocate a ${what}: range is full`);
    this.ports.add(port);
    return port;
  }

  /** initNodePorts: ports sharing a port number share a node port. */
  nodePorts(): void {
    const ports: ServicePort[] = this.svc.spec?.ports ?? [];
    const byPort = new Map<number, number>();
    const allocate = shouldAllocateNodePorts(this.svc);
    ports.forEach((p, i) => {
      const field = `spec.ports[${i}].nodePort`;
      if ((p.nodePort ?? 0) === 0 && !allocate) return;
      const shared = byPort.get(p.port);
      if (shared === undefined) {
        const requested = ports.slice(i).find((q) => q.port === p.port && (q.nodePort ?? 0) > 0)?.nodePort ?? 0;
        if (requested > 0) {
          this.claimPort(requested, field, (why) => why);
          p.nodePort = requested;
        } else p.nodePort = this.nextPort('nodePort');
        byPort.set(p.port, p.nodePort);
      } else if ((p.nodePort ?? 0) === 0) p.nodePort = shared;
      else if (p.nodePort !== shared) this.claimPort(p.nodePort!, field, (why) => why);
    });
    if (!needsHealthCheckPort(this.svc)) return;
    const spec = this.svc.spec!;
    const hc = spec.healthCheckNodePort ?? 0;
    if (hc > 0) {
      this.claimPort(hc, 'spec.healthCheckNodePort', (why) => `failed to allocate requested HealthCheck NodePort ${hc}: ${why}`);
    } else spec.healthCheckNodePort = this.nextPort('healthCheck nodePort');
  }
}

/** patchAllocatedValues: an update that leaves allocated values out keeps the old ones. */
function patchAllocatedValues(svc: Svc, old: Svc): void {
  const spec = svc.spec!;
  const before = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if ((spec.clusterIP ?? '') === '' && before.clusterIP !== undefined) spec.clusterIP = before.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && (before.clusterIPs ?? []).length > 0) spec.clusterIPs = [...before.clusterIPs!];
  }
  if (needsNodePorts(old) && needsNodePorts(svc)) {
    const ports = (s: Svc): Set<number> => new Set((s.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n > 0));
    const newPorts = ports(svc);
    const used = new Set([...ports(old)].filter((p) => newPorts.has(p)));
    const byName = new Map((before.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
    for (const p of spec.ports ?? []) {
      if ((p.nodePort ?? 0) !== 0) continue;
      const previous = byName.get(p.name ?? '') ?? 0;
      if (previous > 0 && !used.has(previous)) p.nodePort = previous;
    }
  }
  if (needsHealthCheckPort(old) && needsHealthCheckPort(svc) && (spec.healthCheckNodePort ?? 0) === 0 && before.healthCheckNodePort !== undefined) {
    spec.healthCheckNodePort = before.healthCheckNodePort;
  }
}

/** The allocators as an admission step, after defaulting and before validation. */
export function serviceAllocationPlugin(cluster: Pick<Cluster, 'store' | 'random'>): AdmissionPlugin {
  return {
    name: 'ServiceAllocation',
    admit(attrs) {
      if (attrs.type.group !== '' || attrs.type.resource !== 'services' || attrs.subresource !== undefined) return;
      const svc = attrs.object as Svc;
      svc.spec ??= {};
      const old = attrs.oldObject as Svc | undefined;
      if (attrs.operation === 'CREATE') {
        // The Service strategy's PrepareForCreate: an empty status, which Go writes as this.
        (svc as KObject).status = { loadBalancer: {} };
      } else if (old !== undefined) patchAllocatedValues(svc, old);
      const alloc = new Allocation(cluster.store, cluster.random, svc, old);
      if (needsClusterIP(svc) && (old === undefined || !needsClusterIP(old))) alloc.clusterIP();
      if (needsNodePorts(svc)) alloc.nodePorts();
    },
  };
}

export function installServiceAllocation(cluster: Cluster): void {
  cluster.registry.addAdmission(serviceAllocationPlugin(cluster));
}
