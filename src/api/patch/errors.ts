/**
 * Patch failures as the API server reports them. The REST layer turns a
 * {@link PatchError} into a `Status` with {@link PatchError.toStatus}.
 *
 * Which failure gets which code follows
 * `K:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`:
 * - undecodable bodies → 400 BadRequest with the decoder's message;
 * - a JSON patch that does not apply (failed `test`, missing path) →
 *   `NewGenericServerResponse(422, …)`, whose message is the generic
 *   "the server rejected our request due to an error in our request" — the
 *   json-patch library's own text is not shown to clients;
 * - strategic-merge errors that `interpretStrategicMergePatchError` does not
 *   recognise (a missing merge key, an unknown `$patch`) reach the client as a
 *   plain Go error: 500 with an empty reason (`responsewriters.ErrorToAPIStatus`).
 */

export type StatusReason =
  | 'BadRequest'
  | 'Invalid'
  | 'NotFound'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Conflict'
  | '';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message?: string; field?: string }[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class PatchError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  /** Text of the underlying failure when the status message hides it (422 generic responses). */
  readonly detail: string | undefined;

  constructor(code: number, reason: StatusReason, message: string, opts: { details?: StatusDetails; detail?: string } = {}) {
    super(message);
    this.name = 'PatchError';
    this.code = code;
    this.reason = reason;
    this.details = opts.details;
    this.detail = opts.detail;
  }

  toStatus(): Status {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, code: this.code };
    if (this.reason) status.reason = this.reason;
    if (this.details) status.details = this.details;
    return status;
  }
}

export function badRequest(message: string): PatchError {
  return new PatchError(400, 'BadRequest', message);
}

/** `errors.NewGenericServerResponse(422, "", schema.GroupResource{}, "", detail, 0, false)`. */
export function genericUnprocessable(detail: string): PatchError {
  return new PatchError(422, 'Invalid', 'the server rejected our request due to an error in our request', { details: {}, detail });
}

/** A Go error that is not an API status: `ErrorToAPIStatus` makes it a 500 with no reason. */
export function internal(message: string): PatchError {
  return new PatchError(500, '', message);
}

/** `errors.NewNotFound(qualifiedResource, name)`. */
export function notFound(resource: string, name: string): PatchError {
  const dot = resource.indexOf('.');
  const details: StatusDetails = { name, kind: dot < 0 ? resource : resource.slice(0, dot) };
  if (dot >= 0) details.group = resource.slice(dot + 1);
  return new PatchError(404, 'NotFound', `${resource} "${name}" not found`, { details });
}
