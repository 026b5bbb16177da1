// What the Endpoints and EndpointSlice controllers share: which Services select a pod,
// whether a pod belongs in endpoints, port resolution by name, and the
// last-change-trigger-time bookkeeping.
// K:staging/src/k8s.io/endpointslice/util/controller_utils.go (ShouldPodBeInEndpoints,
// ShouldSetHostname, podEndpointsChanged), K:pkg/api/v1/pod/util.go (FindPort),
// K:staging/src/k8s.io/endpointslice/util/trigger_time_tracker.go.
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1';
import { parseTime } from './clock.ts';
import { CORE, type ControllerContext } from './controller.ts';
import { isPodReady, isPodTerminal, keyOf, podReadyCondition, selectorOf } from './controller-utils.ts';
import { deepEqual, type KObject } from './objects.ts';
import type { LabelSelector } from './selectors.ts';
import type { Change } from './store.ts';

export const SERVICES = CORE('services');
export const PODS = CORE('pods');
export const NODES = CORE('nodes');
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export type Svc = Service & KObject;

/** Services that manage endpoints: a selector (even an empty one) and not ExternalName. */
export const managesEndpoints = (svc: Svc): boolean =>
  svc.spec?.type !== 'ExternalName' && svc.spec?.selector !== undefined && svc.spec.selector !== null;

export const isHeadless = (svc: Svc): boolean => (svc.spec?.clusterIP ?? '') === '' || svc.spec?.clusterIP === 'None';

/** ShouldPodBeInEndpoints: has an IP, not terminal, and not terminating unless asked. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if ((pod.status?.podIP ?? '') === '' && (pod.status?.podIPs ?? []).length === 0) return false;
  return includeTerminating || pod.metadata?.deletionTimestamp === undefined;
}

/** ShouldSetHostname: `hostname` set and `subdomain` naming this Service. */
export const shouldSetHostname = (pod: Pod, svc: Svc): boolean =>
  (pod.spec?.hostname ?? '') !== '' && pod.spec?.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;

/** The pod's IPv4 address (kind is single-stack IPv4). */
export function podIPv4(pod: Pod): string | undefined {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '');
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips.find((ip) => ip !== '' && !ip.includes(':'));
}

/** FindPort: a numeric targetPort as is, a named one through the pod's (sidecar) container ports. */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return p.containerPort;
    }
  }
  return undefined;
}

/**
 * Whether a pod change can change endpoints (podEndpointsChanged): container states,
 * restarts and logs are no news.
 */
function endpointsChanged(before: Pod, after: Pod): boolean {
  const a = before.status;
  const b = after.status;
  return before.metadata?.labels !== after.metadata?.labels && !deepEqual(before.metadata?.labels, after.metadata?.labels) ||
    (before.metadata?.deletionTimestamp === undefined) !== (after.metadata?.deletionTimestamp === undefined) ||
    a?.podIP !== b?.podIP || a?.phase !== b?.phase || !deepEqual(a?.podIPs, b?.podIPs) ||
    isPodReady(before) !== isPodReady(after) || podReadyCondition(before)?.lastTransitionTime !== podReadyCondition(after)?.lastTransitionTime ||
    before.spec?.nodeName !== after.spec?.nodeName || before.spec?.hostname !== after.spec?.hostname || before.spec?.subdomain !== after.spec?.subdomain;
}

interface Selected {
  selector: LabelSelector;
  /** `spec.selector` as JSON, to notice when it changes. */
  spec: string;
  /** The pods it selects now, by name, in the order they appeared. */
  pods: Map<string, Pod>;
}

/**
 * The Services of each namespace with their selectors and the pods each one selects,
 * kept up to date from the change stream, so a pod change queues only the Services that
 * select (or selected) it and a sync never has to list and filter every pod.
 */
export class ServiceIndex {
  private readonly byNamespace = new Map<string, Map<string, Selected>>();

  constructor(private readonly ctx: ControllerContext) {
    for (const svc of ctx.store.list(SERVICES).items) this.set(svc as Svc);
  }

  /** The pods the Service selects (a Service the index does not manage selects none). */
  pods(svc: Svc): Pod[] {
    const entry = this.byNamespace.get(svc.metadata?.namespace ?? '')?.get(svc.metadata?.name ?? '');
    return entry === undefined ? [] : [...entry.pods.values()];
  }

  /** Keys of the Services a change concerns. */
  affected(c: Change): string[] {
    const { group, resource } = c.gr;
    if (group !== '') return [];
    if (resource === 'services') {
      if (c.type === 'DELETED') this.byNamespace.get(c.object.metadata?.namespace ?? '')?.delete(c.object.metadata?.name ?? '');
      else this.set(c.object as Svc);
      return [keyOf(c.object)];
    }
    if (resource === 'pods') {
      const ns = c.object.metadata?.namespace ?? '';
      const services = this.byNamespace.get(ns);
      if (services === undefined || services.size === 0) return [];
      const name = c.object.metadata?.name ?? '';
      const pod = c.object as Pod;
      const relevant = c.type !== 'MODIFIED' || c.previous === undefined || endpointsChanged(c.previous as Pod, pod);
      const out: string[] = [];
      for (const [svcName, entry] of services) {
        const was = entry.pods.has(name);
        const is = c.type !== 'DELETED' && entry.selector.matches(pod.metadata?.labels);
        if (is) entry.pods.set(name, pod);
        else if (was) entry.pods.delete(name);
        if ((is || was) && relevant) out.push(`${ns}/${svcName}`);
      }
      return out;
    }
    if (resource === 'nodes' && c.type === 'MODIFIED') {
      // Only the zone of a node shows in endpoints (EndpointSlice `zone`).
      const zone = (o: KObject | undefined): string | undefined => o?.metadata?.labels?.['topology.kubernetes.io/zone'];
      if (zone(c.previous) === zone(c.object)) return [];
      return [...this.byNamespace].flatMap(([ns, names]) => [...names.keys()].map((n) => `${ns}/${n}`));
    }
    return [];
  }

  private set(svc: Svc): void {
    const ns = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    let names = this.byNamespace.get(ns);
    if (names === undefined) this.byNamespace.set(ns, (names = new Map()));
    if (!managesEndpoints(svc)) {
      names.delete(name);
      return;
    }
    const spec = JSON.stringify(svc.spec?.selector ?? {});
    if (names.get(name)?.spec === spec) return;
    const selector = selectorOf({ matchLabels: svc.spec?.selector ?? {} });
    const pods = new Map<string, Pod>();
    for (const p of this.ctx.store.list(PODS, { namespace: ns, labelSelector: selector }).items) pods.set(p.metadata?.name ?? '', p as Pod);
    names.set(name, { selector, spec, pods });
  }
}

/**
 * TriggerTimeTracker: the earliest change (a pod's Ready transition, the Service's
 * creation) not yet reflected in the Service's endpoints; the Service's creation time
 * the first time it is seen. Each controller keeps its own.
 */
export class TriggerTimeTracker {
  private readonly state = new Map<string, { pods: Map<string, number>; service: number }>();
  // Many pods share a Ready second: parse each stamp once.
  private readonly parsed = new Map<string, number>();

  private ms(stamp: string): number {
    let v = this.parsed.get(stamp);
    if (v === undefined) {
      if (this.parsed.size > 10_000) this.parsed.clear();
      this.parsed.set(stamp, (v = parseTime(stamp)));
    }
    return v;
  }

  compute(svc: Svc, pods: readonly Pod[]): string | undefined {
    const key = keyOf(svc);
    const previous = this.state.get(key);
    let min: string | undefined;
    let minMs = Infinity;
    const consider = (stamp: string, ms: number): void => {
      if (ms < minMs) {
        minMs = ms;
        min = stamp;
      }
    };
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const stamp = podReadyCondition(pod)?.lastTransitionTime;
      if (stamp === undefined) continue;
      const ms = this.ms(stamp);
      podTimes.set(pod.metadata?.name ?? '', ms);
      if (ms > (previous?.pods.get(pod.metadata?.name ?? '') ?? -Infinity)) consider(stamp, ms);
    }
    const created = svc.metadata?.creationTimestamp ?? '';
    const createdMs = created === '' ? 0 : parseTime(created);
    if (createdMs > (previous?.service ?? -Infinity)) consider(created, createdMs);
    this.state.set(key, { pods: podTimes, service: createdMs });
    if (previous === undefined) return created === '' ? undefined : created;
    return min;
  }

  forget(key: string): void {
    this.state.delete(key);
  }
}
