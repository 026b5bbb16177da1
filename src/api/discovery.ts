/**
 * Discovery documents. The legacy ones (APIVersions, APIGroupList, one
 * APIResourceList per group-version) are the source; the aggregated
 * APIGroupDiscoveryList that kubectl 1.32 asks for first is folded from them,
 * so one request to `/api` and one to `/apis` replace the N per-group ones
 * (kubernetes-semantics.md §10.3).
 */
import type { ResourceCatalog, ResourceType } from '../shim/index.ts';

const SERVER_ADDRESS = [{ clientCIDR: '0.0.0.0/0', serverAddress: '172.18.0.2:6443' }];

export function coreVersions() {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: SERVER_ADDRESS };
}

/** Groups in the order a real server lists them (its priority order), then CRD groups. */
const GROUP_ORDER = [
  'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling',
  'batch', 'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io',
  'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io',
];

function groupVersions(catalog: ResourceCatalog): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const rt of catalog.all()) {
    if (rt.group === '') continue;
    const versions = groups.get(rt.group) ?? [];
    if (!versions.includes(rt.version)) versions.push(rt.version);
    groups.set(rt.group, versions);
  }
  return groups;
}

function apiGroup(name: string, versions: string[]) {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0]! };
}

export function groupList(catalog: ResourceCatalog) {
  const groups = groupVersions(catalog);
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  const names = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map((n) => apiGroup(n, groups.get(n)!)) };
}

export function group(catalog: ResourceCatalog, name: string) {
  const versions = groupVersions(catalog).get(name);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(name, versions) } : undefined;
}

function entry(rt: ResourceType) {
  return {
    name: rt.resource,
    singularName: rt.singular,
    namespaced: rt.namespaced,
    kind: rt.kind,
    verbs: [...rt.verbs],
    ...(rt.shortNames.length > 0 ? { shortNames: [...rt.shortNames] } : {}),
    ...(rt.categories.length > 0 ? { categories: [...rt.categories] } : {}),
  };
}

export function resourceList(catalog: ResourceCatalog, groupName: string, version: string) {
  const types = catalog.all().filter((rt) => rt.group === groupName && rt.version === version).sort((a, b) => a.resource.localeCompare(b.resource));
  if (types.length === 0) return undefined;
  const resources: object[] = [];
  for (const rt of types) {
    resources.push(entry(rt));
    const subs: { name: string; kind: string; group?: string; version?: string; verbs: readonly string[] }[] = [];
    if (rt.subresources.scale) subs.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
    if (rt.subresources.status) subs.push({ name: 'status', kind: rt.kind, verbs: ['get', 'patch', 'update'] });
    subs.push(...(rt.subresources.extra ?? []));
    for (const s of subs.sort((a, b) => a.name.localeCompare(b.name))) {
      resources.push({
        name: `${rt.resource}/${s.name}`, singularName: '', namespaced: rt.namespaced,
        ...(s.group !== undefined ? { group: s.group, version: s.version } : {}), kind: s.kind, verbs: [...s.verbs],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupName === '' ? version : `${groupName}/${version}`, resources };
}

// ---- Aggregated discovery (apidiscovery.k8s.io/v2): everything in two documents ----

const AGGREGATED_GROUP = 'apidiscovery.k8s.io';
const AGGREGATED_KIND = 'APIGroupDiscoveryList';

/**
 * Whether an Accept header asks for aggregated discovery before plain JSON,
 * and in which version. kubectl 1.32 sends
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,…v2beta1…,application/json`
 * (CG:discovery/discovery_client.go); the first acceptable range wins.
 */
export function wantsAggregatedDiscovery(accept: string | undefined): { version: 'v2' | 'v2beta1'; contentType: string } | undefined {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...paramParts] = range.split(';').map((s) => s.trim());
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    const params = new Map(paramParts.map((p) => {
      const eq = p.indexOf('=');
      return [p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim()] as const;
    }));
    if (!params.has('g') && !params.has('as')) return undefined;
    const version = params.get('v');
    if (type === 'application/json' && params.get('g') === AGGREGATED_GROUP && params.get('as') === AGGREGATED_KIND && (version === 'v2' || version === 'v2beta1')) {
      return { version, contentType: `application/json;g=${AGGREGATED_GROUP};v=${version};as=${AGGREGATED_KIND}` };
    }
  }
  return undefined;
}

interface LegacyResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/**
 * One group-version's APIResourceList folded into APIResourceDiscovery entries,
 * subresources under their parent, as the API server derives them
 * (AS:pkg/endpoints/discovery/aggregated: ConvertGroupVersionIntoToDiscovery).
 * Built from the legacy list so that both forms always agree.
 */
function resourcesForDiscovery(list: readonly LegacyResource[]) {
  const gvk = (r: LegacyResource) => ({ group: r.group ?? '', version: r.version ?? '', kind: r.kind });
  const parents = new Map<string, Record<string, unknown> & { subresources?: object[] }>();
  for (const r of list) {
    if (r.name.includes('/')) continue;
    parents.set(r.name, {
      resource: r.name,
      responseKind: gvk(r),
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: r.singularName,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
    });
  }
  for (const r of list) {
    const slash = r.name.indexOf('/');
    if (slash < 0) continue;
    const parent = parents.get(r.name.slice(0, slash));
    if (parent === undefined) continue;
    (parent.subresources ??= []).push({ subresource: r.name.slice(slash + 1), responseKind: gvk(r), verbs: r.verbs });
  }
  return [...parents.values()];
}

/**
 * `GET /api` or `/apis` as an APIGroupDiscoveryList: every group, version and
 * resource at once, so kubectl needs no per-group requests.
 */
export function aggregatedDiscovery(catalog: ResourceCatalog, root: 'api' | 'apis', version: 'v2' | 'v2beta1' = 'v2') {
  const versionEntry = (groupName: string, v: string) => ({
    version: v,
    resources: resourcesForDiscovery((resourceList(catalog, groupName, v)?.resources ?? []) as LegacyResource[]),
    freshness: 'Current',
  });
  const items = root === 'api'
    ? [{ metadata: { creationTimestamp: null }, versions: coreVersions().versions.map((v) => versionEntry('', v)) }]
    : groupList(catalog).groups.map((g) => ({
      metadata: { name: g.name, creationTimestamp: null },
      versions: g.versions.map((v) => versionEntry(g.name, v.version)),
    }));
  return { kind: AGGREGATED_KIND, apiVersion: `${AGGREGATED_GROUP}/${version}`, metadata: {}, items };
}
