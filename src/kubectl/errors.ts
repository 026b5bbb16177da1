/**
 * Errors as kubectl prints them (K:staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go
 * `checkErr`, `StandardErrorMessage`, `MultipleErrors`): a server Status becomes
 * `Error from server (Reason): message`, an Invalid one is rebuilt from its
 * details (`The ConfigMap "x" is invalid: field: message`), aggregates print one
 * line per error, anything else gets an `error: ` prefix. Exit code 1.
 */

export interface Status {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: { type?: string; reason?: string; message?: string; field?: string }[] };
}

/** An API server answer that was not a success. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? '');
  }

  get code(): number {
    return this.status.code ?? 0;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** Several errors reported together (`utilerrors.Aggregate`). */
export class AggregateError extends Error {
  constructor(readonly errors: Error[]) {
    super(errors.length === 1 ? errors[0]!.message : `[${errors.map((e) => e.message).join(', ')}]`);
  }
}

/** A message printed exactly as given (already formatted), with an exit code. */
export class ExitError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** `cmdutil.UsageErrorf`: the message plus a pointer to the command's help. */
export function usageError(commandPath: string, message: string): Error {
  return new Error(`${message}\nSee '${commandPath} -h' for help and examples`);
}

export function isNotFound(error: unknown): boolean {
  return error instanceof StatusError && error.reason === 'NotFound';
}

export function isStatus(error: unknown, reason: string): boolean {
  return error instanceof StatusError && error.reason === reason;
}

/** `StandardErrorMessage`: a text for errors that have a standard rendering. */
function standardMessage(error: Error): string | undefined {
  if (error instanceof StatusError) {
    const s = error.status;
    if (s.reason === 'Unauthorized') return `error: You must be logged in to the server (${s.message ?? ''})`;
    if (s.reason) return `Error from server (${s.reason}): ${error.message}`;
    return `Error from server: ${error.message}`;
  }
  return undefined;
}

function messageFor(error: Error): string {
  return standardMessage(error) ?? error.message;
}

/** The text kubectl writes to stderr for an error, and its exit code. */
export function formatError(error: unknown): { text: string; code: number } {
  let err = error instanceof Error ? error : new Error(String(error));
  // Visitors flatten and reduce their aggregates (utilerrors.Flatten/Reduce).
  if (err instanceof AggregateError) {
    const flat = flatten(err);
    err = flat.length === 1 ? flat[0]! : new AggregateError(flat);
  }
  const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  if (err instanceof ExitError) return { text: err.message === '' ? '' : withNewline(err.message), code: err.exitCode };
  if (err instanceof StatusError && err.reason === 'Invalid') return { text: withNewline(invalidMessage(err.status)), code: 1 };
  if (err instanceof AggregateError) return { text: err.errors.map((e) => `${messageFor(e)}\n`).join(''), code: 1 };
  const standard = standardMessage(err);
  if (standard !== undefined) return { text: withNewline(standard), code: 1 };
  const msg = err.message.startsWith('error: ') ? err.message : `error: ${err.message}`;
  return { text: withNewline(msg), code: 1 };
}

function flatten(err: AggregateError): Error[] {
  return err.errors.flatMap((e) => (e instanceof AggregateError ? flatten(e) : [e]));
}

function invalidMessage(status: Status): string {
  const details = status.details;
  let s = 'The request is invalid';
  if (!details) return status.message ? `${s}: ${status.message}` : s;
  const causes = details.causes ?? [];
  if (details.kind || details.name) s = `The ${details.kind ?? ''} ${JSON.stringify(details.name ?? '')} is invalid`;
  else if (status.message && causes.length === 0) s += `: ${status.message}`;
  if (causes.length === 0) return s;
  const lines = [...new Set(causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`))];
  if (lines.length === 1) return `${s}: ${lines[0]}\n`;
  return `${s}: \n${lines.map((l) => `* ${l}\n`).join('')}`;
}
