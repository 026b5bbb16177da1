/**
 * Strategic-merge facts for the built-in kinds, read off the Kubernetes v1.32
 * OpenAPI v3 documents (`x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`,
 * which the API server generates from the Go struct tags `patchStrategy` /
 * `patchMergeKey` that `k8s.io/apimachinery/pkg/util/strategicpatch` reads).
 *
 * Only the fields on a path to a field with a patch strategy are listed: every
 * field not listed is a plain map (merged recursively) or an atomic list
 * (replaced wholesale) — e.g. `tolerations`, `taints`, `args`, `command`,
 * `accessModes`, `volumeClaimTemplates` have no strategy in 1.32.
 *
 * `type` names the definition of the field's value (of each element for lists);
 * `valueType` the definition of each value of a map-valued field.
 * Extracted mechanically for every kind the 1.32 server documents under
 * api/v1, apps/v1, batch/v1, storage.k8s.io/v1, discovery.k8s.io/v1,
 * coordination.k8s.io/v1, policy/v1, events.k8s.io/v1, networking.k8s.io/v1,
 * rbac.authorization.k8s.io/v1, apiextensions.k8s.io/v1, autoscaling/v1.
 */
import type { FieldPatchMeta } from './merge-keys.ts';

/** `group/version/Kind` (core group: `v1/Kind`) → root definition. */
export const KIND_DEFINITIONS: Readonly<Record<string, string>> = {
  'apiextensions.k8s.io/v1/CustomResourceDefinition': 'apiextensions.v1.CustomResourceDefinition',
  'apps/v1/ControllerRevision': 'apps.v1.ControllerRevision',
  'apps/v1/DaemonSet': 'apps.v1.DaemonSet',
  'apps/v1/Deployment': 'apps.v1.Deployment',
  'apps/v1/ReplicaSet': 'apps.v1.ReplicaSet',
  'apps/v1/StatefulSet': 'apps.v1.StatefulSet',
  'authentication.k8s.io/v1/TokenRequest': 'authentication.v1.TokenRequest',
  'autoscaling/v1/HorizontalPodAutoscaler': 'autoscaling.v1.HorizontalPodAutoscaler',
  'autoscaling/v1/Scale': 'autoscaling.v1.Scale',
  'batch/v1/CronJob': 'batch.v1.CronJob',
  'batch/v1/Job': 'batch.v1.Job',
  'coordination.k8s.io/v1/Lease': 'coordination.v1.Lease',
  'discovery.k8s.io/v1/EndpointSlice': 'discovery.v1.EndpointSlice',
  'events.k8s.io/v1/Event': 'events.v1.Event',
  'networking.k8s.io/v1/Ingress': 'networking.v1.Ingress',
  'networking.k8s.io/v1/IngressClass': 'networking.v1.IngressClass',
  'networking.k8s.io/v1/NetworkPolicy': 'networking.v1.NetworkPolicy',
  'policy/v1/Eviction': 'policy.v1.Eviction',
  'policy/v1/PodDisruptionBudget': 'policy.v1.PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'rbac.v1.ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'rbac.v1.Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'rbac.v1.RoleBinding',
  'storage.k8s.io/v1/CSIDriver': 'storage.v1.CSIDriver',
  'storage.k8s.io/v1/CSINode': 'storage.v1.CSINode',
  'storage.k8s.io/v1/CSIStorageCapacity': 'storage.v1.CSIStorageCapacity',
  'storage.k8s.io/v1/StorageClass': 'storage.v1.StorageClass',
  'storage.k8s.io/v1/VolumeAttachment': 'storage.v1.VolumeAttachment',
  'v1/Binding': 'core.v1.Binding',
  'v1/ComponentStatus': 'core.v1.ComponentStatus',
  'v1/ConfigMap': 'core.v1.ConfigMap',
  'v1/Endpoints': 'core.v1.Endpoints',
  'v1/Event': 'core.v1.Event',
  'v1/LimitRange': 'core.v1.LimitRange',
  'v1/Namespace': 'core.v1.Namespace',
  'v1/Node': 'core.v1.Node',
  'v1/PersistentVolume': 'core.v1.PersistentVolume',
  'v1/PersistentVolumeClaim': 'core.v1.PersistentVolumeClaim',
  'v1/Pod': 'core.v1.Pod',
  'v1/PodTemplate': 'core.v1.PodTemplate',
  'v1/ReplicationController': 'core.v1.ReplicationController',
  'v1/ResourceQuota': 'core.v1.ResourceQuota',
  'v1/Secret': 'core.v1.Secret',
  'v1/Service': 'core.v1.Service',
  'v1/ServiceAccount': 'core.v1.ServiceAccount',
  'v1/Status': 'meta.v1.Status',
};

export const DEFINITIONS: Readonly<Record<string, Readonly<Record<string, FieldPatchMeta>>>> = {
  'apiextensions.v1.CustomResourceDefinition': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'apiextensions.v1.CustomResourceDefinitionSpec' },
  },
  'apiextensions.v1.CustomResourceDefinitionSpec': {
    versions: { type: 'apiextensions.v1.CustomResourceDefinitionVersion' },
  },
  'apiextensions.v1.CustomResourceDefinitionVersion': {
    schema: { type: 'apiextensions.v1.CustomResourceValidation' },
  },
  'apiextensions.v1.CustomResourceValidation': {
    openAPIV3Schema: { type: 'apiextensions.v1.JSONSchemaProps' },
  },
  'apiextensions.v1.JSONSchemaProps': {
    allOf: { type: 'apiextensions.v1.JSONSchemaProps' },
    anyOf: { type: 'apiextensions.v1.JSONSchemaProps' },
    definitions: { valueType: 'apiextensions.v1.JSONSchemaProps' },
    not: { type: 'apiextensions.v1.JSONSchemaProps' },
    oneOf: { type: 'apiextensions.v1.JSONSchemaProps' },
    patternProperties: { valueType: 'apiextensions.v1.JSONSchemaProps' },
    properties: { valueType: 'apiextensions.v1.JSONSchemaProps' },
    'x-kubernetes-validations': { strategy: 'merge', mergeKey: 'rule' },
  },
  'apps.v1.ControllerRevision': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'apps.v1.DaemonSet': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'apps.v1.DaemonSetSpec' },
    status: { type: 'apps.v1.DaemonSetStatus' },
  },
  'apps.v1.DaemonSetSpec': {
    template: { type: 'core.v1.PodTemplateSpec' },
  },
  'apps.v1.DaemonSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'apps.v1.Deployment': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'apps.v1.DeploymentSpec' },
    status: { type: 'apps.v1.DeploymentStatus' },
  },
  'apps.v1.DeploymentSpec': {
    strategy: { strategy: 'retainKeys' },
    template: { type: 'core.v1.PodTemplateSpec' },
  },
  'apps.v1.DeploymentStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'apps.v1.ReplicaSet': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'apps.v1.ReplicaSetSpec' },
    status: { type: 'apps.v1.ReplicaSetStatus' },
  },
  'apps.v1.ReplicaSetSpec': {
    template: { type: 'core.v1.PodTemplateSpec' },
  },
  'apps.v1.ReplicaSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'apps.v1.StatefulSet': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'apps.v1.StatefulSetSpec' },
    status: { type: 'apps.v1.StatefulSetStatus' },
  },
  'apps.v1.StatefulSetSpec': {
    template: { type: 'core.v1.PodTemplateSpec' },
    volumeClaimTemplates: { type: 'core.v1.PersistentVolumeClaim' },
  },
  'apps.v1.StatefulSetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'authentication.v1.TokenRequest': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'autoscaling.v1.HorizontalPodAutoscaler': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'autoscaling.v1.Scale': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'batch.v1.CronJob': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'batch.v1.CronJobSpec' },
  },
  'batch.v1.CronJobSpec': {
    jobTemplate: { type: 'batch.v1.JobTemplateSpec' },
  },
  'batch.v1.Job': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'batch.v1.JobSpec' },
    status: { type: 'batch.v1.JobStatus' },
  },
  'batch.v1.JobSpec': {
    template: { type: 'core.v1.PodTemplateSpec' },
  },
  'batch.v1.JobStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'batch.v1.JobTemplateSpec': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'batch.v1.JobSpec' },
  },
  'coordination.v1.Lease': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.Binding': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.ComponentStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.ConfigMap': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.Container': {
    env: { strategy: 'merge', mergeKey: 'name' },
    ports: { strategy: 'merge', mergeKey: 'containerPort' },
    volumeDevices: { strategy: 'merge', mergeKey: 'devicePath' },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath' },
  },
  'core.v1.ContainerStatus': {
    allocatedResourcesStatus: { strategy: 'merge', mergeKey: 'name' },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath' },
  },
  'core.v1.Endpoints': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.EphemeralContainer': {
    env: { strategy: 'merge', mergeKey: 'name' },
    ports: { strategy: 'merge', mergeKey: 'containerPort' },
    volumeDevices: { strategy: 'merge', mergeKey: 'devicePath' },
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath' },
  },
  'core.v1.EphemeralVolumeSource': {
    volumeClaimTemplate: { type: 'core.v1.PersistentVolumeClaimTemplate' },
  },
  'core.v1.Event': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.LimitRange': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.Namespace': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    status: { type: 'core.v1.NamespaceStatus' },
  },
  'core.v1.NamespaceStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'core.v1.Node': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'core.v1.NodeSpec' },
    status: { type: 'core.v1.NodeStatus' },
  },
  'core.v1.NodeSpec': {
    podCIDRs: { strategy: 'merge' },
  },
  'core.v1.NodeStatus': {
    addresses: { strategy: 'merge', mergeKey: 'type' },
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'core.v1.PersistentVolume': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.PersistentVolumeClaim': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    status: { type: 'core.v1.PersistentVolumeClaimStatus' },
  },
  'core.v1.PersistentVolumeClaimStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'core.v1.PersistentVolumeClaimTemplate': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.Pod': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'core.v1.PodSpec' },
    status: { type: 'core.v1.PodStatus' },
  },
  'core.v1.PodSpec': {
    containers: { strategy: 'merge', mergeKey: 'name', type: 'core.v1.Container' },
    ephemeralContainers: { strategy: 'merge', mergeKey: 'name', type: 'core.v1.EphemeralContainer' },
    hostAliases: { strategy: 'merge', mergeKey: 'ip' },
    imagePullSecrets: { strategy: 'merge', mergeKey: 'name' },
    initContainers: { strategy: 'merge', mergeKey: 'name', type: 'core.v1.Container' },
    resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name' },
    schedulingGates: { strategy: 'merge', mergeKey: 'name' },
    topologySpreadConstraints: { strategy: 'merge', mergeKey: 'topologyKey' },
    volumes: { strategy: 'merge,retainKeys', mergeKey: 'name', type: 'core.v1.Volume' },
  },
  'core.v1.PodStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
    containerStatuses: { type: 'core.v1.ContainerStatus' },
    ephemeralContainerStatuses: { type: 'core.v1.ContainerStatus' },
    hostIPs: { strategy: 'merge', mergeKey: 'ip' },
    initContainerStatuses: { type: 'core.v1.ContainerStatus' },
    podIPs: { strategy: 'merge', mergeKey: 'ip' },
    resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name' },
  },
  'core.v1.PodTemplate': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    template: { type: 'core.v1.PodTemplateSpec' },
  },
  'core.v1.PodTemplateSpec': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'core.v1.PodSpec' },
  },
  'core.v1.ReplicationController': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'core.v1.ReplicationControllerSpec' },
    status: { type: 'core.v1.ReplicationControllerStatus' },
  },
  'core.v1.ReplicationControllerSpec': {
    template: { type: 'core.v1.PodTemplateSpec' },
  },
  'core.v1.ReplicationControllerStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'core.v1.ResourceQuota': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.Secret': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'core.v1.Service': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'core.v1.ServiceSpec' },
    status: { type: 'core.v1.ServiceStatus' },
  },
  'core.v1.ServiceAccount': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    secrets: { strategy: 'merge', mergeKey: 'name' },
  },
  'core.v1.ServiceSpec': {
    ports: { strategy: 'merge', mergeKey: 'port' },
  },
  'core.v1.ServiceStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'core.v1.Volume': {
    ephemeral: { type: 'core.v1.EphemeralVolumeSource' },
  },
  'discovery.v1.EndpointSlice': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'events.v1.Event': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'meta.v1.ObjectMeta': {
    finalizers: { strategy: 'merge' },
    ownerReferences: { strategy: 'merge', mergeKey: 'uid' },
  },
  'networking.v1.Ingress': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'networking.v1.IngressClass': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'networking.v1.NetworkPolicy': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'policy.v1.Eviction': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'policy.v1.PodDisruptionBudget': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'policy.v1.PodDisruptionBudgetSpec' },
    status: { type: 'policy.v1.PodDisruptionBudgetStatus' },
  },
  'policy.v1.PodDisruptionBudgetSpec': {
    selector: { strategy: 'replace' },
  },
  'policy.v1.PodDisruptionBudgetStatus': {
    conditions: { strategy: 'merge', mergeKey: 'type' },
  },
  'rbac.v1.ClusterRole': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'rbac.v1.ClusterRoleBinding': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'rbac.v1.Role': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'rbac.v1.RoleBinding': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'storage.v1.CSIDriver': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'storage.v1.CSINode': {
    metadata: { type: 'meta.v1.ObjectMeta' },
    spec: { type: 'storage.v1.CSINodeSpec' },
  },
  'storage.v1.CSINodeSpec': {
    drivers: { strategy: 'merge', mergeKey: 'name' },
  },
  'storage.v1.CSIStorageCapacity': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'storage.v1.StorageClass': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
  'storage.v1.VolumeAttachment': {
    metadata: { type: 'meta.v1.ObjectMeta' },
  },
};
