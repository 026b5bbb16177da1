import { describe, expect, it } from 'vitest';
import { StatusError } from './errors.ts';
import { parseFieldSelector } from './field-selectors.ts';
import type { KObject } from './objects.ts';
import { parseLabelSelector } from './selectors.ts';
import { Store, type WatchEvent } from './store.ts';

const PODS = { group: '', resource: 'pods' };
const pod = (name: string, labels: Record<string, string> = {}, ns = 'default', uid = name): KObject => ({
  metadata: { name, namespace: ns, labels, uid },
});
const seen = (events: WatchEvent[]): string[] => events.map((e) => `${e.type} ${e.object.metadata!.name}`);

describe('Store', () => {
  it('keeps one cluster-wide resourceVersion and stamps each write', () => {
    const s = new Store();
    const a = s.write(PODS, pod('a'));
    const b = s.write({ group: 'apps', resource: 'deployments' }, pod('b'));
    expect(a.metadata!.resourceVersion).toBe('1');
    expect(b.metadata!.resourceVersion).toBe('2');
    expect(s.list(PODS)).toEqual({ items: [a], resourceVersion: '2' });
  });

  it('hands out frozen objects so readers cannot change stored state', () => {
    const s = new Store();
    const a = s.write(PODS, pod('a', { x: '1' }));
    expect(() => {
      (a.metadata!.labels as Record<string, string>).x = '2';
    }).toThrow();
  });

  it('watch from "0" sends synthetic ADDED for what exists, then live changes', () => {
    const s = new Store();
    s.write(PODS, pod('a'));
    const events: WatchEvent[] = [];
    s.watch(PODS, { resourceVersion: '0' }, (e) => events.push(e));
    s.write(PODS, pod('b'));
    expect(seen(events)).toEqual(['ADDED a', 'ADDED b']);
  });

  it('watch from rv N replays only the changes after N', () => {
    const s = new Store();
    s.write(PODS, pod('a'));
    const { resourceVersion } = s.list(PODS);
    s.write(PODS, pod('b'));
    s.remove(PODS, 'default', 'a');
    const events: WatchEvent[] = [];
    s.watch(PODS, { resourceVersion }, (e) => events.push(e));
    expect(seen(events)).toEqual(['ADDED b', 'DELETED a']);
    expect(events[1]!.object.metadata!.resourceVersion).toBe('3');
  });

  it('answers 410 Expired for a resourceVersion older than the log', () => {
    const s = new Store({ maxLogEntries: 4 });
    for (let i = 0; i < 10; i++) s.write(PODS, pod(`p${i}`));
    let err: unknown;
    try {
      s.watch(PODS, { resourceVersion: '1' }, () => {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toMatchObject({ code: 410, reason: 'Expired', message: 'too old resource version: 1 (6)' });
  });

  it('delivers a change that leaves the selector as DELETED and one that enters as ADDED', () => {
    const s = new Store();
    s.write(PODS, pod('a', { app: 'web' }));
    const events: WatchEvent[] = [];
    s.watch(PODS, { labelSelector: parseLabelSelector('app=web') }, (e) => events.push(e));
    s.write(PODS, pod('a', { app: 'db' }));
    s.write(PODS, pod('a', { app: 'web' }));
    s.write(PODS, pod('a', { app: 'web', v: '2' }));
    expect(seen(events)).toEqual(['ADDED a', 'DELETED a', 'ADDED a', 'MODIFIED a']);
  });

  it('filters watches and lists by namespace and field selector', () => {
    const s = new Store();
    s.write(PODS, pod('a', {}, 'x'));
    s.write(PODS, pod('b', {}, 'y'));
    expect(s.list(PODS, { namespace: 'y' }).items.map((o) => o.metadata!.name)).toEqual(['b']);
    expect(s.list(PODS, { fieldSelector: parseFieldSelector('metadata.name=a') }).items.map((o) => o.metadata!.name)).toEqual(['a']);
  });

  it('orders deliveries by resourceVersion even when a watcher writes', () => {
    const s = new Store();
    const order: string[] = [];
    s.watch(PODS, {}, (e) => {
      order.push(`w1 ${e.object.metadata!.name}`);
      if (e.object.metadata!.name === 'a') s.write(PODS, pod('b'));
    });
    s.watch(PODS, {}, (e) => order.push(`w2 ${e.object.metadata!.name}`));
    s.write(PODS, pod('a'));
    expect(order).toEqual(['w1 a', 'w2 a', 'w1 b', 'w2 b']);
  });

  it('indexes dependents by owner uid', () => {
    const s = new Store();
    s.write(PODS, { metadata: { name: 'c', namespace: 'default', uid: 'c', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'o' }] } });
    expect(s.dependents('o').map((d) => d.object.metadata!.name)).toEqual(['c']);
    s.remove(PODS, 'default', 'c');
    expect(s.dependents('o')).toEqual([]);
  });

  it('restores a snapshot as ordinary changes', () => {
    const s = new Store();
    s.write(PODS, pod('a'));
    const snap = s.snapshot();
    s.write(PODS, pod('b'));
    s.remove(PODS, 'default', 'a');
    const events: WatchEvent[] = [];
    s.watch(PODS, { resourceVersion: s.resourceVersion }, (e) => events.push(e));
    s.restore(snap);
    expect(s.list(PODS).items.map((o) => o.metadata!.name)).toEqual(['a']);
    expect(seen(events)).toEqual(['DELETED b', 'ADDED a']);
  });
});
