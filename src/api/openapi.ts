/**
 * `/openapi/v3` as kube-apiserver serves it: a root listing one document per
 * group-version, each with the operations of its resources and the schemas
 * they use. kubectl needs it: `apply`/`create` look for a PATCH operation with
 * the object's `x-kubernetes-group-version-kind` that accepts `fieldValidation`
 * (kubernetes-semantics.md §10.4), `kubectl apply` reads merge keys from the
 * schemas, and `kubectl explain` reads their descriptions.
 */
import components from '../generated/openapi-components.json' with { type: 'json' };
import { fnv32a, type ResourceCatalog, type ResourceType } from '../shim/index.ts';

type Json = Record<string, unknown>;
const schemas = components.schemas as Record<string, Json>;
const schemaByKind = new Map(components.kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k.schema]));

const param = (name: string, description: string, type = 'string') => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const COMMON_PARAMS = [
  param('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  param('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  param('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict'),
];

function groupVersionKey(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group === '' ? `api/${rt.version}` : `apis/${rt.group}/${rt.version}`;
}

/** Schemas reachable from `roots` through $refs. */
function closure(roots: string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (out[name] || !schemas[name]) continue;
    out[name] = schemas[name]!;
    const text = JSON.stringify(schemas[name]);
    for (const m of text.matchAll(/#\/components\/schemas\/([^"]+)/g)) stack.push(m[1]!);
  }
  return out;
}

function operations(rt: ResourceType, schema: string | undefined) {
  const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
  const ref = schema ? { $ref: `#/components/schemas/${schema}` } : { type: 'object' };
  const body = { content: { 'application/json': { schema: ref } }, required: true };
  const ok = { 200: { description: 'OK', content: { 'application/json': { schema: ref } } } };
  const op = (action: string, extra: Json = {}) => ({
    operationId: `${action}${rt.kind}`, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: ok, ...extra,
  });
  const patchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
  return {
    get: op('get'),
    put: op('put', { requestBody: body, parameters: COMMON_PARAMS }),
    patch: op('patch', {
      requestBody: { content: Object.fromEntries(patchTypes.map((t) => [t, { schema: { type: 'object' } }])), required: true },
      parameters: [...COMMON_PARAMS, param('force', 'Force is going to "force" Apply requests.', 'boolean')],
    }),
    delete: op('delete'),
  };
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A CRD kind's definition name, as AX:pkg/controller/openapi/builder names it: `com.example.v1.Backup`. */
function customResourceSchemaName(rt: ResourceType): string {
  return `${rt.group.split('.').reverse().join('.')}.${rt.version}.${rt.kind}`;
}

/**
 * The CRD version's schema with the standard apiVersion, kind and metadata fields
 * and the GVK extension (AX:pkg/controller/openapi/builder/builder.go).
 */
function customResourceSchema(rt: ResourceType): Json {
  const base = (rt.customResource?.schema ?? { type: 'object' }) as Json;
  const standard = (schemas['io.k8s.api.apps.v1.Deployment']?.properties ?? {}) as Record<string, Json>;
  const props = (base.properties ?? {}) as Record<string, Json>;
  return {
    ...base,
    properties: {
      apiVersion: { type: 'string', description: standard.apiVersion?.description },
      kind: { type: 'string', description: standard.kind?.description },
      metadata: { $ref: `#/components/schemas/${OBJECT_META}`, description: standard.metadata?.description },
      ...Object.fromEntries(Object.entries(props).filter(([k]) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata')),
    },
    'x-kubernetes-group-version-kind': [{ group: rt.group, kind: rt.kind, version: rt.version }],
  };
}

/**
 * `/openapi/v2` is protobuf-only (gnostic's openapi_v2.Document). kubectl falls
 * back to it when a group-version is missing from v3 (e.g. `apiVersion: apps/v2`)
 * and then skips validation for kinds it does not describe, so that the error
 * the learner sees is the real one: `no matches for kind "Deployment" in version
 * "apps/v2"`. An empty document (swagger "2.0", info) is enough for that.
 */
export function openApiV2Protobuf(): Uint8Array {
  const field = (tag: number, bytes: Uint8Array) => Uint8Array.from([(tag << 3) | 2, bytes.length, ...bytes]);
  const text = (s: string) => new TextEncoder().encode(s);
  const info = Uint8Array.from([...field(1, text('Kubernetes')), ...field(2, text('v1.32.2'))]);
  return Uint8Array.from([...field(1, text('2.0')), ...field(2, info)]);
}

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export class OpenApi {
  private cache = new Map<string, { hash: string; doc: Json }>();
  private cachedFor = '';

  constructor(private readonly catalog: ResourceCatalog) {}

  private documents(): Map<string, { hash: string; doc: Json }> {
    // Rebuilt when the catalogue changes (a CRD is established or removed).
    const signature = this.catalog.all().map((rt) => `${rt.group}/${rt.version}/${rt.resource}${rt.customResource ? `#${fnv32a(JSON.stringify(rt.customResource))}` : ''}`).sort().join(',');
    if (signature === this.cachedFor) return this.cache;
    const byGv = new Map<string, ResourceType[]>();
    for (const rt of this.catalog.all()) byGv.set(groupVersionKey(rt), [...(byGv.get(groupVersionKey(rt)) ?? []), rt]);
    const docs = new Map<string, { hash: string; doc: Json }>();
    for (const [gv, types] of byGv) {
      const paths: Json = {};
      const roots: string[] = [];
      const custom: Record<string, Json> = {};
      for (const rt of types) {
        let schema = schemaByKind.get(`${rt.group === '' ? rt.version : `${rt.group}/${rt.version}`}/${rt.kind}`);
        if (rt.customResource) {
          schema = customResourceSchemaName(rt);
          custom[schema] = customResourceSchema(rt);
          roots.push(OBJECT_META);
        } else if (schema) roots.push(schema);
        const base = `/${gv}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.resource}/{name}`;
        paths[base] = operations(rt, schema);
      }
      const doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.2' }, paths, components: { schemas: { ...closure(roots), ...custom } } };
      docs.set(gv, { hash: fnv32a(JSON.stringify(doc)).toString(16).toUpperCase().padStart(8, '0'), doc });
    }
    this.cache = docs;
    this.cachedFor = signature;
    return docs;
  }

  /** The root document (no argument) or one group-version's (`apis/apps/v1`). */
  get(groupVersion?: string): unknown {
    const docs = this.documents();
    if (groupVersion === undefined) {
      return { paths: Object.fromEntries([...docs].map(([gv, { hash }]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` }])) };
    }
    return docs.get(groupVersion)?.doc;
  }
}
