// The resource types the API server serves, as `kubectl api-resources -o wide` lists
// them on a kind v1.32 cluster. Discovery, the REST router and the registry all read
// this catalogue; CRDs add entries at run time.
import type { Schema } from './apiextensions/schema.ts';
import type { GroupResource } from './objects.ts';
import type { NameRule } from './validation.ts';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** JSON paths (`.spec.replicas`) the `/scale` subresource reads and writes. */
export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Discovery entry for a subresource other than status/scale (pods/log, pods/eviction…). */
export interface ExtraSubresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: readonly string[];
}

export interface ResourceType extends GroupResource {
  version: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly Verb[];
  subresources: {
    /** Status is written only through `/status`; the main resource ignores it. */
    status?: boolean;
    scale?: ScaleSubresource;
    extra?: readonly ExtraSubresource[];
  };
  /** Which rule `metadata.name` must follow. */
  nameRule: NameRule;
  /**
   * When `metadata.generation` is kept: `spec` = bumped on spec changes; `nonMetadata` =
   * bumped on any change outside metadata (and status, if it is a subresource).
   */
  generation?: 'spec' | 'nonMetadata';
  /** Set for types a CustomResourceDefinition serves (src/shim/apiextensions). */
  customResource?: CustomResourceInfo;
}

/** What serving a custom resource needs from its CRD's served version. */
export interface CustomResourceInfo {
  /** The CRD's name, `<plural>.<group>`. */
  crd: string;
  /** The version's structural schema (`openAPIV3Schema`). */
  schema: Schema | undefined;
  /** `additionalPrinterColumns` of the version (empty: the default Age column). */
  printerColumns: readonly { name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string }[];
}

export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group === '' ? rt.version : `${rt.group}/${rt.version}`;
}

type Spec = Partial<ResourceType> & Pick<ResourceType, 'resource' | 'kind'>;

function define(group: string, version: string, s: Spec): ResourceType {
  return {
    group,
    version,
    singular: s.kind.toLowerCase(),
    listKind: `${s.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: {},
    nameRule: 'subdomain',
    ...s,
  };
}

const scale = (selector = true): ScaleSubresource => ({
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  ...(selector ? { labelSelectorPath: '.status.selector' } : {}),
});

const all = ['all'];

export function builtinResourceTypes(): ResourceType[] {
  const core = (s: Spec): ResourceType => define('', 'v1', s);
  const apps = (s: Spec): ResourceType => define('apps', 'v1', s);
  const storage = (s: Spec): ResourceType => define('storage.k8s.io', 'v1', { namespaced: false, ...s });
  return [
    core({
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: { status: true, extra: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }] },
      nameRule: 'label',
    }),
    core({ resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: { status: true } }),
    core({
      resource: 'pods',
      kind: 'Pod',
      shortNames: ['po'],
      categories: all,
      subresources: {
        status: true,
        extra: [
          { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
          { name: 'binding', kind: 'Binding', verbs: ['create'] },
          { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
          { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
          { name: 'log', kind: 'Pod', verbs: ['get'] },
        ],
      },
    }),
    core({ resource: 'services', kind: 'Service', shortNames: ['svc'], categories: all, subresources: { status: true }, nameRule: 'dns1035' }),
    core({ resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', shortNames: ['ep'] }),
    core({ resource: 'events', kind: 'Event', shortNames: ['ev'] }),
    core({ resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
    core({ resource: 'secrets', kind: 'Secret' }),
    core({
      resource: 'serviceaccounts',
      kind: 'ServiceAccount',
      shortNames: ['sa'],
      subresources: { extra: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }] },
    }),
    core({ resource: 'limitranges', kind: 'LimitRange', shortNames: ['limits'] }),
    core({ resource: 'resourcequotas', kind: 'ResourceQuota', shortNames: ['quota'], subresources: { status: true } }),
    core({
      resource: 'persistentvolumes',
      kind: 'PersistentVolume',
      namespaced: false,
      shortNames: ['pv'],
      subresources: { status: true },
      nameRule: 'pathSegment',
    }),
    core({ resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', shortNames: ['pvc'], subresources: { status: true } }),
    apps({ resource: 'controllerrevisions', kind: 'ControllerRevision' }),
    apps({ resource: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], categories: all, subresources: { status: true }, generation: 'spec' }),
    apps({ resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: all, subresources: { status: true, scale: scale() }, generation: 'spec' }),
    apps({ resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: all, subresources: { status: true, scale: scale() }, generation: 'spec' }),
    apps({ resource: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], categories: all, subresources: { status: true, scale: scale() }, generation: 'spec' }),
    define('batch', 'v1', { resource: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: all, subresources: { status: true }, generation: 'spec' }),
    define('batch', 'v1', { resource: 'jobs', kind: 'Job', categories: all, subresources: { status: true }, generation: 'spec' }),
    define('discovery.k8s.io', 'v1', { resource: 'endpointslices', kind: 'EndpointSlice', generation: 'nonMetadata' }),
    define('events.k8s.io', 'v1', { resource: 'events', kind: 'Event', shortNames: ['ev'] }),
    define('coordination.k8s.io', 'v1', { resource: 'leases', kind: 'Lease' }),
    define('networking.k8s.io', 'v1', { resource: 'ingressclasses', kind: 'IngressClass', namespaced: false }),
    define('networking.k8s.io', 'v1', { resource: 'ingresses', kind: 'Ingress', shortNames: ['ing'], subresources: { status: true }, generation: 'spec' }),
    define('networking.k8s.io', 'v1', { resource: 'networkpolicies', kind: 'NetworkPolicy', shortNames: ['netpol'], generation: 'spec' }),
    define('rbac.authorization.k8s.io', 'v1', { resource: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, nameRule: 'pathSegment' }),
    define('rbac.authorization.k8s.io', 'v1', { resource: 'clusterroles', kind: 'ClusterRole', namespaced: false, nameRule: 'pathSegment' }),
    define('rbac.authorization.k8s.io', 'v1', { resource: 'rolebindings', kind: 'RoleBinding', nameRule: 'pathSegment' }),
    define('rbac.authorization.k8s.io', 'v1', { resource: 'roles', kind: 'Role', nameRule: 'pathSegment' }),
    define('scheduling.k8s.io', 'v1', { resource: 'priorityclasses', kind: 'PriorityClass', namespaced: false, shortNames: ['pc'] }),
    define('policy', 'v1', { resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', shortNames: ['pdb'], subresources: { status: true }, generation: 'spec' }),
    storage({ resource: 'csidrivers', kind: 'CSIDriver' }),
    storage({ resource: 'csinodes', kind: 'CSINode' }),
    storage({ resource: 'storageclasses', kind: 'StorageClass', shortNames: ['sc'] }),
    storage({ resource: 'volumeattachments', kind: 'VolumeAttachment', subresources: { status: true } }),
    define('apiextensions.k8s.io', 'v1', {
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      subresources: { status: true },
      generation: 'spec',
    }),
  ];
}

const key = (group: string, resource: string): string => `${group}/${resource}`;

export class ResourceCatalog {
  private readonly byResource = new Map<string, ResourceType>();

  constructor(types: Iterable<ResourceType> = builtinResourceTypes()) {
    for (const t of types) this.add(t);
  }

  /** Adds or replaces a type (a CRD being established). */
  add(rt: ResourceType): void {
    this.byResource.set(key(rt.group, rt.resource), rt);
  }

  remove(gr: GroupResource): boolean {
    return this.byResource.delete(key(gr.group, gr.resource));
  }

  get(gr: GroupResource): ResourceType | undefined {
    return this.byResource.get(key(gr.group, gr.resource));
  }

  /** Like `get`, but an unknown type is a programming error. */
  require(gr: GroupResource): ResourceType {
    const rt = this.get(gr);
    if (rt === undefined) throw new Error(`unknown resource type ${key(gr.group, gr.resource)}`);
    return rt;
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const rt of this.byResource.values()) {
      if (rt.kind === kind && (rt.group === '' ? rt.version : `${rt.group}/${rt.version}`) === apiVersion) return rt;
    }
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.byResource.values()];
  }

  /**
   * What kubectl accepts as a type name: plural, singular, short name or kind, any case,
   * optionally qualified with a group (`statefulsets.apps`, `sts`, `StatefulSet`).
   * Core types win over grouped ones for unqualified names (`events` → core/v1 events),
   * as kubectl's RESTMapper prefers the legacy group.
   */
  lookup(name: string): ResourceType | undefined {
    const lower = name.toLowerCase();
    const matches = (rt: ResourceType, n: string): boolean =>
      rt.resource === n || rt.singular === n || rt.kind.toLowerCase() === n || rt.shortNames.includes(n);
    const candidates = this.all().filter((rt) => matches(rt, lower));
    if (candidates.length > 0) return candidates.find((rt) => rt.group === '') ?? candidates[0];
    const dot = lower.indexOf('.');
    if (dot < 0) return undefined;
    const n = lower.slice(0, dot);
    const group = lower.slice(dot + 1);
    return this.all().find((rt) => matches(rt, n) && (rt.group === group || `${rt.version}.${rt.group}` === group));
  }

  /** Types in a category, e.g. `all` for `kubectl get all`. */
  inCategory(category: string): ResourceType[] {
    return this.all().filter((rt) => rt.categories.includes(category));
  }
}
