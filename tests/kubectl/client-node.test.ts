/**
 * `@kubernetes/client-node`, the official JavaScript client, against `statecraft
 * serve`: it loads the kubeconfig serve writes (CA data + bearer token), lists,
 * creates, patches with every strategy, watches and deletes as it would against kind.
 */
import {
  AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, Watch, setHeaderOptions, type V1ConfigMap, type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServedCluster, type ServedCluster } from './harness.ts';

let cluster: ServedCluster;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  cluster = await startServedCluster({ seed: 'client-node' });
  kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
}, 30_000);
afterAll(async () => { await cluster?.close(); });

/** The Kubernetes Status a failed call carries in its body. */
async function statusOf(call: Promise<unknown>): Promise<{ code: number; reason: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { code: number; body: string };
    const body = JSON.parse(e.body) as { code: number; reason: string; message: string };
    expect(e.code).toBe(body.code);
    return body;
  }
  throw new Error('the call succeeded');
}

describe('@kubernetes/client-node against statecraft serve', () => {
  it('reads the kind cluster: nodes, namespaces, system pods', async () => {
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['kind-control-plane', 'kind-worker', 'kind-worker2']);
    expect(nodes.metadata?.resourceVersion).toMatch(/^\d+$/);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain('local-path-storage');
    const system = await core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' });
    expect(system.items).toHaveLength(2);
    expect(system.items.every((p) => p.status?.phase === 'Running')).toBe(true);
  });

  it('creates, patches with each strategy, and deletes a ConfigMap', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'settings', labels: { app: 'demo' } }, data: { mode: 'safe' } },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);

    const patch = (body: unknown, strategy: string): Promise<V1ConfigMap> =>
      core.patchNamespacedConfigMap({ name: 'settings', namespace: 'default', body }, setHeaderOptions('Content-Type', strategy));
    expect((await patch({ data: { retries: '3' } }, PatchStrategy.StrategicMergePatch)).data).toEqual({ mode: 'safe', retries: '3' });
    expect((await patch({ data: { mode: null } }, PatchStrategy.MergePatch)).data).toEqual({ retries: '3' });
    expect((await patch([{ op: 'add', path: '/data/owner', value: 'ops' }], PatchStrategy.JsonPatch)).data).toEqual({ retries: '3', owner: 'ops' });

    const conflict = await statusOf(core.replaceNamespacedConfigMap({
      name: 'settings', namespace: 'default', body: { ...created, data: { stale: 'yes' } },
    }));
    expect(conflict).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(conflict.message).toBe('Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again');

    await core.deleteNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    expect(await statusOf(core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' })))
      .toMatchObject({ code: 404, reason: 'NotFound', message: 'configmaps "settings" not found' });
  });

  it('gets the API server\'s validation errors', async () => {
    const invalid = await statusOf(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }));
    expect(invalid).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(invalid.message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });

  it('watches a pod from creation to Running and deletion', async () => {
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      void new Watch(kc).watch('/api/v1/namespaces/default/pods', { fieldSelector: 'metadata.name=watched' }, (phase, pod: V1Pod) => {
        seen.push(`${phase} ${pod.status?.phase ?? ''}`);
        if (phase === 'DELETED') resolve();
      }, (error) => { if (error) reject(error as Error); }).then((controller) => {
        void core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'watched' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } });
        const poll = setInterval(async () => {
          const pod = await core.readNamespacedPod({ name: 'watched', namespace: 'default' });
          if (pod.status?.phase === 'Running') {
            clearInterval(poll);
            await core.deleteNamespacedPod({ name: 'watched', namespace: 'default', gracePeriodSeconds: 0 });
            setTimeout(() => controller.abort(), 5_000);
          }
        }, 100);
      });
    });
    await done;
    expect(seen[0]).toBe('ADDED Pending');
    expect(seen).toContain('MODIFIED Running');
    expect(seen.at(-1)).toMatch(/^DELETED /);
  }, 30_000);

  it('lists apps/v1 objects through another group\'s client', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const deployments = await apps.listDeploymentForAllNamespaces();
    expect(deployments.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual(['kube-system/coredns', 'local-path-storage/local-path-provisioner']);
    const ds = await apps.readNamespacedDaemonSet({ name: 'kube-proxy', namespace: 'kube-system' });
    expect(ds.status?.numberReady).toBe(3);
  });
});
