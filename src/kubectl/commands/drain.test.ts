import { describe, expect, it } from 'vitest';
import { createShimApi, type InProcessTransport } from '../../api/index.ts';
import { memoryFiles } from '../files.ts';
import { kubectl, KubectlSession, type KubectlContext } from '../kubectl.ts';
import { formatDuration } from './drain.ts';

/** Our kubectl in process, its waits spent on the cluster's virtual clock (as a lab's grader would). */
function runner(transport: InProcessTransport, files: Record<string, string>) {
  const session = new KubectlSession();
  const cluster = transport.cluster;
  return async (line: string, onSleep?: (ms: number) => void) => {
    let stdout = '';
    let stderr = '';
    const ctx: KubectlContext = {
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupted: new Promise<void>(() => undefined) },
      transport, files: memoryFiles(files), session,
      now: () => cluster.clock.now(),
      sleep: async (ms) => {
        onSleep?.(ms);
        cluster.runUntil(cluster.clock.now() + ms);
      },
    };
    const code = await kubectl(line.split(' '), ctx);
    return { code, stdout, stderr };
  };
}

const WEB = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  minAvailable: ${replicas}
  selector:
    matchLabels:
      app: web
`;

const podsOn = async (run: ReturnType<typeof runner>, node: string) =>
  (await run(`get pods -l app=web --field-selector spec.nodeName=${node} -o name`)).stdout.trim().split('\n').filter((l) => l !== '');

describe('kubectl drain in process', () => {
  it('retries a 429 every 5 s of virtual time until the budget allows the eviction', async () => {
    const transport = createShimApi({ seed: 'drain' });
    const run = runner(transport, { 'web.yaml': WEB(2) });
    await run('apply -f web.yaml');
    transport.cluster.settle();
    const victims = await podsOn(run, 'kind-worker');
    expect(victims.length).toBeGreaterThan(0);
    const started = transport.cluster.clock.now();
    // With minAvailable = replicas nothing may go; relaxing the budget during the first 5 s wait lets the retry through.
    const sleeps: number[] = [];
    const r = await run('drain kind-worker --ignore-daemonsets', (ms) => {
      if (sleeps.push(ms) > 1) return;
      transport.requestSync({ method: 'PATCH', path: '/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-pdb', headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ spec: { minAvailable: 1 } }) });
    });
    expect(sleeps[0]).toBe(5000);
    expect(r.code).toBe(0);
    const name = victims[0]!.replace('pod/', '');
    expect(r.stdout).toContain(`evicting pod default/${name}\n`);
    expect(r.stdout).toContain(`pod/${name} evicted\n`);
    expect(r.stdout.endsWith('node/kind-worker drained\n')).toBe(true);
    expect(r.stderr).toMatch(/^Warning: ignoring DaemonSet-managed Pods: kube-system\/kindnet-\w+, kube-system\/kube-proxy-\w+\n/);
    expect(r.stderr).toContain(`error when evicting pods/"${name}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`);
    expect(await podsOn(run, 'kind-worker')).toEqual([]);
    // Virtual time passed for the retries and polls; the test did not wait for it.
    expect(transport.cluster.clock.now() - started).toBeGreaterThanOrEqual(5000);
  });

  it('gives up at --timeout with kubectl\'s messages when the budget never allows it', async () => {
    const transport = createShimApi({ seed: 'drain' });
    const run = runner(transport, { 'web.yaml': WEB(2) });
    await run('apply -f web.yaml');
    transport.cluster.settle();
    const name = (await podsOn(run, 'kind-worker'))[0]!.replace('pod/', '');
    const r = await run(`drain kind-worker --ignore-daemonsets --pod-selector=app=web --timeout=12s`);
    expect(r.code).toBe(1);
    // Attempts at 0, 5 and 10 s; the one at 15 s finds the deadline passed.
    expect(r.stdout).toBe(`node/kind-worker cordoned\n${`evicting pod default/${name}\n`.repeat(4)}`);
    const retry = `error when evicting pods/"${name}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n`;
    const timedOut = `error when evicting pods/"${name}" -n "default": global timeout reached: 12s`;
    expect(r.stderr).toBe(`${retry.repeat(3)}There are pending pods in node "kind-worker" when an error occurred: ${timedOut}\npod/${name}\n` +
      `error: unable to drain node "kind-worker" due to error: ${timedOut}, continuing command...\nThere are pending nodes to be drained:\n kind-worker\n${timedOut}\n`);
    expect((await run('get nodes kind-worker --no-headers')).stdout).toMatch(/^kind-worker +Ready,SchedulingDisabled /);
    expect((await run('uncordon kind-worker')).stdout).toBe('node/kind-worker uncordoned\n');
  });

  it('prints durations as Go does', () => {
    expect([formatDuration(7000), formatDuration(90_000), formatDuration(500), formatDuration(3_600_000)]).toEqual(['7s', '1m30s', '500ms', '1h0m0s']);
  });
});
