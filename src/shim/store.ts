// The cluster's storage, playing etcd plus the API server's watch cache: objects keyed
// by group/resource/namespace/name, one cluster-wide resourceVersion counter, and an
// append-only change log that watches replay from any remembered resourceVersion.
// K:staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go
import { resourceExpired } from './errors.ts';
import { selectableFields, type FieldSelector } from './field-selectors.ts';
import { deepFreeze, meta, type GroupResource, type KObject } from './objects.ts';
import type { LabelSelector } from './selectors.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One write, as recorded in the log. Objects are frozen snapshots. */
export interface Change {
  readonly rv: number;
  readonly type: ChangeType;
  readonly gr: GroupResource;
  readonly object: KObject;
  /** The state before this write (MODIFIED, DELETED). */
  readonly previous?: KObject;
}

export interface WatchEvent {
  type: ChangeType;
  object: KObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
}

export interface WatchOptions extends ListOptions {
  /** Unset or "0": synthetic ADDED for what exists, then live. "N": changes after N. */
  resourceVersion?: string;
}

export interface Watch {
  stop(): void;
}

export interface StoreSnapshot {
  readonly rv: number;
  readonly objects: ReadonlyArray<{ gr: GroupResource; object: KObject }>;
}

interface Watcher {
  gr: GroupResource;
  opts: ListOptions;
  handler: (e: WatchEvent) => void;
  lastRv: number;
  stopped: boolean;
}

const grKey = (gr: GroupResource): string => `${gr.group}/${gr.resource}`;

export class Store {
  private rv = 0;
  // group/resource → namespace ('' when cluster-scoped) → name → frozen object
  private readonly data = new Map<string, Map<string, Map<string, KObject>>>();
  // The same tables by group, then resource: lookups without building a key string.
  private readonly tables = new Map<string, Map<string, Map<string, Map<string, KObject>>>>();
  private readonly byUid = new Map<string, { gr: GroupResource; object: KObject }>();
  // owner uid → uids of objects whose ownerReferences name it (for the garbage collector)
  private readonly dependentsOf = new Map<string, Set<string>>();
  private log: Change[] = [];
  private readonly watchers = new Map<string, Set<Watcher>>();
  private readonly subscribers = new Set<(c: Change) => void>();
  // The subscribers as an array, replaced (never mutated) when they change: dispatch
  // iterates a snapshot without copying the set for every change.
  private subscriberList: ReadonlyArray<(c: Change) => void> = [];
  private readonly pending: Change[] = [];
  private dispatching = false;
  private readonly maxLogEntries: number;

  constructor(options: { maxLogEntries?: number } = {}) {
    this.maxLogEntries = options.maxLogEntries ?? 100_000;
  }

  /** The current cluster-wide resourceVersion, as lists report it. */
  get resourceVersion(): string {
    return String(this.rv);
  }

  get(gr: GroupResource, namespace: string, name: string): KObject | undefined {
    return this.tables.get(gr.group)?.get(gr.resource)?.get(namespace)?.get(name);
  }

  getByUid(uid: string): { gr: GroupResource; object: KObject } | undefined {
    return this.byUid.get(uid);
  }

  /** Objects that list `ownerUid` among their ownerReferences. */
  dependents(ownerUid: string): Array<{ gr: GroupResource; object: KObject }> {
    const out: Array<{ gr: GroupResource; object: KObject }> = [];
    for (const uid of this.dependentsOf.get(ownerUid) ?? []) {
      const hit = this.byUid.get(uid);
      if (hit !== undefined) out.push(hit);
    }
    return out;
  }

  list(gr: GroupResource, opts: ListOptions = {}): { items: KObject[]; resourceVersion: string } {
    const items: KObject[] = [];
    const byNs = this.tables.get(gr.group)?.get(gr.resource);
    if (byNs !== undefined) {
      const spaces = opts.namespace !== undefined ? [byNs.get(opts.namespace)] : [...byNs.values()];
      for (const names of spaces) {
        if (names === undefined) continue;
        for (const obj of names.values()) if (matches(gr, obj, opts)) items.push(obj);
      }
    }
    items.sort(byNamespaceAndName);
    return { items, resourceVersion: this.resourceVersion };
  }

  /** How many objects of a type exist (in a namespace). Cheap. */
  count(gr: GroupResource, namespace?: string): number {
    const byNs = this.tables.get(gr.group)?.get(gr.resource);
    if (byNs === undefined) return 0;
    if (namespace !== undefined) return byNs.get(namespace)?.size ?? 0;
    let n = 0;
    for (const names of byNs.values()) n += names.size;
    return n;
  }

  /** Types that have at least one object in `namespace` (the namespace controller's sweep). */
  typesIn(namespace: string): GroupResource[] {
    const out: GroupResource[] = [];
    for (const [k, byNs] of this.data) {
      if ((byNs.get(namespace)?.size ?? 0) > 0) {
        const i = k.indexOf('/');
        out.push({ group: k.slice(0, i), resource: k.slice(i + 1) });
      }
    }
    return out;
  }

  /**
   * Creates or replaces an object: assigns the next resourceVersion, freezes it (the
   * caller hands it over), logs ADDED/MODIFIED and notifies watchers.
   */
  write(gr: GroupResource, object: KObject): KObject {
    const m = meta(object);
    const ns = m.namespace ?? '';
    const name = m.name ?? '';
    const previous = this.get(gr, ns, name);
    m.resourceVersion = String(++this.rv);
    deepFreeze(object);
    let byGroup = this.tables.get(gr.group);
    if (byGroup === undefined) this.tables.set(gr.group, (byGroup = new Map()));
    let byNs = byGroup.get(gr.resource);
    if (byNs === undefined) {
      byGroup.set(gr.resource, (byNs = new Map()));
      this.data.set(grKey(gr), byNs);
    }
    let names = byNs.get(ns);
    if (names === undefined) byNs.set(ns, (names = new Map()));
    names.set(name, object);
    this.index(gr, previous, object);
    this.record({ rv: this.rv, type: previous === undefined ? 'ADDED' : 'MODIFIED', gr, object, previous });
    return object;
  }

  /** Removes an object; the DELETED event carries its last state at a new resourceVersion. */
  remove(gr: GroupResource, namespace: string, name: string): KObject | undefined {
    const previous = this.get(gr, namespace, name);
    if (previous === undefined) return undefined;
    this.tables.get(gr.group)?.get(gr.resource)?.get(namespace)?.delete(name);
    this.index(gr, previous, undefined);
    const object = deepFreeze({
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(++this.rv) },
    });
    this.record({ rv: this.rv, type: 'DELETED', gr, object, previous });
    return object;
  }

  /** Every change, in order, for controllers. Returns an unsubscribe function. */
  subscribe(listener: (c: Change) => void): () => void {
    this.subscribers.add(listener);
    this.subscriberList = [...this.subscribers];
    return () => {
      const removed = this.subscribers.delete(listener);
      this.subscriberList = [...this.subscribers];
      return removed;
    };
  }

  /**
   * Watches one type. Selector semantics follow the watch cache: an object that stops
   * matching arrives as DELETED, one that starts matching as ADDED.
   */
  watch(gr: GroupResource, opts: WatchOptions, handler: (e: WatchEvent) => void): Watch {
    const w: Watcher = { gr, opts, handler, lastRv: this.rv, stopped: false };
    const from = opts.resourceVersion;
    if (from === undefined || from === '' || from === '0') {
      for (const object of this.list(gr, opts).items) handler({ type: 'ADDED', object });
    } else {
      const changes = this.changesSince(Number(from));
      w.lastRv = Number(from);
      for (const c of changes) if (grKey(c.gr) === grKey(gr)) deliver(w, c);
      w.lastRv = Math.max(w.lastRv, this.rv);
    }
    let set = this.watchers.get(grKey(gr));
    if (set === undefined) this.watchers.set(grKey(gr), (set = new Set()));
    set.add(w);
    return {
      stop: () => {
        w.stopped = true;
        set.delete(w);
      },
    };
  }

  /** Open watches (a client that goes away must not leave one behind). */
  watcherCount(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  /** Logged changes after `rv`; 410 Expired when the log no longer reaches back that far. */
  changesSince(rv: number): Change[] {
    if (!Number.isInteger(rv) || rv < 0) throw resourceExpired(`invalid resource version: ${rv}`);
    const oldest = this.log[0]?.rv ?? this.rv + 1;
    if (rv < oldest - 1) throw resourceExpired(`too old resource version: ${rv} (${oldest - 1})`);
    // rvs are dense within the log, so the start index is arithmetic.
    return this.log.slice(Math.max(0, rv - oldest + 1));
  }

  /**
   * A point-in-time copy. Objects are frozen and shared, so this costs one array of
   * references; the basis for save/restore and "reset to step N".
   */
  snapshot(): StoreSnapshot {
    const objects: Array<{ gr: GroupResource; object: KObject }> = [];
    for (const { gr, object } of this.byUid.values()) objects.push({ gr, object });
    return { rv: this.rv, objects };
  }

  /**
   * Brings the store back to a snapshot's contents with ordinary writes at new
   * resourceVersions, so watchers and controllers see the rewind as changes.
   */
  restore(snapshot: StoreSnapshot): void {
    const wanted = new Map(snapshot.objects.map((o) => [o.object.metadata?.uid ?? '', o]));
    for (const { gr, object } of [...this.byUid.values()]) {
      const keep = wanted.get(object.metadata?.uid ?? '');
      if (keep === undefined || keep.object.metadata?.resourceVersion !== object.metadata?.resourceVersion) {
        this.remove(gr, object.metadata?.namespace ?? '', object.metadata?.name ?? '');
      }
    }
    for (const { gr, object } of snapshot.objects) {
      const m = object.metadata ?? {};
      if (this.get(gr, m.namespace ?? '', m.name ?? '') === undefined) {
        this.write(gr, { ...object, metadata: { ...m } });
      }
    }
  }

  private index(gr: GroupResource, before: KObject | undefined, after: KObject | undefined): void {
    const oldUid = before?.metadata?.uid;
    if (oldUid !== undefined) {
      this.byUid.delete(oldUid);
      for (const ref of before?.metadata?.ownerReferences ?? []) {
        const set = this.dependentsOf.get(ref.uid);
        set?.delete(oldUid);
        if (set?.size === 0) this.dependentsOf.delete(ref.uid);
      }
    }
    const uid = after?.metadata?.uid;
    if (after !== undefined && uid !== undefined) {
      this.byUid.set(uid, { gr, object: after });
      for (const ref of after.metadata?.ownerReferences ?? []) {
        let set = this.dependentsOf.get(ref.uid);
        if (set === undefined) this.dependentsOf.set(ref.uid, (set = new Set()));
        set.add(uid);
      }
    }
  }

  private record(change: Change): void {
    this.log.push(change);
    // Compact in chunks so the amortised cost per write stays constant.
    if (this.log.length > this.maxLogEntries * 1.25) this.log = this.log.slice(this.log.length - this.maxLogEntries);
    this.pending.push(change);
    if (this.dispatching) return;
    // Writes made by listeners queue behind the current change, so everyone sees
    // changes in resourceVersion order.
    this.dispatching = true;
    try {
      // An index, not shift(): thousands of writes can queue behind one change.
      for (let i = 0; i < this.pending.length; i++) {
        const c = this.pending[i]!;
        const subscribers = this.subscriberList;
        for (let j = 0; j < subscribers.length; j++) subscribers[j]!(c);
        const watchers = this.watchers.get(grKey(c.gr));
        // A watch stopped mid-dispatch is skipped by deliver(); one started mid-dispatch
        // begins after this change's rv: iterating the live set equals iterating a copy.
        if (watchers !== undefined && watchers.size > 0) for (const w of watchers) deliver(w, c);
      }
    } finally {
      this.dispatching = false;
      this.pending.length = 0;
    }
  }
}

function deliver(w: Watcher, c: Change): void {
  if (w.stopped || c.rv <= w.lastRv) return;
  w.lastRv = c.rv;
  const now = matches(w.gr, c.object, w.opts);
  const before = c.previous !== undefined && matches(w.gr, c.previous, w.opts);
  if (c.type === 'DELETED') {
    if (before) w.handler({ type: 'DELETED', object: c.object });
  } else if (now && before) w.handler({ type: 'MODIFIED', object: c.object });
  else if (now) w.handler({ type: 'ADDED', object: c.object });
  else if (before) w.handler({ type: 'DELETED', object: c.object });
}

function matches(gr: GroupResource, obj: KObject, opts: ListOptions): boolean {
  const m = obj.metadata;
  if (opts.namespace !== undefined && (m?.namespace ?? '') !== opts.namespace) return false;
  if (opts.labelSelector !== undefined && !opts.labelSelector.matches(m?.labels)) return false;
  if (opts.fieldSelector !== undefined && !opts.fieldSelector.empty) {
    if (!opts.fieldSelector.matches(selectableFields(gr, obj))) return false;
  }
  return true;
}

function byNamespaceAndName(a: KObject, b: KObject): number {
  const an = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const bn = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}
