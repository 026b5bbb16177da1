/**
 * A real cluster as a lab-check backend: each scenario (start state, solution,
 * each wrong answer) gets a namespace of its own, deleted afterwards with the
 * cluster-scoped objects the scenario applied (PersistentVolumes, …).
 */
import { randomBytes } from 'node:crypto';
import type { Backend } from '../runner/lab-check.ts';
import { KubeconfigClusterClient, type KubeconfigOptions } from './kubeconfig-client.ts';

export function kubeconfigBackend(options: KubeconfigOptions = {}): Backend {
  const admin = new KubeconfigClusterClient(options);
  return {
    description: admin.description.replace(/ namespace .*$/, ''),
    async fresh(lab, scenario) {
      const slug = `${lab.id}-${scenario}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 40).replace(/-+$/, '');
      const namespace = `sc-${slug}-${randomBytes(3).toString('hex')}`;
      await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': 'statecraft' } } });
      const client = new KubeconfigClusterClient({ ...options, namespace });
      return {
        client,
        async dispose() {
          // StorageClasses from the lab's topology stay: other scenarios of the lab use them too.
          for (const ref of client.appliedClusterScoped.reverse()) {
            if (ref.kind !== 'StorageClass') await client.delete(ref).catch(() => false);
          }
          await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace }).catch(() => false);
        },
      };
    },
  };
}
