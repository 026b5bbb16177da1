/**
 * Turns the generated JSON Schema into the `components.schemas` of the API
 * server's OpenAPI v3 documents: upstream's definition names
 * (`io.k8s.api.apps.v1.StatefulSet`), `x-kubernetes-group-version-kind` on each
 * kind, and the strategic-merge extensions kubectl reads to compute
 * `kubectl apply` patches (`x-kubernetes-patch-merge-key`/`-strategy`).
 */
import { DEFINITIONS } from '../api/patch/merge-keys-builtin.ts';

type Json = Record<string, unknown>;

/** Our definition names → upstream's (`core.v1.Pod` → `io.k8s.api.core.v1.Pod`). */
export function upstreamName(name: string): string {
  const prefix = name.split('.').slice(0, -1).join('.');
  const base = name.split('.').at(-1)!;
  switch (prefix) {
    case 'meta.v1': return `io.k8s.apimachinery.pkg.apis.meta.v1.${base}`;
    case 'api.resource': return `io.k8s.apimachinery.pkg.api.resource.${base}`;
    case 'runtime': return `io.k8s.apimachinery.pkg.runtime.${base}`;
    case 'util.intstr': return `io.k8s.apimachinery.pkg.util.intstr.${base}`;
    case 'apiextensions.v1': return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.${base}`;
    default: return `io.k8s.api.${name}`;
  }
}

function convert(node: unknown, definition: string | undefined): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, undefined));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = `#/components/schemas/${upstreamName(value.replace('#/definitions/', ''))}`;
    } else if (key === 'const') {
      out.enum = [value]; // OpenAPI 3.0 has no `const`
    } else if (key === 'examples' || (key === 'additionalProperties' && value === false)) {
      // upstream documents carry neither
    } else if (key === 'properties' && value && typeof value === 'object') {
      const props: Json = {};
      const patchMeta = definition ? DEFINITIONS[definition] : undefined;
      for (const [prop, schema] of Object.entries(value as Json)) {
        const converted = intOrString(schema) ?? (convert(schema, undefined) as Json);
        const meta = patchMeta?.[prop];
        if (meta?.strategy) converted['x-kubernetes-patch-strategy'] = meta.strategy;
        if (meta?.mergeKey) converted['x-kubernetes-patch-merge-key'] = meta.mergeKey;
        props[prop] = converted;
      }
      out.properties = props;
    } else {
      out[key] = convert(value, undefined);
    }
  }
  return out;
}

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/**
 * kubernetes-types spells IntOrString as `number | string`; the API server refers to
 * the IntOrString component, whose `int-or-string` format kubectl explain prints as
 * `<IntOrString>` (and chokes on a type list).
 */
function intOrString(schema: unknown): Json | undefined {
  const s = schema as Json | undefined;
  const type = s?.type;
  if (!Array.isArray(type) || type.length !== 2 || !type.includes('number') || !type.includes('string')) return undefined;
  return { allOf: [{ $ref: `#/components/schemas/${INT_OR_STRING}` }], ...(s!.description !== undefined ? { description: s!.description } : {}) };
}

export interface OpenApiComponents {
  schemas: Record<string, unknown>;
  /** Each served kind and the component describing it. */
  kinds: { apiVersion: string; kind: string; schema: string }[];
}

export function toOpenApiComponents(jsonSchema: Json): OpenApiComponents {
  const definitions = jsonSchema.definitions as Record<string, Json>;
  const kinds = jsonSchema['x-statecraft-kinds'] as { apiVersion: string; kind: string; ref: string }[];
  const schemas: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(definitions)) {
    if (name.startsWith('top.')) continue;
    schemas[upstreamName(name)] = convert(def, name);
  }
  schemas[INT_OR_STRING] = {
    description: 'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  };
  for (const { apiVersion, kind, ref } of kinds) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
    (schemas[upstreamName(ref)] as Json)['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  }
  return { schemas, kinds: kinds.map(({ apiVersion, kind, ref }) => ({ apiVersion, kind, schema: upstreamName(ref) })) };
}
