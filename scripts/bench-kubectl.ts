/**
 * `kubectl_get_pods_ms` for `npm run bench`: our kubectl, in-process as in the
 * browser's worker, printing `kubectl get pods` for 100 running pods (the
 * server-side Table included). Median wall ms of 50 runs after 5 warm-ups, with
 * one terminal session's discovery cache, as a learner's second command has.
 */
import { createShimApi } from '../src/api/index.ts';
import { kubectl, KubectlSession } from '../src/kubectl/kubectl.ts';

const api = createShimApi({ seed: 'bench-kubectl' });
for (let i = 0; i < 100; i++) {
  api.cluster.registry.create({ group: '', resource: 'pods' }, {
    metadata: { name: `web-${i}`, labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
  }, { namespace: 'default' });
}
api.cluster.settle();

const session = new KubectlSession();
let out = '';
const io = { stdout: (t: string) => { out += t; }, stderr: (t: string) => { out += t; }, interrupted: new Promise<void>(() => undefined) };
const run = async (): Promise<number> => {
  out = '';
  const start = performance.now();
  const code = await kubectl(['get', 'pods'], { io, transport: api, session });
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`kubectl get pods failed: ${out}`);
  return ms;
};
for (let i = 0; i < 5; i++) await run();
// The figure must be of the real listing: a header and 100 Running rows.
if (out.split('\n').filter((l) => /\s1\/1\s+Running\s/.test(l)).length !== 100) console.error(`bench: kubectl get pods printed:\n${out.slice(0, 500)}`);
const times: number[] = [];
for (let i = 0; i < 50; i++) times.push(await run());
times.sort((a, b) => a - b);
console.log(JSON.stringify({ metric: 'kubectl_get_pods_ms', value: Math.round(((times[24]! + times[25]!) / 2) * 100) / 100, unit: 'ms' }));
