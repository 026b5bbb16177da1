// Per-kind rules the generic registry applies on create, update and delete: what
// status a new object starts with, when generation moves, what graceful deletion
// means. Upstream keeps these in each kind's strategy.go
// (e.g. K:pkg/registry/core/pod/strategy.go, K:pkg/registry/core/namespace/strategy.go).
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { deepEqual, meta, type KObject } from './objects.ts';
import type { ResourceType } from './resources.ts';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const NAMESPACE_FINALIZER = 'kubernetes';

const isKind = (rt: ResourceType, group: string, resource: string): boolean =>
  rt.group === group && rt.resource === resource;

/** PrepareForCreate: clears client-set status and fills what the server owns. */
export function prepareForCreate(rt: ResourceType, obj: KObject): void {
  const m = meta(obj);
  if (rt.subresources.status === true) delete obj.status;
  if (rt.generation !== undefined) m.generation = 1;
  else delete m.generation;
  if (isKind(rt, '', 'pods')) obj.status = { phase: 'Pending', qosClass: qosClass(obj as Pod) };
  if (isKind(rt, '', 'persistentvolumeclaims') || isKind(rt, '', 'persistentvolumes')) obj.status = { phase: 'Pending' };
  if (isKind(rt, '', 'namespaces')) {
    obj.status = { phase: 'Active' };
    const spec = (obj.spec ?? {}) as { finalizers?: string[] };
    // The namespace controller's own finalizer: content is removed before the namespace.
    if (!(spec.finalizers ?? []).includes(NAMESPACE_FINALIZER)) spec.finalizers = [...(spec.finalizers ?? []), NAMESPACE_FINALIZER];
    obj.spec = spec;
  }
  namespaceLabel(rt, obj);
}

/** PrepareForUpdate on the main resource: carries over what the client may not change here. */
export function prepareForUpdate(rt: ResourceType, obj: KObject, old: KObject): void {
  if (rt.subresources.status === true) {
    if (old.status === undefined) delete obj.status;
    else obj.status = old.status;
  }
  if (isKind(rt, '', 'namespaces')) {
    // spec.finalizers only change through the `finalize` subresource.
    obj.spec = { ...((obj.spec as object | undefined) ?? {}), finalizers: (old.spec as { finalizers?: string[] } | undefined)?.finalizers };
  }
  namespaceLabel(rt, obj);
}

/**
 * Bumps metadata.generation when the spec changed. Upstream decodes (and so defaults) a
 * body before PrepareForUpdate compares specs; here defaulting is admission, so this
 * runs after it: a patch that sets a field to its current value changes nothing.
 */
export function updateGeneration(rt: ResourceType, obj: KObject, old: KObject): void {
  const generation = old.metadata?.generation;
  if (generation !== undefined) meta(obj).generation = generationChanged(rt, old, obj) ? generation + 1 : generation;
}

/** Since 1.21 every namespace carries its own name as a label, for namespaceSelectors. */
function namespaceLabel(rt: ResourceType, obj: KObject): void {
  if (!isKind(rt, '', 'namespaces')) return;
  const m = meta(obj);
  m.labels = { ...m.labels, [NAMESPACE_NAME_LABEL]: m.name ?? '' };
}

function generationChanged(rt: ResourceType, old: KObject, obj: KObject): boolean {
  if (rt.generation === 'spec') return !deepEqual(old.spec, obj.spec);
  if (rt.generation === 'nonMetadata') {
    const strip = (o: KObject): KObject => {
      const { metadata: _m, status, ...rest } = o;
      return rt.subresources.status === true ? rest : { ...rest, status };
    };
    return !deepEqual(strip(old), strip(obj));
  }
  return false;
}

/**
 * Pod `CheckGracefulDelete`: the grace period a DELETE gets, or undefined when the kind
 * has no graceful deletion. Unscheduled or finished pods go at once.
 */
export function gracePeriodFor(rt: ResourceType, obj: KObject, requested: number | undefined): number | undefined {
  if (!isKind(rt, '', 'pods')) return undefined;
  const pod = obj as Pod;
  // 30 is the API default for terminationGracePeriodSeconds, for pods stored undefaulted.
  let period = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  if ((pod.spec?.nodeName ?? '') === '') period = 0;
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') period = 0;
  return period < 0 ? 1 : period;
}

/** K:pkg/apis/core/helper/qos/qos.go, for requests/limits on cpu and memory. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const q = req[r] ?? lim[r];
      if (q !== undefined && String(q) !== '0') any = true;
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
