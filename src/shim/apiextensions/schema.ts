// The OpenAPI v3 schema of a CRD version (JSONSchemaProps) and the rules that make it
// "structural", which apiextensions.k8s.io/v1 requires: every field has a type, value
// validations (anyOf/allOf/oneOf/not) do not introduce new fields, metadata is only
// restricted in name and generateName.
// AX:pkg/apiserver/schema/validation.go (ValidateStructural),
// AX:pkg/apis/apiextensions/validation/validation.go (specStandardValidatorV3).
import { fieldError, fieldErrorString, type FieldError } from '../errors.ts';

export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  title?: string;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema | Schema[];
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  maximum?: number;
  minimum?: number;
  exclusiveMaximum?: boolean;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  maxProperties?: number;
  minProperties?: number;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  id?: string;
  $ref?: string;
  patternProperties?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
  dependencies?: Record<string, unknown>;
  additionalItems?: Schema | boolean;
  externalDocs?: { description?: string; url?: string };
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: unknown[];
}

export const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
export const INT_OR_STRING = 'x-kubernetes-int-or-string';
export const EMBEDDED = 'x-kubernetes-embedded-resource';

/** The schema of a map's values, when `additionalProperties` is a schema. */
export function additionalSchema(s: Schema): Schema | undefined {
  return typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
}

/** `items` as one schema (an array of schemas is refused by validation). */
export function itemsSchema(s: Schema): Schema | undefined {
  return s.items !== undefined && !Array.isArray(s.items) ? s.items : undefined;
}

/** A property key as field.Path.Key prints it: `properties[spec]`. */
const key = (path: string, name: string, k: string): string => `${path}.${name}[${k}]`;

const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

type Level = 'root' | 'item' | 'field';

/**
 * `ValidateStructural`: the structural invariants, sorted by message as upstream sorts
 * them (its map iteration is random; the sort makes the list stable).
 */
export function validateStructural(path: string, s: Schema): FieldError[] {
  const keyed = invariants(s, 'root', path).map((e) => ({ e, text: fieldErrorString(e) }));
  return keyed.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)).map(({ e }) => e);
}

function invariants(s: Schema, lvl: Level, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const items = itemsSchema(s);
  if (s.type === 'array' && items === undefined) errs.push(fieldError.required(`${path}.items`, 'must be specified'));
  if (items !== undefined) errs.push(...invariants(items, 'item', `${path}.items`));
  for (const k of Object.keys(s.properties ?? {}).sort()) errs.push(...invariants(s.properties![k]!, 'field', key(path, 'properties', k)));
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') errs.push(fieldError.forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    const add = additionalSchema(s);
    if (add !== undefined) errs.push(...invariants(add, 'field', `${path}.additionalProperties`));
  }
  if (s[INT_OR_STRING] === true && s[PRESERVE] === true) {
    errs.push(fieldError.invalid(`${path}.${PRESERVE}`, true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (s[INT_OR_STRING] === true && s[EMBEDDED] === true) {
    errs.push(fieldError.invalid(`${path}.${EMBEDDED}`, true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
    // The int-or-string idiom (anyOf: [{type: integer}, {type: string}]) may name types.
    const intOrString = junctor === 'anyOf' && isIntOrStringAnyOf(s.anyOf);
    (s[junctor] ?? []).forEach((v, i) => errs.push(...nested(v, `${path}.${junctor}[${i}]`, intOrString)));
  }
  if (s.not !== undefined) errs.push(...nested(s.not, `${path}.not`, false));
  if (s.pattern !== undefined && s.pattern !== '') {
    try {
      new RegExp(s.pattern, 'u');
    } catch (e) {
      errs.push(fieldError.invalid(`${path}.pattern`, s.pattern, `must be a valid regular expression, but isn't: ${(e as Error).message}`));
    }
  }
  const embedded = s[EMBEDDED] === true;
  if (embedded && s.type !== 'object') {
    if (s.type === undefined || s.type === '') errs.push(fieldError.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(fieldError.invalid(`${path}.type`, s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if ((s.type ?? '') === '' && s[INT_OR_STRING] !== true && s[PRESERVE] !== true) {
    const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl];
    errs.push(fieldError.required(`${path}.type`, `must not be empty ${where}`));
  }
  if (lvl === 'root' && (s.type ?? '') !== '' && s.type !== 'object') errs.push(fieldError.invalid(`${path}.type`, s.type, 'must be object at the root'));
  const checkMetadata = lvl === 'root' || embedded;
  for (const p of ['kind', 'apiVersion']) {
    const ps = s.properties?.[p];
    if (ps !== undefined && checkMetadata && ps.type !== 'string') errs.push(fieldError.invalid(`${key(path, 'properties', p)}.type`, ps.type ?? '', 'must be string'));
  }
  const metadata = s.properties?.metadata;
  if (metadata !== undefined) {
    const mp = key(path, 'properties', 'metadata');
    if (checkMetadata && metadata.type !== 'object') errs.push(fieldError.invalid(`${mp}.type`, metadata.type ?? '', 'must be object'));
    if (lvl === 'root') {
      const { type: _t, default: _d, properties, ...rest } = metadata;
      const names = Object.keys(properties ?? {});
      const onlyNames = names.every((n) => n === 'name' || n === 'generateName');
      if (!onlyNames || Object.keys(rest).length > 0) {
        errs.push(fieldError.forbidden(mp, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
      }
    }
  }
  if (embedded && s[PRESERVE] !== true && Object.keys(s.properties ?? {}).length === 0) {
    errs.push(fieldError.required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

function isIntOrStringAnyOf(anyOf: Schema[] | undefined): boolean {
  return anyOf?.length === 2 && anyOf[0]?.type === 'integer' && anyOf[1]?.type === 'string' && Object.keys(anyOf[0]).length === 1 && Object.keys(anyOf[1]).length === 1;
}

/** `validateNestedValueValidation`: inside a junctor only value validations are allowed. */
function nested(v: Schema, path: string, intOrString: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) (v[junctor] ?? []).forEach((x, i) => errs.push(...nested(x, `${path}.${junctor}[${i}]`, false)));
  if (v.not !== undefined) errs.push(...nested(v.not, `${path}.not`, false));
  const items = itemsSchema(v);
  if (items !== undefined) errs.push(...nested(items, `${path}.items`, false));
  for (const k of Object.keys(v.properties ?? {}).sort()) errs.push(...nested(v.properties![k]!, key(path, 'properties', k), false));
  if ((v.type ?? '') !== '' && !intOrString) errs.push(fieldError.forbidden(`${path}.type`, 'must be empty to be structural'));
  if (v.additionalProperties !== undefined) errs.push(fieldError.forbidden(`${path}.additionalProperties`, 'must be undefined to be structural'));
  if (v.default !== undefined) errs.push(fieldError.forbidden(`${path}.default`, 'must be undefined to be structural'));
  if ((v.title ?? '') !== '') errs.push(fieldError.forbidden(`${path}.title`, 'must be empty to be structural'));
  if ((v.description ?? '') !== '') errs.push(fieldError.forbidden(`${path}.description`, 'must be empty to be structural'));
  if (v.nullable === true) errs.push(fieldError.forbidden(`${path}.nullable`, 'must be false to be structural'));
  if (v.externalDocs !== undefined) errs.push(fieldError.forbidden(`${path}.externalDocs`, 'must be undefined to be structural'));
  if (v[PRESERVE] === true) errs.push(fieldError.forbidden(`${path}.${PRESERVE}`, 'must be false to be structural'));
  if (v[EMBEDDED] === true) errs.push(fieldError.forbidden(`${path}.${EMBEDDED}`, 'must be false to be structural'));
  if (v[INT_OR_STRING] === true) errs.push(fieldError.forbidden(`${path}.${INT_OR_STRING}`, 'must be false to be structural'));
  if ((v['x-kubernetes-validations'] ?? []).length > 0) errs.push(fieldError.forbidden(`${path}.x-kubernetes-validations`, 'must be empty to be structural'));
  if (v.properties?.metadata !== undefined) errs.push(fieldError.forbidden(key(path, 'properties', 'metadata'), 'must not be specified in a nested context'));
  return errs;
}

/**
 * `ValidateCustomResourceDefinitionOpenAPISchema` with the v3 standard validator: what
 * OpenAPI features a CRD schema may use at all. Runs over every node.
 */
export function validateOpenAPISchema(s: Schema, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((s.type ?? '') !== '' && !OPENAPI_V3_TYPES.includes(s.type!)) errs.push(fieldError.notSupported(`${path}.type`, s.type, OPENAPI_V3_TYPES));
  if ((s.id ?? '') !== '') errs.push(fieldError.forbidden(`${path}.id`, 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(fieldError.forbidden(`${path}.additionalItems`, 'additionalItems is not supported'));
  if (Object.keys(s.patternProperties ?? {}).length > 0) errs.push(fieldError.forbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  if (Object.keys(s.definitions ?? {}).length > 0) errs.push(fieldError.forbidden(`${path}.definitions`, 'definitions is not supported'));
  if (s.dependencies !== undefined) errs.push(fieldError.forbidden(`${path}.dependencies`, 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(fieldError.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (s.type === 'null') errs.push(fieldError.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items)) errs.push(fieldError.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (s.uniqueItems === true) errs.push(fieldError.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (s.additionalProperties !== undefined && Object.keys(s.properties ?? {}).length > 0 && s.additionalProperties !== true) {
    errs.push(fieldError.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  const add = additionalSchema(s);
  if (add !== undefined) errs.push(...validateOpenAPISchema(add, `${path}.additionalProperties`));
  for (const k of Object.keys(s.properties ?? {}).sort()) errs.push(...validateOpenAPISchema(s.properties![k]!, key(path, 'properties', k)));
  if (s.not !== undefined) errs.push(...validateOpenAPISchema(s.not, `${path}.not`));
  for (const junctor of ['allOf', 'oneOf', 'anyOf'] as const) (s[junctor] ?? []).forEach((x, i) => errs.push(...validateOpenAPISchema(x, `${path}.${junctor}[${i}]`)));
  const items = itemsSchema(s);
  if (items !== undefined) errs.push(...validateOpenAPISchema(items, `${path}.items`));
  return errs;
}
