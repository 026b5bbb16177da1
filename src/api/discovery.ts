/**
 * Discovery documents, served the legacy way (APIVersions, APIGroupList,
 * APIResourceList): kubectl 1.32 asks for aggregated discovery first but
 * accepts these (kubernetes-semantics.md §10.3), and they are what
 * `kubectl api-resources` is built from.
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
