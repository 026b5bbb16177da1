// Namespace lifecycle: a new namespace gets its `default` ServiceAccount and the
// `kube-root-ca.crt` ConfigMap (serviceaccounts-controller, root-ca-cert-publisher); a
// deleted one is emptied, reports progress in status.conditions, and is finalized.
// K:pkg/controller/namespace/deletion/namespaced_resources_deleter.go
import type { NamespaceCondition } from 'kubernetes-types/core/v1';
import { rfc3339 } from './clock.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { isStatusError } from './errors.ts';
import { deepClone, deepEqual, type KObject } from './objects.ts';
import { NAMESPACE_FINALIZER } from './strategy.ts';
import type { Change } from './store.ts';
import { encodeBase64 } from './base64.ts';

const NAMESPACES = CORE('namespaces');
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const ROOT_CA_DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class NamespaceController implements Controller {
  readonly name = 'namespace-controller';
  private readonly queue = new Set<string>();
  private readonly caBundle: string;

  constructor(private readonly ctx: ControllerContext) {
    this.caBundle = fakeCertificate(ctx.random.hex(640));
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    if (c.gr.group === '' && c.gr.resource === 'namespaces') {
      if (c.type !== 'DELETED') this.queue.add(c.object.metadata!.name!);
    } else {
      const ns = c.object.metadata?.namespace;
      // Content leaving a terminating namespace, or the defaults being removed.
      if (ns !== undefined && c.type === 'DELETED') this.queue.add(ns);
    }
    return this.queue.size > before;
  }

  reconcile(): void {
    const names = [...this.queue];
    this.queue.clear();
    for (const name of names) {
      const ns = this.ctx.store.get(NAMESPACES, '', name);
      if (ns === undefined) continue;
      if (ns.metadata?.deletionTimestamp !== undefined) this.drain(ns);
      else this.provision(name);
    }
  }

  private provision(namespace: string): void {
    const { store, registry } = this.ctx;
    if (store.get(CORE('serviceaccounts'), namespace, 'default') === undefined) {
      ignoreGone(() => registry.create(CORE('serviceaccounts'), { metadata: { name: 'default', namespace } }));
    }
    if (store.get(CORE('configmaps'), namespace, ROOT_CA_CONFIGMAP) === undefined) {
      ignoreGone(() =>
        registry.create(CORE('configmaps'), {
          metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { 'kubernetes.io/description': ROOT_CA_DESCRIPTION } },
          data: { 'ca.crt': this.caBundle },
        }),
      );
    }
  }

  /** One pass of the namespaced-resources deleter. */
  private drain(ns: KObject): void {
    const { store, registry, resources } = this.ctx;
    const name = ns.metadata!.name!;
    const remaining: string[] = [];
    const finalizers = new Map<string, number>();
    for (const gr of store.typesIn(name)) {
      const rt = resources.get(gr);
      if (rt === undefined || !rt.namespaced) continue;
      const items = store.list(gr, { namespace: name }).items;
      remaining.push(`${rt.resource}.${rt.group} has ${items.length} resource instances`);
      for (const obj of items) {
        for (const f of obj.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
        if (obj.metadata?.deletionTimestamp === undefined) {
          ignoreGone(() => registry.delete(gr, name, obj.metadata!.name!, { propagationPolicy: 'Background' }));
        }
      }
    }
    this.setConditions(ns, remaining.sort(), finalizers);
    if (remaining.length > 0) return;
    const current = store.get(NAMESPACES, '', name);
    if (current === undefined) return;
    const spec = (current.spec ?? {}) as { finalizers?: string[] };
    const next = deepClone(current);
    next.spec = { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER) };
    ignoreGone(() => registry.update(NAMESPACES, next, { subresource: 'finalize' }));
  }

  private setConditions(ns: KObject, remaining: string[], finalizers: Map<string, number>): void {
    const now = rfc3339(this.ctx.clock.now());
    const current = this.ctx.store.get(NAMESPACES, '', ns.metadata!.name!);
    if (current === undefined) return;
    const old = ((current.status as { conditions?: NamespaceCondition[] } | undefined)?.conditions ?? []);
    const cond = (type: string, status: string, reason: string, message: string): NamespaceCondition => {
      const prev = old.find((c) => c.type === type);
      const lastTransitionTime = prev !== undefined && prev.status === status ? (prev.lastTransitionTime ?? now) : now;
      return { type, status, lastTransitionTime, reason, message };
    };
    const finalizerText = [...finalizers].sort().map(([f, n]) => `${f} in ${n} resource instances`);
    const conditions = [
      cond('NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'),
      cond('NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
      cond('NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
      remaining.length > 0
        ? cond('NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${remaining.join(', ')}`)
        : cond('NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'),
      finalizerText.length > 0
        ? cond('NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizerText.join(', ')}`)
        : cond('NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
    ];
    if (deepEqual(conditions, old)) return;
    const next = deepClone(current);
    next.status = { ...((current.status as object | undefined) ?? {}), conditions };
    ignoreGone(() => this.ctx.registry.update(NAMESPACES, next, { subresource: 'status' }));
  }
}

/** Races with other writers (or a terminating namespace) are settled on the next change. */
function ignoreGone(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict') && !isStatusError(e, 'AlreadyExists') && !isStatusError(e, 'Forbidden')) throw e;
  }
}

/** A PEM-shaped CA bundle; its bytes are random but stable for a seed. */
function fakeCertificate(hex: string): string {
  const b64 = encodeBase64(new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

