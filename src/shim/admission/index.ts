// What the API server does to an object between decoding and storage, beyond the
// generic registry: API defaulting, the mutating admission plugins a kind cluster runs
// (ServiceAccount, DefaultTolerationSeconds, Priority, DefaultStorageClass), per-kind
// validation with upstream's messages, and the storage plugins (storage.ts).
import type { Cluster } from '../cluster.ts';
import type { AdmissionAttributes, AdmissionPlugin } from '../registry.ts';
import type { J } from './json.ts';
import { DEFAULTERS } from './defaults/kinds.ts';
import {
  admitDefaultStorageClass, admitDefaultTolerationSeconds, admitPriority, admitServiceAccount,
} from './defaults/plugins.ts';
import { VALIDATORS, invalidError } from './validation/index.ts';
import { storageAdmission } from './storage.ts';
import { daemonSetTemplateGenerationPlugin } from './daemonset-template-generation.ts';
import { jobSelectorPlugin } from './job-selector.ts';

// `group/resource`, built once per resource type: plugins ask on every write.
const keys = new WeakMap<object, string>();
function key(attrs: AdmissionAttributes): string {
  let k = keys.get(attrs.type);
  if (k === undefined) keys.set(attrs.type, (k = `${attrs.type.group}/${attrs.type.resource}`));
  return k;
}

/**
 * Defaulting, as the decoder applies it to every create and update of the main
 * resource. Status and other subresource writes keep the stored spec as it is.
 */
export function defaultingPlugin(): AdmissionPlugin {
  return {
    name: 'Defaulting',
    admit(attrs) {
      if (attrs.subresource !== undefined) return;
      DEFAULTERS[key(attrs)]?.(attrs.object as J);
    },
  };
}

/** The mutating plugins that act on new Pods and PVCs. */
export function mutatingPlugins(cluster: Pick<Cluster, 'store' | 'random'>): AdmissionPlugin {
  return {
    name: 'ServiceAccount,DefaultTolerationSeconds,Priority,DefaultStorageClass',
    admit(attrs) {
      if (attrs.subresource !== undefined || attrs.operation !== 'CREATE') return;
      const k = key(attrs);
      if (k === '/pods') {
        admitServiceAccount(attrs.object, cluster.store, cluster.random);
        admitDefaultTolerationSeconds(attrs.object);
        admitPriority(attrs.object, cluster.store);
      } else if (k === '/persistentvolumeclaims') admitDefaultStorageClass(attrs.object, cluster.store);
    },
  };
}

/**
 * Per-kind validation. Runs as an admission `validate` (not a registry Validator) so it
 * can skip subresource writes (status, binding) and print Go-rendered bad values.
 */
export function validationPlugin(): AdmissionPlugin {
  return {
    name: 'Validation',
    validate(attrs) {
      if (attrs.subresource !== undefined) return;
      const errs = VALIDATORS[key(attrs)]?.(attrs.object as J, attrs.oldObject as J | undefined) ?? [];
      if (errs.length > 0) throw invalidError(attrs.type.group, attrs.type.kind, attrs.object.metadata?.name ?? '', errs);
    },
  };
}

/** Registers defaulting, the mutating admission plugins and validation on the cluster's registry. */
export function installAdmission(cluster: Cluster): void {
  cluster.registry.addAdmission(defaultingPlugin());
  cluster.registry.addAdmission(daemonSetTemplateGenerationPlugin());
  cluster.registry.addAdmission(jobSelectorPlugin(cluster.random));
  cluster.registry.addAdmission(mutatingPlugins(cluster));
  cluster.registry.addAdmission(validationPlugin());
  // Validating admission runs after validation: a shrink is a 422 before a resize is a 403.
  cluster.registry.addAdmission(storageAdmission(cluster));
}

export { decodeObject } from '../decode/index.ts';
export { defaultStorageClassName, IS_DEFAULT_CLASS, SERVICE_ACCOUNT_MOUNT_PATH } from './defaults/plugins.ts';
export { imageTag } from './defaults/pod.ts';
