// Plain-data helpers shared by the store, the registry and controllers. Kubernetes
// objects are JSON documents; the shim keeps them as plain objects and never as
// classes so that they serialise, freeze and compare without surprises.
import type { ObjectMeta } from 'kubernetes-types/meta/v1';

/** Any Kubernetes object as it travels over the API: JSON with apiVersion/kind/metadata. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** kubernetes-types marks server-set fields readonly; the server side of the shim sets them. */
export type MutableMeta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };

/** The object's metadata, created if missing, writable. */
export function meta(obj: KObject): MutableMeta {
  if (obj.metadata === undefined) obj.metadata = {};
  return obj.metadata as MutableMeta;
}

/** A group + plural resource, e.g. `{group: 'apps', resource: 'statefulsets'}` (`''` = core). */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

/** `pods` for core, `statefulsets.apps` otherwise: how upstream messages name a resource. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

export function deepClone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    // An indexed loop: no callback closure per array on the hottest path of the shim.
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = deepClone(value[i] as unknown);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  // for…in over plain JSON objects: no entries arrays on the hottest path of the shim.
  for (const k in source) {
    const v = source[k];
    if (v !== undefined) out[k] = deepClone(v);
  }
  return out as T;
}

/** Freezes in place; stored objects are shared by every reader, so nobody may mutate them. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // for…in rather than Object.values: no array per object frozen. JSON objects
    // have no inherited enumerable members, so this visits the same values.
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (v !== null && typeof v === 'object') deepFreeze(v);
      }
    } else {
      const source = value as Record<string, unknown>;
      for (const k in source) {
        const v = source[k];
        if (v !== null && typeof v === 'object') deepFreeze(v);
      }
    }
  }
  return value;
}

/**
 * JSON equality (undefined members count as absent), the shim's stand-in for
 * apimachinery's `equality.Semantic.DeepEqual`.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    count++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  for (const k in bo) if (bo[k] !== undefined) count--;
  return count === 0;
}
