// Shared pieces of the per-kind validators: upstream's helper messages, and a FieldError
// whose bad value prints the way Go's `%#v` prints it (`map[string]string{"app":"x"}`).
// K:staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
import { fieldError, fieldErrorBody, invalid, type FieldError, type StatusError } from '../../errors.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation.ts';
import { isObj, type J } from '../json.ts';

/** A FieldError whose bad value is already rendered as Go would. */
export interface ReprFieldError extends FieldError {
  goRepr?: string;
}

export const fe = fieldError;

export const notFound = (field: string, badValue: unknown): FieldError => ({ type: 'FieldValueNotFound', field, badValue, detail: '' });

export function invalidRepr(field: string, badValue: unknown, goRepr: string, detail: string): ReprFieldError {
  return { ...fieldError.invalid(field, badValue, detail), goRepr };
}

/** Go's `%#v` of a map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`. */
export function goStringMap(m: unknown): string {
  if (!isObj(m)) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`).join(', ')}}`;
}

/** `invalid()` from errors.ts, with Go renderings swapped in where a validator gave one. */
export function invalidError(group: string, kind: string, name: string, errors: readonly ReprFieldError[]): StatusError {
  const err = invalid(group, kind, name, errors);
  errors.forEach((e, i) => {
    if (e.goRepr === undefined) return;
    const plain = fieldErrorBody(e);
    const rendered = fieldErrorBody({ ...e, badValue: undefined }).replace(': null', `: ${e.goRepr}`);
    const cause = err.status.details?.causes?.[i];
    if (cause !== undefined) cause.message = rendered;
    err.status.message = err.status.message?.replace(`${e.field}: ${plain}`, `${e.field}: ${rendered}`);
  });
  return err;
}

export const inclusiveRange = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

export function isValidPortNum(port: unknown): string[] {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRange(1, 65535)];
}

/** IANA_SVC_NAME: container and service port names. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function dns1123Label(field: string, value: unknown, errs: FieldError[]): void {
  if (typeof value !== 'string' || value === '') errs.push(fe.required(field));
  else for (const msg of isDNS1123Label(value)) errs.push(fe.invalid(field, value, msg));
}

export function dns1123Subdomain(field: string, value: unknown, errs: FieldError[]): void {
  if (typeof value !== 'string' || value === '') errs.push(fe.required(field));
  else for (const msg of isDNS1123Subdomain(value)) errs.push(fe.invalid(field, value, msg));
}

/** Required enum: `Required value` when empty, else `Unsupported value: …` (values sorted as upstream's sets are). */
export function oneOf(field: string, value: unknown, supported: readonly string[], errs: FieldError[], required = true): void {
  if (value === undefined || value === null || value === '') {
    if (required) errs.push(fe.required(field));
    return;
  }
  if (typeof value !== 'string' || !supported.includes(value)) errs.push(fe.notSupported(field, value, [...supported].sort()));
}

export function nonNegative(field: string, value: unknown, errs: FieldError[]): void {
  if (typeof value === 'number' && value < 0) errs.push(fe.invalid(field, value, 'must be greater than or equal to 0'));
}

export const specOf = (obj: J): J => (isObj(obj.spec) ? obj.spec : {});
