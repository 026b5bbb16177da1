import { describe, expect, it } from 'vitest';
import { CORE } from '../controller.ts';
import { createKindCluster, type KindCluster } from '../kind-cluster.ts';
import type { KObject } from '../objects.ts';
import { applyInstallManifests, OperatorHost, RETRY_BASE_MS, SUSPEND_MS, WRITE_BUDGET, type OperatorApi, type OperatorDefinition } from './host.ts';

const WIDGETS = { group: 'test.statecraft.dev', resource: 'widgets' };
const DEPLOYMENTS = { group: 'apps', resource: 'deployments' };

const crd: KObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.test.statecraft.dev' },
  spec: {
    group: 'test.statecraft.dev',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget' },
    versions: [{
      name: 'v1',
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: { type: 'object', properties: { size: { type: 'integer' } } },
            status: {
              type: 'object',
              properties: {
                count: { type: 'integer' },
                conditions: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' }, message: { type: 'string' }, lastTransitionTime: { type: 'string' } } } },
              },
            },
          },
        },
      },
    }],
  },
};

function withOperator(reconcile: (cr: KObject, api: OperatorApi) => void): { k: KindCluster; calls: () => number } {
  let calls = 0;
  const def: OperatorDefinition = {
    name: 'widget', component: 'widget-operator', namespace: 'widget-system', image: 'statecraft.dev/keyvalue-operator:0.1',
    crd, resource: WIDGETS, kind: 'Widget', controller: 'widget', owns: [],
    reconcile: (cr, api) => {
      calls++;
      reconcile(cr, api);
    },
  };
  const k = createKindCluster({ seed: 5 });
  applyInstallManifests(k.cluster.context, def);
  k.cluster.addController((ctx) => new OperatorHost(ctx, def, (ip, port) => k.kubelet.connect(ip, port)));
  k.cluster.settle();
  return { k, calls: () => calls };
}

const createWidget = (k: KindCluster): void => {
  k.cluster.registry.create(WIDGETS, { apiVersion: 'test.statecraft.dev/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } }, { namespace: 'default' });
};
const widget = (k: KindCluster): KObject & { status?: { count?: number; conditions?: Array<Record<string, string>> } } => k.cluster.store.get(WIDGETS, 'default', 'w')!;
const eventsFor = (k: KindCluster): Array<{ type: string; reason: string; message: string; count: number; source: { component: string } }> =>
  k.cluster.store.list(CORE('events'), { namespace: 'default' }).items
    .filter((e) => (e as { involvedObject?: { kind?: string } }).involvedObject?.kind === 'Widget') as never;

describe('OperatorHost', () => {
  it('turns an exception into a Warning event and a Reconciled=False condition, and retries with backoff', () => {
    let fail = true;
    const { k, calls } = withOperator(() => {
      if (fail) throw new Error('storage backend unreachable');
    });
    createWidget(k);
    k.cluster.settle();
    expect(calls()).toBe(1);
    expect(eventsFor(k)).toMatchObject([{ type: 'Warning', reason: 'ReconcileError', message: 'Reconciler error: storage backend unreachable', source: { component: 'widget-operator' } }]);
    expect(widget(k).status?.conditions).toMatchObject([{ type: 'Reconciled', status: 'False', reason: 'ReconcileError', message: 'storage backend unreachable' }]);
    // Retries at 1 s, then 2 s later: the same event counts up.
    k.cluster.runUntil(k.cluster.clock.now() + RETRY_BASE_MS);
    expect(calls()).toBe(2);
    k.cluster.runUntil(k.cluster.clock.now() + RETRY_BASE_MS);
    expect(calls()).toBe(2);
    k.cluster.runUntil(k.cluster.clock.now() + RETRY_BASE_MS);
    expect(calls()).toBe(3);
    expect(eventsFor(k)[0]?.count).toBe(3);
    fail = false;
    k.cluster.runUntil(k.cluster.clock.now() + 4 * RETRY_BASE_MS);
    expect(widget(k).status?.conditions).toMatchObject([{ type: 'Reconciled', status: 'True', reason: 'ReconcileSucceeded' }]);
  });

  it('cuts off a reconcile that keeps writing, with an event, and resumes it later', () => {
    const { k, calls } = withOperator((cr, api) => {
      const status = (cr as { status?: { count?: number } }).status ?? {};
      // Every status write triggers the next reconcile: a runaway loop.
      api.updateStatus(WIDGETS, { ...cr, status: { ...status, count: (status.count ?? 0) + 1 } });
    });
    createWidget(k);
    k.cluster.settle();
    expect(widget(k).status?.count).toBe(WRITE_BUDGET);
    expect(eventsFor(k)).toMatchObject([{ type: 'Warning', reason: 'ReconcileBudgetExceeded', message: `reconcile made more than ${WRITE_BUDGET} writes within 1s; suspended for 30s` }]);
    const before = calls();
    k.cluster.runUntil(k.cluster.clock.now() + SUSPEND_MS);
    expect(calls()).toBeGreaterThan(before);
    expect(widget(k).status?.count).toBe(2 * WRITE_BUDGET);
  });

  it('reconciles only while the manager pod runs', () => {
    const { k, calls } = withOperator(() => undefined);
    const scale = (replicas: number): void => {
      const d = k.cluster.store.get(DEPLOYMENTS, 'widget-system', 'widget-operator') as KObject & { spec: object };
      k.cluster.registry.update(DEPLOYMENTS, { ...d, spec: { ...d.spec, replicas } }, { namespace: 'widget-system' });
      k.cluster.settle();
    };
    scale(0);
    createWidget(k);
    k.cluster.settle();
    expect(calls()).toBe(0);
    scale(1);
    expect(calls()).toBe(1);
  });

  it('bounds the objects reconciled per turn', () => {
    const { k, calls } = withOperator(() => undefined);
    for (let i = 0; i < 40; i++) {
      k.cluster.registry.create(WIDGETS, { apiVersion: 'test.statecraft.dev/v1', kind: 'Widget', metadata: { name: `w${i}`, namespace: 'default' } }, { namespace: 'default' });
    }
    const host = k.cluster.controllers.find((c) => c.name === 'widget-operator')!;
    host.reconcile();
    expect(calls()).toBe(16);
    expect(host.hasWork?.()).toBe(true);
    k.cluster.settle();
    expect(calls()).toBe(40);
  });
});
