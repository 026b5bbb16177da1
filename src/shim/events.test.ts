import { describe, expect, it } from 'vitest';
import type { Event } from 'kubernetes-types/core/v1';
import { Cluster } from './cluster.ts';
import { EventRecorder } from './events.ts';

const EVENTS = { group: '', resource: 'events' };

describe('EventRecorder', () => {
  it('spells the virtual nanoseconds exactly, also where the tie-break counter carries into the high digits', () => {
    // At this millisecond, ms × 10⁶ ends 64 short of a multiple of 2²⁴: the counter
    // added to it for events in the same instant carries over that boundary.
    const ms = 1767225794247;
    const cluster = new Cluster({ bootstrap: true, startTime: ms });
    const recorder = new EventRecorder(cluster.context);
    const pod = cluster.registry.create({ group: '', resource: 'pods' }, { metadata: { name: 'web-0' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } }, { namespace: 'default' });
    for (let i = 0; i < 80; i++) recorder.record(pod, 'Normal', 'Pulling', `pulling ${i}`, { component: 'kubelet' });
    expect(cluster.clock.now()).toBe(ms);
    const nanos = (cluster.registry.list(EVENTS, { namespace: 'default' }).items as unknown as Event[])
      .map((e) => BigInt(`0x${e.metadata!.name!.slice('web-0.'.length)}`))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(nanos).toHaveLength(80);
    const first = nanos[0]! - BigInt(ms) * 1_000_000n;
    expect(first >= 0n && first < 1_000_000n).toBe(true);
    // One nanosecond apart each, across the carry.
    expect(nanos.map((n) => n - nanos[0]!)).toEqual(Array.from({ length: 80 }, (_, i) => BigInt(i)));
  });

  it('names events <object>.<hex nanoseconds> and fills the fields kubectl reads', () => {
    const cluster = new Cluster({ bootstrap: true });
    const recorder = new EventRecorder(cluster.context);
    const pod = cluster.registry.create({ group: '', resource: 'pods' }, { metadata: { name: 'web-0' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } }, { namespace: 'default' });
    recorder.record(pod, 'Normal', 'Scheduled', 'Successfully assigned default/web-0 to kind-worker', { component: 'default-scheduler' });
    const [event] = cluster.registry.list(EVENTS, { namespace: 'default' }).items as unknown as Event[];
    expect(event!.metadata!.name).toMatch(/^web-0\.[0-9a-f]{16}$/);
    expect(event).toMatchObject({
      involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', uid: pod.metadata!.uid },
      reason: 'Scheduled', type: 'Normal', count: 1, source: { component: 'default-scheduler' },
    });
  });

  it('aggregates repeats into one event with a count, as client-go does', () => {
    const cluster = new Cluster();
    const recorder = new EventRecorder(cluster.context);
    const ns = cluster.registry.get({ group: '', resource: 'namespaces' }, '', 'default');
    for (let i = 0; i < 3; i++) {
      recorder.record(ns, 'Warning', 'BackOff', 'Back-off restarting failed container', { component: 'kubelet', host: 'kind-worker' });
      cluster.clock.advance(10_000);
    }
    const events = cluster.registry.list(EVENTS, { namespace: 'default' }).items as unknown as Event[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ count: 3, firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:20Z' });
  });

  it('lets events expire after an hour (kube-apiserver --event-ttl)', () => {
    const cluster = new Cluster();
    const recorder = new EventRecorder(cluster.context);
    const ns = cluster.registry.get({ group: '', resource: 'namespaces' }, '', 'default');
    recorder.record(ns, 'Normal', 'Test', 'hello', { component: 'test' });
    cluster.clock.advance(61 * 60 * 1000);
    expect(cluster.registry.list(EVENTS, { namespace: 'default' }).items).toHaveLength(0);
  });

  it('forgets aggregation keys once their window has passed, so a long session does not grow without bound', () => {
    const cluster = new Cluster();
    const recorder = new EventRecorder(cluster.context);
    const ns = cluster.registry.get({ group: '', resource: 'namespaces' }, '', 'default');
    for (let i = 0; i < 1000; i++) recorder.record(ns, 'Normal', 'Tick', `tick ${i}`, { component: 'test' });
    cluster.clock.advance(11 * 60 * 1000);
    for (let i = 0; i < 100; i++) recorder.record(ns, 'Normal', 'Tock', `tock ${i}`, { component: 'test' });
    expect((recorder as unknown as { recent: Map<string, unknown> }).recent.size).toBeLessThan(200);
  });

  it('gives distinct names to events two recorders write about one object in the same millisecond', () => {
    const cluster = new Cluster();
    const ns = cluster.registry.get({ group: '', resource: 'namespaces' }, '', 'default');
    new EventRecorder(cluster.context).record(ns, 'Normal', 'One', 'first', { component: 'a' });
    new EventRecorder(cluster.context).record(ns, 'Normal', 'Two', 'second', { component: 'b' });
    expect(cluster.registry.list(EVENTS, { namespace: 'default' }).items.map((e) => (e as unknown as Event).reason).sort()).toEqual(['One', 'Two']);
  });
});
