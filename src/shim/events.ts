// The event recorder every controller and the kubelet use: core/v1 Events with
// upstream's names and aggregation, so `kubectl get events` and `describe` show
// what a kind cluster shows. Sources: K:staging/src/k8s.io/client-go/tools/record/
// (event.go, events_cache.go) — repeats of the same (object, type, reason,
// message, source) within ten minutes bump `count` and `lastTimestamp` instead
// of creating a new Event.
import type { Event, ObjectReference } from 'kubernetes-types/core/v1';
import { rfc3339 } from './clock.ts';
import type { ControllerContext } from './controller.ts';
import { isStatusError } from './errors.ts';
import type { KObject } from './objects.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  /** e.g. `kubelet`, `default-scheduler`, `statefulset-controller`. */
  component: string;
  /** The node, for kubelet events. */
  host?: string;
}

const EVENTS = { group: '', resource: 'events' };
const AGGREGATION_WINDOW_MS = 10 * 60 * 1000;
/** kube-apiserver --event-ttl default. */
export const EVENT_TTL_MS = 60 * 60 * 1000;

export function objectReference(obj: KObject, fieldPath?: string): ObjectReference {
  const m = obj.metadata ?? {};
  // Members left unset are absent rather than undefined: the recorder hands this
  // object to the registry without the copy that would otherwise drop them.
  const ref: ObjectReference = {};
  if (obj.kind !== undefined) ref.kind = obj.kind;
  if (m.namespace !== undefined) ref.namespace = m.namespace;
  if (m.name !== undefined) ref.name = m.name;
  if (m.uid !== undefined) ref.uid = m.uid;
  if (obj.apiVersion !== undefined) ref.apiVersion = obj.apiVersion;
  if (m.resourceVersion !== undefined) ref.resourceVersion = m.resourceVersion;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

/**
 * `%x` of `ms * 1e6 + tick` (virtual nanoseconds), as upstream formats t.UnixNano().
 * The product passes 2^53, so the digits above the low 24 bits come from BigInt
 * once per millisecond and the low 24 bits (where the tick lands) from plain numbers.
 */
let hexMs = NaN;
let hexHigh = 0n;
let hexHighDigits = '';
let hexLow = 0;
const LOW_BITS = 24;
const LOW_SPAN = 1 << LOW_BITS;
function nanosHex(ms: number, tick: number): string {
  if (ms !== hexMs) {
    const nanos = BigInt(ms) * 1_000_000n;
    hexMs = ms;
    hexHigh = nanos >> BigInt(LOW_BITS);
    hexHighDigits = hexHigh === 0n ? '' : hexHigh.toString(16);
    hexLow = Number(nanos & BigInt(LOW_SPAN - 1));
  }
  const low = hexLow + tick;
  if (low >= LOW_SPAN) return ((hexHigh << BigInt(LOW_BITS)) + BigInt(low)).toString(16);
  return hexHighDigits === '' ? low.toString(16) : hexHighDigits + low.toString(16).padStart(LOW_BITS / 4, '0');
}

/**
 * One tie-breaking counter per cluster (keyed by its store), shared by every
 * recorder: two controllers recording about the same object in the same
 * millisecond must not produce the same event name.
 */
const ticks = new WeakMap<object, number>();
function nextTick(ctx: ControllerContext): number {
  const tick = ticks.get(ctx.store) ?? 0;
  ticks.set(ctx.store, tick + 1);
  return tick;
}

interface RecentEvent {
  readonly fieldPath: string;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly component: string;
  readonly host: string;
  /** The event this combination last made, and when it was last recorded. */
  name: string;
  namespace: string;
  last: number;
}

export class EventRecorder {
  /**
   * Aggregation keys, for repeats: involved object uid → the (fieldPath, type, reason,
   * message, source) combinations recorded about it and the event each made. Keyed by
   * the uid alone so that no key string is built and hashed per event.
   */
  private readonly recent = new Map<string, RecentEvent[]>();
  private recentSize = 0;

  constructor(private readonly ctx: ControllerContext) {}

  /**
   * Records an event about `obj`. `fieldPath` names a container
   * (`spec.containers{nginx}`) for kubelet events about one container.
   */
  record(obj: KObject, type: EventType, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    const involved = objectReference(obj, fieldPath);
    // Cluster-scoped objects (nodes, PVs) get their events in `default`, as upstream.
    const namespace = involved.namespace || 'default';
    const now = this.ctx.clock.now();
    const uid = involved.uid ?? '';
    const fieldPathKey = involved.fieldPath ?? '';
    const host = source.host ?? '';
    let about = this.recent.get(uid);
    let previous: RecentEvent | undefined;
    if (about !== undefined) {
      for (const e of about) {
        if (e.reason === reason && e.message === message && e.type === type && e.fieldPath === fieldPathKey && e.component === source.component && e.host === host) {
          previous = e;
          break;
        }
      }
    }
    const registry = this.ctx.registry;
    if (previous && now - previous.last < AGGREGATION_WINDOW_MS) {
      try {
        const existing = registry.get(EVENTS, previous.namespace, previous.name) as unknown as Event;
        registry.update(EVENTS, { ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: rfc3339(now) } as KObject);
        previous.last = now;
        return;
      } catch (error) {
        if (!isStatusError(error)) throw error;
        // The event expired or was deleted: record a fresh one.
      }
    }
    // Upstream: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()); a counter breaks ties
    // between events recorded in the same virtual nanosecond.
    const name = `${involved.name ?? 'unknown'}.${nanosHex(now, nextTick(this.ctx) % 1_000_000)}`;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: involved,
      reason,
      message,
      source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
      type,
      count: 1,
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    try {
      // Built here for this call alone: the registry may keep it without a copy.
      registry.create(EVENTS, event as unknown as KObject, { namespace, handover: true });
    } catch (error) {
      // Events are best effort, as in client-go: a terminating namespace refuses them.
      if (!isStatusError(error)) throw error;
      return;
    }
    if (previous !== undefined) {
      previous.name = name;
      previous.namespace = namespace;
      previous.last = now;
    } else {
      if (about === undefined) this.recent.set(uid, (about = []));
      about.push({ fieldPath: fieldPathKey, type, reason, message, component: source.component, host, name, namespace, last: now });
      this.recentSize++;
    }
    this.scheduleExpiry(namespace, name, now);
    if (this.recentSize > this.sweepAt) this.forgetOld(now);
  }

  /** Repeats older than the aggregation window start a new event anyway: drop their keys. */
  private forgetOld(now: number): void {
    let size = 0;
    for (const [uid, about] of this.recent) {
      const kept = about.filter((e) => now - e.last < AGGREGATION_WINDOW_MS);
      if (kept.length === 0) this.recent.delete(uid);
      else if (kept.length !== about.length) this.recent.set(uid, kept);
      size += kept.length;
    }
    this.recentSize = size;
    this.sweepAt = Math.max(1024, size * 2);
  }

  private sweepAt = 1024;


  private scheduleExpiry(namespace: string, name: string, now: number): void {
    this.ctx.clock.at(now + EVENT_TTL_MS, () => {
      try {
        this.ctx.registry.delete(EVENTS, namespace, name);
      } catch (error) {
        if (!isStatusError(error)) throw error;
      }
    }, { background: true, label: `event-ttl ${namespace}/${name}` });
  }
}
