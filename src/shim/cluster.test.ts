import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import type { Controller } from './controller.ts';
import { CORE } from './controller.ts';

describe('Cluster', () => {
  it('boots like kind: nodes, namespaces, system pods, defaults per namespace', () => {
    const c = new Cluster({ seed: 'kind' });
    const nodes = c.registry.list(CORE('nodes')).items.map((n) => n.metadata!.name);
    expect(nodes).toEqual(['kind-control-plane', 'kind-worker', 'kind-worker2']);
    const ns = c.registry.list(CORE('namespaces')).items.map((n) => n.metadata!.name);
    expect(ns).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system', 'local-path-storage']);
    for (const n of ns) {
      expect(c.store.get(CORE('serviceaccounts'), n!, 'default')).toBeDefined();
      expect(c.store.get(CORE('configmaps'), n!, 'kube-root-ca.crt')).toBeDefined();
    }
    const pods = c.registry.list(CORE('pods')).items;
    const names = pods.map((p) => p.metadata!.name!);
    expect(names.filter((n) => /^coredns-668d6bf9bc-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n))).toHaveLength(2);
    expect(names).toContain('etcd-kind-control-plane');
    expect(names).toContain('kube-apiserver-kind-control-plane');
    expect(names.filter((n) => n.startsWith('kindnet-'))).toHaveLength(3);
    expect(names.filter((n) => n.startsWith('kube-proxy-'))).toHaveLength(3);
    expect(names.filter((n) => n.startsWith('local-path-provisioner-'))).toHaveLength(1);
    expect(pods.every((p) => (p.status as { phase: string }).phase === 'Running')).toBe(true);
  });

  it('is reproducible for a seed and different across seeds', () => {
    const names = (seed: string): string[] =>
      new Cluster({ seed }).registry.list(CORE('pods')).items.map((p) => `${p.metadata!.name} ${p.metadata!.uid}`);
    expect(names('a')).toEqual(names('a'));
    expect(names('a')).not.toEqual(names('b'));
  });

  it('settle() advances virtual time to pending timers and stops when quiet', () => {
    const c = new Cluster({ bootstrap: false });
    const t0 = c.clock.now();
    let fired = 0;
    c.clock.after(5000, () => fired++);
    c.clock.after(60_000, () => fired++, { background: true });
    const r = c.settle();
    expect(fired).toBe(1);
    expect(r.virtualMs).toBe(5000);
    expect(c.clock.now()).toBe(t0 + 5000);
  });

  it('settle() reports a controller that never stops changing an object', () => {
    const c = new Cluster({ bootstrap: false });
    c.registry.create(CORE('namespaces'), { metadata: { name: 'demo' } });
    c.registry.create(CORE('configmaps'), { metadata: { name: 'flap', namespace: 'demo' }, data: { n: '0' } });
    const flapper: Controller = {
      name: 'flapper',
      observe: (ch) => ch.gr.resource === 'configmaps' && ch.object.metadata?.name === 'flap',
      reconcile: () => {
        const cm = c.registry.get(CORE('configmaps'), 'demo', 'flap');
        const n = Number((cm.data as Record<string, string>).n) + 1;
        c.registry.update(CORE('configmaps'), { ...cm, data: { n: String(n) } });
      },
    };
    c.addController(flapper);
    expect(() => c.settle({ maxSteps: 200 })).toThrow(
      /did not settle after 200 steps; still busy: controller "flapper"; most-changed objects: configmaps demo\/flap \(\d+ writes, last by "flapper"\)/,
    );
  });

  it('settle() gives up on timers that keep rescheduling, naming them', () => {
    const c = new Cluster({ bootstrap: false });
    const tick = (): void => {
      c.clock.after(1000, tick, { label: 'ticker' });
    };
    tick();
    expect(() => c.settle({ maxVirtualMs: 10_000 })).toThrow(/within 10000ms of virtual time; pending timers: ticker at \+1000ms/);
  });

  it('react() names the timers that keep coming due at the same instant', () => {
    const c = new Cluster({ bootstrap: false });
    let pinged = false;
    // Each turn arms a timer for "now"; the timer asks for another turn: no write, no end.
    c.addController({
      name: 'pinger',
      observe: () => false,
      hasWork: () => pinged,
      reconcile: () => {
        pinged = false;
        c.clock.after(0, () => { pinged = true; }, { label: 'ping', background: true });
      },
    });
    expect(() => c.react(50)).toThrow(/did not settle after 51 steps; timers due now: ping/);
  });

  it('step() does one turn and reports whether anything happened', () => {
    const c = new Cluster({ bootstrap: false });
    expect(c.step()).toBe(true); // built-in controllers get a first turn
    expect(c.step()).toBe(false);
    c.registry.create(CORE('namespaces'), { metadata: { name: 'x' } });
    expect(c.step()).toBe(true);
    expect(c.store.get(CORE('serviceaccounts'), 'x', 'default')).toBeDefined();
  });
});
