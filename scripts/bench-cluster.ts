/**
 * Cluster benchmarks for `npm run bench`, one scenario per child process so
 * heap figures do not leak between them:
 *   tsx scripts/bench-cluster.ts deployment   → CPU ms to apply a 3-replica
 *       Deployment + Service through the API and settle, median of 25 runs
 *   tsx scripts/bench-cluster.ts pods5000     → CPU ms and peak heap to schedule
 *       and start 5,000 pods across 50 nodes, median of 5 runs
 *   tsx scripts/bench-cluster.ts sts          → CPU ms to apply the StatefulSet Basics
 *       web.yaml and settle to 2 Ready pods with Bound claims, median of 25 runs
 *   tsx scripts/bench-cluster.ts daemonset    → CPU ms to apply a DaemonSet to a
 *       100-node cluster and settle to a Ready pod on each of the 99 workers, median of 9 runs
 * Prints one JSON object per line: {"metric", "value", "unit"}.
 */
import { createShimApi } from '../src/api/index.ts';
import { createKindCluster } from '../src/shim/index.ts';

function emit(metric: string, value: number, unit: string): void {
  console.log(JSON.stringify({ metric, value: Math.round(value * 100) / 100, unit }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU time (user + system) of `fn`, in ms. */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function deployment(): void {
  const runs: number[] = [];
  for (let run = 0; run < 25; run++) {
    const api = createShimApi({ seed: `bench-${run}` });
    runs.push(cpuMs(() => {
      const created = [
        api.requestSync({ method: 'POST', path: '/apis/apps/v1/namespaces/default/deployments', ...json({
          apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
          spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } } },
        }) }),
        api.requestSync({ method: 'POST', path: '/api/v1/namespaces/default/services', ...json({
          apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
        }) }),
      ];
      for (const response of created) if (response.status !== 201) throw new Error(`create failed: ${JSON.stringify(response.body)}`);
      api.cluster.settle();
    }));
    // The result must be what the metric claims: three running replicas.
    const pods = api.cluster.store.list({ group: '', resource: 'pods' }, { namespace: 'default' }).items;
    const running = pods.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running').length;
    if (run === 0 && running !== 3) console.error(`bench: deployment scenario ended with ${running}/3 running pods`);
  }
  emit('deployment_3_replicas_settle_ms', median(runs), 'ms');
}

function pods5000(): void {
  const runs: number[] = [];
  let peakHeap = 0;
  for (let run = 0; run < 5; run++) {
    const { cluster } = createKindCluster({ topology: { workers: 49 }, seed: `bench-${run}` });
    const before = process.memoryUsage().heapUsed;
    runs.push(cpuMs(() => {
      for (let i = 0; i < 5000; i++) {
        cluster.registry.create({ group: '', resource: 'pods' }, {
          metadata: { name: `big-${i}`, labels: { app: 'big' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        }, { namespace: 'default' });
      }
      cluster.settle();
    }));
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - before);
    const pods = cluster.store.list({ group: '', resource: 'pods' }, { namespace: 'default' }).items;
    const running = pods.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running').length;
    if (running !== 5000) console.error(`bench: pods5000 scenario ended with ${running}/5000 running pods`);
  }
  emit('pods_5000_settle_ms', median(runs), 'ms');
  emit('pods_5000_heap_mb', peakHeap / 1024 / 1024, 'MB');
}

/**
 * The StatefulSet Basics tutorial's web.yaml (headless Service + 2-replica StatefulSet
 * with a `www` claim template) applied through the API to a fresh cluster, settled to
 * both pods Ready and both claims Bound (provisioned by local-path).
 */
function sts(): void {
  const runs: number[] = [];
  for (let run = 0; run < 25; run++) {
    const api = createShimApi({ seed: `bench-${run}` });
    runs.push(cpuMs(() => {
      const created = [
        api.requestSync({ method: 'POST', path: '/api/v1/namespaces/default/services', ...json({
          apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx', labels: { app: 'nginx' } },
          spec: { ports: [{ port: 80, name: 'web' }], clusterIP: 'None', selector: { app: 'nginx' } },
        }) }),
        api.requestSync({ method: 'POST', path: '/apis/apps/v1/namespaces/default/statefulsets', ...json({
          apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
          spec: {
            serviceName: 'nginx', replicas: 2, selector: { matchLabels: { app: 'nginx' } },
            template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.21', ports: [{ containerPort: 80, name: 'web' }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
            volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
          },
        }) }),
      ];
      for (const response of created) if (response.status !== 201) throw new Error(`create failed: ${JSON.stringify(response.body)}`);
      api.cluster.settle();
    }));
    if (run === 0) {
      const ns = { namespace: 'default' };
      const ready = api.cluster.store.list({ group: '', resource: 'pods' }, ns).items
        .filter((p) => (p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      const bound = api.cluster.store.list({ group: '', resource: 'persistentvolumeclaims' }, ns).items
        .filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Bound').length;
      if (ready !== 2 || bound !== 2) console.error(`bench: sts scenario ended with ${ready}/2 ready pods and ${bound}/2 bound claims`);
    }
  }
  emit('sts_basics_settle_ms', median(runs), 'ms');
}

/**
 * A DaemonSet (one container, no requests) applied through the API to a 100-node
 * cluster (1 control plane, 99 workers) and settled to one Ready pod per worker.
 */
function daemonset(): void {
  const runs: number[] = [];
  for (let run = 0; run < 9; run++) {
    const api = createShimApi({ seed: `bench-${run}`, topology: { workers: 99 } });
    runs.push(cpuMs(() => {
      const response = api.requestSync({ method: 'POST', path: '/apis/apps/v1/namespaces/default/daemonsets', ...json({
        apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'log-agent' },
        spec: { selector: { matchLabels: { name: 'log-agent' } }, template: { metadata: { labels: { name: 'log-agent' } }, spec: { containers: [{ name: 'agent', image: 'registry.k8s.io/pause:3.10' }] } } },
      }) });
      if (response.status !== 201) throw new Error(`create failed: ${JSON.stringify(response.body)}`);
      api.cluster.settle();
    }));
    if (run === 0) {
      const ready = api.cluster.store.list({ group: '', resource: 'pods' }, { namespace: 'default' }).items
        .filter((p) => (p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready !== 99) console.error(`bench: daemonset scenario ended with ${ready}/99 ready pods`);
    }
  }
  emit('daemonset_100_nodes_settle_ms', median(runs), 'ms');
}

const scenarios: Record<string, () => void> = { deployment, pods5000, sts, daemonset };
const name = process.argv[2] ?? '';
const scenario = scenarios[name];
if (!scenario) {
  console.error(`usage: tsx scripts/bench-cluster.ts ${Object.keys(scenarios).join('|')}`);
  process.exit(2);
}
scenario();
