/**
 * The four PATCH flavours a Kubernetes API server accepts, behind one call.
 *
 * `applyPatch` is what the REST layer runs for `PATCH …/{name}` once it has the
 * live object: it picks the flavour from the `Content-Type` (any `;charset=…`
 * suffix ignored, as `PatchResource` does), applies the body and returns the
 * patched object, or throws a {@link PatchError} that maps one-to-one onto a
 * `Status` (`err.toStatus()`).
 *
 * The REST layer still owns what happens around the patch on a real server:
 * 404 for a missing object (except apply, which creates — answer 201), name and
 * namespace checks, defaulting, validation, resourceVersion conflicts, dryRun.
 */
import { badRequest, notFound, PatchError } from './errors.ts';
import { cloneJson, isMap, parseJson, goUnmarshalTypeError, type Json, type JsonMap } from './json-decode.ts';
import { decodeMergePatch, jsonMergePatch } from './json-merge.ts';
import { decodeJsonPatch, jsonPatch } from './json-patch.ts';
import { EMPTY_SCHEMA, schemaForKind, type GroupVersionKind, type PatchSchema } from './merge-keys.ts';
import { decodeApplyPatch, serverSideApply } from './server-side-apply.ts';
import { strategicMergePatch } from './strategic-merge.ts';

export { PatchError } from './errors.ts';
export type { Status, StatusReason } from './errors.ts';
export type { GroupVersionKind, PatchSchema, FieldPatchMeta, PatchStrategy } from './merge-keys.ts';
export { EMPTY_SCHEMA, schemaForKind, schemaFromTable, supportsStrategicMergePatch, definitionForKind } from './merge-keys.ts';
export { strategicMergePatch } from './strategic-merge.ts';
export { jsonMergePatch } from './json-merge.ts';
export { jsonPatch } from './json-patch.ts';
export { serverSideApply, fieldSetOf, type ManagedFieldsEntry } from './server-side-apply.ts';
export type { Json, JsonMap } from './json-decode.ts';

export const PatchContentType = {
  JsonPatch: 'application/json-patch+json',
  MergePatch: 'application/merge-patch+json',
  StrategicMergePatch: 'application/strategic-merge-patch+json',
  ApplyPatch: 'application/apply-patch+yaml',
} as const;
export type PatchContentType = (typeof PatchContentType)[keyof typeof PatchContentType];

export interface ApplyPatchOptions {
  /** `?fieldManager=`; required for apply patches. */
  fieldManager?: string;
  /** `?force=`; only allowed for apply patches (no effect: conflicts are not tracked). */
  force?: boolean;
  /** RFC 3339 time for managedFields entries written by apply. */
  now?: string;
  /** Qualified resource and name for the 404 of a non-apply patch on a missing object, e.g. `statefulsets.apps`. */
  resource?: string;
  name?: string;
  /**
   * Patch schema to use instead of the built-in one for `gvk`. Giving one
   * does not make strategic merge patch acceptable for a custom resource: the
   * real server refuses it (415), so do we unless `allowStrategicMerge` is set.
   */
  schema?: PatchSchema;
  allowStrategicMerge?: boolean;
}

/** Content types the endpoint accepts, in the order the 415 message lists them (`installer.go`, `customresource_handler.go`). */
export function acceptedPatchTypes(strategicMergeSupported: boolean): PatchContentType[] {
  return strategicMergeSupported
    ? [PatchContentType.JsonPatch, PatchContentType.MergePatch, PatchContentType.StrategicMergePatch, PatchContentType.ApplyPatch]
    : [PatchContentType.JsonPatch, PatchContentType.MergePatch, PatchContentType.ApplyPatch];
}

/**
 * Apply a PATCH body to `original` (the live object, or undefined if it does not
 * exist). Returns the new object; `original` is not modified.
 */
export function applyPatch(contentType: string, original: object | undefined, patchBody: string, gvk: GroupVersionKind, opts: ApplyPatchOptions = {}): JsonMap {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const builtin = schemaForKind(gvk);
  const smpAllowed = builtin !== undefined || opts.allowStrategicMerge === true;
  const accepted = acceptedPatchTypes(smpAllowed);
  if (!(accepted as string[]).includes(type)) {
    throw new PatchError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
  }
  validatePatchOptions(type, opts);
  const schema = opts.schema ?? builtin ?? EMPTY_SCHEMA;
  const live = original === undefined ? undefined : (cloneJson(original) as JsonMap);

  if (type === PatchContentType.ApplyPatch) {
    return serverSideApply(live, decodeApplyPatch(patchBody), gvk, schema, { fieldManager: opts.fieldManager ?? '', now: opts.now ?? '' });
  }
  if (live === undefined) throw notFound(opts.resource ?? '', opts.name ?? '');

  let result: Json;
  switch (type) {
    case PatchContentType.JsonPatch:
      result = jsonPatch(live, decodeJsonPatch(patchBody));
      break;
    case PatchContentType.MergePatch:
      result = jsonMergePatch(live, decodeMergePatch(patchBody));
      break;
    default:
      result = strategicMergePatch(live, decodeStrategicMergePatch(patchBody), schema);
  }
  if (!isMap(result)) {
    // The patched document no longer decodes into the object (e.g. a JSON patch
    // replacing the root with a list): `errors.NewInvalid(schema.GroupKind{}, "", …)`.
    const value = JSON.stringify(result);
    const message = goUnmarshalTypeError(result, 'map[string]interface {}');
    throw new PatchError(422, 'Invalid', ` "" is invalid: patch: Invalid value: ${JSON.stringify(value)}: ${message}`, {
      details: { causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${message}`, field: 'patch' }] },
    });
  }
  return result;
}

function decodeStrategicMergePatch(body: string): JsonMap {
  let patch: Json;
  try {
    patch = parseJson(body);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  if (patch === null) return {};
  if (!isMap(patch)) throw badRequest(goUnmarshalTypeError(patch, 'map[string]interface {}'));
  return patch;
}

/** `validation.ValidatePatchOptions` (`AM:pkg/apis/meta/v1/validation/validation.go`). */
function validatePatchOptions(type: string, opts: ApplyPatchOptions): void {
  const invalid = (field: string, reason: string, detail: string) =>
    new PatchError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${field}: ${detail}`, {
      details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason, message: detail, field }] },
    });
  if (type === PatchContentType.ApplyPatch) {
    if (!opts.fieldManager) throw invalid('fieldManager', 'FieldValueRequired', 'Required value: is required for apply patch');
  } else if (opts.force !== undefined) {
    throw invalid('force', 'FieldValueForbidden', 'Forbidden: may not be specified for non-apply patch');
  }
}
