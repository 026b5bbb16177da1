// What the API server does with an object between the HTTP handler and storage: defaults
// owned by the server, validation, admission, optimistic concurrency, generation,
// graceful deletion and finalizers. The REST layer (src/api) calls this and nothing else.
// K:staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go,
// K:staging/src/k8s.io/apiserver/pkg/registry/rest/{create,update,delete}.go
import { rfc3339, type VirtualClock } from './clock.ts';
import {
  alreadyExists, badRequest, conflict, fieldError, invalid, namespaceTerminating, notFound,
  type FieldError,
} from './errors.ts';
import { deepClone, deepEqual, deepFreeze, meta, type GroupResource, type KObject } from './objects.ts';
import type { SeededRandom } from './random.ts';
import { apiVersionOf, type ResourceCatalog, type ResourceType } from './resources.ts';
import type { ListOptions, Store, Watch, WatchEvent, WatchOptions } from './store.ts';
import { gracePeriodFor, prepareForCreate, prepareForUpdate, updateGeneration } from './strategy.ts';
import { validateObjectMeta } from './validation.ts';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface CreateOptions {
  /** The namespace from the request path; the body's must agree. */
  namespace?: string;
  dryRun?: boolean;
  /**
   * In-cluster writers (the event recorder) that build a fresh object for this call
   * and never touch it again may hand it over: the registry then works on it in place
   * instead of on a defensive copy. Never set for bodies from clients.
   */
  handover?: boolean;
}

export interface UpdateOptions {
  namespace?: string;
  /**
   * `status` and `finalize` write only their part of the object; `binding`
   * (pods only) sets `spec.nodeName` once, as POST pods/{name}/binding does.
   */
  subresource?: 'status' | 'finalize' | 'binding';
  dryRun?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteResult {
  /** The object as it now is (terminating) or as it was last (removed). */
  object: KObject;
  /** True when the object is gone from storage; false when it waits on grace or finalizers. */
  deleted: boolean;
}

export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE';
  type: ResourceType;
  /** Mutable in `admit`, read-only in `validate`. */
  object: KObject;
  oldObject?: KObject;
  subresource?: string;
  dryRun: boolean;
}

/** An admission plugin: `admit` may mutate (defaulting), `validate` may throw a StatusError. */
export interface AdmissionPlugin {
  name: string;
  admit?(attrs: AdmissionAttributes): void;
  validate?(attrs: AdmissionAttributes): void;
}

/** Kind-specific validation, registered by the modules that implement each kind. */
export type Validator = (obj: KObject, old: KObject | undefined) => FieldError[];

/**
 * A kind's own first DELETE step (e.g. a CRD adding its cleanup finalizer, upstream's
 * custom REST Delete): mutates the object before the registry marks it as deleting.
 */
export type DeleteHook = (obj: KObject) => void;

export interface RegistryDeps {
  store: Store;
  resources: ResourceCatalog;
  clock: VirtualClock;
  random: SeededRandom;
}

export class Registry {
  readonly store: Store;
  readonly resources: ResourceCatalog;
  private readonly clock: VirtualClock;
  private readonly random: SeededRandom;
  private readonly admission: AdmissionPlugin[] = [];
  private readonly validators = new Map<string, Validator[]>();
  private readonly deleteHooks = new Map<string, DeleteHook>();

  constructor(deps: RegistryDeps) {
    this.store = deps.store;
    this.resources = deps.resources;
    this.clock = deps.clock;
    this.random = deps.random;
  }

  addAdmission(plugin: AdmissionPlugin): void {
    this.admission.push(plugin);
  }

  addValidator(gr: GroupResource, fn: Validator): void {
    const k = `${gr.group}/${gr.resource}`;
    this.validators.set(k, [...(this.validators.get(k) ?? []), fn]);
  }

  setDeleteHook(gr: GroupResource, fn: DeleteHook): void {
    this.deleteHooks.set(`${gr.group}/${gr.resource}`, fn);
  }

  type(gr: GroupResource): ResourceType {
    const rt = this.resources.get(gr);
    if (rt === undefined) throw notFound(gr, '');
    return rt;
  }

  get(gr: GroupResource, namespace: string, name: string): KObject {
    const rt = this.type(gr);
    const obj = this.store.get(rt, rt.namespaced ? namespace : '', name);
    if (obj === undefined) throw notFound(rt, name);
    return obj;
  }

  list(gr: GroupResource, opts: ListOptions = {}): { items: KObject[]; resourceVersion: string } {
    const rt = this.type(gr);
    return this.store.list(rt, rt.namespaced ? opts : { ...opts, namespace: undefined });
  }

  watch(gr: GroupResource, opts: WatchOptions, handler: (e: WatchEvent) => void): Watch {
    return this.store.watch(this.type(gr), opts, handler);
  }

  create(gr: GroupResource, input: KObject, opts: CreateOptions = {}): KObject {
    const rt = this.type(gr);
    const obj = opts.handover === true ? input : deepClone(input);
    const m = meta(obj);
    if ((m.resourceVersion ?? '') !== '') throw badRequest('resourceVersion should not be set on objects to be created');
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    if (rt.namespaced) {
      if (opts.namespace !== undefined && (m.namespace ?? '') !== '' && m.namespace !== opts.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      m.namespace = opts.namespace ?? m.namespace ?? '';
      if (m.namespace === '') throw invalid(rt.group, rt.kind, m.name ?? '', [fieldError.required('metadata.namespace')]);
      this.checkNamespace(rt, m.name ?? '', m.namespace);
    } else delete m.namespace;
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'] as const) delete m[k];
    prepareForCreate(rt, obj);
    const generated = (m.name ?? '') === '' && (m.generateName ?? '') !== '';
    // Mutating admission runs before the store generates the name, so its errors name
    // the object by its prefix (`pods "web-" is forbidden: …`), as upstream's do.
    this.runAdmit({ operation: 'CREATE', type: rt, object: obj, dryRun: opts.dryRun === true });
    if (generated) m.name = this.generateName(m.generateName!);
    this.validate(rt, obj, undefined);
    this.runValidate({ operation: 'CREATE', type: rt, object: obj, dryRun: opts.dryRun === true });
    // 1.32 retries a generated name that collides; a fixed name is the client's problem.
    for (let tries = 0; this.store.get(rt, m.namespace ?? '', m.name!) !== undefined; tries++) {
      if (!generated || tries >= 8) throw alreadyExists(rt, m.name!);
      m.name = this.generateName(m.generateName!);
    }
    // A UID already here was assigned by admission (the Job strategy selects on it).
    m.uid ??= this.random.uid();
    m.creationTimestamp = rfc3339(this.clock.now());
    if (opts.dryRun === true) return deepFreeze(obj);
    return this.store.write(rt, obj);
  }

  update(gr: GroupResource, input: KObject, opts: UpdateOptions = {}): KObject {
    const rt = this.type(gr);
    const inMeta = input.metadata ?? {};
    const namespace = rt.namespaced ? (opts.namespace ?? inMeta.namespace ?? '') : '';
    const name = inMeta.name ?? '';
    const old = this.store.get(rt, namespace, name);
    if (old === undefined) throw notFound(rt, name);
    const oldMeta = old.metadata ?? {};
    if ((inMeta.uid ?? '') !== '' && inMeta.uid !== oldMeta.uid) {
      throw conflict(rt, name, `Precondition failed: UID in precondition: ${inMeta.uid}, UID in object meta: ${oldMeta.uid}`);
    }
    if ((inMeta.resourceVersion ?? '') !== '' && inMeta.resourceVersion !== oldMeta.resourceVersion) throw conflict(rt, name);

    let next: KObject;
    if (opts.subresource === 'status') {
      // Status writes keep spec and metadata as stored (ResetObjectMetaForStatus).
      // Stored objects are frozen, so the new version can share the old spec
      // instead of copying it: kubelets write status far more often than anyone else.
      // Metadata needs an object of its own for the new resourceVersion; what is
      // inside it (labels, ownerReferences…) stays frozen and shared as well.
      next = { ...old, metadata: { ...old.metadata } };
      if (input.status === undefined) delete next.status;
      else next.status = deepClone(input.status);
    } else if (opts.subresource === 'binding') {
      if (rt.group !== '' || rt.resource !== 'pods') throw notFound(rt, name);
      const current = (old.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
      if (current !== '') {
        throw conflict({ group: '', resource: 'pods/binding' }, name, `pod ${name} is already assigned to node "${current}"`);
      }
      next = deepClone(old);
      next.spec = { ...((old.spec as object | undefined) ?? {}), nodeName: (input.spec as { nodeName?: string } | undefined)?.nodeName };
    } else if (opts.subresource === 'finalize') {
      if (rt.group !== '' || rt.resource !== 'namespaces') throw notFound(rt, name);
      next = deepClone(old);
      next.spec = { ...((old.spec as object | undefined) ?? {}), finalizers: deepClone((input.spec as { finalizers?: string[] } | undefined)?.finalizers) };
    } else {
      next = deepClone(input);
      next.apiVersion = apiVersionOf(rt);
      next.kind = rt.kind;
      const m = meta(next);
      // Fields only the server sets survive whatever the client sent.
      m.namespace = oldMeta.namespace;
      m.uid = oldMeta.uid;
      m.creationTimestamp = oldMeta.creationTimestamp;
      m.deletionTimestamp = oldMeta.deletionTimestamp;
      m.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
      m.generation = oldMeta.generation;
      for (const k of Object.keys(m) as Array<keyof typeof m>) if (m[k] === undefined) delete m[k];
      if (!rt.namespaced) delete m.namespace;
      prepareForUpdate(rt, next, old);
    }
    meta(next).resourceVersion = oldMeta.resourceVersion;
    const attrs: AdmissionAttributes = { operation: 'UPDATE', type: rt, object: next, oldObject: old, dryRun: opts.dryRun === true };
    if (opts.subresource !== undefined) attrs.subresource = opts.subresource;
    this.runAdmit(attrs);
    if (opts.subresource === undefined) updateGeneration(rt, next, old);
    // Binding is not a spec update: pod spec immutability does not apply to it.
    if (opts.subresource !== 'binding') this.validate(rt, next, old);
    this.runValidate(attrs);
    // A write that changes nothing keeps the resourceVersion and makes no watch event.
    if (deepEqual(next, old)) return old;
    if (opts.dryRun === true) return deepFreeze(next);
    if (this.shouldDeleteDuringUpdate(rt, next, old)) {
      return this.store.remove(rt, namespace, name) ?? old;
    }
    return this.store.write(rt, next);
  }

  delete(gr: GroupResource, namespace: string, name: string, opts: DeleteOptions = {}): DeleteResult {
    const rt = this.type(gr);
    const ns = rt.namespaced ? namespace : '';
    const old = this.store.get(rt, ns, name);
    if (old === undefined) throw notFound(rt, name);
    const om = old.metadata ?? {};
    const pre = opts.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== om.uid) {
      throw conflict(rt, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${om.uid ?? ''}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== om.resourceVersion) {
      throw conflict(rt, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${om.resourceVersion ?? ''}`);
    }
    if (rt.group === '' && rt.resource === 'namespaces') return this.deleteNamespace(rt, old, opts);

    const obj = deepClone(old);
    const m = meta(obj);
    const now = this.clock.now();
    if (om.deletionTimestamp === undefined) this.deleteHooks.get(`${rt.group}/${rt.resource}`)?.(obj);
    // rest.BeforeDelete: graceful deletion first; a pending one only ever gets shorter.
    let graceful = false;
    if (om.deletionTimestamp !== undefined) {
      const current = om.deletionGracePeriodSeconds ?? 0;
      if (current > 0) {
        const requested = opts.gracePeriodSeconds;
        if (requested === undefined || requested >= current) return { object: old, deleted: false };
        const period = Math.max(requested, 0);
        m.deletionTimestamp = rfc3339(Date.parse(om.deletionTimestamp) - current * 1000 + period * 1000);
        m.deletionGracePeriodSeconds = period;
        graceful = true;
      }
    } else {
      const period = gracePeriodFor(rt, obj, opts.gracePeriodSeconds);
      if (period !== undefined) {
        m.deletionTimestamp = rfc3339(now + period * 1000);
        m.deletionGracePeriodSeconds = period;
        if (m.generation !== undefined) m.generation++;
        graceful = true;
      }
    }
    const finalizers = gcFinalizers(m.finalizers ?? [], opts.propagationPolicy);
    const finalizersChanged = !sameSet(finalizers, m.finalizers ?? []);
    if (finalizersChanged) m.finalizers = finalizers;
    if (m.finalizers?.length === 0) delete m.finalizers;
    const pendingFinalizers = finalizers.length > 0;
    if (!graceful && pendingFinalizers) {
      // markAsDeleting: finalizers hold the object; deletion is already "due".
      if (m.deletionTimestamp === undefined && m.generation !== undefined) m.generation++;
      if (m.deletionTimestamp === undefined || Date.parse(m.deletionTimestamp) > now) m.deletionTimestamp = rfc3339(now);
      m.deletionGracePeriodSeconds = 0;
    }
    if (graceful || pendingFinalizers) {
      const updated = opts.dryRun === true ? deepFreeze(obj) : this.store.write(rt, obj);
      if (pendingFinalizers || (m.deletionGracePeriodSeconds ?? 0) > 0) return { object: updated, deleted: false };
    }
    if (opts.dryRun === true) return { object: deepFreeze(obj), deleted: true };
    return { object: this.store.remove(rt, ns, name) ?? old, deleted: true };
  }

  /**
   * Namespaces hold `spec.finalizers: [kubernetes]`: DELETE marks them Terminating and the
   * namespace controller empties and finalizes them (K:pkg/registry/core/namespace/storage/storage.go).
   */
  private deleteNamespace(rt: ResourceType, old: KObject, opts: DeleteOptions): DeleteResult {
    const name = old.metadata?.name ?? '';
    const specFinalizers = (old.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    if (old.metadata?.deletionTimestamp === undefined) {
      const obj = deepClone(old);
      const m = meta(obj);
      m.deletionTimestamp = rfc3339(this.clock.now());
      m.deletionGracePeriodSeconds = 0;
      const finalizers = gcFinalizers(m.finalizers ?? [], opts.propagationPolicy);
      if (finalizers.length > 0) m.finalizers = finalizers;
      obj.status = { ...((obj.status as object | undefined) ?? {}), phase: 'Terminating' };
      if (specFinalizers.length > 0 || finalizers.length > 0) {
        return { object: opts.dryRun === true ? deepFreeze(obj) : this.store.write(rt, obj), deleted: false };
      }
    } else if (specFinalizers.length > 0) {
      throw conflict(
        rt,
        name,
        'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
      );
    }
    if (opts.dryRun === true) return { object: old, deleted: true };
    return { object: this.store.remove(rt, '', name) ?? old, deleted: true };
  }

  private shouldDeleteDuringUpdate(rt: ResourceType, next: KObject, old: KObject): boolean {
    if (next.metadata?.deletionTimestamp === undefined) return false;
    if ((next.metadata.finalizers ?? []).length > 0) return false;
    if (old.metadata?.deletionGracePeriodSeconds !== 0) return false;
    if (rt.group === '' && rt.resource === 'namespaces') {
      return ((next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length === 0;
    }
    return true;
  }

  /** NamespaceLifecycle admission: the namespace must exist and not be terminating. */
  private checkNamespace(rt: ResourceType, name: string, namespace: string): void {
    const ns = this.store.get({ group: '', resource: 'namespaces' }, '', namespace);
    if (ns === undefined) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if ((ns.status as { phase?: string } | undefined)?.phase === 'Terminating' || ns.metadata?.deletionTimestamp !== undefined) {
      throw namespaceTerminating(rt, name, namespace);
    }
  }

  /** K:staging/src/k8s.io/apiserver/pkg/storage/names/generate.go */
  private generateName(prefix: string): string {
    return `${prefix.length > 58 ? prefix.slice(0, 58) : prefix}${this.random.suffix(5)}`;
  }

  private validate(rt: ResourceType, obj: KObject, old: KObject | undefined): void {
    const errs = validateObjectMeta(obj, rt.nameRule);
    if (old?.metadata?.deletionTimestamp !== undefined) {
      const before = new Set(old.metadata.finalizers ?? []);
      const added = (obj.metadata?.finalizers ?? []).filter((f) => !before.has(f)).sort();
      if (added.length > 0) {
        errs.push(
          fieldError.forbidden(
            'metadata.finalizers',
            `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
          ),
        );
      }
    }
    for (const v of this.validators.get(`${rt.group}/${rt.resource}`) ?? []) errs.push(...v(obj, old));
    if (errs.length > 0) throw invalid(rt.group, rt.kind, obj.metadata?.name ?? '', errs);
  }

  private runAdmit(attrs: AdmissionAttributes): void {
    for (const p of this.admission) p.admit?.(attrs);
  }

  private runValidate(attrs: AdmissionAttributes): void {
    for (const p of this.admission) p.validate?.(attrs);
  }
}

/**
 * deletionFinalizersForGarbageCollection: an explicit policy replaces the GC finalizers;
 * without one, whatever the object already carries stands (default is Background).
 */
function gcFinalizers(current: readonly string[], policy: PropagationPolicy | undefined): string[] {
  if (policy === undefined) return [...current];
  const rest = current.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (policy === 'Orphan') rest.push(FINALIZER_ORPHAN);
  if (policy === 'Foreground') rest.push(FINALIZER_FOREGROUND);
  return rest;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
