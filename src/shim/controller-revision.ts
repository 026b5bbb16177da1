// ControllerRevisions: the history of a controller's pod templates (StatefulSets here;
// DaemonSets use the same objects). Names, hashes, the equality rule that lets
// `kubectl rollout undo` reuse an old revision, adoption and collision handling.
// K:pkg/controller/history/controller_history.go.
import type { ControllerRevision } from 'kubernetes-types/apps/v1';
import type { ControllerContext } from './controller.ts';
import { controllerRefOf, newControllerRef } from './controller-utils.ts';
import { isStatusError } from './errors.ts';
import { deepClone, type GroupResource, type KObject } from './objects.ts';
import { safeEncodeString } from './random.ts';
import type { LabelSelector } from './selectors.ts';

export const CONTROLLER_REVISIONS: GroupResource = { group: 'apps', resource: 'controllerrevisions' };
/** The label every revision carries with its own hash (ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';

export type Revision = ControllerRevision & KObject;

/**
 * JSON as Go's `json.Marshal` writes a `map[string]interface{}`: keys sorted at every
 * level and `<`, `>`, `&` escaped. Revision data is built this way upstream (the patch
 * goes through such a map), and kubectl compares those bytes when it decides whether a
 * rollback would change anything.
 */
export function goJSON(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map(goJSON).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${goJSON(k)}:${goJSON(o[k])}`).join(',')}}`;
}

/** A copy of `value` whose objects list their keys sorted, so it serialises as goJSON does. */
export function sortedKeys<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortedKeys(o[k]);
  return out as T;
}

/** FNV-1 (not 1a), 32 bits, over the UTF-8 bytes of `s`: Go's `hash/fnv.New32`. */
export function fnv32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ byte) >>> 0;
  }
  return h;
}

/**
 * HashControllerRevision: FNV-1 over the data bytes, then the decimal collision count,
 * SafeEncoded. The data bytes are ours (not Go's), so the values differ from a real
 * cluster's; their shape (1–10 characters of the name alphabet) does not.
 */
export function hashControllerRevision(data: unknown, collisionCount: number | undefined): string {
  const probe = collisionCount === undefined ? '' : String(collisionCount);
  const memo = data !== null && typeof data === 'object' ? (hashes.get(data) ?? new Map<string, string>()) : undefined;
  let hash = memo?.get(probe);
  if (hash === undefined) {
    hash = safeEncodeString(String(fnv32(jsonOf(data) + probe)));
    if (memo !== undefined) hashes.set(data as object, memo.set(probe, hash));
  }
  return hash;
}
const hashes = new WeakMap<object, Map<string, string>>();

/** ControllerRevisionName: the owner's name (cut to 223 characters), a dash, the hash. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`;
}

/**
 * NewControllerRevision: labelled with the template's labels and its hash, controlled by
 * `parent`. `data` is used as given (build it with sortedKeys) and must not change after.
 */
export function newControllerRevision(parent: KObject, templateLabels: Record<string, string> | undefined, data: unknown, revision: number, collisionCount: number): Revision {
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(parent.metadata?.name ?? '', hash),
      namespace: parent.metadata?.namespace,
      labels: { ...templateLabels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(parent)],
    },
    data: data as ControllerRevision['data'],
    revision,
  };
}

// Stored objects are frozen and a status write keeps the spec it had, so a revision's
// (or a template's) serialisation can be remembered by object identity.
const dataJSON = new WeakMap<object, string>();
function jsonOf(data: unknown): string {
  if (data === null || typeof data !== 'object') return goJSON(data);
  let text = dataJSON.get(data);
  if (text === undefined) dataJSON.set(data, (text = goJSON(data)));
  return text;
}

/** EqualRevision: the same data. */
export const equalRevision = (a: Revision | undefined, b: Revision | undefined): boolean =>
  a === undefined || b === undefined ? a === b : jsonOf(a.data) === jsonOf(b.data);

/** FindEqualRevisions, in the order given. */
export const findEqualRevisions = (revisions: readonly Revision[], needle: Revision): Revision[] =>
  revisions.filter((r) => equalRevision(r, needle));

/** SortControllerRevisions: by revision, then creation time, then name. */
export function sortRevisions(revisions: readonly Revision[]): Revision[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata?.creationTimestamp ?? '';
    const tb = b.metadata?.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** ListControllerRevisions: those the selector matches that `parent` controls, or nobody does. */
export function listControllerRevisions(ctx: ControllerContext, parent: KObject, selector: LabelSelector): Revision[] {
  const uid = parent.metadata?.uid;
  return (ctx.store.list(CONTROLLER_REVISIONS, { namespace: parent.metadata?.namespace ?? '', labelSelector: selector }).items as Revision[])
    .filter((r) => {
      const ref = controllerRefOf(r);
      return ref === undefined || ref.uid === uid;
    });
}

/** AdoptControllerRevision: an orphan gets `parent` as its controller. */
export function adoptControllerRevision(ctx: ControllerContext, parent: KObject, revision: Revision): Revision {
  const next = deepClone(revision);
  next.metadata!.ownerReferences = [...(next.metadata!.ownerReferences ?? []), newControllerRef(parent)];
  return ctx.registry.update(CONTROLLER_REVISIONS, next) as Revision;
}

/**
 * CreateControllerRevision: a name taken by different data bumps the collision count
 * and tries the next hash; taken by the same data, the existing revision is the answer.
 */
export function createControllerRevision(ctx: ControllerContext, parent: KObject, revision: Revision, collisionCount: number): { revision: Revision; collisionCount: number } {
  const namespace = parent.metadata?.namespace ?? '';
  for (let count = collisionCount; ; count++) {
    const clone = deepClone(revision);
    clone.metadata!.name = controllerRevisionName(parent.metadata?.name ?? '', hashControllerRevision(revision.data, count));
    try {
      return { revision: ctx.registry.create(CONTROLLER_REVISIONS, clone, { namespace }) as Revision, collisionCount: count };
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) throw e;
      const existing = ctx.store.get(CONTROLLER_REVISIONS, namespace, clone.metadata!.name!) as Revision | undefined;
      if (existing !== undefined && equalRevision(existing, clone)) return { revision: existing, collisionCount: count };
    }
  }
}

/** UpdateControllerRevision: gives an existing revision a new number (how a rollback reuses it). */
export function updateControllerRevision(ctx: ControllerContext, revision: Revision, newRevision: number): Revision {
  if (revision.revision === newRevision) return revision;
  return ctx.registry.update(CONTROLLER_REVISIONS, { ...deepClone(revision), revision: newRevision }) as Revision;
}
