/** Turning failures into the `Status` responses a real API server sends. */
import { SelectorError, StatusError } from '../shim/index.ts';
import { PatchError } from './patch/index.ts';
import type { ApiResponse } from './types.ts';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function statusBody(code: number, reason: string, message: string, details?: object) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, ...(reason ? { reason } : {}), ...(details ? { details } : {}), code };
}

export function failure(code: number, reason: string, message: string, details?: object): ApiResponse {
  return { status: code, headers: { ...JSON_HEADERS }, body: statusBody(code, reason, message, details) };
}

/** `the server could not find the requested resource`: an unknown path or resource type. */
export function notFoundPath(): ApiResponse {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof StatusError) {
    // ErrorNegotiated: a suggested retry period travels as Retry-After too (client-go waits and retries on it).
    const retry = error.status.details?.retryAfterSeconds ?? 0;
    return { status: error.status.code ?? 500, headers: { ...JSON_HEADERS, ...(retry > 0 ? { 'retry-after': String(retry) } : {}) }, body: error.status };
  }
  if (error instanceof PatchError) return { status: error.code, headers: { ...JSON_HEADERS }, body: error.toStatus() };
  // An unparsable label or field selector in a list or watch (kubectl wraps the message).
  if (error instanceof SelectorError) return failure(400, 'BadRequest', error.message);
  // A bug in the simulator: answer as an API server does to an internal error, never crash the caller.
  const message = error instanceof Error ? error.message : String(error);
  return failure(500, 'InternalError', `Internal error occurred: ${message}`);
}
