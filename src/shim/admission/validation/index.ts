// Per-kind validation, keyed by `group/resource`.
import type { FieldError } from '../../errors.ts';
import type { J } from '../json.ts';
import {
  validateConfigMap, validatePersistentVolume, validatePersistentVolumeClaim, validatePodDisruptionBudget,
  validateSecret, validateService, validateStorageClass,
} from './core.ts';
import { validatePod } from './pod.ts';
import {
  validateClusterRole, validateClusterRoleBinding, validatePriorityClass, validateRole, validateRoleBinding,
} from './policy.ts';
import {
  validateCronJob, validateDaemonSet, validateDeployment, validateJob, validateReplicaSet, validateStatefulSet,
} from './workloads.ts';

export type KindValidator = (obj: J, old: J | undefined) => FieldError[];

export const VALIDATORS: Record<string, KindValidator> = {
  '/pods': validatePod,
  '/services': validateService,
  '/persistentvolumeclaims': validatePersistentVolumeClaim,
  '/persistentvolumes': validatePersistentVolume,
  '/configmaps': validateConfigMap,
  '/secrets': validateSecret,
  'apps/deployments': validateDeployment,
  'apps/replicasets': validateReplicaSet,
  'apps/daemonsets': validateDaemonSet,
  'apps/statefulsets': validateStatefulSet,
  'batch/jobs': validateJob,
  'batch/cronjobs': validateCronJob,
  'storage.k8s.io/storageclasses': validateStorageClass,
  'policy/poddisruptionbudgets': validatePodDisruptionBudget,
  'rbac.authorization.k8s.io/roles': validateRole,
  'rbac.authorization.k8s.io/clusterroles': validateClusterRole,
  'rbac.authorization.k8s.io/rolebindings': validateRoleBinding,
  'rbac.authorization.k8s.io/clusterrolebindings': validateClusterRoleBinding,
  'scheduling.k8s.io/priorityclasses': validatePriorityClass,
};

export { invalidError } from './common.ts';
