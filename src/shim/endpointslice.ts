// The EndpointSlice controller: discovery.k8s.io/v1 EndpointSlices (`<svc>-<5 random>`,
// owned by the Service) listing every selected pod that has an IP, terminating ones
// included, with ready/serving/terminating conditions. Pods whose named ports resolve
// differently go to different slices; a slice holds at most 100 endpoints; a Service
// without endpoints keeps one empty placeholder slice. Existing slices are updated in
// place rather than replaced, so their names stay stable.
// K:staging/src/k8s.io/endpointslice/reconciler.go (reconcileByAddressType,
// reconcileByPortMapping, finalize), K:staging/src/k8s.io/endpointslice/utils.go
// (podToEndpoint, getEndpointPorts, setEndpointSliceLabels, newEndpointSlice).
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { Controller, ControllerContext } from './controller.ts';
import { controlledBy, isPodReady, newControllerRef, splitKey, tolerate } from './controller-utils.ts';
import { discoveryEndpointPortRepr, sortByHash } from './deep-hash.ts';
import {
  findPort, HEADLESS_LABEL, isHeadless, managesEndpoints, NODES, podIPv4, ServiceIndex, SERVICES,
  shouldPodBeInEndpoints, shouldSetHostname, TRIGGER_TIME_ANNOTATION, TriggerTimeTracker, type Svc,
} from './endpoint-util.ts';
import { isStatusError } from './errors.ts';
import { deepEqual, type GroupResource, type KObject } from './objects.ts';
import { parseIPv4 } from './service-ip.ts';
import type { Change } from './store.ts';

export const ENDPOINTSLICES: GroupResource = { group: 'discovery.k8s.io', resource: 'endpointslices' };
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice default. */
const MAX_ENDPOINTS_PER_SLICE = 100;
const RESERVED_LABELS = new Set([SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL]);

type Slice = EndpointSlice & KObject;

/** The desired endpoints for one set of ports. */
interface Group {
  ports: EndpointPort[];
  endpoints: Map<string, Endpoint>;
}

/** A slice as this sync will leave it. */
interface Plan {
  slice: Slice | undefined;
  endpoints: Endpoint[];
  ports: EndpointPort[];
  changed: boolean;
}

const portKey = (ports: readonly EndpointPort[] | null | undefined): string => JSON.stringify(ports ?? []);

/** Identity of an endpoint across syncs (upstream hashes addresses, hostname and target). */
const endpointKey = (e: Endpoint): string =>
  JSON.stringify([[...e.addresses].sort(), e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  private readonly queue = new Set<string>();
  private readonly services: ServiceIndex;
  private readonly triggers = new TriggerTimeTracker();
  private readonly endpoints = new WeakMap<Pod, { svc: Svc; node: Node | undefined; ports: EndpointPort[]; portKey: string; endpoint: Endpoint; key: string }>();

  constructor(private readonly ctx: ControllerContext) {
    this.services = new ServiceIndex(ctx);
    for (const svc of ctx.store.list(SERVICES).items) this.queue.add(`${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`);
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    for (const key of this.services.affected(c)) this.queue.add(key);
    if (c.gr.group === ENDPOINTSLICES.group && c.gr.resource === ENDPOINTSLICES.resource) {
      // Someone else edited or deleted one of our slices: put it right.
      const labels = c.object.metadata?.labels ?? {};
      if (labels[MANAGED_BY_LABEL] === CONTROLLER_NAME && labels[SERVICE_NAME_LABEL] !== undefined) {
        this.queue.add(`${c.object.metadata?.namespace ?? ''}/${labels[SERVICE_NAME_LABEL]}`);
      }
    }
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
      // Its slices are owned by it: the garbage collector removes them.
      this.triggers.forget(key);
      return;
    }
    if (!managesEndpoints(svc)) return;
    const pods = this.services.pods(svc);
    const trigger = this.triggers.compute(svc, pods);
    const desired = this.desired(svc, pods);
    const existing = (controlledBy(this.ctx, ENDPOINTSLICES, svc.metadata?.uid) as Slice[])
      .filter((s) => s.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME && s.addressType === 'IPv4')
      .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
    const labels = sliceLabels(svc);

    const keep: Plan[] = [];
    const toDelete: Slice[] = [];
    const toCreate: Plan[] = [];
    for (const slice of existing) {
      const group = desired.get(portKey(slice.ports));
      if (group === undefined) {
        toDelete.push(slice);
        continue;
      }
      const endpoints: Endpoint[] = [];
      let changed = !deepEqual(slice.metadata?.labels ?? {}, labels);
      for (const e of slice.endpoints ?? []) {
        const k = endpointKey(e);
        const want = group.endpoints.get(k);
        if (want === undefined) {
          changed = true;
          continue;
        }
        if (!deepEqual(want, e)) changed = true;
        endpoints.push(want);
        group.endpoints.delete(k);
      }
      if (endpoints.length === 0) toDelete.push(slice);
      else keep.push({ slice, endpoints, ports: group.ports, changed });
    }
    // Endpoints not yet placed: into slices being updated first, then a slice with room
    // for all of them, then new slices.
    for (const [k, group] of desired) {
      let rest = [...group.endpoints.values()];
      for (const plan of keep) {
        if (rest.length === 0) break;
        if (!plan.changed || portKey(plan.ports) !== k) continue;
        const room = MAX_ENDPOINTS_PER_SLICE - plan.endpoints.length;
        plan.endpoints.push(...rest.slice(0, Math.max(0, room)));
        rest = rest.slice(Math.max(0, room));
      }
      if (rest.length > 0 && rest.length < MAX_ENDPOINTS_PER_SLICE) {
        const fill = keep.filter((p) => !p.changed && portKey(p.ports) === k && p.endpoints.length + rest.length <= MAX_ENDPOINTS_PER_SLICE)
          .sort((a, b) => b.endpoints.length - a.endpoints.length)[0];
        if (fill !== undefined) {
          fill.endpoints.push(...rest);
          fill.changed = true;
          rest = [];
        }
      }
      for (let i = 0; i < rest.length; i += MAX_ENDPOINTS_PER_SLICE) {
        toCreate.push({ slice: undefined, endpoints: rest.slice(i, i + MAX_ENDPOINTS_PER_SLICE), ports: group.ports, changed: true });
      }
    }
    // A Service with no endpoints keeps one empty slice, so its consumers see it exists.
    if (keep.length === 0 && toCreate.length === 0) {
      const placeholder = toDelete.length === 1 && isPlaceholder(toDelete[0]!, labels) ? toDelete.pop() : undefined;
      if (placeholder === undefined) toCreate.push({ slice: undefined, endpoints: [], ports: [], changed: true });
    }
    // An update is cheaper than a delete and a create: recycle slices due for deletion.
    for (const plan of toCreate) {
      const recycled = toDelete.shift();
      if (recycled === undefined) break;
      plan.slice = recycled;
    }
    // Upstream's order within a slice follows its map iteration (effectively random);
    // sorting by address keeps it stable and in step with the Endpoints object.
    for (const plan of [...toCreate, ...keep]) {
      plan.endpoints = sortEndpoints(plan.endpoints);
      if (plan.slice !== undefined && !deepEqual(plan.endpoints, plan.slice.endpoints ?? [])) plan.changed = true;
    }
    for (const plan of toCreate) this.write(svc, plan, labels, trigger);
    for (const plan of keep) if (plan.changed) this.write(svc, plan, labels, trigger);
    for (const slice of toDelete) tolerate(() => this.ctx.registry.delete(ENDPOINTSLICES, ns, slice.metadata?.name ?? ''));
  }

  /** The endpoints every selected pod should have, grouped by its resolved ports. */
  private desired(svc: Svc, pods: Pod[]): Map<string, Group> {
    const out = new Map<string, Group>();
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const nodeName = pod.spec?.nodeName ?? '';
      const node = nodeName === '' ? undefined : (this.ctx.store.get(NODES, '', nodeName) as Node | undefined);
      // upstream: "skipping Pod … Node … Not Found", retried later.
      if (nodeName !== '' && node === undefined) continue;
      // Stored objects are replaced, never changed: the same pod, Service and node give
      // the same endpoint, so a big Service does not rebuild thousands of them per sync.
      let entry = this.endpoints.get(pod);
      if (entry === undefined || entry.svc !== svc || entry.node !== node) {
        const ip = podIPv4(pod);
        if (ip === undefined) continue;
        const ports = endpointPorts(svc, pod);
        const endpoint = podToEndpoint(pod, node, svc, ip);
        entry = { svc, node, ports, portKey: portKey(ports), endpoint, key: endpointKey(endpoint) };
        this.endpoints.set(pod, entry);
      }
      let group = out.get(entry.portKey);
      if (group === undefined) out.set(entry.portKey, (group = { ports: entry.ports, endpoints: new Map() }));
      group.endpoints.set(entry.key, entry.endpoint);
    }
    return out;
  }

  private write(svc: Svc, plan: Plan, labels: Record<string, string>, trigger: string | undefined): void {
    const ns = svc.metadata?.namespace ?? '';
    const annotations: Record<string, string> = { ...(plan.slice?.metadata?.annotations ?? {}) };
    if (trigger !== undefined) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
    else delete annotations[TRIGGER_TIME_ANNOTATION];
    const metadata = plan.slice !== undefined
      ? { ...plan.slice.metadata }
      : { generateName: `${svc.metadata?.name ?? ''}-`, namespace: ns, ownerReferences: [newControllerRef(svc)] };
    const slice: KObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { ...metadata, labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      addressType: 'IPv4',
      // Empty lists come back from storage as null (protobuf keeps no empty lists).
      endpoints: plan.endpoints.length > 0 ? plan.endpoints : null,
      ports: plan.ports.length > 0 ? plan.ports : null,
    };
    try {
      if (plan.slice === undefined) this.ctx.registry.create(ENDPOINTSLICES, slice, { namespace: ns });
      else this.ctx.registry.update(ENDPOINTSLICES, slice);
    } catch (e) {
      // Conflicts and a terminating namespace resolve themselves; the next change requeues.
      if (!isStatusError(e)) throw e;
    }
  }
}

function sortEndpoints(endpoints: Endpoint[]): Endpoint[] {
  const keyed = endpoints.map((e) => ({ e, ip: parseIPv4(e.addresses[0] ?? '') ?? 0, name: e.targetRef?.name ?? '' }));
  keyed.sort((a, b) => a.ip - b.ip || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return keyed.map((k) => k.e);
}

/** setEndpointSliceLabels: the Service's labels, minus reserved keys, plus ours. */
function sliceLabels(svc: Svc): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!RESERVED_LABELS.has(k)) out[k] = v;
  if (isHeadless(svc)) out[HEADLESS_LABEL] = '';
  out[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  out[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return out;
}

function isPlaceholder(slice: Slice, labels: Record<string, string>): boolean {
  return (slice.endpoints ?? []).length === 0 && (slice.ports ?? []).length === 0 && deepEqual(slice.metadata?.labels ?? {}, labels);
}

/** getEndpointPorts: the Service's ports resolved against the pod, in upstream's hash order. */
function endpointPorts(svc: Svc, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const p of svc.spec?.ports ?? []) {
    const port = findPort(pod, p);
    if (port === undefined) continue;
    out.push({ name: p.name ?? '', port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) });
  }
  return sortByHash(out, discoveryEndpointPortRepr);
}

/** podToEndpoint */
function podToEndpoint(pod: Pod, node: Node | undefined, svc: Svc, ip: string): Endpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata?.deletionTimestamp !== undefined;
  const zone = node?.metadata?.labels?.['topology.kubernetes.io/zone'];
  return {
    addresses: [ip],
    conditions: { ready: svc.spec?.publishNotReadyAddresses === true || (serving && !terminating), serving, terminating },
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    ...((pod.spec?.nodeName ?? '') !== '' ? { nodeName: pod.spec!.nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}
