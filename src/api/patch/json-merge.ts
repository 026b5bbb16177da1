/**
 * JSON merge patch (RFC 7386), `application/merge-patch+json`: objects merge
 * recursively, `null` deletes a key, everything else — lists included — is
 * replaced. This is what `kubectl patch --type=merge`, `kubectl scale` (on
 * `/scale`) and client-side apply of custom resources send.
 *
 * Error mapping follows `jsonPatcher.applyJSPatch` for `MergePatchType` in
 * `K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`: the body is
 * first decoded strictly into a map (failure → 400 `error decoding patch: …`),
 * then `jsonpatch.MergePatch` (evanphx/json-patch v4) runs, which rejects a
 * `null` patch with 400 `Invalid JSON Patch`.
 */
import { badRequest } from './errors.ts';
import { cloneJson, goUnmarshalTypeError, isMap, parseJson, type Json, type JsonMap } from './json-decode.ts';

/** Decode a merge-patch body as the server does; throws a 400 PatchError. */
export function decodeMergePatch(body: string): JsonMap {
  let patch: Json;
  try {
    patch = parseJson(body);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  if (patch === null) throw badRequest('Invalid JSON Patch');
  if (!isMap(patch)) throw badRequest(`error decoding patch: ${goUnmarshalTypeError(patch, 'map[string]interface {}')}`);
  return patch;
}

/** RFC 7386 MergePatch(target, patch); inputs are not modified. */
export function jsonMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return cloneJson(patch);
  const out: JsonMap = isMap(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = jsonMergePatch(out[key] ?? null, value);
  }
  return out;
}
