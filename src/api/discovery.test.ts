import { describe, expect, it } from 'vitest';
import { wantsAggregatedDiscovery } from './discovery.ts';
import { createShimApi } from './index.ts';
import type { ApiResponse } from './types.ts';

/** What kubectl 1.32 sends for `/api` and `/apis` (CG:discovery/discovery_client.go). */
const KUBECTL_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

interface Gvk { group: string; version: string; kind: string }
interface AggregatedList {
  kind: string;
  apiVersion: string;
  items: {
    metadata: { name?: string };
    versions: {
      version: string;
      freshness: string;
      resources: {
        resource: string; responseKind: Gvk; scope: string; singularResource: string; verbs: string[];
        shortNames?: string[]; categories?: string[];
        subresources?: { subresource: string; responseKind: Gvk; verbs: string[] }[];
      }[];
    }[];
  }[];
}
interface LegacyResource { name: string; namespaced: boolean; kind: string; group?: string; version?: string; verbs: string[]; shortNames?: string[]; categories?: string[]; singularName: string }

/**
 * The aggregated document turned back into APIResourceLists, the way client-go
 * does (CG:discovery/aggregated_discovery.go SplitGroupsAndResources).
 */
function split(list: AggregatedList): Map<string, LegacyResource[]> {
  const out = new Map<string, LegacyResource[]>();
  for (const g of list.items) {
    for (const v of g.versions) {
      const gv = g.metadata.name ? `${g.metadata.name}/${v.version}` : v.version;
      const resources: LegacyResource[] = [];
      for (const r of v.resources) {
        const parent = {
          name: r.resource, singularName: r.singularResource, namespaced: r.scope === 'Namespaced', verbs: r.verbs,
          ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}),
        };
        resources.push({ ...parent, kind: r.responseKind.kind, ...(r.responseKind.group ? { group: r.responseKind.group, version: r.responseKind.version } : {}) });
        for (const s of r.subresources ?? []) {
          resources.push({
            name: `${r.resource}/${s.subresource}`, singularName: '', namespaced: parent.namespaced, kind: s.responseKind.kind, verbs: s.verbs,
            ...(s.responseKind.group ? { group: s.responseKind.group, version: s.responseKind.version } : {}),
          });
        }
      }
      out.set(gv, resources);
    }
  }
  return out;
}

const byName = (a: LegacyResource, b: LegacyResource) => a.name.localeCompare(b.name);

describe('aggregated discovery', () => {
  const api = createShimApi({ seed: 'discovery' });
  const get = (path: string, accept?: string): ApiResponse => api.requestSync({ method: 'GET', path, ...(accept ? { headers: { accept } } : {}) });

  it('answers kubectl\'s Accept header with an APIGroupDiscoveryList', () => {
    for (const path of ['/api', '/apis']) {
      const r = get(path, KUBECTL_ACCEPT);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe(V2);
      expect(r.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {} });
    }
    const core = get('/api', KUBECTL_ACCEPT).body as AggregatedList;
    expect(core.items).toHaveLength(1);
    expect(core.items[0]!.metadata.name).toBeUndefined();
    const pods = core.items[0]!.versions[0]!.resources.find((r) => r.resource === 'pods')!;
    expect(pods).toMatchObject({
      responseKind: { group: '', version: '', kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], categories: ['all'],
    });
    expect(pods.subresources?.find((s) => s.subresource === 'eviction')).toEqual({ subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
    expect(core.items[0]!.versions[0]!.freshness).toBe('Current');
  });

  it('lists exactly what legacy discovery lists', () => {
    const legacyGroups = get('/apis').body as { groups: { name: string; versions: { groupVersion: string }[]; preferredVersion: { groupVersion: string } }[] };
    const aggregated = get('/apis', KUBECTL_ACCEPT).body as AggregatedList;
    expect(aggregated.items.map((g) => g.metadata.name)).toEqual(legacyGroups.groups.map((g) => g.name));
    const resources = new Map([...split(get('/api', KUBECTL_ACCEPT).body as AggregatedList), ...split(aggregated)]);
    const gvs = ['v1', ...legacyGroups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))];
    expect([...resources.keys()].sort()).toEqual([...gvs].sort());
    for (const gv of gvs) {
      const legacy = get(gv === 'v1' ? '/api/v1' : `/apis/${gv}`).body as { resources: LegacyResource[] };
      expect([...resources.get(gv)!].sort(byName), gv).toEqual([...legacy.resources].sort(byName));
    }
  });

  it('keeps serving legacy documents to clients that ask for plain JSON', () => {
    for (const accept of [undefined, 'application/json', 'application/json, */*']) {
      const r = get('/api', accept);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
      expect(get('/apis', accept).body).toMatchObject({ kind: 'APIGroupList' });
    }
  });

  it('negotiates the first acceptable media type', () => {
    expect(wantsAggregatedDiscovery(KUBECTL_ACCEPT)?.version).toBe('v2');
    expect(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toEqual({
      version: 'v2beta1', contentType: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    });
    expect(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json')).toBeUndefined();
    expect(wantsAggregatedDiscovery('application/json,' + V2)).toBeUndefined();
    expect(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;profile=nopeer,' + V2)?.version).toBe('v2');
  });
});
