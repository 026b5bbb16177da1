import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1';
import { toTable } from './index.ts';

const NOW = Date.parse('2025-01-01T01:00:00Z');
const CREATED = '2025-01-01T00:55:00Z'; // 5m before NOW

function pod(opts: {
  node?: string;
  phase?: string;
  containers?: ContainerStatus[];
  init?: ContainerStatus[];
  initSpec?: number;
  conditions?: PodCondition[];
  deleting?: boolean;
  reason?: string;
  ip?: string;
}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: CREATED, ...(opts.deleting ? { deletionTimestamp: '2025-01-01T01:00:30Z' } : {}) },
    spec: {
      containers: [{ name: 'nginx', image: 'nginx' }],
      ...(opts.initSpec ? { initContainers: Array.from({ length: opts.initSpec }, (_, i) => ({ name: `init-${i}`, image: 'busybox' })) } : {}),
      ...(opts.node ? { nodeName: opts.node } : {}),
    },
    status: {
      phase: opts.phase ?? 'Pending',
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.conditions ? { conditions: opts.conditions } : {}),
      ...(opts.containers ? { containerStatuses: opts.containers } : {}),
      ...(opts.init ? { initContainerStatuses: opts.init } : {}),
      ...(opts.ip ? { podIP: opts.ip, podIPs: [{ ip: opts.ip }] } : {}),
    },
  };
}

const cs = (state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name: 'nginx',
  image: 'nginx',
  imageID: '',
  ready: false,
  restartCount: 0,
  state,
  ...extra,
});
const running = { running: { startedAt: '2025-01-01T00:56:00Z' } };

describe('pod table columns', () => {
  it('are the 1.32 printPod columns, wide ones with priority 1', () => {
    const t = toTable('pods', [], NOW);
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ]);
    expect(t.columnDefinitions[2]?.description).toBe('The aggregate status of the containers in this pod.');
  });
});

describe('pod rows (READY STATUS RESTARTS)', () => {
  it.each<[string, Pod, [string, string, string]]>([
    ['Pending, not scheduled', pod({}), ['0/1', 'Pending', '0']],
    ['ContainerCreating', pod({ node: 'kind-worker', containers: [cs({ waiting: { reason: 'ContainerCreating' } })] }), ['0/1', 'ContainerCreating', '0']],
    ['Running 1/1', pod({ node: 'kind-worker', phase: 'Running', containers: [cs(running, { ready: true, started: true })] }), ['1/1', 'Running', '0']],
    ['Running but not ready', pod({ node: 'kind-worker', phase: 'Running', containers: [cs(running)] }), ['0/1', 'Running', '0']],
    [
      'CrashLoopBackOff with restarts',
      pod({
        node: 'kind-worker',
        phase: 'Running',
        containers: [cs({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, { restartCount: 3, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2025-01-01T00:59:15Z' } } })],
      }),
      ['0/1', 'CrashLoopBackOff', '3 (45s ago)'],
    ],
    ['Error', pod({ node: 'kind-worker', phase: 'Running', containers: [cs({ terminated: { exitCode: 1, reason: 'Error' } })] }), ['0/1', 'Error', '0']],
    ['exit code without a reason', pod({ node: 'kind-worker', phase: 'Failed', containers: [cs({ terminated: { exitCode: 137 } })] }), ['0/1', 'ExitCode:137', '0']],
    ['Completed (Job pod)', pod({ node: 'kind-worker', phase: 'Succeeded', containers: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }), ['0/1', 'Completed', '0']],
    ['ErrImagePull', pod({ node: 'kind-worker', containers: [cs({ waiting: { reason: 'ErrImagePull' } })] }), ['0/1', 'ErrImagePull', '0']],
    ['ImagePullBackOff', pod({ node: 'kind-worker', containers: [cs({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:nope"' } })] }), ['0/1', 'ImagePullBackOff', '0']],
    [
      'Terminating (graceful delete, still running)',
      pod({ node: 'kind-worker', phase: 'Running', deleting: true, containers: [cs(running, { ready: true })] }),
      ['1/1', 'Terminating', '0'],
    ],
    [
      'Completed after a graceful delete: terminal phase wins over Terminating',
      pod({ node: 'kind-worker', phase: 'Succeeded', deleting: true, containers: [cs({ terminated: { exitCode: 0, reason: 'Completed' } })] }),
      ['0/1', 'Completed', '0'],
    ],
    ['Unknown: evicted from a lost node', pod({ node: 'kind-worker', phase: 'Running', deleting: true, reason: 'NodeLost', containers: [cs(running, { ready: true })] }), ['1/1', 'Unknown', '0']],
    [
      'Init:0/1',
      pod({ node: 'kind-worker', initSpec: 1, init: [cs(running, { name: 'init-0' })], containers: [cs({ waiting: { reason: 'PodInitializing' } })] }),
      ['0/1', 'Init:0/1', '0'],
    ],
    [
      'Init:CrashLoopBackOff',
      pod({ node: 'kind-worker', initSpec: 1, init: [cs({ waiting: { reason: 'CrashLoopBackOff' } }, { name: 'init-0', restartCount: 2 })] }),
      ['0/1', 'Init:CrashLoopBackOff', '2'],
    ],
    ['Init:Error', pod({ node: 'kind-worker', initSpec: 1, init: [cs({ terminated: { exitCode: 1, reason: 'Error' } }, { name: 'init-0' })] }), ['0/1', 'Init:Error', '0']],
    [
      'PodInitializing once init containers are done',
      pod({
        node: 'kind-worker',
        initSpec: 1,
        init: [cs({ terminated: { exitCode: 0, reason: 'Completed' } }, { name: 'init-0' })],
        containers: [cs({ waiting: { reason: 'PodInitializing' } })],
      }),
      ['0/1', 'PodInitializing', '0'],
    ],
    [
      'SchedulingGated',
      pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      ['0/1', 'SchedulingGated', '0'],
    ],
  ])('%s', (_name, p, [ready, status, restarts]) => {
    const row = toTable('Pod', [p], NOW).rows[0];
    expect(row?.cells.slice(0, 5)).toEqual(['web-0', ready, status, restarts, '5m']);
  });

  it('renders the wide cells with <none> placeholders', () => {
    expect(toTable('pods', [pod({})], NOW).rows[0]?.cells.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
    const p = pod({ node: 'kind-worker', phase: 'Running', ip: '10.244.1.6', containers: [cs(running, { ready: true })] });
    p.spec!.readinessGates = [{ conditionType: 'example.com/lb' }];
    p.status!.conditions = [{ type: 'example.com/lb', status: 'True' }];
    expect(toTable('pods', [p], NOW).rows[0]?.cells.slice(5)).toEqual(['10.244.1.6', 'kind-worker', '<none>', '1/1']);
  });

  it('marks Succeeded and Failed rows with a Completed row condition', () => {
    const done = toTable('pods', [pod({ phase: 'Succeeded' })], NOW).rows[0];
    expect(done?.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
    expect(toTable('pods', [pod({ phase: 'Running' })], NOW).rows[0]?.conditions).toBeUndefined();
  });
});

describe('Table envelope', () => {
  const p = pod({});

  it('carries PartialObjectMetadata by default and the resourceVersion', () => {
    const t = toTable('pods', [p], NOW, { resourceVersion: '12345' });
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({ resourceVersion: '12345' });
    expect(t.rows[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: p.metadata });
  });

  it('honours includeObject=Object|None and noHeaders', () => {
    expect(toTable('pods', [p], NOW, { includeObject: 'Object' }).rows[0]?.object).toBe(p);
    expect(toTable('pods', [p], NOW, { includeObject: 'None' }).rows[0]?.object).toBeNull();
    expect(toTable('pods', [p], NOW, { noHeaders: true }).columnDefinitions).toEqual([]);
  });

  it('gives an empty list zero rows (kubectl then says "No resources found")', () => {
    expect(toTable('pods', [], NOW).rows).toEqual([]);
  });
});
