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
  return {
    kind: obj.kind,
    namespace: m.namespace,
    name: m.name,
    uid: m.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: m.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
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

export class EventRecorder {
  /** aggregation key → event name, for repeats. */
  private readonly recent = new Map<string, { name: string; namespace: string; last: number }>();

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
    const key = [involved.uid, involved.fieldPath ?? '', type, reason, message, source.component, source.host ?? ''].join('\u0000');
    const previous = this.recent.get(key);
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
    const nanos = BigInt(now) * 1_000_000n + BigInt(nextTick(this.ctx) % 1_000_000);
    const name = `${involved.name ?? 'unknown'}.${nanos.toString(16)}`;
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
      registry.create(EVENTS, event as unknown as KObject, { namespace });
    } catch (error) {
      // Events are best effort, as in client-go: a terminating namespace refuses them.
      if (!isStatusError(error)) throw error;
      return;
    }
    this.recent.set(key, { name, namespace, last: now });
    this.scheduleExpiry(namespace, name, now);
    if (this.recent.size > this.sweepAt) this.forgetOld(now);
  }

  /** Repeats older than the aggregation window start a new event anyway: drop their keys. */
  private forgetOld(now: number): void {
    for (const [key, entry] of this.recent) if (now - entry.last >= AGGREGATION_WINDOW_MS) this.recent.delete(key);
    this.sweepAt = Math.max(1024, this.recent.size * 2);
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
