// ResourceQuota: the quota controller keeps status.hard/used of each quota in step with
// what its namespace holds, and the ResourceQuota admission plugin refuses a create that
// would exceed a quota, with the API server's "exceeded quota" 403.
// K:pkg/controller/resourcequota/resource_quota_controller.go (syncResourceQuota),
// K:pkg/quota/v1/evaluator/core/pods.go (podComputeUsageHelper, Constraints),
// K:pkg/quota/v1/evaluator/core/persistent_volume_claims.go, services.go,
// K:staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go (checkRequest).
import type { Container, Pod, ResourceQuota } from 'kubernetes-types/core/v1';
import type { AdmissionPlugin, Registry } from './registry.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { tolerate } from './controller-utils.ts';
import { formatNanos, parseQuantity, type QuantityFormat } from './decode/quantity.ts';
import { forbidden } from './errors.ts';
import { deepEqual, type GroupResource, type KObject } from './objects.ts';
import type { Change, Store } from './store.ts';

export const RESOURCE_QUOTAS = CORE('resourcequotas');
const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

interface Amount { nanos: bigint; format: QuantityFormat }
type Usage = Map<string, Amount>;

const count = (n: number): Amount => ({ nanos: BigInt(n) * 1_000_000_000n, format: 'DecimalSI' });
const amountOf = (q: unknown): Amount | undefined => {
  if (q === undefined || q === null) return undefined;
  try {
    const p = parseQuantity(String(q));
    return { nanos: p.nanos, format: p.format };
  } catch {
    return undefined;
  }
};
const add = (u: Usage, key: string, a: Amount): void => {
  const cur = u.get(key);
  u.set(key, cur === undefined ? { ...a } : { nanos: cur.nanos + a.nanos, format: cur.format });
};
const show = (a: Amount | undefined): string => (a === undefined ? '0' : formatNanos(a.nanos, a.format));

/** The group/resource a `count/<resource>[.<group>]` quota counts. */
function countTarget(key: string): GroupResource | undefined {
  if (!key.startsWith('count/')) return undefined;
  const rest = key.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** A pod's effective requests or limits: max(sum of containers, largest init container), plus overhead. */
function podResources(pod: Pod, which: 'requests' | 'limits'): Usage {
  const sum: Usage = new Map();
  for (const c of pod.spec?.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) {
      const a = amountOf(v);
      if (a !== undefined) add(sum, k, a);
    }
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) {
      const a = amountOf(v);
      if (a !== undefined && a.nanos > (sum.get(k)?.nanos ?? 0n)) sum.set(k, a);
    }
  }
  for (const [k, v] of Object.entries(pod.spec?.overhead ?? {})) {
    const a = amountOf(v);
    if (a !== undefined) add(sum, k, a);
  }
  return sum;
}

/** What one object adds to the quota resources (only pods, PVCs, services and counted kinds). */
export function usageOf(gr: GroupResource, obj: KObject): Usage {
  const u: Usage = new Map();
  add(u, `count/${gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`}`, count(1));
  if (gr.group !== '') return u;
  switch (gr.resource) {
    case 'pods': {
      const pod = obj as Pod;
      if (isTerminal(pod)) return new Map();
      add(u, 'pods', count(1));
      for (const [k, a] of podResources(pod, 'requests')) {
        add(u, `requests.${k}`, a);
        if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') add(u, k, a);
      }
      for (const [k, a] of podResources(pod, 'limits')) add(u, `limits.${k}`, a);
      break;
    }
    case 'persistentvolumeclaims': {
      add(u, 'persistentvolumeclaims', count(1));
      const spec = (obj as { spec?: { resources?: { requests?: Record<string, string> }; storageClassName?: string } }).spec;
      const storage = amountOf(spec?.resources?.requests?.storage);
      if (storage !== undefined) add(u, 'requests.storage', storage);
      const cls = spec?.storageClassName;
      if (cls) {
        add(u, `${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, count(1));
        if (storage !== undefined) add(u, `${cls}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
      }
      break;
    }
    case 'services': {
      add(u, 'services', count(1));
      const spec = (obj as { spec?: { type?: string; ports?: unknown[] } }).spec;
      if (spec?.type === 'LoadBalancer') add(u, 'services.loadbalancers', count(1));
      if (spec?.type === 'NodePort' || spec?.type === 'LoadBalancer') add(u, 'services.nodeports', count((spec.ports ?? []).length));
      break;
    }
    case 'configmaps': case 'secrets': case 'resourcequotas': case 'replicationcontrollers':
      add(u, gr.resource, count(1));
      break;
    default:
      break;
  }
  return u;
}

/** The resources a quota constrains that objects of this type use. */
const TRACKED: GroupResource[] = ['pods', 'persistentvolumeclaims', 'services', 'configmaps', 'secrets', 'resourcequotas'].map(CORE);

/** Usage of a namespace for the resources `hard` names. */
export function namespaceUsage(store: Store, namespace: string, hard: Record<string, unknown>): Record<string, string> {
  const total: Usage = new Map();
  const types = new Map<string, GroupResource>(TRACKED.map((gr) => [`${gr.group}/${gr.resource}`, gr]));
  for (const key of Object.keys(hard)) {
    const t = countTarget(key);
    if (t !== undefined) types.set(`${t.group}/${t.resource}`, t);
  }
  for (const gr of types.values()) {
    let items: KObject[];
    try {
      items = store.list(gr, { namespace }).items;
    } catch {
      continue;
    }
    for (const obj of items) for (const [k, a] of usageOf(gr, obj)) add(total, k, a);
  }
  const used: Record<string, string> = {};
  for (const key of Object.keys(hard).sort()) used[key] = show(total.get(key));
  return used;
}

const canonicalHard = (hard: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, show(amountOf(v))]));

export function installResourceQuota(cluster: Cluster): void {
  cluster.registry.addAdmission(resourceQuotaAdmission(cluster.store, cluster.registry));
  cluster.addController((ctx) => new ResourceQuotaController(ctx));
}

export class ResourceQuotaController implements Controller {
  readonly name = 'resourcequota-controller';
  private readonly dirty = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    for (const q of ctx.store.list(RESOURCE_QUOTAS).items) this.dirty.add(q.metadata?.namespace ?? '');
  }

  observe(c: Change): boolean {
    const ns = c.object.metadata?.namespace;
    if (ns === undefined) return false;
    if (c.gr.group === '' && c.gr.resource === 'events') return false;
    if (this.ctx.store.count(RESOURCE_QUOTAS, ns) === 0) return false;
    // The quota's own status writes change nothing it counts.
    if (c.gr.resource === 'resourcequotas' && c.type === 'MODIFIED' && deepEqual((c.previous as ResourceQuota | undefined)?.spec, (c.object as ResourceQuota).spec)) return false;
    const before = this.dirty.size;
    this.dirty.add(ns);
    return this.dirty.size > before;
  }

  hasWork(): boolean {
    return this.dirty.size > 0;
  }

  reconcile(): void {
    const namespaces = [...this.dirty];
    this.dirty.clear();
    for (const ns of namespaces) {
      for (const q of this.ctx.store.list(RESOURCE_QUOTAS, { namespace: ns }).items as Array<ResourceQuota & KObject>) {
        const hard = q.spec?.hard ?? {};
        const status = { hard: canonicalHard(hard), used: namespaceUsage(this.ctx.store, ns, hard) };
        if (deepEqual(status, q.status)) continue;
        tolerate(() => this.ctx.registry.update(RESOURCE_QUOTAS, { ...q, status } as KObject, { subresource: 'status' }));
      }
    }
  }
}

/** `a=b,c=d`, sorted by key: the quota admission's prettyPrint. */
const pretty = (m: Record<string, string>): string => Object.keys(m).sort().map((k) => `${k}=${m[k]}`).join(',');

/** Container names missing an explicit request/limit a quota on cpu or memory requires. */
function missingConstraints(pod: Pod, required: string[]): string | undefined {
  const missing = new Map<string, Set<string>>();
  const check = (c: Container): void => {
    for (const r of required) {
      const [which, res] = r.startsWith('limits.') ? ['limits', r.slice(7)] as const : ['requests', r.replace(/^requests\./, '')] as const;
      if (c.resources?.[which]?.[res] === undefined) {
        if (!missing.has(r)) missing.set(r, new Set());
        missing.get(r)!.add(c.name);
      }
    }
  };
  pod.spec?.containers.forEach(check);
  pod.spec?.initContainers?.forEach(check);
  if (missing.size === 0) return undefined;
  return `must specify ${[...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`).join('; ')}`;
}

const VALIDATION_SET = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/** The ResourceQuota validating admission plugin (creates only: updates are not re-charged here). */
export function resourceQuotaAdmission(store: Store, registry: Registry): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    validate(attrs) {
      if (attrs.subresource !== undefined || attrs.operation !== 'CREATE' || !attrs.type.namespaced) return;
      const ns = attrs.object.metadata?.namespace ?? '';
      const quotas = store.list(RESOURCE_QUOTAS, { namespace: ns }).items as Array<ResourceQuota & KObject>;
      if (quotas.length === 0) return;
      const requested = usageOf(attrs.type, attrs.object);
      if (requested.size === 0) return;
      const name = attrs.object.metadata?.name ?? attrs.object.metadata?.generateName ?? '';
      const charges: Array<[ResourceQuota & KObject, Record<string, string>]> = [];
      for (const q of [...quotas].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
        const hardSpec = q.spec?.hard ?? {};
        const constrained = Object.keys(hardSpec).filter((k) => requested.has(k));
        const isPod = attrs.type.group === '' && attrs.type.resource === 'pods';
        if (isPod) {
          const required = Object.keys(hardSpec).filter((k) => VALIDATION_SET.includes(k));
          const err = required.length > 0 ? missingConstraints(attrs.object as Pod, required) : undefined;
          if (err !== undefined) throw forbidden(attrs.type, name, `failed quota: ${q.metadata?.name ?? ''}: ${err}`);
        }
        if (constrained.length === 0) continue;
        const hard = q.status?.hard;
        if (hard === undefined) throw forbidden(attrs.type, name, `status unknown for quota: ${q.metadata?.name ?? ''}, resource: ${constrained.sort().join(',')}`);
        const used = q.status?.used ?? {};
        const exceeded = constrained.filter((k) => {
          const h = amountOf(hard[k]);
          const u = amountOf(used[k])?.nanos ?? 0n;
          return h !== undefined && u + requested.get(k)!.nanos > h.nanos;
        }).sort();
        if (exceeded.length === 0) {
          const next = { ...used };
          for (const k of constrained) next[k] = show({ nanos: (amountOf(used[k])?.nanos ?? 0n) + requested.get(k)!.nanos, format: amountOf(used[k])?.format ?? requested.get(k)!.format });
          charges.push([q, next]);
          continue;
        }
        const pick = (f: (k: string) => string): Record<string, string> => Object.fromEntries(exceeded.map((k) => [k, f(k)]));
        throw forbidden(attrs.type, name,
          `exceeded quota: ${q.metadata?.name ?? ''}, requested: ${pretty(pick((k) => show(requested.get(k))))}, used: ${pretty(pick((k) => show(amountOf(used[k]))))}, limited: ${pretty(pick((k) => show(amountOf(hard[k]))))}`);
      }
      // Admission charges the quota at once, so a burst of creates cannot overshoot it;
      // the controller recalculates from what exists afterwards.
      if (attrs.dryRun) return;
      for (const [q, used] of charges) tolerate(() => registry.update(RESOURCE_QUOTAS, { ...q, status: { ...q.status, used } } as KObject, { subresource: 'status' }));
    },
  };
}
