/**
 * What the server serves, found the way kubectl finds it: legacy discovery
 * (`GET /api`, `/apis`, then one `APIResourceList` per group-version), cached
 * for the session, and the REST mapper that turns what a user types (`po`,
 * `pods`, `Pod`, `deploy.apps`, `deployments.v1.apps`, `all`) into a resource.
 * Upstream: client-go discovery, restmapper (DiscoveryRESTMapper,
 * shortcutExpander, CategoryExpander) and cli-runtime's Builder.mappingFor.
 */
import type { RestClient, ResourceRef } from './client.ts';

export interface ApiResource extends ResourceRef {
  kind: string;
  singularName: string;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  /** Whether this is the group's preferred version. */
  preferred: boolean;
}

/** A resource type as the REST mapper resolved it. */
export type Mapping = ApiResource;

interface GroupVersions {
  name: string;
  versions: string[];
  preferred: string;
}

interface ResourceListEntry {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

/** A `the server doesn't have a resource type "x"` failure (meta.NoResourceMatchError). */
export class NoMatchError extends Error {
  constructor(readonly resource: string) {
    super(`the server doesn't have a resource type "${resource}"`);
  }
}

export class Discovery {
  private loaded?: Promise<{ groups: GroupVersions[]; resources: ApiResource[] }>;

  constructor(private readonly client: RestClient) {}

  /** Forgets what was discovered (kubectl does so when a type is unknown, then asks again). */
  invalidate(): void {
    this.loaded = undefined;
  }

  private load() {
    this.loaded ??= this.fetch().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async fetch(): Promise<{ groups: GroupVersions[]; resources: ApiResource[] }> {
    const core = (await this.client.call('GET', '/api')) as { versions?: string[] };
    const apis = (await this.client.call('GET', '/apis')) as { groups?: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[] };
    const groups: GroupVersions[] = [
      { name: '', versions: core.versions ?? [], preferred: core.versions?.[0] ?? 'v1' },
      ...(apis.groups ?? []).map((g) => ({ name: g.name, versions: g.versions.map((v) => v.version), preferred: g.preferredVersion?.version ?? g.versions[0]?.version ?? '' })),
    ];
    const lists = await Promise.all(groups.flatMap((g) => g.versions.map(async (version) => {
      const path = g.name === '' ? `/api/${version}` : `/apis/${g.name}/${version}`;
      try {
        return { group: g, version, list: (await this.client.call('GET', path)) as { resources?: ResourceListEntry[] } };
      } catch {
        return { group: g, version, list: { resources: [] } };
      }
    })));
    const resources: ApiResource[] = [];
    for (const { group, version, list } of lists) {
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue;
        resources.push({
          group: group.name, version, resource: r.name, namespaced: r.namespaced ?? false, kind: r.kind,
          singularName: r.singularName || r.kind.toLowerCase(), verbs: r.verbs ?? [], shortNames: r.shortNames ?? [],
          categories: r.categories ?? [], preferred: version === group.preferred,
        });
      }
    }
    return { groups, resources };
  }

  async groups(): Promise<GroupVersions[]> {
    return (await this.load()).groups;
  }

  /** Every resource of every served group-version, in discovery order. */
  async resources(): Promise<ApiResource[]> {
    return (await this.load()).resources;
  }

  /**
   * Resources in the mapper's priority order: groups as the server lists them,
   * each group's preferred version first.
   */
  private async prioritised(): Promise<ApiResource[]> {
    const { groups, resources } = await this.load();
    const out: ApiResource[] = [];
    for (const g of groups) {
      const inGroup = resources.filter((r) => r.group === g.name);
      out.push(...inGroup.filter((r) => r.preferred), ...inGroup.filter((r) => !r.preferred));
    }
    return out;
  }

  /** The mapping for what a user typed as a resource type (`Builder.mappingFor`). */
  async mappingFor(arg: string): Promise<Mapping> {
    try {
      return await this.resolve(arg);
    } catch (error) {
      if (!(error instanceof NoMatchError)) throw error;
      // An unknown type may be new (a CRD just created): discover again once.
      this.invalidate();
      return this.resolve(arg);
    }
  }

  private async resolve(arg: string): Promise<Mapping> {
    const all = await this.prioritised();
    const dot = arg.indexOf('.');
    const groupResource = dot >= 0 ? { resource: arg.slice(0, dot), group: arg.slice(dot + 1) } : { resource: arg, group: '' };
    const parts = arg.split('.');
    const full = parts.length >= 3 ? { resource: parts[0]!, version: parts[1]!, group: parts.slice(2).join('.') } : undefined;
    const byResource = (resource: string, group: string, version?: string) => {
      const expanded = this.expandShortcut(all, resource, group);
      const name = expanded.resource.toLowerCase();
      return all.find((r) => (expanded.group === '' || r.group === expanded.group) && (version === undefined || r.version === version)
        && (r.resource === name || r.singularName === name));
    };
    const found = (full ? byResource(full.resource, full.group, full.version) : undefined) ?? byResource(groupResource.resource, groupResource.group);
    if (found) return found;
    // Then as a kind: `Pod`, `Deployment.apps`, `Deployment.v1.apps`.
    const byKind = (kind: string, group: string, version?: string) => all.find((r) => (r.kind === kind || r.kind.toLowerCase() === kind)
      && r.group === group && (version === undefined || r.version === version));
    const kindMatch = (full ? byKind(full.resource, full.group, full.version) : undefined) ?? byKind(groupResource.resource, groupResource.group);
    if (kindMatch) return kindMatch;
    throw new NoMatchError(groupResource.resource);
  }

  /**
   * kubectl's shortcut expander: a short name (`po`, `deploy`) becomes its
   * resource, unless the input is already a resource's plural or singular name.
   */
  private expandShortcut(all: ApiResource[], resource: string, group: string): { resource: string; group: string } {
    if (all.some((r) => (group === '' || r.group === group) && (r.resource === resource || r.singularName === resource))) return { resource, group };
    for (const r of all) {
      if (group !== '' && r.group !== group) continue;
      if (r.shortNames.includes(resource)) return { resource: r.resource, group: r.group };
    }
    if (group !== '') {
      for (const r of all) {
        if (r.group.startsWith(group) && r.shortNames.includes(resource)) return { resource: r.resource, group: r.group };
      }
    }
    return { resource, group };
  }

  /** The members of a category (`all`) as `resource[.group]` (CategoryExpander). */
  async expandCategory(name: string): Promise<string[] | undefined> {
    const { resources } = await this.load();
    const members = resources.filter((r) => r.categories.includes(name));
    if (members.length === 0) return undefined;
    const seen = new Set<string>();
    const out: string[] = [];
    for (const r of members) {
      const key = r.group === '' ? r.resource : `${r.resource}.${r.group}`;
      if (!seen.has(key)) out.push(key);
      seen.add(key);
    }
    return out;
  }
}

/** `kind.group` as kubectl names a type in output (`deployment.apps`, `pod`). */
export function kindPrefix(m: Pick<Mapping, 'kind' | 'group'>): string {
  return m.group === '' ? m.kind.toLowerCase() : `${m.kind.toLowerCase()}.${m.group}`;
}

/** `apiVersion` of a mapping's group-version. */
export function groupVersion(m: Pick<Mapping, 'group' | 'version'>): string {
  return m.group === '' ? m.version : `${m.group}/${m.version}`;
}
