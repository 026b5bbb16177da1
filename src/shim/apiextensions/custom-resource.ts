// What the API server does with a custom resource's body: drop the fields its schema
// does not describe (pruning, reported as unknown fields under fieldValidation
// Strict/Warn), fill in schema defaults, and validate the values with go-openapi's
// messages turned into field errors.
// AX:pkg/apiserver/schema/pruning/algorithm.go, AX:pkg/apiserver/schema/defaulting/algorithm.go,
// AX:pkg/apiserver/validation/validation.go (kubeOpenAPIResultToFieldErrors),
// k8s.io/kube-openapi/pkg/validation/errors (message texts).
import { badRequest, fieldError, type FieldError } from '../errors.ts';
import { deepClone } from '../objects.ts';
import { EMBEDDED, INT_OR_STRING, PRESERVE, additionalSchema, itemsSchema, type Schema } from './schema.ts';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (path: string, k: string): string => (path === '' ? k : `${path}.${k}`);

/** ObjectMeta's JSON fields: anything else under `metadata` is unknown (and dropped). */
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

/**
 * ObjectMeta goes through Go's struct decoding (schemaobjectmeta.GetObjectMeta), which
 * drops unknown fields without reporting them, even under Strict field validation.
 */
function pruneMetadata(value: Json): void {
  if (!isObj(value)) return;
  for (const k of Object.keys(value)) if (!OBJECT_META_FIELDS.has(k)) delete value[k];
}

/**
 * Prunes `value` in place to what `s` describes; returns the paths that were dropped.
 * At the root and in embedded resources apiVersion, kind and metadata are kept.
 */
export function prune(value: Json, s: Schema | undefined, path = '', root = true): string[] {
  const pruned: string[] = [];
  pruneNode(value, s, path, root, pruned);
  return pruned;
}

function pruneNode(value: Json, s: Schema | undefined, path: string, objectMeta: boolean, pruned: string[]): void {
  if (s === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(s);
    value.forEach((v, i) => pruneNode(v, items ?? (s[PRESERVE] === true ? undefined : {}), `${path}[${i}]`, false, pruned));
    return;
  }
  if (!isObj(value)) return;
  const meta = objectMeta || s[EMBEDDED] === true;
  const add = additionalSchema(s);
  for (const k of Object.keys(value)) {
    if (meta && (k === 'apiVersion' || k === 'kind')) continue;
    if (meta && k === 'metadata') {
      pruneMetadata(value[k]);
      continue;
    }
    const ps = s.properties?.[k];
    if (ps !== undefined) pruneNode(value[k], ps, child(path, k), false, pruned);
    else if (add !== undefined) pruneNode(value[k], add, child(path, k), false, pruned);
    else if (s.additionalProperties === true || s[PRESERVE] === true) continue;
    else {
      pruned.push(child(path, k));
      delete value[k];
    }
  }
}

/** Schema defaults, applied in place top-down; a null that may not be null takes the default. */
export function applyDefaults(value: Json, s: Schema | undefined): void {
  if (s === undefined) return;
  if (Array.isArray(value)) {
    const items = itemsSchema(s);
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null && items?.default !== undefined && items.nullable !== true) value[i] = deepClone(items.default);
      applyDefaults(value[i], items);
    }
    return;
  }
  if (!isObj(value)) return;
  for (const [k, ps] of Object.entries(s.properties ?? {})) {
    if (ps.default === undefined) continue;
    if (!(k in value) || (value[k] === null && ps.nullable !== true)) value[k] = deepClone(ps.default);
  }
  const add = additionalSchema(s);
  for (const k of Object.keys(value)) applyDefaults(value[k], s.properties?.[k] ?? add);
}

/** Nulls where the schema neither allows null nor has a default are dropped (pruning does this upstream). */
export function dropNulls(value: Json, s: Schema | undefined): void {
  if (s === undefined || !isObj(value)) {
    if (s !== undefined && Array.isArray(value)) value.forEach((v) => dropNulls(v, itemsSchema(s)));
    return;
  }
  const add = additionalSchema(s);
  for (const k of Object.keys(value)) {
    const ps = s.properties?.[k] ?? add;
    if (value[k] === null && ps !== undefined && ps.nullable !== true && ps.default === undefined) delete value[k];
    else dropNulls(value[k], ps);
  }
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface CustomResourceKind {
  version: string;
  kind: string;
  schema: Schema | undefined;
}

/**
 * Decodes a custom resource body with field validation: unknown fields are an error
 * (Strict), warnings (Warn) or silently dropped (Ignore); schema defaults are applied.
 */
export function decodeCustomResource(body: string | Obj, k: CustomResourceKind, mode: FieldValidation): { object: Obj; warnings: string[] } {
  let object: Json;
  if (typeof body === 'string') {
    try {
      object = JSON.parse(body);
    } catch (e) {
      throw badRequest(`${k.kind} in version "${k.version}" cannot be handled as a ${k.kind}: ${(e as Error).message}`);
    }
  } else object = deepClone(body);
  if (!isObj(object)) throw badRequest(`${k.kind} in version "${k.version}" cannot be handled as a ${k.kind}: json: cannot unmarshal ${Array.isArray(object) ? 'array' : typeof object} into Go value of type map[string]interface {}`);
  const pruned = k.schema === undefined ? [] : prune(object, k.schema).sort();
  if (k.schema !== undefined) {
    dropNulls(object, k.schema);
    applyDefaults(object, k.schema);
  }
  const messages = pruned.map((p) => `unknown field ${JSON.stringify(p)}`);
  if (mode === 'Strict' && messages.length > 0) {
    throw badRequest(`${k.kind} in version "${k.version}" cannot be handled as a ${k.kind}: strict decoding error: ${messages.join(', ')}`);
  }
  return { object, warnings: mode === 'Warn' ? messages : [] };
}

// ---- validation (go-openapi) ---------------------------------------------------------

/** go-openapi's name for a JSON value's type. */
function typeName(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return typeof v === 'object' ? 'object' : 'string';
}

function typeMatches(type: string, v: Json): boolean {
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObj(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    default:
      return true;
  }
}

/** strconv-like rendering of numbers the way go-openapi prints limits (`%v` of float64). */
const num = (n: number): string => String(n);

/** Validates `value` against `s`; `path` is the field path (`spec.replicas`). */
export function validateValue(value: Json, s: Schema | undefined, path = ''): FieldError[] {
  const errs: FieldError[] = [];
  if (s !== undefined) check(value, s, path, errs);
  return errs;
}

function check(v: Json, s: Schema, path: string, errs: FieldError[]): void {
  // go-openapi names the value by its path; the root's is empty (" in body must be …").
  const name = path;
  if (v === null) {
    if (s.nullable === true || (s.type ?? '') === '' && s[INT_OR_STRING] !== true) return;
  }
  const types = s[INT_OR_STRING] === true ? ['integer', 'string'] : (s.type ?? '') !== '' ? [s.type!] : [];
  if (types.length > 0 && !types.some((t) => typeMatches(t, v))) {
    const actual = typeName(v);
    // `field.TypeInvalid`: the bad value is the type go-openapi found.
    errs.push(fieldError.invalid(path, actual, `${name} in body must be of type ${types.join(',')}: ${JSON.stringify(actual)}`));
    return;
  }
  if (s.enum !== undefined && s.enum.length > 0 && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errs.push(fieldError.notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) errs.push({ type: 'FieldValueTooLong', field: path, badValue: '', detail: `must have at most ${s.maxLength} bytes` });
    if (s.minLength !== undefined && len < s.minLength) errs.push(fieldError.invalid(path, v, `${name} in body should be at least ${s.minLength} chars long`));
    if (s.pattern !== undefined && s.pattern !== '' && !safeTest(s.pattern, v)) errs.push(fieldError.invalid(path, v, `${name} in body should match '${s.pattern}'`));
    const format = FORMATS[(s.format ?? '').replace(/-/g, '')];
    if (format !== undefined && !format(v)) errs.push(fieldError.invalid(path, v, `${name} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
  if (typeof v === 'number') {
    if (s.maximum !== undefined && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
      errs.push(fieldError.invalid(path, v, `${name} in body should be less than ${s.exclusiveMaximum === true ? '' : 'or equal to '}${num(s.maximum)}`));
    }
    if (s.minimum !== undefined && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
      errs.push(fieldError.invalid(path, v, `${name} in body should be greater than ${s.exclusiveMinimum === true ? '' : 'or equal to '}${num(s.minimum)}`));
    }
    if (s.multipleOf !== undefined && s.multipleOf !== 0 && !Number.isInteger(v / s.multipleOf)) {
      errs.push(fieldError.invalid(path, v, `${name} in body should be a multiple of ${num(s.multipleOf)}`));
    }
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) errs.push(fieldError.invalid(path, v.length, `${name} in body should have at least ${s.minItems} items`));
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(fieldError.invalid(path, v.length, `${name} in body should have at most ${s.maxItems} items`));
    const items = itemsSchema(s);
    if (items !== undefined) v.forEach((x, i) => check(x, items, `${path}[${i}]`, errs));
  }
  if (isObj(v)) {
    for (const r of s.required ?? []) if (!(r in v)) errs.push(fieldError.required(child(path, r)));
    if (s[EMBEDDED] === true) {
      if (typeof v.apiVersion !== 'string' || v.apiVersion === '') errs.push(fieldError.required(child(path, 'apiVersion'), 'must not be empty'));
      if (typeof v.kind !== 'string' || v.kind === '') errs.push(fieldError.required(child(path, 'kind'), 'must not be empty'));
    }
    const add = additionalSchema(s);
    for (const k of Object.keys(v)) {
      const ps = s.properties?.[k] ?? add;
      if (ps !== undefined) check(v[k], ps, child(path, k), errs);
    }
  }
  for (const sub of s.allOf ?? []) check(v, sub, path, errs);
  if ((s.anyOf ?? []).length > 0 && s[INT_OR_STRING] !== true) {
    const ok = s.anyOf!.some((sub) => validateValue(v, sub, path).length === 0);
    if (!ok) errs.push(fieldError.invalid(path, '', `${name} in body must be of type anyOf`));
  }
  if ((s.oneOf ?? []).length > 0) {
    const n = s.oneOf!.filter((sub) => validateValue(v, sub, path).length === 0).length;
    if (n !== 1) errs.push(fieldError.invalid(path, '', `${name} in body must validate one and only one schema (oneOf)`));
  }
  if (s.not !== undefined && validateValue(v, s.not, path).length === 0) errs.push(fieldError.invalid(path, '', `${name} in body must not validate the schema (not)`));
}

/**
 * String formats the API server checks (AX:pkg/apiserver/validation/formats.go keeps
 * these of go-openapi's strfmt; unknown formats are not checked).
 */
const FORMATS: Record<string, (v: string) => boolean> = {
  datetime: (v) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(v),
  ipv4: (v) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(v),
  hostname: (v) => v.length <= 255 && /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/.test(v),
  byte: (v) => /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v),
  duration: (v) => /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/.test(v) || v === '0',
  email: (v) => /^[^\s@]+@[^\s@]+$/.test(v),
};

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}
