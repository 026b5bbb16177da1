/**
 * The Kubernetes kinds Statecraft knows, keyed by `apiVersion/kind`. This file is
 * the input of `scripts/gen-k8s-schema.ts`: the JSON Schema for the editor (and
 * later the API server's validation and `kubectl explain`) is generated from these
 * types, which carry the upstream API descriptions.
 */
import type * as corev1 from 'kubernetes-types/core/v1';
import type * as appsv1 from 'kubernetes-types/apps/v1';
import type * as batchv1 from 'kubernetes-types/batch/v1';
import type * as storagev1 from 'kubernetes-types/storage/v1';
import type * as policyv1 from 'kubernetes-types/policy/v1';
import type * as networkingv1 from 'kubernetes-types/networking/v1';
import type * as rbacv1 from 'kubernetes-types/rbac/v1';
import type * as discoveryv1 from 'kubernetes-types/discovery/v1';
import type * as coordinationv1 from 'kubernetes-types/coordination/v1';
import type * as apiextensionsv1 from 'kubernetes-types/apiextensions/v1';
import type * as autoscalingv1 from 'kubernetes-types/autoscaling/v1';

export interface KnownKinds {
  'v1/Pod': corev1.Pod;
  'v1/Service': corev1.Service;
  'v1/PersistentVolume': corev1.PersistentVolume;
  'v1/PersistentVolumeClaim': corev1.PersistentVolumeClaim;
  'v1/ConfigMap': corev1.ConfigMap;
  'v1/Secret': corev1.Secret;
  'v1/Namespace': corev1.Namespace;
  'v1/Node': corev1.Node;
  'v1/ServiceAccount': corev1.ServiceAccount;
  'v1/Endpoints': corev1.Endpoints;
  'v1/Event': corev1.Event;
  'v1/LimitRange': corev1.LimitRange;
  'v1/ResourceQuota': corev1.ResourceQuota;
  'apps/v1/StatefulSet': appsv1.StatefulSet;
  'apps/v1/Deployment': appsv1.Deployment;
  'apps/v1/DaemonSet': appsv1.DaemonSet;
  'apps/v1/ReplicaSet': appsv1.ReplicaSet;
  'apps/v1/ControllerRevision': appsv1.ControllerRevision;
  'batch/v1/Job': batchv1.Job;
  'batch/v1/CronJob': batchv1.CronJob;
  'storage.k8s.io/v1/StorageClass': storagev1.StorageClass;
  'storage.k8s.io/v1/CSIDriver': storagev1.CSIDriver;
  'policy/v1/PodDisruptionBudget': policyv1.PodDisruptionBudget;
  'networking.k8s.io/v1/NetworkPolicy': networkingv1.NetworkPolicy;
  'networking.k8s.io/v1/Ingress': networkingv1.Ingress;
  'rbac.authorization.k8s.io/v1/Role': rbacv1.Role;
  'rbac.authorization.k8s.io/v1/RoleBinding': rbacv1.RoleBinding;
  'rbac.authorization.k8s.io/v1/ClusterRole': rbacv1.ClusterRole;
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': rbacv1.ClusterRoleBinding;
  'discovery.k8s.io/v1/EndpointSlice': discoveryv1.EndpointSlice;
  'coordination.k8s.io/v1/Lease': coordinationv1.Lease;
  'apiextensions.k8s.io/v1/CustomResourceDefinition': apiextensionsv1.CustomResourceDefinition;
  'autoscaling/v1/Scale': autoscalingv1.Scale;
}
