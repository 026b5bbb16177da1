// Small helpers for walking and filling plain JSON objects in admission code, where
// the kubernetes-types interfaces (readonly, all optional) would only add casts.
export type J = Record<string, unknown>;

export const isObj = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `o[key]` as an object, created when absent. */
export function sub(o: J, key: string): J {
  const v = o[key];
  if (isObj(v)) return v;
  const created: J = {};
  o[key] = created;
  return created;
}

/** `o[key]` as an object, or undefined. */
export const opt = (o: J | undefined, key: string): J | undefined => {
  const v = o?.[key];
  return isObj(v) ? v : undefined;
};

/** The objects in the array `o[key]` (non-objects skipped). */
export function list(o: J | undefined, key: string): J[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Go's `if x == nil` / `if len(x) == 0` default: absent, null or "". */
export function dflt(o: J, key: string, value: unknown): void {
  const v = o[key];
  if (v === undefined || v === null || v === '') o[key] = value;
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
