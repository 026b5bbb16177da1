import { describe, expect, it } from 'vitest';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import type { KObject } from './objects.ts';
import { installScheduler, parseQuantity } from './scheduler.ts';

const PODS = CORE('pods');
const setup = (): Cluster => {
  const c = new Cluster({ seed: 'sched' });
  installScheduler(c);
  return c;
};
const create = (c: Cluster, name: string, spec: object): void => {
  c.registry.create(PODS, { metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec } }, { namespace: 'default' });
};
const pod = (c: Cluster, name: string): Pod => c.registry.get(PODS, 'default', name) as Pod;
const events = (c: Cluster, name: string): Event[] =>
  (c.registry.list(CORE('events'), { namespace: 'default' }).items as unknown as Event[]).filter((e) => e.involvedObject.name === name);

describe('default-scheduler', () => {
  it('binds to a worker, sets PodScheduled and records Scheduled', () => {
    const c = setup();
    create(c, 'web-0', {});
    c.settle();
    const p = pod(c, 'web-0');
    expect(['kind-worker', 'kind-worker2']).toContain(p.spec?.nodeName);
    expect(p.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z' }]);
    expect(events(c, 'web-0').map((e) => [e.type, e.reason, e.message, e.source?.component])).toEqual([
      ['Normal', 'Scheduled', `Successfully assigned default/web-0 to ${p.spec?.nodeName}`, 'default-scheduler'],
    ]);
  });

  it('spreads a controller\'s pods across nodes', () => {
    const c = setup();
    const rs = c.registry.create({ group: 'apps', resource: 'replicasets' }, { metadata: { name: 'web' }, spec: {} }, { namespace: 'default' });
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid!, controller: true }];
    for (let i = 0; i < 4; i++) c.registry.create(PODS, { metadata: { name: `web-${i}`, ownerReferences }, spec: { containers: [{ name: 'a', image: 'nginx' }] } }, { namespace: 'default' });
    c.settle();
    const nodes = [0, 1, 2, 3].map((i) => pod(c, `web-${i}`).spec?.nodeName);
    expect(nodes.filter((n) => n === 'kind-worker')).toHaveLength(2);
    expect(nodes.filter((n) => n === 'kind-worker2')).toHaveLength(2);
  });

  const cpTaint = '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';
  const notHelpful = (n: number): string => `preemption: 0/3 nodes are available: ${n} Preemption is not helpful for scheduling.`;
  it.each([
    ['nodeSelector matches nothing', { nodeSelector: { disk: 'ssd' } },
      `0/3 nodes are available: ${cpTaint}, 2 node(s) didn't match Pod's node affinity/selector. ${notHelpful(3)}`],
    ['required affinity In', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } } },
      `0/3 nodes are available: ${cpTaint}, 2 node(s) didn't match Pod's node affinity/selector. ${notHelpful(3)}`],
    ['too much cpu', { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '9' } } }] },
      `0/3 nodes are available: ${cpTaint}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`],
    ['too much memory and cpu', { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100', memory: '64Gi' } } }] },
      `0/3 nodes are available: ${cpTaint}, 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.`],
    ['preemptionPolicy Never', { preemptionPolicy: 'Never', nodeSelector: { disk: 'ssd' } },
      `0/3 nodes are available: ${cpTaint}, 2 node(s) didn't match Pod's node affinity/selector. preemption: not eligible due to preemptionPolicy=Never.`],
    ['matchFields on a tainted node', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['kind-control-plane'] }] }] } } } },
      `0/3 nodes are available: ${cpTaint}, 2 node(s) didn't match Pod's node affinity/selector. ${notHelpful(3)}`],
  ])('%s → Unschedulable with upstream wording', (_name, spec, message) => {
    const c = setup();
    create(c, 'p', spec);
    c.settle();
    const p = pod(c, 'p');
    expect(p.spec?.nodeName).toBeUndefined();
    expect(p.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Unschedulable', message }]);
    expect(events(c, 'p').map((e) => [e.type, e.reason, e.message])).toEqual([['Warning', 'FailedScheduling', message]]);
  });

  it('reports cordoned nodes and honours tolerations of the control-plane taint', () => {
    const c = setup();
    for (const n of ['kind-worker', 'kind-worker2']) {
      const node = c.registry.get(CORE('nodes'), '', n);
      c.registry.update(CORE('nodes'), { ...node, spec: { ...(node.spec as object), unschedulable: true } });
    }
    create(c, 'a', {});
    create(c, 'b', { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] });
    c.settle();
    expect(pod(c, 'a').status?.conditions?.[0]?.message).toBe(`0/3 nodes are available: ${cpTaint}, 2 node(s) were unschedulable. ${notHelpful(3)}`);
    expect(pod(c, 'b').spec?.nodeName).toBe('kind-control-plane');
  });

  it('retries when a node changes: labelling a node lets the pod in', () => {
    const c = setup();
    create(c, 'p', { nodeSelector: { disk: 'ssd' } });
    c.settle();
    expect(pod(c, 'p').spec?.nodeName).toBeUndefined();
    const node = c.registry.get(CORE('nodes'), '', 'kind-worker2');
    c.registry.update(CORE('nodes'), { ...node, metadata: { ...node.metadata, labels: { ...node.metadata?.labels, disk: 'ssd' } } } as KObject);
    c.settle();
    expect(pod(c, 'p').spec?.nodeName).toBe('kind-worker2');
    expect(pod(c, 'p').status?.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'True' });
  });

  it('counts bound pods against allocatable and retries when they go', () => {
    const c = setup();
    create(c, 'big-1', { containers: [{ name: 'a', image: 'nginx', resources: { requests: { cpu: '7' } } }] });
    create(c, 'big-2', { containers: [{ name: 'a', image: 'nginx', resources: { requests: { cpu: '7' } } }] });
    create(c, 'big-3', { containers: [{ name: 'a', image: 'nginx', resources: { requests: { cpu: '7' } } }] });
    c.settle();
    expect(pod(c, 'big-3').spec?.nodeName).toBeUndefined();
    c.registry.delete(PODS, 'default', 'big-1', { gracePeriodSeconds: 0 });
    c.settle();
    expect(pod(c, 'big-3').spec?.nodeName).toBeDefined();
  });

  it('leaves pods for other schedulers alone and lets plugins hold a binding', () => {
    const c = new Cluster();
    let allow = false;
    installScheduler(c, { plugins: [{ name: 'VolumeBinding', preBind: () => allow, requeueOn: (ch) => ch.gr.resource === 'persistentvolumeclaims' }] });
    create(c, 'other', { schedulerName: 'my-scheduler' });
    create(c, 'held', {});
    c.settle();
    expect(pod(c, 'other').spec?.nodeName).toBeUndefined();
    expect(pod(c, 'held').spec?.nodeName).toBeUndefined();
    allow = true;
    c.registry.create(CORE('persistentvolumeclaims'), { metadata: { name: 'x' }, spec: {} }, { namespace: 'default' });
    c.settle();
    expect(pod(c, 'held').spec?.nodeName).toBeDefined();
  });

  it.each([
    ['100m', 0.1], ['2', 2], ['1.5', 1.5], ['128Mi', 134217728], ['1Gi', 1073741824], ['500M', 5e8], ['1e3', 1000], ['10Ki', 10240],
  ])('parseQuantity(%s) = %d', (q, n) => {
    expect(parseQuantity(q)).toBeCloseTo(n);
  });
});
