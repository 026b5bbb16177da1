/**
 * JSON patch (RFC 6902), `application/json-patch+json`: a list of `add`,
 * `remove`, `replace`, `move`, `copy` and `test` operations on JSON pointers.
 * `kubectl patch --type=json` sends it, and it is @kubernetes/client-node's
 * default patch type.
 *
 * Error mapping follows `jsonPatcher.applyJSPatch` for `JSONPatchType` in
 * `K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`:
 * - the body must decode into `[]jsonPatchOp` → else 400
 *   `error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp`;
 * - more than 10000 operations → 413;
 * - any operation that fails (a `test` that does not match, a path that does
 *   not exist, an unknown `op`) → 422 with the generic
 *   "the server rejected our request due to an error in our request"
 *   (`errors.NewGenericServerResponse`); the library's text is kept in
 *   `PatchError.detail` for logs only.
 */
// The ESM entry explicitly: tsx would otherwise resolve the package's bundled
// index.ts source, whose imports are not shipped.
import jsonpatch from 'fast-json-patch/index.mjs';
import { badRequest, genericUnprocessable, PatchError } from './errors.ts';
import { cloneJson, goUnmarshalTypeError, isMap, parseJson, type Json } from './json-decode.ts';

const MAX_OPERATIONS = 10000;
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

type Operation = Parameters<typeof jsonpatch.applyPatch>[1][number];

/** Decode a JSON patch body as the server does; throws a 400/413 PatchError. */
export function decodeJsonPatch(body: string): Operation[] {
  let ops: Json;
  try {
    ops = parseJson(body);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  if (ops === null) return [];
  if (!Array.isArray(ops)) throw badRequest(`error decoding patch: ${goUnmarshalTypeError(ops, '[]handlers.jsonPatchOp')}`);
  for (const op of ops) {
    if (!isMap(op)) throw badRequest(`error decoding patch: ${goUnmarshalTypeError(op, 'handlers.jsonPatchOp')}`);
    for (const field of ['op', 'path', 'from'] as const) {
      const v = op[field];
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw badRequest(`error decoding patch: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v} into Go struct field jsonPatchOp.${field} of type string`);
      }
    }
  }
  if (ops.length > MAX_OPERATIONS) {
    throw new PatchError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${ops.length}`);
  }
  return ops as unknown as Operation[];
}

/** Apply RFC 6902 operations to `document` (not modified); failures → 422 PatchError. */
export function jsonPatch(document: Json, ops: readonly Operation[]): Json {
  for (const op of ops) {
    // evanphx/json-patch: "Unexpected kind: <op>" at apply time.
    if (!OPS.has(op.op)) throw genericUnprocessable(`Unexpected kind: ${String(op.op)}`);
  }
  try {
    return jsonpatch.applyPatch(cloneJson(document), cloneJson(ops as Operation[]), true, true).newDocument as Json;
  } catch (err) {
    throw genericUnprocessable(err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err));
  }
}
