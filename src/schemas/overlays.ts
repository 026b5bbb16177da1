/**
 * Facts the generated schema cannot get from TypeScript declarations: closed
 * sets of values (upstream lists them as "Possible enum values" in the field
 * descriptions of the v1.32 OpenAPI documents) and integer formats (TypeScript
 * has only `number`, but every numeric field of the built-in kinds the course
 * uses is an int32 or int64).
 */

type Json = Record<string, unknown>;

/** definition (qualified as `module.Type`) → property → allowed values. */
export const enumOverlays: Record<string, Record<string, string[]>> = {
  'apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'apps.v1.StatefulSetUpdateStrategy': { type: ['OnDelete', 'RollingUpdate'] },
  'apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': { whenDeleted: ['Retain', 'Delete'], whenScaled: ['Retain', 'Delete'] },
  'apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'apps.v1.DaemonSetUpdateStrategy': { type: ['OnDelete', 'RollingUpdate'] },
  'core.v1.PodSpec': {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
    preemptionPolicy: ['Never', 'PreemptLowerPriority'],
  },
  'core.v1.Container': {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
    restartPolicy: ['Always'],
  },
  'core.v1.ContainerPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'core.v1.ServicePort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'core.v1.ServiceSpec': {
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    sessionAffinity: ['ClientIP', 'None'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
  },
  'core.v1.PersistentVolumeSpec': {
    persistentVolumeReclaimPolicy: ['Retain', 'Delete', 'Recycle'],
    volumeMode: ['Filesystem', 'Block'],
  },
  'core.v1.PersistentVolumeClaimSpec': { volumeMode: ['Filesystem', 'Block'] },
  'core.v1.Toleration': { operator: ['Exists', 'Equal'], effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  'core.v1.Taint': { effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  'core.v1.NodeSelectorRequirement': { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] },
  'core.v1.TopologySpreadConstraint': { whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'], nodeAffinityPolicy: ['Honor', 'Ignore'], nodeTaintsPolicy: ['Honor', 'Ignore'] },
  'core.v1.HostPathVolumeSource': { type: ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] },
  'core.v1.EmptyDirVolumeSource': { medium: ['', 'Memory'] },
  'core.v1.HTTPGetAction': { scheme: ['HTTP', 'HTTPS'] },
  'storage.v1.StorageClass': { reclaimPolicy: ['Retain', 'Delete'], volumeBindingMode: ['Immediate', 'WaitForFirstConsumer'] },
  'policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['IfHealthyBudget', 'AlwaysAllow'] },
  'batch.v1.JobSpec': { completionMode: ['NonIndexed', 'Indexed'], podReplacementPolicy: ['TerminatingOrFailed', 'Failed'] },
  'batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'apiextensions.v1.CustomResourceDefinitionSpec': { scope: ['Namespaced', 'Cluster'] },
};

/** Array-valued fields whose items are a closed set. */
export const itemEnumOverlays: Record<string, Record<string, string[]>> = {
  'core.v1.PersistentVolumeClaimSpec': { accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] },
  'core.v1.PersistentVolumeSpec': { accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] },
};

/** Numeric fields that really are floats; everything else numeric is an integer. */
const floatDefinitions = new Set(['apiextensions.v1.JSONSchemaProps']);

function integerise(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(integerise);
  if (!node || typeof node !== 'object') return;
  const obj = node as Json;
  if (obj.type === 'number') obj.type = 'integer';
  for (const value of Object.values(obj)) integerise(value);
}

function property(definitions: Json, def: string, prop: string): Json {
  const schema = definitions[def] as Json | undefined;
  const target = (schema?.properties as Record<string, Json> | undefined)?.[prop];
  if (!target) throw new Error(`schema overlay: ${def}.${prop} does not exist`);
  return target;
}

export function applyOverlays(definitions: Json): void {
  for (const [name, def] of Object.entries(definitions)) if (!floatDefinitions.has(name)) integerise(def);
  for (const [def, props] of Object.entries(enumOverlays)) {
    for (const [prop, values] of Object.entries(props)) property(definitions, def, prop).enum = values;
  }
  for (const [def, props] of Object.entries(itemEnumOverlays)) {
    for (const [prop, values] of Object.entries(props)) {
      const items = property(definitions, def, prop).items as Json;
      items.enum = values;
    }
  }
}
