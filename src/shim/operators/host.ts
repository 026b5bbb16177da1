// The operator host: runs a controller written in TypeScript against the cluster's API the
// way controller-runtime runs one in a real cluster. It installs the operator's CRD and
// its Deployment (as `kubectl apply -f install.yaml` would), watches the custom resources
// and the objects they own, and reconciles one object at a time through the registry.
//
// The loop only runs while the operator's pod does: it speaks to the manager process in
// that pod over its socket (images.ts `operator-manager`), which prints the reconcile log.
// Scale the Deployment to zero or stop the node and nothing reconciles any more.
//
// A misbehaving reconcile must not hang the shim: at most MAX_PER_TURN objects per turn;
// an exception becomes a Warning event, a `Reconciled=False` condition and a retry with
// exponential backoff on the virtual clock (controller-runtime's rate limiter,
// K:sigs.k8s.io/controller-runtime/pkg/internal/controller/controller.go reconcileHandler);
// an object written more than WRITE_BUDGET times within one virtual second is suspended.
import { CORE, type Controller, type ControllerContext } from '../controller.ts';
import { controllerRefOf, isPodReady, keyOf, splitKey } from '../controller-utils.ts';
import { isStatusError } from '../errors.ts';
import { EventRecorder, type EventType } from '../events.ts';
import { deepClone, deepEqual, type GroupResource, type KObject } from '../objects.ts';
import type { Service } from '../images.ts';
import { fromLabelSelector } from '../selectors.ts';
import type { Change } from '../store.ts';
import { rfc3339 } from '../clock.ts';
import { CRDS } from '../apiextensions/index.ts';
import { MANAGER_PORT } from './manager.ts';

/** Objects reconciled per controller turn; the rest wait for the next turn. */
export const MAX_PER_TURN = 16;
/** Writes one custom resource's reconciles may make within WRITE_WINDOW_MS before it is suspended. */
export const WRITE_BUDGET = 100;
const WRITE_WINDOW_MS = 1000;
export const SUSPEND_MS = 30_000;
/** Retry delays after an error: 1 s doubling up to 5 min (the shim's clock is coarse; controller-runtime starts at 5 ms). */
export const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 300_000;

const PODS = CORE('pods');

export interface ReconcileResult {
  /** Reconcile again after this much virtual time (controller-runtime's RequeueAfter). */
  requeueAfterMs?: number;
}

/** What a reconcile function sees: reads from the informer cache, writes through the API. */
export interface OperatorApi {
  now(): number;
  get(gr: GroupResource, namespace: string, name: string): KObject | undefined;
  list(gr: GroupResource, namespace: string, labels?: Record<string, string>): KObject[];
  create(gr: GroupResource, obj: KObject): KObject;
  update(gr: GroupResource, obj: KObject): KObject;
  updateStatus(gr: GroupResource, obj: KObject): KObject;
  delete(gr: GroupResource, namespace: string, name: string): void;
  event(obj: KObject, type: EventType, reason: string, message: string): void;
  log(message: string, fields?: Record<string, string | number>): void;
  /** A connection to a pod's port (to configure the workload it runs); undefined = refused. */
  connect(ip: string, port: number): Service | undefined;
}

export interface OperatorDefinition {
  /** What `operators: [...]` names: `keyvalue`. */
  name: string;
  /** Deployment, event source and service account name: `keyvalue-operator`. */
  component: string;
  namespace: string;
  image: string;
  /** The CRD manifest; its custom resources carry `status.conditions`. */
  crd: KObject;
  resource: GroupResource;
  kind: string;
  /** controller-runtime's controller name (lower-case kind), shown in the log. */
  controller: string;
  /** Resources the custom resources own (`Owns(...)`): a change requeues the owner. */
  owns: readonly GroupResource[];
  /** Other changes that concern custom resources (`Watches(...)`): their `ns/name` keys. */
  enqueue?(change: Change, ctx: ControllerContext): string[];
  reconcile(cr: KObject, api: OperatorApi): ReconcileResult | void;
}

/** Thrown by the API handed to a reconcile once its object spent its write budget. */
class BudgetExceeded extends Error {}

const managerLabels = (def: OperatorDefinition): Record<string, string> => ({ 'app.kubernetes.io/name': def.component, 'control-plane': 'controller-manager' });

/** The operator's install manifest: namespace, service account and manager Deployment. */
export function operatorManifests(def: OperatorDefinition): Array<{ gr: GroupResource; object: KObject }> {
  const labels = managerLabels(def);
  return [
    { gr: CRDS, object: def.crd },
    { gr: CORE('namespaces'), object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: def.namespace, labels: { 'control-plane': 'controller-manager' } } } },
    { gr: CORE('serviceaccounts'), object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: def.component, namespace: def.namespace } } },
    {
      gr: { group: 'apps', resource: 'deployments' },
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: def.component, namespace: def.namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: def.component,
              terminationGracePeriodSeconds: 10,
              containers: [{
                name: 'manager',
                image: def.image,
                command: ['/manager'],
                args: ['--leader-elect', `--health-probe-bind-address=:${MANAGER_PORT}`],
                readinessProbe: { httpGet: { path: '/readyz', port: MANAGER_PORT }, initialDelaySeconds: 5, periodSeconds: 10 },
              }],
            },
          },
        },
      },
    },
  ];
}

export class OperatorHost implements Controller {
  readonly name: string;
  private readonly queue = new Set<string>();
  private readonly retries = new Map<string, { attempts: number; cancel: () => void }>();
  private readonly requeues = new Map<string, () => void>();
  private readonly suspended = new Map<string, () => void>();
  private readonly writes = new Map<string, { since: number; count: number }>();
  private readonly events: EventRecorder;
  private readonly source: { component: string };
  private readonly selector;
  private manager: Service | undefined;
  private wasUp = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly def: OperatorDefinition,
    private readonly connect: (ip: string, port: number) => Service | undefined,
  ) {
    this.name = def.component;
    this.events = new EventRecorder(ctx);
    this.source = { component: def.component };
    this.selector = fromLabelSelector({ matchLabels: managerLabels(def) });
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    const { gr } = c;
    if (gr.group === this.def.resource.group && gr.resource === this.def.resource.resource) {
      const key = keyOf(c.object);
      if (c.type === 'DELETED') this.forget(key);
      else this.queue.add(key);
    } else if (this.def.owns.some((o) => o.group === gr.group && o.resource === gr.resource)) {
      for (const o of [c.previous, c.object]) {
        const ref = controllerRefOf(o);
        if (ref?.kind === this.def.kind && ref.apiVersion.split('/')[0] === this.def.resource.group) this.queue.add(`${c.object.metadata?.namespace ?? ''}/${ref.name}`);
      }
    }
    for (const key of this.def.enqueue?.(c, this.ctx) ?? []) this.queue.add(key);
    // The manager pod came, went or changed: look again whether the operator runs.
    if (gr.group === '' && gr.resource === 'pods' && c.object.metadata?.namespace === this.def.namespace) return true;
    return this.queue.size > before;
  }

  hasWork(): boolean {
    return this.wasUp && this.queue.size > 0;
  }

  reconcile(): void {
    this.manager = this.findManager();
    const up = this.manager !== undefined;
    // A manager that starts lists every custom resource, as its informers' first List does.
    if (up && !this.wasUp) for (const cr of this.ctx.store.list(this.def.resource).items) this.queue.add(keyOf(cr));
    this.wasUp = up;
    if (!up) return;
    let budget = MAX_PER_TURN;
    for (const key of [...this.queue]) {
      if (budget-- <= 0) break;
      this.queue.delete(key);
      if (!this.suspended.has(key)) this.run(key);
    }
  }

  /** The running manager process (the first Running pod of the Deployment, the leader). */
  private findManager(): Service | undefined {
    const pods = this.ctx.store.list(PODS, { namespace: this.def.namespace }).items
      .filter((p) => this.selector.matches(p.metadata?.labels) && p.metadata?.deletionTimestamp === undefined && (p as { status?: { phase?: string } }).status?.phase === 'Running')
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    for (const pod of pods) {
      const ip = (pod as { status?: { podIP?: string } }).status?.podIP;
      const service = ip === undefined ? undefined : this.connect(ip, MANAGER_PORT);
      if (service?.tcp !== undefined) return service;
    }
    return undefined;
  }

  private log(level: 'INFO' | 'ERROR', message: string, fields: Record<string, string | number>): void {
    const json = Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ');
    this.manager?.tcp?.(`${level}\t${message}\t{${json}}`);
  }

  private forget(key: string): void {
    this.retries.get(key)?.cancel();
    this.retries.delete(key);
    this.requeues.get(key)?.();
    this.requeues.delete(key);
    this.suspended.get(key)?.();
    this.suspended.delete(key);
    this.writes.delete(key);
  }

  private run(key: string): void {
    const [namespace, name] = splitKey(key);
    const cr = this.ctx.store.get(this.def.resource, namespace, name);
    if (cr === undefined || cr.metadata?.deletionTimestamp !== undefined) return;
    const fields = { controller: this.def.controller, namespace, name };
    try {
      const result = this.def.reconcile(cr, this.api(key, fields));
      this.retries.get(key)?.cancel();
      this.retries.delete(key);
      this.setReconciled(key, undefined);
      if (result?.requeueAfterMs !== undefined) this.after(this.requeues, key, result.requeueAfterMs, 'requeue');
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const current = this.ctx.store.get(this.def.resource, namespace, name) ?? cr;
      if (e instanceof BudgetExceeded) {
        this.events.record(current, 'Warning', 'ReconcileBudgetExceeded', message, this.source);
        this.log('ERROR', 'Reconcile cut off', { ...fields, error: message });
        this.after(this.suspended, key, SUSPEND_MS, 'resume');
        return;
      }
      this.events.record(current, 'Warning', 'ReconcileError', `Reconciler error: ${message}`, this.source);
      this.log('ERROR', 'Reconciler error', { ...fields, error: message });
      this.setReconciled(key, message);
      // Our own condition write must not retry at once: the backoff decides when.
      this.queue.delete(key);
      const attempts = (this.retries.get(key)?.attempts ?? 0) + 1;
      this.retries.get(key)?.cancel();
      const delay = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
      const cancel = this.ctx.clock.after(delay, () => this.wake(key), { background: true, label: `${this.def.component} retry ${key}` });
      this.retries.set(key, { attempts, cancel });
    }
  }

  /** Requeues `key` later. Background timers: a broken operator must not keep `settle()` busy. */
  private after(timers: Map<string, () => void>, key: string, ms: number, what: string): void {
    timers.get(key)?.();
    timers.set(key, this.ctx.clock.after(ms, () => {
      timers.delete(key);
      this.wake(key);
    }, { background: true, label: `${this.def.component} ${what} ${key}` }));
  }

  private wake(key: string): void {
    this.queue.add(key);
  }

  /** Counts a write against the object's budget; past it the reconcile is cut off. */
  private spend(key: string): void {
    const now = this.ctx.clock.now();
    const w = this.writes.get(key);
    if (w === undefined || now - w.since >= WRITE_WINDOW_MS) {
      this.writes.set(key, { since: now, count: 1 });
      return;
    }
    if (++w.count > WRITE_BUDGET) {
      w.count = 0;
      throw new BudgetExceeded(`reconcile made more than ${WRITE_BUDGET} writes within ${WRITE_WINDOW_MS / 1000}s; suspended for ${SUSPEND_MS / 1000}s`);
    }
  }

  private api(key: string, fields: Record<string, string>): OperatorApi {
    const { registry, store, clock } = this.ctx;
    const write = <T>(fn: () => T): T => {
      this.spend(key);
      return fn();
    };
    return {
      now: () => clock.now(),
      get: (gr, namespace, name) => store.get(gr, namespace, name),
      list: (gr, namespace, labels) => store.list(gr, { namespace, ...(labels ? { labelSelector: fromLabelSelector({ matchLabels: labels }) } : {}) }).items,
      create: (gr, obj) => write(() => registry.create(gr, obj, { namespace: obj.metadata?.namespace ?? '' })),
      update: (gr, obj) => write(() => registry.update(gr, obj, { namespace: obj.metadata?.namespace ?? '' })),
      updateStatus: (gr, obj) => write(() => registry.update(gr, obj, { namespace: obj.metadata?.namespace ?? '', subresource: 'status' })),
      delete: (gr, namespace, name) => {
        write(() => registry.delete(gr, namespace, name));
      },
      event: (obj, type, reason, message) => this.events.record(obj, type, reason, message, this.source),
      log: (message, extra = {}) => this.log('INFO', message, { ...fields, ...extra }),
      connect: (ip, port) => this.connect(ip, port),
    };
  }

  /** `Reconciled=False` with the error while reconciles fail; `True` once one succeeds again. */
  private setReconciled(key: string, error: string | undefined): void {
    const [namespace, name] = splitKey(key);
    const cr = this.ctx.store.get(this.def.resource, namespace, name) as (KObject & { status?: { conditions?: Condition[] } }) | undefined;
    if (cr === undefined) return;
    const conditions = cr.status?.conditions ?? [];
    const old = conditions.find((c) => c.type === 'Reconciled');
    // Nothing to say about an object that never failed.
    if (error === undefined && old === undefined) return;
    const status = error === undefined ? 'True' : 'False';
    const next: Condition = {
      type: 'Reconciled',
      status,
      reason: error === undefined ? 'ReconcileSucceeded' : 'ReconcileError',
      message: error ?? '',
      lastTransitionTime: old?.status === status ? old.lastTransitionTime : rfc3339(this.ctx.clock.now()),
    };
    if (old !== undefined && deepEqual(old, next)) return;
    const updated = { ...cr, status: { ...cr.status, conditions: [...conditions.filter((c) => c.type !== 'Reconciled'), next] } };
    try {
      this.ctx.registry.update(this.def.resource, updated, { namespace, subresource: 'status' });
    } catch (e) {
      if (!isStatusError(e)) throw e;
    }
  }
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** Creates what does not exist yet (a restart of the shim from saved state finds it there). */
export function applyInstallManifests(ctx: ControllerContext, def: OperatorDefinition): void {
  for (const { gr, object } of operatorManifests(def)) {
    const m = object.metadata ?? {};
    if (ctx.store.get(gr, m.namespace ?? '', m.name ?? '') !== undefined) continue;
    ctx.registry.create(gr, deepClone(object), m.namespace ? { namespace: m.namespace } : {});
  }
}

/** Whether a pod is a ready member: Ready and not on its way out. */
export const isServing = (pod: KObject | undefined): boolean =>
  pod !== undefined && pod.metadata?.deletionTimestamp === undefined && isPodReady(pod as never);
