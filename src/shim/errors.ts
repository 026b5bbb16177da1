// API errors as values with the exact `metav1.Status` shape the API server returns, so
// that the REST layer can send them as they are and kubectl prints them as it would.
// Texts follow K:staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go.
import type { Status, StatusCause } from 'kubernetes-types/meta/v1';
import { qualifiedResource, type GroupResource } from './objects.ts';

export class StatusError extends Error {
  readonly status: Status;

  constructor(status: Status) {
    super(status.message ?? status.reason ?? 'unknown error');
    this.name = 'StatusError';
    this.status = status;
  }

  get code(): number {
    return this.status.code ?? 500;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

export function isStatusError(err: unknown, reason?: string): err is StatusError {
  return err instanceof StatusError && (reason === undefined || err.reason === reason);
}

function failure(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
  if (details !== undefined) status.details = details;
  status.code = code;
  return new StatusError(status);
}

/** Go omits empty strings (`omitempty`); so do we. */
function details(gr: GroupResource | undefined, name: string): NonNullable<Status['details']> {
  const d: NonNullable<Status['details']> = {};
  if (name !== '') d.name = name;
  if (gr !== undefined && gr.group !== '') d.group = gr.group;
  if (gr !== undefined) d.kind = gr.resource;
  return d;
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return failure(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, details(gr, name));
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, details(gr, name));
}

export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, cause: string = OBJECT_MODIFIED): StatusError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${cause}`,
    details(gr, name),
  );
}

export function forbidden(gr: GroupResource, name: string, cause: string): StatusError {
  const subject = name === '' ? qualifiedResource(gr) : `${qualifiedResource(gr)} "${name}"`;
  return failure(403, 'Forbidden', `${subject} is forbidden: ${cause}`, details(gr, name));
}

/**
 * NamespaceLifecycle admission (K:plugin/pkg/admission/namespace/lifecycle/admission.go)
 * adds a `NamespaceTerminating` cause so clients can tell this 403 apart.
 */
export function namespaceTerminating(gr: GroupResource, name: string, namespace: string): StatusError {
  const cause = `unable to create new content in namespace ${namespace} because it is being terminated`;
  const err = forbidden(gr, name, cause);
  err.status.details!.causes = [{ reason: 'NamespaceTerminating', message: cause, field: 'metadata.namespace' }];
  return err;
}

export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function methodNotSupported(gr: GroupResource, action: string): StatusError {
  return failure(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`,
    details(gr, ''),
  );
}

export function tooManyRequests(message: string, retryAfterSeconds = 0): StatusError {
  const d: NonNullable<Status['details']> = {};
  if (retryAfterSeconds > 0) d.retryAfterSeconds = retryAfterSeconds;
  return failure(429, 'TooManyRequests', message, d);
}

/** 410 for a watch or list from a resourceVersion the server no longer remembers. */
export function resourceExpired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

export function internalError(message: string): StatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

// ---- field errors (K:staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go)

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueNotFound';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue?: unknown;
  detail?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueNotFound: 'Not found',
};

export const fieldError = {
  required: (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  invalid: (field: string, badValue: unknown, detail = ''): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    badValue,
    detail,
  }),
  notSupported: (field: string, badValue: unknown, valid: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    badValue,
    detail: valid.length > 0 ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
  }),
  forbidden: (field: string, detail = ''): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  duplicate: (field: string, badValue: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, badValue }),
  immutable: (field: string, badValue: unknown): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    badValue,
    detail: 'field is immutable',
  }),
};

/** `ErrorBody()`: the message without the field path, e.g. `Invalid value: "X": detail`. */
export function fieldErrorBody(e: FieldError): string {
  let s = TYPE_TEXT[e.type];
  const valueless = e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong';
  if (!valueless) s += `: ${goValue(e.badValue)}`;
  if (e.detail !== undefined && e.detail !== '') s += `: ${e.detail}`;
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** How Go's `%q`/`%v`/`%#v` would print the bad value in the message. */
function goValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  }
  return JSON.stringify(v);
}

/**
 * 422 Invalid. `details.kind` is the Kind (not the resource) and the message is
 * `<Kind>[.<group>] "<name>" is invalid: <errors>` with `[a, b]` for several errors.
 */
export function invalid(group: string, kind: string, name: string, errors: readonly FieldError[]): StatusError {
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  // ToAggregate drops duplicate messages.
  const messages = [...new Set(errors.map(fieldErrorString))];
  const qualifiedKind = group === '' ? kind : `${kind}.${group}`;
  let message = `${qualifiedKind} "${name}" is invalid`;
  if (messages.length === 1) message += `: ${messages[0]}`;
  else if (messages.length > 1) message += `: [${messages.join(', ')}]`;
  const d: NonNullable<Status['details']> = {};
  if (name !== '') d.name = name;
  if (group !== '') d.group = group;
  d.kind = kind;
  d.causes = causes;
  return failure(422, 'Invalid', message, d);
}
