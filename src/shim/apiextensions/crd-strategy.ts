// The CustomResourceDefinition registry strategy: v1 defaults, the stored versions the
// server records, and validation with the API server's messages and field paths.
// Validation runs on the internal form, where per-version schema, subresources and
// printer columns that are identical in every version are hoisted to spec.validation,
// spec.subresources and spec.additionalPrinterColumns: that is why a one-version CRD's
// schema errors are reported under `spec.validation.openAPIV3Schema`.
// AX:pkg/apis/apiextensions/v1/defaults.go, AX:pkg/apis/apiextensions/v1/conversion.go,
// AX:pkg/apis/apiextensions/validation/validation.go, AX:pkg/registry/customresourcedefinition/strategy.go
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from 'kubernetes-types/apiextensions/v1';
import { fieldError, type FieldError } from '../errors.ts';
import { deepEqual, type KObject } from '../objects.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '../validation.ts';
import { prune, validateValue } from './custom-resource.ts';
import { itemsSchema, validateOpenAPISchema, validateStructural, type Schema } from './schema.ts';

/** What a (ReprFieldError-compatible) field error carries when Go renders its value with %#v. */
export interface GoFieldError extends FieldError {
  goRepr?: string;
}

export type Crd = CustomResourceDefinition;

/** SetDefaults_CustomResourceDefinitionSpec (and the stored-version default). */
export function defaultCrd(crd: Crd): void {
  const spec = (crd.spec ?? {}) as Crd['spec'];
  const names = (spec.names ?? {}) as Crd['spec']['names'];
  if ((names.singular ?? '') === '' && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
  if ((names.listKind ?? '') === '' && (names.kind ?? '') !== '') names.listKind = `${names.kind}List`;
  if (spec.conversion === undefined) spec.conversion = { strategy: 'None' };
  if (spec.names === undefined && Object.keys(names).length > 0) spec.names = names;
  crd.spec = spec;
}

/** The version marked `storage: true` (the first one, if several are). */
export function storageVersion(crd: Crd): string | undefined {
  return (crd.spec?.versions ?? []).find((v) => v.storage === true)?.name;
}

/** PrepareForCreate/PrepareForUpdate: the storage version is always among status.storedVersions. */
export function recordStoredVersion(crd: Crd): void {
  const v = storageVersion(crd);
  if (v === undefined) return;
  // On update the status is the stored (frozen) one: replace it, never mutate it.
  const stored = crd.status?.storedVersions ?? [];
  if (!stored.includes(v)) crd.status = { ...crd.status, storedVersions: [...stored, v] };
}

const PRINTER_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const APPROVAL = 'api-approved.kubernetes.io';

type Version = CustomResourceDefinitionVersion;

/** The internal (hoisted) view: which per-version parts are identical in every version. */
function hoisted(versions: readonly Version[]) {
  const same = <T>(get: (v: Version) => T): boolean => versions.every((v) => deepEqual(get(v), get(versions[0]!)));
  return {
    schema: versions.length > 0 && same((v) => v.schema),
    subresources: versions.length > 0 && same((v) => v.subresources),
    columns: versions.length > 0 && same((v) => v.additionalPrinterColumns),
  };
}

/** Go's `%#v` of the internal versions slice, as `field.Invalid(spec.versions, …)` prints it. */
function goVersions(versions: readonly Version[] | undefined): string {
  const T = 'apiextensions.CustomResourceDefinitionVersion';
  if (versions === undefined) return `[]${T}(nil)`;
  const h = hoisted(versions);
  const ptr = (present: boolean, type: string): string => `(*${type})(${present ? '0xc000a1b2c0' : 'nil'})`;
  const item = (v: Version): string =>
    `${T}{Name:${JSON.stringify(v.name ?? '')}, Served:${v.served === true}, Storage:${v.storage === true}, Deprecated:${v.deprecated === true}, ` +
    `DeprecationWarning:${ptr(v.deprecationWarning !== undefined, 'string')}, ` +
    `Schema:${ptr(!h.schema && v.schema !== undefined, 'apiextensions.CustomResourceValidation')}, ` +
    `Subresources:${ptr(!h.subresources && v.subresources !== undefined, 'apiextensions.CustomResourceSubresources')}, ` +
    `AdditionalPrinterColumns:${goColumns(h.columns ? undefined : v.additionalPrinterColumns)}, SelectableFields:[]apiextensions.SelectableField(nil)}`;
  return `[]${T}{${versions.map(item).join(', ')}}`;
}

function goColumns(columns: Version['additionalPrinterColumns']): string {
  const T = 'apiextensions.CustomResourceColumnDefinition';
  if (columns === undefined) return `[]${T}(nil)`;
  const q = (x: string | undefined): string => JSON.stringify(x ?? '');
  return `[]${T}{${columns.map((c) => `${T}{Name:${q(c.name)}, Type:${q(c.type)}, Format:${q(c.format)}, Description:${q(c.description)}, Priority:${c.priority ?? 0}, JSONPath:${q(c.jsonPath)}}`).join(', ')}}`;
}

function invalidRepr(field: string, goRepr: string, detail: string): GoFieldError {
  return { ...fieldError.invalid(field, null, detail), goRepr };
}

/** validateSimpleJSONPath */
function simpleJsonPath(path: string, field: string): FieldError[] {
  if (path === '') return [fieldError.invalid(field, path, 'must not be empty')];
  if (!path.startsWith('.')) return [fieldError.invalid(field, path, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: Version['subresources'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const scale = sub?.scale;
  if (scale === undefined) return errs;
  const under = (value: string | undefined, field: string, prefixes: string[], what: string): void => {
    if ((value ?? '') === '') {
      if (field.endsWith('labelSelectorPath')) return;
      errs.push(fieldError.required(field));
      return;
    }
    const bad = simpleJsonPath(value!, field);
    if (bad.length > 0) errs.push(...bad);
    else if (!prefixes.some((p) => value!.startsWith(p))) errs.push(fieldError.invalid(field, value, `should be a json path under ${what}`));
  };
  under(scale.specReplicasPath, `${path}.scale.specReplicasPath`, ['.spec.'], '.spec');
  under(scale.statusReplicasPath, `${path}.scale.statusReplicasPath`, ['.status.'], '.status');
  under(scale.labelSelectorPath, `${path}.scale.labelSelectorPath`, ['.spec.', '.status.'], 'either .spec or .status');
  return errs;
}

function validateColumns(columns: Version['additionalPrinterColumns'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (columns ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if ((c.name ?? '') === '') errs.push(fieldError.required(`${p}.name`));
    if ((c.type ?? '') === '') errs.push(fieldError.required(`${p}.type`, `must be one of ${PRINTER_TYPES.join(',')}`));
    else if (!PRINTER_TYPES.includes(c.type)) errs.push(fieldError.notSupported(`${p}.type`, c.type, PRINTER_TYPES));
    if ((c.format ?? '') !== '' && !PRINTER_FORMATS.includes(c.format!)) errs.push(fieldError.notSupported(`${p}.format`, c.format, PRINTER_FORMATS));
    if ((c.jsonPath ?? '') === '') errs.push(fieldError.required(`${p}.jsonPath`));
    else errs.push(...simpleJsonPath(c.jsonPath, `${p}.jsonPath`));
  });
  return errs;
}

/** `validateCustomResourceDefinitionValidation` for one schema (structural first, then the OpenAPI subset). */
function validateSchema(schema: Version['schema'], statusEnabled: boolean, path: string): FieldError[] {
  const root = schema?.openAPIV3Schema as Schema | undefined;
  if (root === undefined) return [];
  const errs: FieldError[] = [];
  const p = `${path}.openAPIV3Schema`;
  if (statusEnabled && (root.type ?? '') !== '' && root.type !== 'object') {
    errs.push(fieldError.invalid(`${p}.type`, root.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
  }
  if (root.nullable === true) errs.push(fieldError.forbidden(`${p}.nullable`, 'nullable cannot be true at the root'));
  const structural = validateStructural(p, root);
  errs.push(...structural);
  if (structural.length === 0) errs.push(...validateDefaults(root, p, true));
  errs.push(...validateOpenAPISchema(root, p));
  return errs;
}

/**
 * Defaults must survive pruning and pass the schema they default
 * (AX:pkg/apiserver/schema/defaulting/validation.go). Not under additionalProperties.
 */
function validateDefaults(s: Schema, path: string, root = false): FieldError[] {
  const errs: FieldError[] = [];
  if (s.default !== undefined && !root) {
    const pruned = JSON.parse(JSON.stringify(s.default)) as unknown;
    prune(pruned, s, '', false);
    if (!deepEqual(pruned, s.default)) errs.push(fieldError.invalid(`${path}.default`, s.default, 'must not have unknown fields'));
    for (const e of validateValue(s.default, s)) errs.push({ ...e, field: e.field === '' ? `${path}.default` : `${path}.default.${e.field}` });
  }
  const items = itemsSchema(s);
  if (items !== undefined) errs.push(...validateDefaults(items, `${path}.items`));
  for (const k of Object.keys(s.properties ?? {}).sort()) errs.push(...validateDefaults(s.properties![k]!, `${path}.properties[${k}]`));
  return errs;
}

function validateNames(names: Partial<Crd['spec']['names']>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (field: string, value: string | undefined, mixedCase = false): void => {
    if ((value ?? '') === '') return;
    const msgs = isDNS1035Label(mixedCase ? value!.toLowerCase() : value!);
    if (msgs.length > 0) errs.push(fieldError.invalid(`${path}.${field}`, value, `${mixedCase ? 'may have mixed case, but should otherwise match: ' : ''}${msgs.join(',')}`));
  };
  label('plural', names.plural);
  label('singular', names.singular);
  label('kind', names.kind, true);
  label('listKind', names.listKind, true);
  (names.shortNames ?? []).forEach((s, i) => {
    const msgs = isDNS1035Label(s);
    if (msgs.length > 0) errs.push(fieldError.invalid(`${path}.shortNames[${i}]`, s, msgs.join(',')));
  });
  if ((names.kind ?? '') !== '' && names.kind === names.listKind) errs.push(fieldError.invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c, i) => {
    const msgs = isDNS1035Label(c);
    if (msgs.length > 0) errs.push(fieldError.invalid(`${path}.categories[${i}]`, c, msgs.join(',')));
  });
  return errs;
}

/** ValidateCustomResourceDefinition / …Update. `old` is the stored CRD on update. */
export function validateCrd(obj: KObject, old: KObject | undefined): GoFieldError[] {
  const crd = obj as unknown as Crd;
  const spec = (crd.spec ?? {}) as Partial<Crd['spec']>;
  const names = (spec.names ?? {}) as Partial<Crd['spec']['names']>;
  const versions = spec.versions;
  const list = versions ?? [];
  const errs: GoFieldError[] = [];
  const name = crd.metadata?.name ?? '';
  if (old === undefined && name !== '' && name !== `${names.plural ?? ''}.${spec.group ?? ''}`) {
    errs.push(fieldError.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  const group = spec.group ?? '';
  if (group === '') errs.push(fieldError.required('spec.group'));
  else {
    const msgs = isDNS1123Subdomain(group);
    if (msgs.length > 0) errs.push(fieldError.invalid('spec.group', group, msgs.join(',')));
    else if (group.split('.').length < 2) errs.push(fieldError.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const scope = spec.scope ?? '';
  if (scope === '') errs.push(fieldError.required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldError.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));

  const h = hoisted(list);
  const topSchema = h.schema ? list[0]?.schema : undefined;
  if (topSchema?.openAPIV3Schema === undefined) {
    list.forEach((v, i) => {
      if (v.schema?.openAPIV3Schema === undefined) errs.push(fieldError.required(`spec.versions[${i}].schema.openAPIV3Schema`));
    });
  }
  const statusIn = (v: Version | undefined): boolean => v?.subresources?.status !== undefined && v.subresources.status !== null;
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  list.forEach((v, i) => {
    if (v.storage === true) storage++;
    if (seen.has(v.name)) unique = false;
    seen.add(v.name);
    const p = `spec.versions[${i}]`;
    const msgs = isDNS1035Label(v.name ?? '');
    if (msgs.length > 0) errs.push(fieldError.invalid(`${p}.name`, v.name ?? '', msgs.join(',')));
    if (!h.schema) errs.push(...validateSchema(v.schema, statusIn(v), `${p}.schema`));
    if (!h.subresources) errs.push(...validateSubresources(v.subresources, `${p}.subresources`));
    if (!h.columns) errs.push(...validateColumns(v.additionalPrinterColumns, `${p}.additionalPrinterColumns`));
  });
  if (!unique) errs.push(invalidRepr('spec.versions', goVersions(versions), 'must contain unique version names'));
  if (storage !== 1) errs.push(invalidRepr('spec.versions', goVersions(versions), 'must have exactly one version marked as storage version'));
  for (const f of ['plural', 'singular', 'kind', 'listKind'] as const) {
    if ((names[f] ?? '') === '') errs.push(fieldError.required(`spec.names.${f}`));
  }
  errs.push(...validateNames(names, 'spec.names'));
  if (h.schema) errs.push(...validateSchema(list[0]!.schema, list.some(statusIn), 'spec.validation'));
  if (h.subresources) errs.push(...validateSubresources(list[0]!.subresources, 'spec.subresources'));
  if (h.columns) errs.push(...validateColumns(list[0]!.additionalPrinterColumns, 'spec.additionalPrinterColumns'));
  const strategy = spec.conversion?.strategy ?? '';
  if (spec.conversion !== undefined) {
    if (strategy === '') errs.push(fieldError.required('spec.conversion.strategy'));
    else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(fieldError.notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
    else if (strategy === 'Webhook' && spec.conversion.webhook?.clientConfig === undefined) {
      errs.push(fieldError.required('spec.conversion.webhookClientConfig', 'required when strategy is set to Webhook'));
    }
  }
  if (old !== undefined) {
    const before = (old as unknown as Crd).spec;
    const established = ((old as unknown as Crd).status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
    if (established && spec.scope !== before.scope) errs.push(fieldError.immutable('spec.scope', spec.scope));
    if (established && names.kind !== before.names.kind) errs.push(fieldError.immutable('spec.names.kind', names.kind));
    if (spec.group !== before.group) errs.push(fieldError.immutable('spec.group', spec.group));
    if (names.plural !== before.names.plural) errs.push(fieldError.immutable('spec.names.plural', names.plural));
  }
  errs.push(...validateNames((crd.status?.acceptedNames ?? {}) as Partial<Crd['spec']['names']>, 'status.acceptedNames'));
  const stored = crd.status?.storedVersions ?? [];
  if (stored.length === 0) errs.push(invalidRepr('status.storedVersions', '[]string(nil)', 'must have at least one stored version'));
  else {
    for (const v of list) {
      if (v.storage === true && !stored.includes(v.name)) errs.push(fieldError.invalid('status.storedVersions', stored, `must have the storage version ${v.name}`));
    }
    stored.forEach((v, i) => {
      if (!list.some((x) => x.name === v)) {
        errs.push(fieldError.invalid(`status.storedVersions[${i}]`, v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
      }
    });
  }
  if (old === undefined && /(^|\.)(k8s\.io|kubernetes\.io)$/.test(group) && crd.metadata?.annotations?.[APPROVAL] === undefined) {
    errs.push(
      fieldError.required(
        `metadata.annotations[${APPROVAL}]`,
        `protected groups must have approval annotation "${APPROVAL}", see https://github.com/kubernetes/enhancements/pull/1111`,
      ),
    );
  }
  // validatePreserveUnknownFields: v1 only allows false (kept for CRDs that were true in v1beta1 days).
  if (spec.preserveUnknownFields === true && (old as unknown as Crd | undefined)?.spec?.preserveUnknownFields !== true) {
    errs.push(fieldError.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}
