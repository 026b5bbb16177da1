import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createShimApi, type InProcessTransport } from '../api/index.ts';
import { shimTopology } from '../runner/shim-backend.ts';
import { parseLab } from '../schemas/load-lab.ts';
import type { Lab } from '../schemas/lab.ts';
import { WorkerHost } from './host.ts';
import { CHECK_BUDGET_MS } from './lab.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const configmapPod = parseLab(readFileSync('labs/configmap-pod/lab.yaml', 'utf8'), 'labs/configmap-pod/lab.yaml');
const solution = { path: 'app.yaml', text: readFileSync('labs/configmap-pod/solution/app.yaml', 'utf8') };

/** A worker host whose "wall clock" is driven by the test: waiting lets the cluster live that long. */
function labHost() {
  const sent: FromWorker[] = [];
  let transport: InProcessTransport | undefined;
  let wall = 0;
  const clusters: InProcessTransport[] = [];
  const host = new WorkerHost((m) => sent.push(m), undefined, {
    newCluster: (lab) => {
      transport = createShimApi({ topology: shimTopology(lab.topology), seed: lab.id });
      clusters.push(transport);
      return transport;
    },
    clock: {
      now: () => wall,
      wait: async (ms) => {
        wall += ms;
        transport?.cluster.runUntil(transport.cluster.clock.now() + ms);
      },
    },
  });
  const request = async (msg: ToWorker) => {
    const from = sent.length;
    await host.handle(msg);
    return sent.slice(from);
  };
  const term = async (line: string) => {
    const out = await request({ type: 'term.run', term: 't', line });
    return out.map((m) => (m.type === 'term.output' ? m.data : '')).join('').replace(/\r\n/g, '\n');
  };
  const check = async (step: number) => {
    const [reply] = await request({ type: 'lab.check', id: 1, step });
    if (reply?.type !== 'lab.checked') throw new Error(`expected lab.checked, got ${JSON.stringify(reply)}`);
    return reply.result;
  };
  return { host, sent, request, term, check, clusters, elapsed: () => wall };
}

describe('a lab in the page worker', () => {
  it('checks a step against the page cluster: fails with the reason, then passes once the learner applied the editor file', async () => {
    const h = labHost();
    expect(await h.request({ type: 'lab.open', id: 5, lab: configmapPod, setupFiles: [] })).toEqual([{ type: 'lab.ready', id: 5, problems: [] }]);

    const before = await h.check(0);
    expect(before).toMatchObject({ step: 1, title: 'Create the ConfigMap', passed: false, score: 0 });
    expect(before.checks[0]).toMatchObject({ passed: false, message: 'ConfigMap web-config not found in namespace default' });

    await h.request({ type: 'files.write', files: [solution] });
    const applied = await h.term('kubectl apply -f app.yaml');
    expect(applied).toBe('configmap/web-config created\npod/web created\nservice/web created\n');

    // The Pod needs its image pulled: a Check waits for work in flight, in (test) wall time, instead of jumping the clock.
    expect(h.elapsed()).toBe(0);
    expect(await h.check(0)).toMatchObject({ step: 1, passed: true, score: 1 });
    expect(h.elapsed()).toBeGreaterThan(0);
    expect(h.elapsed()).toBeLessThan(8_000);
    expect(await h.check(1)).toMatchObject({ step: 2, passed: true });
    expect(await h.check(2)).toMatchObject({ step: 3, passed: true });
  });

  it('answers at once when nothing is in flight', async () => {
    const h = labHost();
    await h.request({ type: 'lab.open', id: 1, lab: configmapPod, setupFiles: [] });
    await h.check(0);
    expect(h.elapsed()).toBe(0);
  });

  it('resets to a fresh cluster; terminals keep working on the new one', async () => {
    const h = labHost();
    await h.request({ type: 'lab.open', id: 1, lab: configmapPod, setupFiles: [] });
    await h.request({ type: 'files.write', files: [solution] });
    await h.term('kubectl apply -f ./app.yaml');
    expect(await h.term('kubectl get configmap web-config -o name')).toBe('configmap/web-config\n');

    expect(await h.request({ type: 'lab.open', id: 2, lab: configmapPod, setupFiles: [] })).toEqual([{ type: 'lab.ready', id: 2, problems: [] }]);
    expect(h.clusters).toHaveLength(2);
    expect(await h.term('kubectl get configmap web-config')).toBe('Error from server (NotFound): configmaps "web-config" not found\n');
    expect((await h.check(0)).passed).toBe(false);
  });

  it("builds the lab's topology and applies its setup before the learner starts", async () => {
    const lab: Lab = {
      ...configmapPod,
      topology: { workers: 3 },
      setup: { manifests: ['setup/'], commands: ['kubectl label namespace default team=blue'] },
    };
    const h = labHost();
    const setupFiles = [{ path: 'setup/config.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: given}\ndata: {a: "1"}\n' }];
    expect(await h.request({ type: 'lab.open', id: 1, lab, setupFiles })).toEqual([{ type: 'lab.ready', id: 1, problems: [] }]);
    expect(await h.term('kubectl get nodes -o name')).toBe('node/kind-control-plane\nnode/kind-worker\nnode/kind-worker2\nnode/kind-worker3\n');
    expect(await h.term('kubectl get configmap given -o jsonpath={.data.a}')).toBe('1');
    expect(await h.term('kubectl get namespace default -o jsonpath={.metadata.labels.team}')).toBe('blue');
  });

  it('reports setup problems as the lab’s', async () => {
    const lab: Lab = { ...configmapPod, setup: { manifests: [], commands: ['kubectl get pod nothing-here'] } };
    const [ready] = await labHost().request({ type: 'lab.open', id: 1, lab, setupFiles: [] });
    expect(ready).toMatchObject({ type: 'lab.ready', problems: ['setup command 1 `kubectl get pod nothing-here` exited with 1: Error from server (NotFound): pods "nothing-here" not found'] });
  });

  it('applies the solution only when asked, and says when there is no lab or no such step', async () => {
    const h = labHost();
    expect(await h.request({ type: 'lab.check', id: 9, step: 0 })).toEqual([{ type: 'lab.error', id: 9, message: 'no lab is open on this page' }]);
    await h.request({ type: 'lab.open', id: 1, lab: configmapPod, setupFiles: [] });
    expect(await h.request({ type: 'lab.check', id: 3, step: 7 })).toEqual([{ type: 'lab.error', id: 3, message: 'lab configmap-pod has no step 8' }]);
    expect(await h.request({ type: 'lab.apply', id: 4, manifests: [solution] })).toEqual([{ type: 'lab.applied', id: 4, problems: [], notes: [] }]);
    expect(await h.check(0)).toMatchObject({ passed: true });
  });

  it("does not wait for a container's own sleeps, only for the cluster to get there", async () => {
    const h = labHost();
    await h.request({ type: 'lab.open', id: 1, lab: configmapPod, setupFiles: [] });
    await h.request({ type: 'files.write', files: [{ path: 'pod.yaml', text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec:\n  containers:\n  - {name: nginx, image: busybox, command: [sh, -c, "while true; do sleep 1; done"]}\n' }] });
    expect(await h.term('kubectl apply -f pod.yaml')).toBe('pod/web created\n');
    const result = await h.check(1);
    // The Pod got to Running (so the wait covered its start) well before the budget ran out.
    expect(h.elapsed()).toBeGreaterThan(0);
    expect(h.elapsed()).toBeLessThan(CHECK_BUDGET_MS / 2);
    expect(result.checks[1]).toMatchObject({ name: 'Pod web is Running and Ready', passed: true });
    expect(result.checks[0]).toMatchObject({ passed: false });
  });

  it("builds a lesson page's default cluster on first use, and never on a lab page", async () => {
    let built = 0;
    const sent: FromWorker[] = [];
    const lesson = new WorkerHost((m) => sent.push(m), undefined, { defaultCluster: () => { built++; return createShimApi(); } });
    await lesson.handle({ type: 'term.run', term: 't', line: 'kubectl get namespace kube-system -o name' });
    await lesson.handle({ type: 'api', id: 2, request: { method: 'GET', path: '/api/v1/namespaces/default' } });
    expect(built).toBe(1);
    expect(sent).toContainEqual({ type: 'term.output', term: 't', data: 'namespace/kube-system\r\n' });
    expect(sent.at(-1)).toMatchObject({ type: 'api.response', id: 2, response: { status: 200 } });

    built = 0;
    const lab = new WorkerHost(() => undefined, undefined, {
      defaultCluster: () => { built++; return createShimApi(); },
      newCluster: () => createShimApi(),
      clock: { now: () => 0, wait: async () => undefined },
    });
    await Promise.all([
      lab.handle({ type: 'lab.open', id: 1, lab: configmapPod, setupFiles: [] }),
      lab.handle({ type: 'term.open', term: 't', cols: 80, rows: 24 }),
      lab.handle({ type: 'term.run', term: 't', line: 'kubectl get pods' }),
    ]);
    expect(built).toBe(0);
  });

  it('applies a solution whose commands need the Pods its manifests start (statefulset-basics)', async () => {
    const lab = parseLab(readFileSync('labs/statefulset-basics/lab.yaml', 'utf8'), 'labs/statefulset-basics/lab.yaml');
    const h = labHost();
    await h.request({ type: 'lab.open', id: 1, lab, setupFiles: [] });
    const [applied] = await h.request({
      type: 'lab.apply', id: 2,
      manifests: [{ path: 'web.yaml', text: readFileSync('labs/statefulset-basics/solution/web.yaml', 'utf8') }],
      commands: { path: 'commands.sh', text: readFileSync('labs/statefulset-basics/solution/commands.sh', 'utf8') },
    });
    expect(applied).toEqual({ type: 'lab.applied', id: 2, problems: [], notes: [] });
    for (const [i] of lab.steps.entries()) expect(await h.check(i), `step ${i + 1}`).toMatchObject({ passed: true });
  });
});
