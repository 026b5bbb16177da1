/**
 * The patch `kubectl apply` sends, computed as kubectl computes it:
 * `strategicpatch.CreateThreeWayMergePatch(original, modified, current)` for
 * built-in kinds (deletions from the last-applied configuration to the new
 * manifest, plus changes from the live object to the new manifest, with
 * `$setElementOrder`, `$patch: delete`, `$deleteFromPrimitiveList` and
 * `$retainKeys` directives), and `jsonmergepatch.CreateThreeWayJSONMergePatch`
 * for custom resources. An empty patch (`{}`) means "unchanged".
 * Upstream: AM:pkg/util/strategicpatch/patch.go (diffMaps, diffLists,
 * mergeMap with MergeParallelList=false), AM:pkg/util/jsonmergepatch/patch.go.
 */
import { EMPTY_SCHEMA, type PatchSchema } from '../../api/patch/index.ts';
import { mergeStrategyOf } from '../../api/patch/merge-keys.ts';
import { goSprint } from '../printers/values.ts';

type Json = null | boolean | number | string | Json[] | JsonMap;
interface JsonMap { [key: string]: Json }

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

interface DiffOptions {
  setElementOrder?: boolean;
  ignoreChangesAndAdditions?: boolean;
  ignoreDeletions?: boolean;
  buildRetainKeysDirective?: boolean;
}

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'map' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function strategyOf(schema: PatchSchema, key: string): { strategy?: 'merge' | 'replace'; retainKeys: boolean; mergeKey: string; sub: PatchSchema } {
  const { meta, schema: sub } = schema.field(key);
  return { strategy: mergeStrategyOf(meta), retainKeys: meta.strategy?.includes('retainKeys') ?? false, mergeKey: meta.mergeKey ?? '', sub };
}

/** `fmt.Sprintf("%v")` ordering of scalars (sortScalars). */
function sortScalars(list: Json[]): Json[] {
  return [...list].sort((a, b) => {
    const [x, y] = [goSprint(a), goSprint(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

// ---- diff (CreateThreeWayMergePatch's two diffMaps calls) ----

function diffMaps(original: JsonMap, modified: JsonMap, schema: PatchSchema, opts: DiffOptions): JsonMap {
  const patch: JsonMap = {};
  const retainKeysList: Json[] = [];
  for (const [key, modifiedValue] of Object.entries(modified)) {
    if (opts.buildRetainKeysDirective && modifiedValue !== null) retainKeysList.push(key);
    if (!Object.hasOwn(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key]!;
    if (key === DIRECTIVE) {
      if (originalValue !== modifiedValue) patch[DIRECTIVE] = modifiedValue;
      continue;
    }
    if (typeOf(originalValue) !== typeOf(modifiedValue)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isMap(originalValue) && isMap(modifiedValue)) handleMapDiff(key, originalValue, modifiedValue, patch, schema, opts);
    else if (Array.isArray(originalValue) && Array.isArray(modifiedValue)) handleSliceDiff(key, originalValue, modifiedValue, patch, schema, opts);
    else if (!opts.ignoreChangesAndAdditions && !deepEqual(originalValue, modifiedValue)) patch[key] = modifiedValue;
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  const hasAdditionalNewField = Object.keys(original).some((k) => original[k] !== null && !Object.hasOwn(modified, k));
  if (retainKeysList.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField)) patch[RETAIN_KEYS] = sortScalars(retainKeysList);
  return patch;
}

function handleMapDiff(key: string, original: JsonMap, modified: JsonMap, patch: JsonMap, schema: PatchSchema, opts: DiffOptions): void {
  const { strategy, retainKeys, sub } = strategyOf(schema, key);
  if (strategy === 'replace') {
    if (!opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const value = diffMaps(original, modified, sub, { ...opts, buildRetainKeysDirective: retainKeys });
  if (Object.keys(value).length > 0) patch[key] = value;
}

function handleSliceDiff(key: string, original: Json[], modified: Json[], patch: JsonMap, schema: PatchSchema, opts: DiffOptions): void {
  const { strategy, retainKeys, mergeKey, sub } = strategyOf(schema, key);
  if (strategy !== 'merge') {
    if (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)) patch[key] = modified;
    return;
  }
  const [add, del, order] = diffLists(original, modified, sub, mergeKey, { ...opts, buildRetainKeysDirective: retainKeys });
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${DELETE_FROM_PRIMITIVE}/${key}`] = del;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER}/${key}`] = order;
}

function diffLists(original: Json[], modified: Json[], schema: PatchSchema, mergeKey: string, opts: DiffOptions): [Json[], Json[], Json[]] {
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return [[], [], []];
    return [modified, [], []];
  }
  const all = [...original, ...modified];
  if (all.every(isMap)) {
    let [patchList, deleteList] = diffListsOfMaps(original as JsonMap[], modified as JsonMap[], schema, mergeKey, opts);
    patchList = normalizeSliceOrder(patchList, modified, mergeKey, true);
    const orderSame = original.length === modified.length && modified.every((m, i) => (original[i] as JsonMap)[mergeKey] === (m as JsonMap)[mergeKey]);
    patchList = [...patchList, ...deleteList];
    deleteList = [];
    let setOrder: Json[] = [];
    if (opts.setElementOrder && ((!opts.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) || (!opts.ignoreDeletions && patchList.length > 0))) {
      setOrder = modified.map((v) => ({ [mergeKey]: (v as JsonMap)[mergeKey]! }));
    }
    return [patchList, deleteList, setOrder];
  }
  const [add, del] = diffListsOfScalars(original, modified, opts);
  const patchList = normalizeSliceOrder(add, modified, mergeKey, false);
  let setOrder: Json[] = [];
  if (opts.setElementOrder && ((!opts.ignoreDeletions && del.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)))) setOrder = modified;
  return [patchList, del, setOrder];
}

function diffListsOfScalars(original: Json[], modified: Json[], opts: DiffOptions): [Json[], Json[]] {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  const add: Json[] = [];
  const del: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const os = i < o.length ? goSprint(o[i]) : undefined;
    const ms = j < m.length ? goSprint(m[j]) : undefined;
    if (os !== undefined && ms !== undefined && os === ms) {
      i++;
      j++;
    } else if (os === undefined || (ms !== undefined && os > ms)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[j]!);
      j++;
    } else {
      if (!opts.ignoreDeletions) del.push(o[i]!);
      i++;
    }
  }
  return [add, dedupe(del)];
}

function diffListsOfMaps(original: JsonMap[], modified: JsonMap[], schema: PatchSchema, mergeKey: string, opts: DiffOptions): [Json[], Json[]] {
  const byKey = (list: JsonMap[]) => [...list].sort((a, b) => {
    const [x, y] = [goSprint(a[mergeKey]), goSprint(b[mergeKey])];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const o = byKey(original);
  const m = byKey(modified);
  const patch: Json[] = [];
  const deletions: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const ok = i < o.length ? goSprint(o[i]![mergeKey]) : undefined;
    const mk = j < m.length ? goSprint(m[j]![mergeKey]) : undefined;
    if (ok !== undefined && mk !== undefined && ok === mk) {
      const value = diffMaps(o[i]!, m[j]!, schema, opts);
      if (Object.keys(value).length > 0) {
        value[mergeKey] = m[j]![mergeKey]!;
        patch.push(value);
      }
      i++;
      j++;
    } else if (ok === undefined || (mk !== undefined && ok > mk)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(m[j]!);
      j++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ [DIRECTIVE]: 'delete', [mergeKey]: o[i]![mergeKey]! });
      i++;
    }
  }
  return [patch, deletions];
}

function indexOf(list: Json[], item: Json, mergeKey: string, maps: boolean): number {
  const value = (v: Json) => (maps ? (isMap(v) ? v[mergeKey] : undefined) : v);
  return list.findIndex((v) => value(v) === value(item));
}

function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, maps: boolean): Json[] {
  let items = toSort;
  let toDelete: Json[] = [];
  if (maps) {
    items = toSort.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete'));
    toDelete = toSort.filter((v) => isMap(v) && v[DIRECTIVE] === 'delete');
  }
  // sort.SliceStable with upstream's (non-strict) comparator, as an insertion sort.
  const out = [...items];
  const less = (a: Json, b: Json) => {
    const ia = indexOf(order, a, mergeKey, maps);
    const ib = indexOf(order, b, mergeKey, maps);
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  for (let i = 1; i < out.length; i++) {
    for (let k = i; k > 0 && less(out[k]!, out[k - 1]!); k--) [out[k], out[k - 1]] = [out[k - 1]!, out[k]!];
  }
  return [...out, ...toDelete];
}

function dedupe(list: Json[]): Json[] {
  const out: Json[] = [];
  for (const v of list) if (!out.some((x) => x === v)) out.push(v);
  return out;
}

// ---- merging the deletions patch and the changes patch (MergeParallelList=false) ----

function mergeMap(original: JsonMap, patch: JsonMap, schema: PatchSchema): JsonMap {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    if (patch[DIRECTIVE] === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (patch[DIRECTIVE] === 'delete') return {};
  }
  if (Object.hasOwn(patch, RETAIN_KEYS)) {
    if (!Object.hasOwn(original, RETAIN_KEYS)) original[RETAIN_KEYS] = patch[RETAIN_KEYS]!;
    delete patch[RETAIN_KEYS];
  }
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key]!;
    if (!Object.hasOwn(original, key)) original[key] = order;
    delete patch[key];
    const listKey = key.slice(SET_ELEMENT_ORDER.length + 1);
    const { mergeKey, strategy, sub } = strategyOf(schema, listKey);
    const o = original[listKey];
    const p = patch[listKey];
    if (!Array.isArray(o) && !Array.isArray(p)) continue;
    let merged: Json[];
    if (Array.isArray(o) && Array.isArray(p)) merged = strategy === 'merge' ? mergeSlice(o, p, sub, mergeKey) : p;
    else merged = (Array.isArray(o) ? o : p) as Json[];
    const orderList = order as Json[];
    const maps = mergeKey !== '';
    const inOrder = merged.filter((v) => indexOf(orderList, v, mergeKey, maps) >= 0);
    const serverOnly = merged.filter((v) => indexOf(orderList, v, mergeKey, maps) < 0);
    original[listKey] = normalizeElementOrder(inOrder, serverOnly, orderList, Array.isArray(o) ? o : [], mergeKey, maps);
    delete patch[listKey];
  }
  for (const [k, patchV] of Object.entries(patch)) {
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      original[k] = patchV;
      continue;
    }
    if (patchV === null) {
      original[k] = null;
      continue;
    }
    const current = original[k];
    if (current === undefined || typeOf(current) !== typeOf(patchV)) {
      original[k] = patchV;
      continue;
    }
    const { strategy, mergeKey, sub } = strategyOf(schema, k);
    if (isMap(current) && isMap(patchV)) original[k] = strategy === 'replace' ? patchV : mergeMap(current, patchV, sub);
    else if (Array.isArray(current) && Array.isArray(patchV)) original[k] = strategy === 'merge' ? mergeSlice(current, patchV, sub, mergeKey) : patchV;
    else original[k] = patchV;
  }
  return original;
}

function mergeSlice(original: Json[], patch: Json[], schema: PatchSchema, mergeKey: string): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const maps = [...original, ...patch].every(isMap);
  let merged: Json[];
  let orig = original;
  let p = patch;
  if (!maps) merged = dedupe([...original, ...patch]);
  else {
    const plain: Json[] = [];
    let replace = false;
    for (const v of p as JsonMap[]) {
      if (!Object.hasOwn(v, DIRECTIVE)) plain.push(v);
      else if (v[DIRECTIVE] === 'delete') orig = orig.filter((o) => (o as JsonMap)[mergeKey] !== v[mergeKey]);
      else if (v[DIRECTIVE] === 'replace') replace = true;
    }
    if (replace) {
      orig = plain;
      p = [];
    } else p = plain;
    merged = [...orig];
    for (const v of p as JsonMap[]) {
      const i = merged.findIndex((o) => isMap(o) && o[mergeKey] === v[mergeKey]);
      if (i >= 0) merged[i] = mergeMap(merged[i] as JsonMap, v, schema);
      else merged.push(v);
    }
  }
  const key = maps ? mergeKey : '';
  const inPatch = merged.filter((v) => indexOf(p, v, key, maps) >= 0);
  const serverOnly = merged.filter((v) => indexOf(p, v, key, maps) < 0);
  return normalizeElementOrder(inPatch, serverOnly, p, orig, key, maps);
}

function normalizeElementOrder(patch: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, maps: boolean): Json[] {
  const left = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, maps);
  const right = normalizeSliceOrder(patch, patchOrder, mergeKey, maps);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexOf(serverOrder, left[i]!, mergeKey, maps);
      const ri = indexOf(serverOrder, right[j]!, mergeKey, maps);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

// ---- the two entry points ----

/** CreateThreeWayMergePatch(original, modified, current) with overwrite. */
export function threeWayStrategicPatch(original: JsonMap, modified: JsonMap, current: JsonMap, schema: PatchSchema = EMPTY_SCHEMA): JsonMap {
  const delta = diffMaps(clone(current), clone(modified), schema, { ignoreDeletions: true, setElementOrder: true });
  const deletions = diffMaps(clone(original), clone(modified), schema, { setElementOrder: true, ignoreChangesAndAdditions: true });
  return mergeMap(deletions, delta, schema);
}

/** CreateTwoWayMergePatch(original, modified): the patch `kubectl edit` sends for built-in kinds. */
export function twoWayStrategicPatch(original: JsonMap, modified: JsonMap, schema: PatchSchema = EMPTY_SCHEMA): JsonMap {
  return diffMaps(clone(original), clone(modified), schema, { setElementOrder: true });
}

/** jsonpatch.CreateMergePatch(original, modified): `kubectl edit`'s patch for custom resources. */
export function twoWayJsonMergePatch(original: JsonMap, modified: JsonMap): JsonMap {
  return mergePatchBetween(original, modified) as JsonMap;
}

/** RFC 7386 merge patch from a to b (evanphx CreateMergePatch). */
function mergePatchBetween(a: Json, b: Json): Json {
  if (!isMap(a) || !isMap(b)) return b;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(b)) {
    if (!Object.hasOwn(a, k)) out[k] = v;
    else if (isMap(a[k]!) && isMap(v)) {
      const sub = mergePatchBetween(a[k]!, v) as JsonMap;
      if (Object.keys(sub).length > 0) out[k] = sub;
    } else if (!deepEqual(a[k], v)) out[k] = v;
  }
  for (const k of Object.keys(a)) if (!Object.hasOwn(b, k)) out[k] = null;
  return out;
}

/** Keep only the nulls (deletions) or only the rest (additions and changes) of a merge patch. */
function keepNulls(patch: Json, keep: boolean): Json {
  if (!isMap(patch)) return patch;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      if (keep) out[k] = null;
    } else if (isMap(v)) {
      // An explicitly empty map is a value, not an empty patch.
      if (Object.keys(v).length === 0) {
        if (!keep) out[k] = v;
        continue;
      }
      const sub = keepNulls(v, keep) as JsonMap;
      if (Object.keys(sub).length > 0) out[k] = sub;
    } else if (!keep) out[k] = v;
  }
  return out;
}

function applyMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return patch;
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) out[k] = null;
    else out[k] = applyMergePatch(out[k] ?? null, v);
  }
  return out;
}

/** CreateThreeWayJSONMergePatch, for kinds without strategic merge (custom resources). */
export function threeWayJsonMergePatch(original: JsonMap, modified: JsonMap, current: JsonMap): JsonMap {
  const addAndChange = keepNulls(mergePatchBetween(current, modified), false);
  const deletions = keepNulls(mergePatchBetween(original, modified), true);
  return applyMergePatch(deletions, addAndChange) as JsonMap;
}

export type { Json, JsonMap };
