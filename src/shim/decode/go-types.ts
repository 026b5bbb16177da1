// The Go types the API server decodes JSON into, rebuilt from the generated JSON Schema
// plus the facts the schema cannot carry (int32 vs int64, named string types, []byte,
// inline embedded structs). They decide which fields exist and what Go's decoder says
// when a value has the wrong type: `json: cannot unmarshal string into Go struct field
// StatefulSetSpec.spec.replicas of type int32`.
import schemaJson from '../../generated/kubernetes.schema.json';

interface SchemaNode {
  type?: string | string[];
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

const definitions = (schemaJson as unknown as { definitions: Record<string, SchemaNode> }).definitions;

export type GoType =
  | { k: 'struct'; def: string; name: string; display: string }
  | { k: 'int'; bits: 32 | 64 }
  | { k: 'float' }
  | { k: 'string'; display: string }
  | { k: 'bool' }
  | { k: 'slice'; elem: GoType; display: string }
  | { k: 'map'; elem: GoType; display: string }
  | { k: 'bytes' }
  | { k: 'quantity' }
  | { k: 'intstr' }
  | { k: 'time' }
  | { k: 'any' };

export interface GoField {
  type: GoType;
  /** Name of the inline-embedded struct that declares the field (`TypeMeta`, `VolumeSource`). */
  embeddedIn?: string;
}

/**
 * int64 fields (format int64 in the v1.32 OpenAPI documents); every other integer of the
 * built-in kinds is an int32.
 */
const INT64 = new Set([
  'apps.v1.ControllerRevision.revision', 'apps.v1.DaemonSetStatus.observedGeneration',
  'apps.v1.DeploymentStatus.observedGeneration', 'apps.v1.ReplicaSetStatus.observedGeneration',
  'apps.v1.StatefulSetStatus.observedGeneration', 'batch.v1.CronJobSpec.startingDeadlineSeconds',
  'batch.v1.JobSpec.activeDeadlineSeconds', 'core.v1.ContainerImage.sizeBytes', 'core.v1.LinuxContainerUser.gid',
  'core.v1.LinuxContainerUser.supplementalGroups', 'core.v1.LinuxContainerUser.uid', 'core.v1.PodSecurityContext.fsGroup',
  'core.v1.PodSecurityContext.runAsGroup', 'core.v1.PodSecurityContext.runAsUser',
  'core.v1.PodSecurityContext.supplementalGroups', 'core.v1.PodSpec.activeDeadlineSeconds',
  'core.v1.PodSpec.terminationGracePeriodSeconds', 'core.v1.Probe.terminationGracePeriodSeconds',
  'core.v1.ReplicationControllerStatus.observedGeneration', 'core.v1.SecurityContext.runAsGroup',
  'core.v1.SecurityContext.runAsUser', 'core.v1.ServiceAccountTokenProjection.expirationSeconds',
  'core.v1.SleepAction.seconds', 'core.v1.Toleration.tolerationSeconds', 'meta.v1.Condition.observedGeneration',
  'meta.v1.ObjectMeta.deletionGracePeriodSeconds', 'meta.v1.ObjectMeta.generation',
  'policy.v1.PodDisruptionBudgetStatus.observedGeneration', 'storage.v1.TokenRequest.expirationSeconds',
]);

/** Fields whose Go type is a named string (Go prints the name in type errors). */
const NAMED_STRINGS: Record<string, string> = {
  'core.v1.PodSpec.restartPolicy': 'v1.RestartPolicy',
  'core.v1.PodSpec.dnsPolicy': 'v1.DNSPolicy',
  'core.v1.PodSpec.preemptionPolicy': 'v1.PreemptionPolicy',
  'core.v1.Container.imagePullPolicy': 'v1.PullPolicy',
  'core.v1.Container.terminationMessagePolicy': 'v1.TerminationMessagePolicy',
  'core.v1.Container.restartPolicy': 'v1.ContainerRestartPolicy',
  'core.v1.ContainerPort.protocol': 'v1.Protocol',
  'core.v1.ServicePort.protocol': 'v1.Protocol',
  'core.v1.ServiceSpec.type': 'v1.ServiceType',
  'core.v1.ServiceSpec.sessionAffinity': 'v1.ServiceAffinity',
  'core.v1.ServiceSpec.externalTrafficPolicy': 'v1.ServiceExternalTrafficPolicy',
  'core.v1.ServiceSpec.internalTrafficPolicy': 'v1.ServiceInternalTrafficPolicy',
  'core.v1.ServiceSpec.ipFamilyPolicy': 'v1.IPFamilyPolicy',
  'core.v1.ServiceSpec.ipFamilies': 'v1.IPFamily',
  'core.v1.PersistentVolumeClaimSpec.accessModes': 'v1.PersistentVolumeAccessMode',
  'core.v1.PersistentVolumeSpec.accessModes': 'v1.PersistentVolumeAccessMode',
  'core.v1.PersistentVolumeClaimSpec.volumeMode': 'v1.PersistentVolumeMode',
  'core.v1.PersistentVolumeSpec.volumeMode': 'v1.PersistentVolumeMode',
  'core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy': 'v1.PersistentVolumeReclaimPolicy',
  'core.v1.Secret.type': 'v1.SecretType',
  'core.v1.Toleration.operator': 'v1.TolerationOperator',
  'core.v1.Toleration.effect': 'v1.TaintEffect',
  'core.v1.Taint.effect': 'v1.TaintEffect',
  'core.v1.HTTPGetAction.scheme': 'v1.URIScheme',
  'core.v1.NodeSelectorRequirement.operator': 'v1.NodeSelectorOperator',
  'core.v1.NamespaceSpec.finalizers': 'v1.FinalizerName',
  'core.v1.HostPathVolumeSource.type': 'v1.HostPathType',
  'core.v1.EmptyDirVolumeSource.medium': 'v1.StorageMedium',
  'core.v1.Capabilities.add': 'v1.Capability',
  'core.v1.Capabilities.drop': 'v1.Capability',
  'meta.v1.LabelSelectorRequirement.operator': 'v1.LabelSelectorOperator',
  'apps.v1.StatefulSetSpec.podManagementPolicy': 'v1.PodManagementPolicyType',
  'apps.v1.StatefulSetUpdateStrategy.type': 'v1.StatefulSetUpdateStrategyType',
  'apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted': 'v1.PersistentVolumeClaimRetentionPolicyType',
  'apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled': 'v1.PersistentVolumeClaimRetentionPolicyType',
  'apps.v1.DeploymentStrategy.type': 'v1.DeploymentStrategyType',
  'apps.v1.DaemonSetUpdateStrategy.type': 'v1.DaemonSetUpdateStrategyType',
  'storage.v1.StorageClass.reclaimPolicy': 'v1.PersistentVolumeReclaimPolicy',
  'storage.v1.StorageClass.volumeBindingMode': 'v1.VolumeBindingMode',
  'batch.v1.CronJobSpec.concurrencyPolicy': 'v1.ConcurrencyPolicy',
  'batch.v1.JobSpec.completionMode': 'v1.CompletionMode',
  'batch.v1.JobSpec.podReplacementPolicy': 'v1.PodReplacementPolicy',
  'policy.v1.PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy': 'v1.UnhealthyPodEvictionPolicyType',
};

/** Maps with a Go name of their own. */
const NAMED_MAPS: Record<string, string> = {
  'core.v1.ResourceRequirements.limits': 'v1.ResourceList',
  'core.v1.ResourceRequirements.requests': 'v1.ResourceList',
  'core.v1.VolumeResourceRequirements.limits': 'v1.ResourceList',
  'core.v1.VolumeResourceRequirements.requests': 'v1.ResourceList',
  'core.v1.PersistentVolumeSpec.capacity': 'v1.ResourceList',
  'core.v1.PersistentVolumeClaimStatus.capacity': 'v1.ResourceList',
  'core.v1.NodeStatus.capacity': 'v1.ResourceList',
  'core.v1.NodeStatus.allocatable': 'v1.ResourceList',
};

/** `[]byte` fields (base64 text in JSON). */
const BYTES = new Set(['core.v1.Secret.data', 'core.v1.ConfigMap.binaryData']);

/** Structs embedded inline: their fields sit in the outer JSON object. */
const INLINE: Record<string, { name: string; fields: readonly string[] }> = {
  'core.v1.Probe': { name: 'ProbeHandler', fields: ['exec', 'httpGet', 'tcpSocket', 'grpc'] },
  'core.v1.ConfigMapVolumeSource': { name: 'LocalObjectReference', fields: ['name'] },
  'core.v1.ConfigMapProjection': { name: 'LocalObjectReference', fields: ['name'] },
  'core.v1.ConfigMapKeySelector': { name: 'LocalObjectReference', fields: ['name'] },
  'core.v1.SecretKeySelector': { name: 'LocalObjectReference', fields: ['name'] },
  'core.v1.ConfigMapEnvSource': { name: 'LocalObjectReference', fields: ['name'] },
  'core.v1.SecretEnvSource': { name: 'LocalObjectReference', fields: ['name'] },
  'core.v1.SecretProjection': { name: 'LocalObjectReference', fields: ['name'] },
};

const PV_SPEC_OWN = new Set([
  'accessModes', 'capacity', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions',
  'volumeMode', 'nodeAffinity', 'volumeAttributesClassName',
]);

function embeddedIn(def: string, field: string, topLevel: boolean): string | undefined {
  if (topLevel && (field === 'apiVersion' || field === 'kind')) return 'TypeMeta';
  if (def === 'core.v1.Volume') return field === 'name' ? undefined : 'VolumeSource';
  if (def === 'core.v1.PersistentVolumeSpec') return PV_SPEC_OWN.has(field) ? undefined : 'PersistentVolumeSource';
  const inline = INLINE[def];
  return inline !== undefined && inline.fields.includes(field) ? inline.name : undefined;
}

const ANY_DEFS = new Set(['runtime.RawExtension']);
const pkgOf = (def: string): string => {
  const parts = def.split('.');
  return parts[parts.length - 2] ?? '';
};

const display = (t: GoType): string => {
  switch (t.k) {
    case 'struct':
    case 'string':
    case 'slice':
    case 'map':
      return t.display;
    case 'int':
      return `int${t.bits}`;
    case 'float':
      return 'float64';
    case 'bool':
      return 'bool';
    case 'bytes':
      return '[]uint8';
    case 'quantity':
      return 'resource.Quantity';
    case 'intstr':
      return 'intstr.IntOrString';
    case 'time':
      return 'v1.Time';
    case 'any':
      return 'interface {}';
  }
};
export const goTypeName = display;

function fromSchema(node: SchemaNode, owner: string, prop: string): GoType {
  const key = `${owner}.${prop}`;
  if (BYTES.has(key)) {
    return { k: 'map', elem: { k: 'bytes' }, display: 'map[string][]uint8' };
  }
  if (node.$ref !== undefined) return refType(node.$ref.replace('#/definitions/', ''));
  if (node.anyOf !== undefined) return { k: 'any' };
  const type = node.type;
  if (Array.isArray(type)) return type.includes('string') && type.includes('number') ? { k: 'intstr' } : { k: 'any' };
  switch (type) {
    case 'integer':
      return { k: 'int', bits: INT64.has(key) ? 64 : 32 };
    case 'number':
      return { k: 'float' };
    case 'boolean':
      return { k: 'bool' };
    case 'string':
      return { k: 'string', display: NAMED_STRINGS[key] ?? 'string' };
    case 'array': {
      const elem = node.items === undefined ? ({ k: 'any' } as GoType) : fromSchema(node.items, owner, prop);
      return { k: 'slice', elem, display: `[]${display(elem)}` };
    }
    case 'object': {
      const ap = node.additionalProperties;
      if (ap !== undefined && typeof ap === 'object') {
        const elem = fromSchema(ap, owner, prop);
        return { k: 'map', elem, display: NAMED_MAPS[key] ?? `map[string]${display(elem)}` };
      }
      return { k: 'any' };
    }
    default:
      return { k: 'any' };
  }
}

function refType(def: string): GoType {
  if (def === 'api.resource.Quantity') return { k: 'quantity' };
  if (def === 'meta.v1.Time' || def === 'meta.v1.MicroTime') return { k: 'time' };
  if (ANY_DEFS.has(def) || def.startsWith('apiextensions.v1.JSON')) return { k: 'any' };
  const node = definitions[def];
  if (node === undefined) return { k: 'any' };
  if (node.properties === undefined) return fromSchema(node, def, '');
  const name = def.slice(def.lastIndexOf('.') + 1);
  return { k: 'struct', def, name, display: `${pkgOf(def)}.${name}` };
}

const fieldCache = new Map<string, Map<string, GoField>>();

/** The JSON fields of a struct (top-level kinds add TypeMeta's apiVersion/kind). */
export function structFields(t: Extract<GoType, { k: 'struct' }>, topLevel = false): Map<string, GoField> {
  const cacheKey = `${t.def}${topLevel ? '#top' : ''}`;
  let fields = fieldCache.get(cacheKey);
  if (fields !== undefined) return fields;
  fields = new Map();
  for (const [prop, node] of Object.entries(definitions[t.def]?.properties ?? {})) {
    const field: GoField = { type: fromSchema(node, t.def, prop) };
    const inline = embeddedIn(t.def, prop, topLevel);
    if (inline !== undefined) field.embeddedIn = inline;
    fields.set(prop, field);
  }
  fieldCache.set(cacheKey, fields);
  return fields;
}

/** The Go struct for a top-level kind, e.g. `{group: 'apps', version: 'v1', kind: 'StatefulSet'}`. */
export function kindType(group: string, version: string, kind: string): Extract<GoType, { k: 'struct' }> | undefined {
  const module = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/\.authorization$/, '');
  const def = `${module}.${version}.${kind}`;
  if (definitions[def]?.properties === undefined) return undefined;
  const t = refType(def);
  return t.k === 'struct' ? t : undefined;
}
