/**
 * A real cluster as a lab-check backend: each scenario (start state, solution,
 * each wrong answer) gets a namespace of its own. A scenario also reaches past
 * its namespace — PersistentVolumes and StorageClasses it creates, volumes
 * provisioned for its claims, nodes it powers off — so it is only over when all
 * of that is undone and gone: otherwise the next scenario would find the
 * previous one's `pv-data` (still bound, or terminating) or its class `keep`
 * (whose fields are immutable) and be graded on them.
 */
import { randomBytes } from 'node:crypto';
import type { KObject, ObjectRef } from '../runner/client.ts';
import type { Backend } from '../runner/lab-check.ts';
import { KubeconfigClusterClient, type KubeconfigOptions } from './kubeconfig-client.ts';

export interface KubeconfigBackendOptions extends KubeconfigOptions {
  /** Wall-clock milliseconds a scenario's cleanup may take before it is reported as failed (default 120 s). */
  cleanupTimeoutMs?: number;
}

export function kubeconfigBackend(options: KubeconfigBackendOptions = {}): Backend {
  const admin = new KubeconfigClusterClient(options);
  const cleanupTimeoutMs = options.cleanupTimeoutMs ?? 120_000;
  return {
    description: admin.description.replace(/ namespace .*$/, ''),
    async fresh(lab, scenario) {
      const slug = `${lab.id}-${scenario}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 40).replace(/-+$/, '');
      const namespace = `sc-${slug}-${randomBytes(3).toString('hex')}`;
      await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'statecraft' } } });
      const client = new KubeconfigClusterClient({ ...options, namespace });
      return {
        client,
        dispose: () => cleanUp(admin, client, namespace, Date.now() + cleanupTimeoutMs),
      };
    },
  };
}

/**
 * Undoes a scenario, in the order the cluster needs: nodes on again (a Pod on a
 * stopped node never finishes terminating, nor does its namespace), the
 * namespace and everything in it, then the cluster-scoped objects the scenario
 * created and the volumes provisioned for its claims. Waits until they are gone;
 * throws, naming what is left, when the deadline passes.
 */
async function cleanUp(admin: KubeconfigClusterClient, client: KubeconfigClusterClient, namespace: string, deadline: number): Promise<void> {
  for (const node of [...client.stoppedNodes]) await client.nodePower(node, 'start');
  const powered = [...client.poweredNodes];
  await waitFor(deadline, `node ${powered.join(', ')} Ready again`, async () => {
    for (const name of powered) {
      const node = await admin.get({ apiVersion: 'v1', kind: 'Node', name });
      const ready = (node?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
      if (node && ready?.status !== 'True') return `${name} is not Ready`;
    }
    return true;
  });

  await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }).catch(() => false);
  await waitFor(deadline, `namespace ${namespace} deleted`, async () => (await admin.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace })) === undefined);

  // Volumes provisioned for the scenario's claims (a Retain class keeps them after the claim goes).
  const claimed = (await admin.list({ apiVersion: 'v1', kind: 'PersistentVolume' }))
    .filter((pv) => claimRefNamespace(pv) === namespace)
    .map((pv) => ({ apiVersion: 'v1', kind: 'PersistentVolume', name: pv.metadata?.name ?? '' }));
  const leftovers: ObjectRef[] = [...client.createdClusterScoped].reverse();
  for (const ref of claimed) if (!leftovers.some((r) => r.kind === ref.kind && r.name === ref.name)) leftovers.push(ref);
  for (const ref of leftovers) await admin.delete(ref).catch(() => false);
  await waitFor(deadline, 'the cluster-scoped objects the scenario created deleted', async () => {
    for (const ref of leftovers) if ((await admin.get(ref)) !== undefined) return `${ref.kind} ${ref.name} is still there`;
    return true;
  });
}

function claimRefNamespace(pv: KObject): string | undefined {
  return (pv.spec as { claimRef?: { namespace?: string } } | undefined)?.claimRef?.namespace;
}

/** Polls `done` every 200 ms until it is true, or throws what is still not done at the deadline. */
async function waitFor(deadline: number, what: string, done: () => Promise<boolean | string>): Promise<void> {
  for (;;) {
    const outcome = await done();
    if (outcome === true) return;
    if (Date.now() >= deadline) throw new Error(`cleanup did not finish in time: waiting for ${what}${typeof outcome === 'string' ? ` (${outcome})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
