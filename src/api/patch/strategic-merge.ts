/**
 * Applying a strategic merge patch, ported from the apply half of
 * `AM:pkg/util/strategicpatch/patch.go` (`StrategicMergeMapPatch` with
 * `MergeParallelList: true, IgnoreUnmatchedNulls: true`, as the API server calls it).
 *
 * - maps merge recursively; `null` deletes a key;
 * - lists whose field has strategy `merge` merge by the field's merge key (lists
 *   of maps) or as sets (lists of scalars); all other lists are replaced;
 * - fields with strategy `replace` are replaced wholesale;
 * - directives: `$patch: replace|delete` in maps, `$patch: delete|replace` in
 *   list items, `$deleteFromPrimitiveList/<list>`, `$setElementOrder/<list>`
 *   (the order kubectl apply wants) and `$retainKeys`.
 *
 * The order of merged lists is upstream's, not "append": items named in the
 * patch (or in `$setElementOrder`) keep the patch's order, server-only items
 * keep theirs, and the two are interleaved by their positions in the live list
 * (`normalizeElementOrder` / `mergeSortedSlice`).
 *
 * Simplification: upstream then decodes the result into the Go type, which
 * drops (or, with fieldValidation=Strict, rejects) keys such as a stray
 * `$setElementOrder/…` inside a newly added subtree. We drop such directive keys.
 */
import { badRequest, internal, PatchError } from './errors.ts';
import { cloneJson, goFormat, isMap, type Json, type JsonMap } from './json-decode.ts';
import { mergeStrategyOf, type PatchSchema } from './merge-keys.ts';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// Error texts from AM:pkg/util/mergepatch/errors.go and strategicpatch/errors.go.
const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

const errNoMergeKey = (m: JsonMap, key: string) => internal(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadPatchType = (t: Json | undefined, m: JsonMap) => internal(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);

/** Apply `patch` to `original` (neither is modified) with the merge semantics of `schema`. */
export function strategicMergePatch(original: JsonMap, patch: JsonMap, schema: PatchSchema): JsonMap {
  return mergeMap(cloneJson(original), cloneJson(patch), schema);
}

type Kind = 'map' | 'list' | 'string' | 'number' | 'boolean' | 'null';

function kindOf(v: Json): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  return typeof v as Kind;
}

function mergeMap(original: JsonMap | null, patch: JsonMap, schema: PatchSchema): JsonMap {
  if (Object.hasOwn(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
  const out = original ?? {};
  applyRetainKeysDirective(out, patch);
  mergePatchIntoOriginal(out, patch, schema);

  for (const [patchKey, patchV] of Object.entries(patch)) {
    let k = patchKey;
    let isDeleteList = false;
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      k = extractKey(k, DELETE_FROM_PRIMITIVE);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete out[k];
      continue;
    }
    const current = out[k];
    if (current === undefined || kindOf(current) !== kindOf(patchV)) {
      if (!isDeleteList) setWithoutDirectives(out, k, patchV);
      continue;
    }
    const { meta, schema: sub } = schema.field(k);
    const strategy = mergeStrategyOf(meta);
    if (isMap(current) && isMap(patchV)) {
      out[k] = strategy === 'replace' ? patchV : mergeMap(current, patchV, sub);
    } else if (Array.isArray(current) && Array.isArray(patchV)) {
      out[k] = strategy === 'merge' ? mergeSlice(current, patchV, sub, meta.mergeKey ?? '', isDeleteList) : patchV;
    } else {
      setWithoutDirectives(out, k, patchV);
    }
  }
  return out;
}

function handleDirectiveInMergeMap(directive: Json | undefined, patch: JsonMap): JsonMap {
  if (directive === 'replace') {
    // "don't merge it, just use the patch directly"
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw errBadPatchType(directive, patch);
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw badRequest(prefix === DELETE_FROM_PRIMITIVE ? ERR_PRIMITIVE_LIST : ERR_SET_ELEMENT_ORDER);
  }
  return s.slice(slash + 1);
}

/** `discardNullValuesFromPatch` + `removeDirectives`, for values that land where nothing was. */
function setWithoutDirectives(target: JsonMap, key: string, value: Json): void {
  const [clean, keep] = removeDirectives(discardNulls(value));
  if (keep) target[key] = clean;
  else delete target[key];
}

function discardNulls(v: Json): Json {
  if (Array.isArray(v)) return v.map(discardNulls);
  if (isMap(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item === null) delete v[k];
      else v[k] = discardNulls(item);
    }
  }
  return v;
}

function isDirectiveKey(k: string): boolean {
  return k === RETAIN_KEYS || k.startsWith(`${SET_ELEMENT_ORDER}/`) || k.startsWith(`${DELETE_FROM_PRIMITIVE}/`);
}

function removeDirectives(v: Json): [Json, boolean] {
  if (isMap(v)) {
    if (Object.hasOwn(v, DIRECTIVE)) return [null, false];
    for (const [k, item] of Object.entries(v)) {
      const [clean, keep] = removeDirectives(item);
      if (keep && !isDirectiveKey(k)) v[k] = clean;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const res: Json[] = [];
    for (const item of v) {
      const [clean, keep] = removeDirectives(item);
      if (keep) res.push(clean);
    }
    return [res, true];
  }
  return [v, true];
}

/** `$retainKeys`: clear the keys of `original` not in the list; every key the patch sets must be in it. */
function applyRetainKeysDirective(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest(ERR_RETAIN_KEYS);
  const retain = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retain.has(k)) throw badRequest(ERR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!retain.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<list>`: merge `<list>` now and order the result:
 * `$setElementOrder` > order in the patch list > order in the live list.
 * The merged list is removed from the patch so the main loop skips it.
 */
function mergePatchIntoOriginal(original: JsonMap, patch: JsonMap, schema: PatchSchema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw internal(`expected a []interface {}, but received a ${kindOf(order ?? null)}`);
    const listKey = extractKey(key, SET_ELEMENT_ORDER);
    const originalList = original[listKey];
    const patchList = patch[listKey];
    if (originalList !== undefined && !Array.isArray(originalList)) throw badRequest(ERR_SET_ELEMENT_ORDER);
    if (patchList !== undefined && !Array.isArray(patchList)) throw badRequest(ERR_SET_ELEMENT_ORDER);
    const { meta, schema: elementSchema } = schema.field(listKey);
    const mergeKey = meta.mergeKey ?? '';
    validatePatchWithSetOrderList(patchList ?? [], order, mergeKey);

    let merged: Json[];
    if (originalList && !patchList) merged = originalList;
    else if (!originalList && patchList) merged = patchList;
    else if (originalList && patchList) {
      merged = mergeStrategyOf(meta) === 'merge' ? mergeSlice(originalList, patchList, elementSchema, mergeKey, false) : patchList;
    } else continue; // upstream returns here; nothing to order

    const kind = sliceElementKind([...(originalList ?? []), ...(patchList ?? [])]);
    if (kind === undefined) continue;
    const [patchItems, serverOnly] = partition(merged, order, mergeKey, kind);
    original[listKey] = normalizeElementOrder(patchItems, serverOnly, order, originalList ?? [], mergeKey, kind);
    delete patch[listKey];
  }
}

/** The relative order of the patch list's items must match `$setElementOrder`, which must name them all. */
function validatePatchWithSetOrderList(patchList: Json[], order: Json[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? patchList.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    const item = nonDelete[p] as Json;
    if (isMap(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[o] as Json, mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw internal(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isMap(left) || !isMap(right)) throw internal('expected a map[string]interface {}');
  if (!Object.hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** The element type of a list; every element must have the same one and lists of lists are refused. */
function sliceElementKind(items: Json[]): Kind | undefined {
  let kind: Kind | undefined;
  for (const item of items) {
    const k = kindOf(item);
    if (kind === undefined) {
      if (k === 'list') throw new PatchError(422, 'Invalid', 'the server rejected our request due to an error in our request', { details: {}, detail: 'lists of lists are not supported' });
      kind = k;
    } else if (k !== kind) {
      throw internal(`list element types are not identical: ${goFormat(items)}`);
    }
  }
  return kind;
}

function mergeSlice(original: Json[], patch: Json[], elementSchema: PatchSchema, mergeKey: string, isDeleteList: boolean): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind([...original, ...patch]) as Kind;
  let merged: Json[];
  let serverOrder = original;
  let patchOrder = patch;
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw internal('cannot merge lists without merge key for type map');
    [serverOrder, patchOrder] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements([...serverOrder], patchOrder, elementSchema, mergeKey);
  }
  const [patchItems, serverOnly] = partition(merged, patchOrder, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, patchOrder, serverOrder, mergeKey, kind);
}

/** `$patch: delete` items remove every live item with that key; `$patch: replace` replaces the list with the patch's plain items. */
function mergeSliceWithSpecialElements(original: Json[], patch: Json[], mergeKey: string): [Json[], Json[]] {
  const plain: Json[] = [];
  let replace = false;
  let live = original;
  for (const v of patch) {
    if (!isMap(v)) throw internal(`expected a map[string]interface {}, but received a ${kindOf(v)}`);
    if (!Object.hasOwn(v, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = v[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      live = live.filter((item) => !(isMap(item) && Object.hasOwn(item, mergeKey) && item[mergeKey] === v[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw internal('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, v);
    }
  }
  return replace ? [plain, []] : [live, plain];
}

function mergeSliceWithoutSpecialElements(original: Json[], patch: Json[], elementSchema: PatchSchema, mergeKey: string): Json[] {
  for (const v of patch) {
    const item = v as JsonMap;
    if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const at = original.findIndex((o) => isMap(o) && Object.hasOwn(o, mergeKey) && o[mergeKey] === item[mergeKey]);
    if (at >= 0) original[at] = mergeMap(original[at] as JsonMap, item, elementSchema);
    else original.push(v);
  }
  return original;
}

// Go's "clever" in-place de-duplication: a duplicate is overwritten by the last element.
function deduplicateScalars(s: Json[]): Json[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length] as Json;
        s = s.slice(0, length);
        length--;
        j--;
      }
    }
  }
  return s;
}

function valueFor(item: Json, mergeKey: string, kind: Kind): Json | undefined {
  return kind === 'map' ? (isMap(item) ? item[mergeKey] : undefined) : item;
}

function indexIn(list: Json[], item: Json, mergeKey: string, kind: Kind): number {
  const want = valueFor(item, mergeKey, kind);
  return list.findIndex((v) => valueFor(v, mergeKey, kind) === want);
}

/** Items of `list` present in `by` (by merge key for maps), and the rest. */
function partition(list: Json[], by: Json[], mergeKey: string, kind: Kind): [Json[], Json[]] {
  const inBy: Json[] = [];
  const rest: Json[] = [];
  for (const v of list) {
    if (kind === 'map' && !(isMap(v) && Object.hasOwn(v, mergeKey))) throw errNoMergeKey(v as JsonMap, mergeKey);
    (indexIn(by, v, mergeKey, kind) >= 0 ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

function normalizeElementOrder(patch: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: Kind): Json[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/** `sort.SliceStable` with upstream's "less": by position in `order`, items not in it count as smaller. */
function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, kind: Kind): Json[] {
  let items = toSort;
  let toDelete: Json[] = [];
  if (kind === 'map') {
    for (const v of [...toSort, ...order]) if (!isMap(v) || !Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v as JsonMap, mergeKey);
    items = toSort.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete'));
    toDelete = toSort.filter((v) => isMap(v) && v[DIRECTIVE] === 'delete');
  }
  const less = (a: Json, b: Json): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  // Go's stable sort is an insertion sort for up to 20 elements (and a merge of
  // such blocks beyond); with a consistent order both give the same result.
  const out = [...items];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j] as Json, out[j - 1] as Json); j--) {
      [out[j - 1], out[j]] = [out[j] as Json, out[j - 1] as Json];
    }
  }
  return [...out, ...toDelete];
}

/** Insert the server-only items (left) among the patch items (right) by their positions in the live list. */
function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: Kind): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as Json);
    else if (j >= right.length) out.push(left[i++] as Json);
    else {
      const li = indexIn(serverOrder, left[i] as Json, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j] as Json, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as Json);
      else out.push(right[j++] as Json);
    }
  }
  return out;
}
