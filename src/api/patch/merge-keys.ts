/**
 * Where strategic merge patch gets its list semantics from.
 *
 * The API server applies a strategic merge patch against the Go type of the
 * object (`strategicpatch.StrategicMergeMapPatch(original, patch, schemaReferenceObj)`
 * in `K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`), looking up
 * each field's `patchStrategy`/`patchMergeKey` tags as it descends
 * (`LookupPatchMetadataForStruct` / `LookupPatchMetadataForSlice`). A
 * {@link PatchSchema} is that walk: asked for a field, it answers the field's
 * patch metadata and the schema of the field's value.
 *
 * Custom resources have no Go type, so the server refuses strategic merge patch
 * for them: the CRD handler registers only json-patch, merge-patch and
 * apply-patch, and any other content type gets 415 UnsupportedMediaType
 * (`AX:pkg/apiserver/customresource_handler.go`). {@link supportsStrategicMergePatch}
 * tells the two apart. Callers that want SMP-like merging for their own types
 * (tests, a future operator lab) can build a schema with {@link schemaFromTable}.
 */
import { DEFINITIONS, KIND_DEFINITIONS } from './merge-keys-builtin.ts';

/** One of the strategies the Go tags use; `merge,retainKeys` is the union of both. */
export type PatchStrategy = 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';

export interface FieldPatchMeta {
  readonly strategy?: PatchStrategy;
  /** Merge key of the list elements (only with strategy `merge` on a list of maps). */
  readonly mergeKey?: string;
  /** Definition of the value (or of each list element). */
  readonly type?: string;
  /** Definition of each value of a map-valued field (`map[string]T`). */
  readonly valueType?: string;
}

export interface PatchSchema {
  /** Patch metadata of `field` and the schema of its value (of its elements for lists). */
  field(name: string): { meta: FieldPatchMeta; schema: PatchSchema };
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A schema that knows nothing: maps merge, lists are replaced (JSON merge semantics for lists). */
export const EMPTY_SCHEMA: PatchSchema = {
  field: () => ({ meta: {}, schema: EMPTY_SCHEMA }),
};

type Table = Readonly<Record<string, Readonly<Record<string, FieldPatchMeta>>>>;

/** A schema over a definitions table shaped like the built-in one. */
export function schemaFromTable(definition: string, table: Table): PatchSchema {
  const cache = new Map<string, PatchSchema>();
  const forDefinition = (name: string | undefined): PatchSchema => {
    if (name === undefined || !(name in table)) return EMPTY_SCHEMA;
    let schema = cache.get(name);
    if (!schema) {
      const fields = table[name] ?? {};
      schema = {
        field(field) {
          const meta = Object.hasOwn(fields, field) ? (fields[field] ?? {}) : {};
          if (meta.valueType !== undefined) {
            // map[string]T: any key leads to a T.
            const values = forDefinition(meta.valueType);
            const mapSchema: PatchSchema = { field: () => ({ meta: {}, schema: values }) };
            return { meta, schema: mapSchema };
          }
          return { meta, schema: forDefinition(meta.type) };
        },
      };
      cache.set(name, schema);
    }
    return schema;
  };
  return forDefinition(definition);
}

function gvkKey(gvk: GroupVersionKind): string {
  return gvk.group ? `${gvk.group}/${gvk.version}/${gvk.kind}` : `${gvk.version}/${gvk.kind}`;
}

/** Built-in definition name for a kind, e.g. `apps/v1 StatefulSet` → `apps.v1.StatefulSet`. */
export function definitionForKind(gvk: GroupVersionKind): string | undefined {
  return KIND_DEFINITIONS[gvkKey(gvk)];
}

/** The patch schema of a built-in kind, or undefined for kinds the server has no Go type for (CRs). */
export function schemaForKind(gvk: GroupVersionKind): PatchSchema | undefined {
  const definition = definitionForKind(gvk);
  return definition === undefined ? undefined : schemaFromTable(definition, DEFINITIONS);
}

/** Strategic merge patch needs a Go type: true for built-in kinds, false for custom resources. */
export function supportsStrategicMergePatch(gvk: GroupVersionKind): boolean {
  return definitionForKind(gvk) !== undefined;
}

/**
 * The Go helper `extractRetainKeysPatchStrategy`: `retainKeys` only governs the
 * `$retainKeys` directive the client sends; what matters when merging is the
 * other strategy (`merge`, `replace` or none).
 */
export function mergeStrategyOf(meta: FieldPatchMeta): 'merge' | 'replace' | undefined {
  switch (meta.strategy) {
    case 'merge':
    case 'merge,retainKeys':
      return 'merge';
    case 'replace':
      return 'replace';
    default:
      return undefined;
  }
}
