/**
 * Server-side apply (`application/apply-patch+yaml`, `kubectl apply --server-side`),
 * the practical subset.
 *
 * What it does:
 * 1. decodes the body as YAML (JSON is YAML) — failure → 400 `error decoding YAML: …`
 *    (`applyPatcher.applyPatchToCurrentObject` in
 *    `K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`);
 * 2. checks the applied `apiVersion` against the endpoint's (400 `Incorrect version
 *    specified in apply patch…`, as `structuredMergeManager.Apply` does) and that
 *    the config carries no `metadata.managedFields`;
 * 3. starts from the live object, or from nothing when the object does not exist
 *    (apply creates: the REST layer answers 201);
 * 4. removes the fields this field manager applied last time but no longer applies
 *    (its previous field set is read from its `Apply` entry in `metadata.managedFields`);
 * 5. merges the applied config into the result with the strategic-merge rules of
 *    the kind (maps merge, keyed lists merge by merge key, set lists as sets,
 *    atomic lists and scalars are replaced);
 * 6. records the manager's new field set as a `FieldsV1` entry
 *    `{manager, operation: "Apply", apiVersion, time, fieldsType: "FieldsV1", fieldsV1}`.
 *
 * What is simplified, compared with structured-merge-diff:
 * - no conflict detection: applying a value another manager owns never yields
 *   409 `FieldManagerConflict`, so `force` has no effect;
 * - removal (step 4) drops the fields even if another manager also owns them;
 * - only `Apply` operations are tracked: writes by PUT/PATCH/POST do not add
 *   `Update` entries here (the REST layer may add them);
 * - list items are keyed by the strategic-merge key only (`k:{"containerPort":80}`,
 *   where upstream uses all list-map keys, e.g. containerPort and protocol), and
 *   maps carry no `"."` entry for themselves;
 * - custom resources merge as plain maps (lists are atomic), where upstream
 *   would follow the CRD schema's `x-kubernetes-list-type`.
 */
import { parse as parseYaml } from 'yaml';
import { badRequest } from './errors.ts';
import { cloneJson, isMap, type Json, type JsonMap } from './json-decode.ts';
import { mergeStrategyOf, type GroupVersionKind, type PatchSchema } from './merge-keys.ts';
import { strategicMergePatch } from './strategic-merge.ts';

export interface ServerSideApplyOptions {
  fieldManager: string;
  /** RFC 3339 time written into the managedFields entry (the caller's clock; no wall time here). */
  now: string;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonMap;
  subresource?: string;
}

/** Decode an apply-patch body (YAML or JSON). */
export function decodeApplyPatch(body: string): JsonMap {
  let doc: unknown;
  try {
    doc = parseYaml(body, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isMap(doc as Json)) {
    throw badRequest(`error decoding YAML: json: cannot unmarshal ${Array.isArray(doc) ? 'array' : typeof doc} into Go value of type map[string]interface {}`);
  }
  return doc as JsonMap;
}

export function serverSideApply(live: JsonMap | undefined, applied: JsonMap, gvk: GroupVersionKind, schema: PatchSchema, opts: ServerSideApplyOptions): JsonMap {
  const expected = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
  const specified = typeof applied.apiVersion === 'string' ? applied.apiVersion : '';
  if (specified !== expected) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${specified}, expected: ${expected}`);
  }
  const meta = applied.metadata;
  if (isMap(meta) && meta.managedFields !== undefined && meta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }

  const base: JsonMap = live ? cloneJson(live) : {};
  const entries = managedFieldsOf(base);
  const previous = entries.find((e) => e.manager === opts.fieldManager && e.operation === 'Apply' && !e.subresource);
  const next = fieldSetOf(applied, schema, true);
  if (previous) pruneMap(base, previous.fieldsV1, next, schema);

  const merged = strategicMergePatch(base, applied, schema);
  const entry: ManagedFieldsEntry = { manager: opts.fieldManager, operation: 'Apply', apiVersion: expected, time: opts.now, fieldsType: 'FieldsV1', fieldsV1: next };
  const others = entries.filter((e) => e !== previous);
  const at = previous ? entries.indexOf(previous) : others.length;
  others.splice(at, 0, entry);
  const mergedMeta = isMap(merged.metadata) ? merged.metadata : (merged.metadata = {});
  mergedMeta.managedFields = others as unknown as Json;
  return merged;
}

function managedFieldsOf(obj: JsonMap): ManagedFieldsEntry[] {
  const meta = obj.metadata;
  const list = isMap(meta) ? meta.managedFields : undefined;
  return Array.isArray(list) ? (list.filter(isMap) as unknown as ManagedFieldsEntry[]) : [];
}

// Metadata the API server owns; `NewStripMetaManager` keeps it out of field sets.
const STRIPPED_METADATA = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'generation', 'managedFields', 'resourceVersion']);

/** The FieldsV1 set of an applied config (`f:<field>`, `k:{"<key>":<v>}`, `v:<value>`, `.` for a list item itself). */
export function fieldSetOf(obj: JsonMap, schema: PatchSchema, root = false): JsonMap {
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(obj)) {
    if (root && (k === 'apiVersion' || k === 'kind')) continue;
    if (root && k === 'metadata' && isMap(v)) {
      const rest = Object.fromEntries(Object.entries(v).filter(([mk]) => !STRIPPED_METADATA.has(mk)));
      if (Object.keys(rest).length > 0) out['f:metadata'] = fieldSetOf(rest, schema.field('metadata').schema);
      continue;
    }
    const { meta, schema: sub } = schema.field(k);
    if (isMap(v) && mergeStrategyOf(meta) !== 'replace' && Object.keys(v).length > 0) {
      out[`f:${k}`] = fieldSetOf(v, sub);
    } else if (Array.isArray(v) && mergeStrategyOf(meta) === 'merge' && v.length > 0) {
      const items: JsonMap = {};
      for (const item of v) {
        if (isMap(item) && meta.mergeKey && item[meta.mergeKey] !== undefined) {
          items[`k:${JSON.stringify({ [meta.mergeKey]: item[meta.mergeKey] })}`] = { '.': {}, ...fieldSetOf(item, sub) };
        } else if (!isMap(item) && !Array.isArray(item)) {
          items[`v:${JSON.stringify(item)}`] = {};
        }
      }
      out[`f:${k}`] = items;
    } else {
      out[`f:${k}`] = {};
    }
  }
  return out;
}

function isLeaf(set: Json | undefined): boolean {
  return !isMap(set) || Object.keys(set).length === 0 || Object.hasOwn(set, '.');
}

/** Remove from `live` what `prev` owns and `next` does not. */
function pruneMap(live: JsonMap, prev: JsonMap, next: JsonMap | undefined, schema: PatchSchema): void {
  for (const [key, prevSub] of Object.entries(prev)) {
    if (!key.startsWith('f:')) continue;
    const name = key.slice(2);
    const nextSub = next?.[key];
    const value = live[name];
    if (value === undefined) continue;
    if (nextSub === undefined && isLeaf(prevSub)) {
      delete live[name];
      continue;
    }
    if (!isMap(prevSub)) continue;
    const { meta, schema: sub } = schema.field(name);
    const nextMap = isMap(nextSub) ? nextSub : undefined;
    if (isMap(value)) {
      pruneMap(value, prevSub, nextMap, sub);
      if (nextSub === undefined && Object.keys(value).length === 0) delete live[name];
    } else if (Array.isArray(value)) {
      live[name] = pruneList(value, prevSub, nextMap, meta.mergeKey, sub);
    }
  }
}

function pruneList(live: Json[], prev: JsonMap, next: JsonMap | undefined, mergeKey: string | undefined, schema: PatchSchema): Json[] {
  const out: Json[] = [];
  for (const item of live) {
    let key: string | undefined;
    if (isMap(item) && mergeKey && item[mergeKey] !== undefined) key = `k:${JSON.stringify({ [mergeKey]: item[mergeKey] })}`;
    else if (!isMap(item) && !Array.isArray(item)) key = `v:${JSON.stringify(item)}`;
    const prevSub = key === undefined ? undefined : prev[key];
    if (key === undefined || prevSub === undefined) {
      out.push(item);
      continue;
    }
    const nextSub = next?.[key];
    if (nextSub === undefined) continue; // the manager applied this item before and no longer does
    if (isMap(item) && isMap(prevSub)) pruneMap(item, prevSub, isMap(nextSub) ? nextSub : undefined, schema);
    out.push(item);
  }
  return out;
}
