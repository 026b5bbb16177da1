import { describe, expect, it } from 'vitest';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { Cluster } from '../cluster.ts';
import { CORE } from '../controller.ts';
import { containerArgv, parseImageRef, pullImage } from '../images.ts';
import { installScheduler } from '../scheduler.ts';
import { NodeIPAM } from './ipam.ts';
import { goDuration, installKubelet, type Kubelet } from './kubelet.ts';

const PODS = CORE('pods');

/** Runs the cluster for `ms` of virtual time, letting controllers react at every timer. */
function runFor(c: Cluster, ms: number): void {
  const end = c.clock.now() + ms;
  for (;;) {
    while (c.busy) c.step();
    const next = c.clock.nextTimerAt(true);
    if (next === undefined || next > end) break;
    c.clock.advanceTo(next);
  }
  c.clock.advanceTo(end);
  while (c.busy) c.step();
}

function setup(): { c: Cluster; k: Kubelet; t0: number } {
  const c = new Cluster({ seed: 'kubelet' });
  installScheduler(c);
  const k = installKubelet(c);
  c.settle();
  return { c, k, t0: c.clock.now() };
}

const create = (c: Cluster, name: string, spec: object): void => {
  c.registry.create(PODS, { metadata: { name }, spec }, { namespace: 'default' });
};
const get = (c: Cluster, name: string): Pod => c.registry.get(PODS, 'default', name) as Pod;
const events = (c: Cluster, name: string): string[] =>
  (c.registry.list(CORE('events'), { namespace: 'default' }).items as unknown as Event[])
    .filter((e) => e.involvedObject.name === name && e.source?.component === 'kubelet')
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1))
    .map((e) => `${e.type} ${e.reason} ${e.message}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`);
/** What `kubectl get pod` STATUS/RESTARTS would be built from. */
const state = (p: Pod): string => {
  const s = p.status?.containerStatuses?.[0];
  const st = s?.state?.waiting?.reason ?? s?.state?.terminated?.reason ?? (s?.state?.running ? 'Running' : '-');
  return `${p.status?.phase} ${st} ${s?.restartCount ?? 0} ready=${s?.ready ?? false}`;
};

/** Records each distinct container state of a pod with the virtual time it appeared. */
function timeline(c: Cluster, name: string, t0: number): string[] {
  const out: string[] = [];
  c.store.subscribe((ch) => {
    if (ch.gr.resource !== 'pods' || ch.object.metadata?.name !== name || ch.type === 'DELETED') return;
    const line = state(ch.object as Pod);
    if (out.at(-1)?.endsWith(line) !== true) out.push(`+${(c.clock.now() - t0) / 1000}s ${line}`);
  });
  return out;
}

describe('kubelet: a pod comes to life', () => {
  it('walks nginx through ContainerCreating to Running with IP, conditions and events', () => {
    const { c, k, t0 } = setup();
    const seen = timeline(c, 'web-0', t0);
    create(c, 'web-0', { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] });
    c.settle();
    expect(seen).toEqual(['+0s Pending - 0 ready=false', '+0s Pending ContainerCreating 0 ready=false', '+2.026s Running Running 0 ready=true']);
    const p = get(c, 'web-0');
    const node = p.spec!.nodeName!;
    const subnet = node === 'kind-worker' ? '10.244.1' : '10.244.2';
    expect(p.status).toMatchObject({ phase: 'Running', podIP: `${subnet}.2`, podIPs: [{ ip: `${subnet}.2` }], hostIP: node === 'kind-worker' ? '172.18.0.3' : '172.18.0.4', startTime: '2026-01-01T00:00:00Z' });
    expect(p.status?.conditions?.map((x) => `${x.type}=${x.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const cs = p.status!.containerStatuses![0]!;
    expect(cs).toMatchObject({ name: 'nginx', image: 'docker.io/library/nginx:latest', ready: true, started: true, restartCount: 0, lastState: {}, state: { running: { startedAt: '2026-01-01T00:00:02Z' } } });
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(events(c, 'web-0')).toEqual([
      'Normal Pulling Pulling image "nginx"',
      'Normal Pulled Successfully pulled image "nginx" in 1.166s (1.166s including waiting). Image size: 72195292 bytes.',
      'Normal Created Created container: nginx',
      'Normal Started Started container nginx',
    ]);
    expect(k.httpGet(p.status!.podIP!, 80, '/')?.body).toContain('<title>Welcome to nginx!</title>');
    expect(k.getLogs('default', 'web-0', undefined).split('\n')[0]).toBe('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration');
    expect(k.getLogs('default', 'web-0', 'nginx', { tailLines: 1 })).toBe('10.244.0.1 - - [01/Jan/2026:00:00:02 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0" "-"\n');
  });

  it('says "already present" for a cached IfNotPresent image', () => {
    const { c } = setup();
    const spec = { nodeName: 'kind-worker', containers: [{ name: 'n', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }] };
    create(c, 'a', spec);
    c.settle();
    create(c, 'b', spec);
    c.settle();
    expect(events(c, 'b')).toEqual(['Normal Pulled Container image "nginx:1.27" already present on machine', 'Normal Created Created container: n', 'Normal Started Started container n']);
  });

  it('runs init containers in order before the app', () => {
    const { c, t0 } = setup();
    const seen: string[] = [];
    c.store.subscribe((ch) => {
      const p = ch.object as Pod;
      if (ch.gr.resource !== 'pods' || p.metadata?.name !== 'i' || ch.type === 'DELETED') return;
      const init = p.status?.initContainerStatuses?.map((s) => Object.keys(s.state ?? {})[0]).join(',');
      seen.push(`+${(c.clock.now() - t0) / 1000}s ${p.status?.phase} init=${init} app=${state(p)}`);
    });
    create(c, 'i', { initContainers: [{ name: 'one', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2'] }, { name: 'two', image: 'busybox:1.36', command: ['sh', '-c', 'echo done'] }], containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] });
    c.settle();
    expect(seen.at(-1)).toMatch(/Running init=terminated,terminated app=Running Running 0 ready=true$/);
    expect(seen.some((l) => /Pending init=running,waiting app=Pending PodInitializing/.test(l))).toBe(true);
    const p = get(c, 'i');
    expect(p.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
  });
});

describe('kubelet: restarts', () => {
  it('crash-loops busybox under Always with back-off 10s, 20s, 40s', () => {
    const { c, k, t0 } = setup();
    const seen = timeline(c, 'bb', t0);
    create(c, 'bb', { containers: [{ name: 'bb', image: 'busybox:1.36' }] });
    runFor(c, 80_000);
    expect(seen).toEqual([
      '+0s Pending - 0 ready=false',
      '+0s Pending ContainerCreating 0 ready=false',
      '+1.186s Running Running 0 ready=true',
      '+2.186s Running Completed 0 ready=false',
      '+3.246s Running Running 1 ready=true',
      '+4.246s Running Completed 1 ready=false',
      '+5.246s Running CrashLoopBackOff 1 ready=false',
      // Back-off runs from each exit: 10s, 20s, 40s (plus the 60ms create → start).
      '+13.306s Running Running 2 ready=true',
      '+14.306s Running Completed 2 ready=false',
      '+15.306s Running CrashLoopBackOff 2 ready=false',
      '+33.366s Running Running 3 ready=true',
      '+34.366s Running Completed 3 ready=false',
      '+35.366s Running CrashLoopBackOff 3 ready=false',
      '+73.426s Running Running 4 ready=true',
      '+74.426s Running Completed 4 ready=false',
      '+75.426s Running CrashLoopBackOff 4 ready=false',
    ]);
    const cs = get(c, 'bb').status!.containerStatuses![0]!;
    expect(cs.state?.waiting?.message).toBe(`back-off 1m20s restarting failed container=bb pod=bb_default(${get(c, 'bb').metadata!.uid})`);
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(events(c, 'bb')).toContain(`Warning BackOff Back-off restarting failed container bb in pod bb_default(${get(c, 'bb').metadata!.uid}) (x4)`);
    expect(k.getLogs('default', 'bb', 'bb', { previous: true })).toBe('');
  });

  it.each([
    ['Never', 'exit 0', 'Succeeded', 'Completed'],
    ['Never', 'exit 3', 'Failed', 'Error'],
    ['OnFailure', 'exit 0', 'Succeeded', 'Completed'],
  ])('restartPolicy %s with `%s` ends %s', (restartPolicy, script, phase, reason) => {
    const { c } = setup();
    create(c, 'job', { restartPolicy, containers: [{ name: 'j', image: 'busybox:1.36', command: ['sh', '-c', `echo hi; ${script}`] }] });
    runFor(c, 30_000);
    const p = get(c, 'job');
    expect(p.status?.phase).toBe(phase);
    expect(p.status?.containerStatuses?.[0]?.state?.terminated?.reason).toBe(reason);
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(p.status?.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('restarts on a failing liveness probe', () => {
    const { c } = setup();
    create(c, 'live', { containers: [{ name: 'liveness', image: 'registry.k8s.io/e2e-test-images/agnhost:2.40', args: ['liveness'], livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 3, periodSeconds: 3 } }] });
    runFor(c, 30_000);
    const p = get(c, 'live');
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    const ev = events(c, 'live');
    expect(ev).toContain('Warning Unhealthy Liveness probe failed: HTTP probe failed with statuscode: 500 (x3)');
    expect(ev).toContain('Normal Killing Container liveness failed liveness probe, will be restarted');
  });

  it('keeps a pod unready while its readiness probe fails', () => {
    const { c } = setup();
    create(c, 'r', { containers: [{ name: 'r', image: 'busybox:1.36', command: ['sleep', '3600'], readinessProbe: { exec: { command: ['sh', '-c', 'exit 1'] }, periodSeconds: 5 } }] });
    runFor(c, 20_000);
    const p = get(c, 'r');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [r]' });
  });
});

describe('kubelet: images', () => {
  it('reports ErrImagePull then ImagePullBackOff for an unknown image', () => {
    const { c, t0 } = setup();
    const seen = timeline(c, 'bad', t0);
    create(c, 'bad', { containers: [{ name: 'x', image: 'nope' }] });
    runFor(c, 40_000);
    expect(seen.map((l) => l.replace(/ 0 ready=false$/, ''))).toEqual([
      '+0s Pending -', '+0s Pending ContainerCreating', '+1.1s Pending ErrImagePull', '+2.1s Pending ImagePullBackOff',
      '+11.4s Pending ErrImagePull', '+12.4s Pending ImagePullBackOff', '+31.7s Pending ErrImagePull', '+32.7s Pending ImagePullBackOff',
    ]);
    const msg = 'failed to pull and unpack image "docker.io/library/nope:latest": failed to resolve reference "docker.io/library/nope:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
    expect(events(c, 'bad')).toEqual([
      'Normal Pulling Pulling image "nope" (x3)',
      `Warning Failed Failed to pull image "nope": ${msg} (x3)`,
      'Warning Failed Error: ErrImagePull (x3)',
      'Normal BackOff Back-off pulling image "nope" (x3)',
      'Warning Failed Error: ImagePullBackOff (x3)',
    ]);
  });

  it('postgres without a password exits 1 with the entrypoint\'s message', () => {
    const { c, k } = setup();
    create(c, 'pg', { restartPolicy: 'Never', containers: [{ name: 'pg', image: 'postgres:17' }] });
    c.settle();
    expect(get(c, 'pg').status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(k.getLogs('default', 'pg', 'pg')).toMatch(/^Error: Database is uninitialized and superuser password is not specified\./);
  });

  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['registry.k8s.io/nginx-slim:0.24', 'registry.k8s.io/nginx-slim:0.24'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['busybox@sha256:abc', 'docker.io/library/busybox@sha256:abc'],
  ])('normalises %s to %s', (ref, full) => {
    expect(parseImageRef(ref).full).toBe(full);
  });

  it.each([
    [undefined, undefined, ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']],
    [['sh', '-c'], undefined, ['sh', '-c']],
    [undefined, ['echo', 'hi'], ['/docker-entrypoint.sh', 'echo', 'hi']],
    [['nginx'], ['-T'], ['nginx', '-T']],
  ])('command %j args %j → %j', (command, args, argv) => {
    const r = pullImage('nginx');
    if (!r.ok) throw new Error(r.message);
    expect(containerArgv(r.image, command, args)).toEqual(argv);
  });
});

describe('kubelet: deletion and logs', () => {
  it('stops containers gracefully and removes the pod', () => {
    const { c, k } = setup();
    create(c, 'web-0', { containers: [{ name: 'nginx', image: 'nginx' }] });
    c.settle();
    const before = c.clock.now();
    c.registry.delete(PODS, 'default', 'web-0');
    c.settle();
    expect(c.store.get(PODS, 'default', 'web-0')).toBeUndefined();
    expect(c.clock.now() - before).toBeLessThan(2000);
    expect(events(c, 'web-0')).toContain('Normal Killing Stopping container nginx');
    expect(() => k.getLogs('default', 'web-0', 'nginx')).toThrow(/pods "web-0" not found/);
  });

  it('kills after the grace period a process that ignores SIGTERM', () => {
    const { c } = setup();
    create(c, 's', { terminationGracePeriodSeconds: 5, containers: [{ name: 's', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] }] });
    c.settle();
    const before = c.clock.now();
    c.registry.delete(PODS, 'default', 's');
    c.settle();
    expect(c.store.get(PODS, 'default', 's')).toBeUndefined();
    // The stand-in shell dies on SIGTERM; either way it is gone within the grace period.
    expect(c.clock.now() - before).toBeLessThanOrEqual(5000);
  });

  it('answers kubectl logs errors as the API server does', () => {
    const { c, k } = setup();
    create(c, 'two', { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nope' }] });
    expect(() => k.getLogs('default', 'two', undefined)).toThrow('a container name must be specified for pod two, choose one of: [a b]');
    expect(() => k.getLogs('default', 'two', 'zz')).toThrow('container zz is not valid for pod two');
    c.settle();
    expect(() => k.getLogs('default', 'two', 'b')).toThrow(/container "b" in pod "two" is waiting to start: (image can't be pulled|trying and failing to pull image)$/);
    expect(() => k.getLogs('default', 'two', 'a', { previous: true })).toThrow('previous terminated container "a" in pod "two" not found');
    expect(k.getLogs('default', 'two', 'a', { timestamps: true, tailLines: 1 })).toMatch(/^2026-01-01T00:00:0\d\.\d{9}Z 2026\/01\/01 00:00:0\d \[notice\] 1#1: start worker process 36\n$/);
  });
});

describe('kubelet: addresses and helpers', () => {
  it('hands out pod IPs from .2 up, moving on after a release and wrapping', () => {
    const ipam = new NodeIPAM('10.244.1.0/24');
    expect([ipam.allocate(), ipam.allocate(), ipam.allocate()]).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4']);
    ipam.release('10.244.1.2');
    expect(ipam.allocate()).toBe('10.244.1.5');
    for (let i = 6; i <= 254; i++) ipam.allocate();
    expect(ipam.allocate()).toBe('10.244.1.2');
    expect(ipam.allocate()).toBeUndefined();
  });

  it('gives pods on the same node consecutive addresses and skips the system pods\' ones', () => {
    const { c } = setup();
    create(c, 'a', { nodeName: 'kind-control-plane', containers: [{ name: 'a', image: 'nginx' }] });
    c.settle();
    expect(get(c, 'a').status?.podIP).toBe('10.244.0.5');
  });

  it.each([[885, '885ms'], [1200, '1.2s'], [5074, '5.074s'], [10_000, '10s'], [80_000, '1m20s'], [300_000, '5m0s']])('goDuration(%d) = %s', (ms, s) => {
    expect(goDuration(ms)).toBe(s);
  });
});
