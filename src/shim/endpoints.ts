// The Endpoints controller: one v1 Endpoints object per Service with a selector, named
// like the Service, listing the selected pods' addresses (ready ones in `addresses`,
// others in `notReadyAddresses`) for every port. Still maintained in 1.32, and what
// `kubectl get endpoints` and `describe service` show.
// K:pkg/controller/endpoint/endpoints_controller.go (syncService, addEndpointSubset,
// truncateEndpoints), K:pkg/api/v1/endpoints/util.go (RepackSubsets, SortSubsets).
import type { EndpointAddress, EndpointPort, Endpoints, EndpointSubset, Pod } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { isPodReady, splitKey, tolerate } from './controller-utils.ts';
import { coreEndpointPortRepr, sortByHash } from './deep-hash.ts';
import {
  findPort, HEADLESS_LABEL, isHeadless, managesEndpoints, podIPv4, ServiceIndex, SERVICES, shouldPodBeInEndpoints,
  shouldSetHostname, TRIGGER_TIME_ANNOTATION, TriggerTimeTracker, type Svc,
} from './endpoint-util.ts';
import { EndpointSliceController } from './endpointslice.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import { deepEqual, type KObject } from './objects.ts';
import { parseIPv4 } from './service-ip.ts';
import type { Change } from './store.ts';

const ENDPOINTS = CORE('endpoints');
const SOURCE = { component: 'endpoint-controller' };
/** maxCapacity: beyond this many addresses an Endpoints object is truncated. */
const MAX_CAPACITY = 1000;
const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

/** Registers the Endpoints and EndpointSlice controllers on a cluster. */
export function installEndpointControllers(cluster: Cluster): void {
  cluster.addController((ctx) => new EndpointsController(ctx));
  cluster.addController((ctx) => new EndpointSliceController(ctx));
}

export class EndpointsController implements Controller {
  readonly name = 'endpoint-controller';
  private readonly queue = new Set<string>();
  private readonly services: ServiceIndex;
  private readonly triggers = new TriggerTimeTracker();
  private readonly events: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.services = new ServiceIndex(ctx);
    this.events = new EventRecorder(ctx);
    for (const svc of ctx.store.list(SERVICES).items) this.queue.add(`${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`);
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    for (const key of this.services.affected(c)) this.queue.add(key);
    return this.queue.size > before;
  }

  hasWork(): boolean {
    return this.queue.size > 0;
  }

  reconcile(): void {
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) this.sync(key);
  }

  private sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.ctx.store.get(SERVICES, ns, name) as Svc | undefined;
    if (svc === undefined) {
      // The Service is gone: so are its Endpoints (they carry no owner reference).
      this.triggers.forget(key);
      tolerate(() => this.ctx.registry.delete(ENDPOINTS, ns, name));
      return;
    }
    if (!managesEndpoints(svc)) return;
    const pods = this.services.pods(svc);
    const trigger = this.triggers.compute(svc, pods);
    const subsets = repackSubsets(this.subsetsFor(svc, pods));
    const current = this.ctx.store.get(ENDPOINTS, ns, name) as (Endpoints & KObject) | undefined;
    const labels = { ...(svc.metadata?.labels ?? {}) };
    if (current !== undefined) {
      const currentLabels = { ...(current.metadata?.labels ?? {}) };
      delete currentLabels[HEADLESS_LABEL];
      const overCapacity = current.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION] === 'truncated';
      if (deepEqual(current.subsets ?? [], subsets) && deepEqual(currentLabels, labels) && overCapacity === (countAddresses(subsets) > MAX_CAPACITY)) return;
    }
    const annotations: Record<string, string> = { ...(current?.metadata?.annotations ?? {}) };
    if (trigger !== undefined) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
    else delete annotations[TRIGGER_TIME_ANNOTATION];
    if (truncate(subsets)) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
    const ep: KObject = {
      ...(current ?? { apiVersion: 'v1', kind: 'Endpoints' }),
      metadata: {
        ...(current?.metadata ?? { name, namespace: ns }),
        ...(Object.keys(labels).length > 0 ? { labels } : { labels: undefined }),
        ...(Object.keys(annotations).length > 0 ? { annotations } : { annotations: undefined }),
      },
      subsets: subsets.length > 0 ? subsets : undefined,
    };
    try {
      if (current === undefined) this.ctx.registry.create(ENDPOINTS, ep, { namespace: ns });
      else this.ctx.registry.update(ENDPOINTS, ep);
    } catch (e) {
      if (!isStatusError(e)) throw e;
      if (e.reason === 'Conflict' || e.reason === 'NotFound' || e.reason === 'AlreadyExists') return;
      if ((e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')) return;
      const msg = current === undefined
        ? `Failed to create endpoint for service ${ns}/${name}: ${e.message}`
        : `Failed to update endpoint ${ns}/${name}: ${e.message}`;
      this.events.record(ep, 'Warning', current === undefined ? 'FailedToCreateEndpoint' : 'FailedToUpdateEndpoint', msg, SOURCE);
    }
  }

  /** One single-address subset per (pod, port), as syncService builds them before repacking. */
  private subsetsFor(svc: Svc, pods: Pod[]): Subset[] {
    const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
    const out: Subset[] = [];
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
      const ip = podIPv4(pod);
      if (ip === undefined) continue;
      const address: EndpointAddress = {
        ip,
        ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname } : {}),
        nodeName: pod.spec?.nodeName ?? '',
        targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
      };
      const ready = publishNotReady || isPodReady(pod);
      const ports = svc.spec?.ports ?? [];
      if (ports.length === 0) {
        // A headless Service may have no ports at all.
        if (svc.spec?.clusterIP === 'None') out.push({ address, ready, port: undefined });
        continue;
      }
      for (const p of ports) {
        const number = findPort(pod, p);
        if (number === undefined) continue;
        const port: EndpointPort = { ...(p.name ? { name: p.name } : {}), port: number, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) };
        out.push({ address, ready, port });
      }
    }
    return out;
  }
}

interface Subset {
  address: EndpointAddress;
  ready: boolean;
  port: EndpointPort | undefined;
}

const countAddresses = (subsets: readonly EndpointSubset[]): number =>
  subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);

/**
 * RepackSubsets: addresses grouped by the set of ports they serve (an address ready on
 * any port counts as ready there), then sorted as SortSubsets does.
 */
export function repackSubsets(input: readonly Subset[]): EndpointSubset[] {
  const portKey = (p: EndpointPort | undefined): string => (p === undefined ? '' : JSON.stringify([p.name ?? '', p.port, p.protocol, p.appProtocol ?? null]));
  const addrKey = (a: EndpointAddress): string => `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
  const addresses = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  for (const s of input) {
    const ak = addrKey(s.address);
    if (!addresses.has(ak)) addresses.set(ak, s.address);
    const pk = portKey(s.port);
    let entry = byPort.get(pk);
    if (entry === undefined) byPort.set(pk, (entry = { port: s.port, ready: new Map() }));
    if (entry.ready.get(ak) !== true) entry.ready.set(ak, s.ready);
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = [...ready].map(([a, r]) => `${a}=${r}`).sort().join('\u0001');
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { ready, ports: [] }));
    if (port !== undefined) g.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, r] of g.ready) (r ? ready : notReady).push(addresses.get(ak)!);
    const s: EndpointSubset = {};
    if (ready.length > 0) s.addresses = sortAddresses(ready);
    if (notReady.length > 0) s.notReadyAddresses = sortAddresses(notReady);
    if (g.ports.length > 0) s.ports = sortByHash(g.ports, coreEndpointPortRepr);
    subsets.push(s);
  }
  return sortByHash(subsets, subsetRepr);
}

/** addrsByIPAndUID: by address (numerically), then target uid. */
function sortAddresses(addresses: EndpointAddress[]): EndpointAddress[] {
  const keyed = addresses.map((a) => ({ a, ip: parseIPv4(a.ip) ?? 0, uid: a.targetRef?.uid ?? '' }));
  keyed.sort((x, y) => x.ip - y.ip || (x.uid < y.uid ? -1 : x.uid > y.uid ? 1 : 0));
  return keyed.map((k) => k.a);
}

/** go-spew `%#v` of an EndpointSubset, for subsetsByHash. */
function subsetRepr(s: EndpointSubset): string {
  const addr = (a: EndpointAddress): string => {
    const r = a.targetRef;
    const ref = r === undefined
      ? '(*v1.ObjectReference)<nil>'
      : `(*v1.ObjectReference){Kind:(string)${r.kind ?? ''} Namespace:(string)${r.namespace ?? ''} Name:(string)${r.name ?? ''} UID:(types.UID)${r.uid ?? ''} APIVersion:(string)${r.apiVersion ?? ''} ResourceVersion:(string)${r.resourceVersion ?? ''} FieldPath:(string)${r.fieldPath ?? ''}}`;
    return `{IP:(string)${a.ip} Hostname:(string)${a.hostname ?? ''} NodeName:${a.nodeName === undefined ? '(*string)<nil>' : `(*string)${a.nodeName}`} TargetRef:${ref}}`;
  };
  const list = (xs: EndpointAddress[] | undefined): string => (xs === undefined ? '([]v1.EndpointAddress)<nil>' : `([]v1.EndpointAddress)[${xs.map(addr).join(' ')}]`);
  const ports = s.ports === undefined
    ? '([]v1.EndpointPort)<nil>'
    : `([]v1.EndpointPort)[${s.ports.map((p) => coreEndpointPortRepr(p).replace('(v1.EndpointPort)', '')).join(' ')}]`;
  return `(v1.EndpointSubset){Addresses:${list(s.addresses)} NotReadyAddresses:${list(s.notReadyAddresses)} Ports:${ports}}`;
}

/** truncateEndpoints: keep at most 1000 addresses, ready ones first, proportionally per subset. */
function truncate(subsets: EndpointSubset[]): boolean {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= MAX_CAPACITY) return false;
  const truncateReady = totalReady > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  subsets.forEach((s, i) => {
    const inSubset = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    let toBeAdded = i === subsets.length - 1 ? canBeAdded : Math.ceil((inSubset / numTotal) * max);
    toBeAdded = Math.min(toBeAdded, canBeAdded);
    if (truncateReady) {
      s.addresses = s.addresses?.slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses?.length ?? 0;
    } else {
      s.notReadyAddresses = s.notReadyAddresses?.slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses?.length ?? 0;
    }
  });
  return true;
}

