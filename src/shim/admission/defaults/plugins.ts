// The mutating admission plugins a kind v1.32 API server runs on Pod and PVC creation.
// K:plugin/pkg/admission/serviceaccount/admission.go,
// K:plugin/pkg/admission/defaulttolerationseconds/admission.go,
// K:plugin/pkg/admission/priority/admission.go,
// K:plugin/pkg/admission/storage/storageclass/setdefault/admission.go.
import { forbidden } from '../../errors.ts';
import type { KObject } from '../../objects.ts';
import type { SeededRandom } from '../../random.ts';
import type { Store } from '../../store.ts';
import { dflt, list, str, sub, type J } from '../json.ts';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const PODS = { group: '', resource: 'pods' };

/** How admission errors name an object whose name is not generated yet (extractResourceName). */
const admissionName = (obj: KObject): string => obj.metadata?.name || obj.metadata?.generateName || 'Unknown';

const SERVICE_ACCOUNTS = { group: '', resource: 'serviceaccounts' };

/** ServiceAccount admission: default SA, and the projected token volume in every container. */
export function admitServiceAccount(pod: KObject, store: Store, random: SeededRandom): void {
  // Upstream leaves mirror pods alone: the kubelet would delete one whose spec
  // differs from its manifest.
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
  const spec = sub(pod as J, 'spec');
  dflt(spec, 'serviceAccountName', 'default');
  const saName = str(spec.serviceAccountName);
  spec.serviceAccount = saName;
  const namespace = pod.metadata?.namespace ?? '';
  // Without a service-account controller there are no ServiceAccounts to look up; only
  // check existence where the namespace has some.
  const sa = store.get(SERVICE_ACCOUNTS, namespace, saName);
  if (sa === undefined && store.count(SERVICE_ACCOUNTS, namespace) > 0) {
    throw forbidden(PODS, admissionName(pod), `error looking up service account ${namespace}/${saName}: serviceaccount "${saName}" not found`);
  }
  const automount = spec.automountServiceAccountToken ?? (sa as J | undefined)?.automountServiceAccountToken ?? true;
  if (automount === false) return;
  const containers = [...list(spec, 'initContainers'), ...list(spec, 'containers')];
  if (containers.some((c) => list(c, 'volumeMounts').some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
  const taken = new Set(list(spec, 'volumes').map((v) => v.name));
  let name: string;
  do name = `kube-api-access-${random.suffix(5)}`;
  while (taken.has(name));
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
  volumes.push({
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  });
  spec.volumes = volumes;
  for (const c of containers) {
    const mounts = Array.isArray(c.volumeMounts) ? (c.volumeMounts as unknown[]) : [];
    mounts.push({ mountPath: SERVICE_ACCOUNT_MOUNT_PATH, name, readOnly: true });
    c.volumeMounts = mounts;
  }
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** DefaultTolerationSeconds: pods ride out 300 s of an unhealthy node before eviction. */
export function admitDefaultTolerationSeconds(pod: KObject): void {
  const spec = sub(pod as J, 'spec');
  const tolerations = list(spec, 'tolerations');
  const tolerates = (key: string): boolean =>
    tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
  const added: J[] = [];
  for (const key of [NOT_READY, UNREACHABLE]) {
    if (!tolerates(key)) added.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
  }
  if (added.length > 0) spec.tolerations = [...((spec.tolerations as unknown[] | undefined) ?? []), ...added];
}

/** The built-in PriorityClasses every cluster has. */
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/** Priority admission: resolves priorityClassName to `priority` and `preemptionPolicy`. */
export function admitPriority(pod: KObject, store: Store): void {
  const spec = sub(pod as J, 'spec');
  const className = str(spec.priorityClassName);
  let priority = 0;
  let preemptionPolicy = 'PreemptLowerPriority';
  if (className !== '') {
    const builtin = SYSTEM_PRIORITY_CLASSES[className];
    const pc = builtin === undefined ? store.get({ group: 'scheduling.k8s.io', resource: 'priorityclasses' }, '', className) : undefined;
    if (builtin !== undefined) priority = builtin;
    else if (pc !== undefined) {
      priority = typeof pc.value === 'number' ? pc.value : 0;
      if (typeof pc.preemptionPolicy === 'string') preemptionPolicy = pc.preemptionPolicy;
    } else throw forbidden(PODS, admissionName(pod), `no PriorityClass with name ${className} was found`);
  }
  if (typeof spec.priority === 'number' && spec.priority !== priority) {
    throw forbidden(
      PODS,
      admissionName(pod),
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    );
  }
  spec.priority = priority;
  dflt(spec, 'preemptionPolicy', preemptionPolicy);
}

export const IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const BETA_IS_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The default StorageClass: newest of those annotated as default, then by name. */
export function defaultStorageClassName(store: Store): string | undefined {
  const classes = store
    .list({ group: 'storage.k8s.io', resource: 'storageclasses' })
    .items.filter((sc) => {
      const a = sc.metadata?.annotations ?? {};
      return a[IS_DEFAULT_CLASS] === 'true' || a[BETA_IS_DEFAULT_CLASS] === 'true';
    })
    .sort((a, b) => {
      const ta = a.metadata?.creationTimestamp ?? '';
      const tb = b.metadata?.creationTimestamp ?? '';
      if (ta !== tb) return ta > tb ? -1 : 1;
      return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
    });
  return classes[0]?.metadata?.name;
}

/** DefaultStorageClass: a claim with no class at all (not `""`) gets the default one. */
export function admitDefaultStorageClass(pvc: KObject, store: Store): void {
  const spec = sub(pvc as J, 'spec');
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (pvc.metadata?.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
  const name = defaultStorageClassName(store);
  if (name !== undefined) spec.storageClassName = name;
}
