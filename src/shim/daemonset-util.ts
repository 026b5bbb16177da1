// What the DaemonSet controller decides from a DaemonSet and a Node alone: whether the
// node should run (or keep running) a daemon pod, the tolerations and node affinity every
// daemon pod gets, which pods are up to date, the revision data and hash, and the
// rolling-update budgets. K:pkg/controller/daemon/util/daemonset_util.go,
// K:pkg/controller/daemon/daemon_controller.go (NodeShouldRunDaemonPod, predicates),
// K:pkg/controller/daemon/update.go (getPatch, Match).
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Affinity, Node, Pod, PodSpec, PodTemplateSpec, Toleration } from 'kubernetes-types/core/v1';
import { equalRevision, hashControllerRevision, newControllerRevision, sortedKeys, type Revision } from './controller-revision.ts';
import { deepClone, type GroupResource, type KObject } from './objects.ts';
import { nodeMatchesPod, tolerates } from './scheduler.ts';

export type DS = DaemonSet & KObject;
export type P = Pod & KObject;

export const DAEMONSETS: GroupResource = { group: 'apps', resource: 'daemonsets' };
/** apps.DefaultDaemonSetUniqueLabelKey: the revision hash on pods and revisions. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
/** extensions.DaemonSetTemplateGenerationKey. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** apps.DeprecatedTemplateGeneration: the API server keeps spec.templateGeneration here. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** A sync's failure: the rest of the sync still ran; the set is retried with backoff. */
export class SyncError extends Error {}

const exists = (key: string, effect: 'NoExecute' | 'NoSchedule'): Toleration => ({ key, operator: 'Exists', effect });

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods survive a node going not-ready or
 * unreachable (no tolerationSeconds) and land on nodes under pressure or cordoned;
 * host-network ones also on nodes whose network is not set up yet.
 */
export function daemonPodTolerations(spec: PodSpec | undefined): Toleration[] {
  let tolerations = [...(spec?.tolerations ?? [])];
  const add = (t: Toleration): void => {
    tolerations = addOrUpdateToleration(tolerations, t);
  };
  add(exists('node.kubernetes.io/not-ready', 'NoExecute'));
  add(exists('node.kubernetes.io/unreachable', 'NoExecute'));
  add(exists('node.kubernetes.io/disk-pressure', 'NoSchedule'));
  add(exists('node.kubernetes.io/memory-pressure', 'NoSchedule'));
  add(exists('node.kubernetes.io/pid-pressure', 'NoSchedule'));
  add(exists('node.kubernetes.io/unschedulable', 'NoSchedule'));
  if (spec?.hostNetwork === true) add(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return tolerations;
}

/**
 * v1helper.AddOrUpdateTolerationInPodSpec: a toleration with the same key, operator,
 * value and effect is replaced in place (dropping e.g. its tolerationSeconds); otherwise
 * the new one is appended.
 */
function addOrUpdateToleration(list: Toleration[], t: Toleration): Toleration[] {
  const same = (o: Toleration): boolean =>
    (o.key ?? '') === (t.key ?? '') && (o.effect ?? '') === (t.effect ?? '') && (o.operator ?? '') === (t.operator ?? '') && (o.value ?? '') === (t.value ?? '');
  if (!list.some(same)) return [...list, t];
  return list.map((o) => (same(o) ? t : o));
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity becomes
 * "metadata.name In [node]", so the default scheduler binds it to that node only.
 */
export function nodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  const out = deepClone(affinity ?? {});
  out.nodeAffinity = { ...out.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required };
  return out;
}

/** GetTargetNodeName: spec.nodeName, or the node named by the pod's matchFields affinity. */
export function targetNodeName(pod: Pod): string | undefined {
  if ((pod.spec?.nodeName ?? '') !== '') return pod.spec!.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const exp of term.matchFields ?? []) {
      if (exp.key === 'metadata.name' && exp.operator === 'In') return exp.values?.length === 1 ? exp.values[0] : undefined;
    }
  }
  return undefined;
}

// A DaemonSet's template is frozen in the store: its daemon-pod view can be kept.
const podViews = new WeakMap<object, Pod>();

/** NewPod: the template with the daemon tolerations, as the predicates see it. */
function daemonPodView(ds: DS): Pod {
  const template = ds.spec?.template ?? {};
  let pod = podViews.get(template);
  if (pod === undefined) {
    pod = { metadata: template.metadata, spec: { ...(template.spec ?? { containers: [] }), tolerations: daemonPodTolerations(template.spec) } };
    podViews.set(template, pod);
  }
  return pod;
}

export interface NodeVerdict {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** A daemon pod already here may stay (it tolerates the NoExecute taints). */
  shouldContinueRunning: boolean;
}

/**
 * NodeShouldRunDaemonPod: nodeName, nodeSelector and required node affinity must fit;
 * untolerated NoSchedule/NoExecute taints keep new pods off, and only NoExecute ones
 * evict. spec.unschedulable is not looked at: daemon pods tolerate the cordon taint.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DS): NodeVerdict {
  const name = node.metadata?.name ?? '';
  const wanted = ds.spec?.template?.spec?.nodeName ?? '';
  if (wanted !== '' && wanted !== name) return { shouldRun: false, shouldContinueRunning: false };
  const pod = daemonPodView(ds);
  if (!nodeMatchesPod(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = pod.spec?.tolerations ?? [];
  let fits = true;
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (tolerations.some((t) => tolerates(t, taint))) continue;
    if (taint.effect === 'NoExecute') return { shouldRun: false, shouldContinueRunning: false };
    fits = false;
  }
  return { shouldRun: fits, shouldContinueRunning: true };
}

/** GetTemplateGeneration: the annotation as a number; undefined when missing or not an integer. */
export function templateGeneration(ds: DS): number | undefined {
  const raw = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** IsPodUpdated: the current revision's hash, or (for old pods) the template generation. */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  return (hash !== '' && labels[REVISION_HASH_LABEL] === hash) || templateMatches;
}

/**
 * CreatePodTemplate: the template with the daemon tolerations and the generation and
 * revision labels every daemon pod carries.
 */
export function daemonPodTemplate(ds: DS, hash: string): PodTemplateSpec {
  const template = deepClone(ds.spec?.template ?? {});
  const spec: PodSpec = template.spec ?? { containers: [] };
  spec.tolerations = daemonPodTolerations(spec);
  template.spec = spec;
  const labels: Record<string, string> = { ...template.metadata?.labels };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash !== '') labels[REVISION_HASH_LABEL] = hash;
  template.metadata = { ...template.metadata, labels };
  return template;
}

const patchOfTemplate = new WeakMap<object, Record<string, unknown>>();

/**
 * getPatch: `{"spec":{"template":{…,"$patch":"replace"}}}`, a strategic merge patch that
 * puts the template back (what `kubectl rollout undo` sends). Keys sorted, as Go writes
 * them from a map, so the bytes compare like upstream's Match.
 */
export function revisionData(ds: DS): Record<string, unknown> {
  const template = ds.spec?.template;
  const cached = template === undefined ? undefined : patchOfTemplate.get(template);
  if (cached !== undefined) return cached;
  const data = sortedKeys({ spec: { template: { ...deepClone(template ?? {}), $patch: 'replace' } } });
  if (template !== undefined) patchOfTemplate.set(template, data);
  return data;
}

/** Match: the revision holds exactly this DaemonSet's template. */
export const matchesRevision = (ds: DS, revision: Revision): boolean =>
  equalRevision({ data: revisionData(ds), revision: 0 } as Revision, revision);

/** controller.ComputeHash of the template and collision count (our bytes, upstream's shape). */
export const templateHash = (ds: DS): string => hashControllerRevision(ds.spec?.template ?? {}, ds.status?.collisionCount);

/**
 * snapshot's revision: named `<ds>-<hash>`, labelled with the template's labels and the
 * hash, annotated with the DaemonSet's annotations (a change-cause shows in history).
 */
export function newDaemonSetRevision(ds: DS, revision: number): Revision {
  const hash = templateHash(ds);
  const rev = newControllerRevision(ds, ds.spec?.template?.metadata?.labels, revisionData(ds), revision, 0);
  const m = rev.metadata!;
  m.name = `${ds.metadata?.name ?? ''}-${hash}`;
  const labels: Record<string, string> = { ...ds.spec?.template?.metadata?.labels, [REVISION_HASH_LABEL]: hash };
  m.labels = labels;
  if (ds.metadata?.annotations !== undefined) m.annotations = { ...ds.metadata.annotations };
  return rev;
}

/** intstr.GetScaledValueFromIntOrPercent. */
function scaled(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m === null) return 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

const rollingUpdate = (ds: DS) =>
  ds.spec?.updateStrategy?.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined;

/** SurgeCount: maxSurge of `desired`, rounded up; 0 unless RollingUpdate asks for it. */
export const surgeCount = (ds: DS, desired: number): number => scaled(rollingUpdate(ds)?.maxSurge, desired, true);

/** UnavailableCount: maxUnavailable of `desired`, rounded up. */
export const unavailableCount = (ds: DS, desired: number): number => scaled(rollingUpdate(ds)?.maxUnavailable, desired, true);

/** AllowsSurge. */
export const allowsSurge = (ds: DS): boolean => surgeCount(ds, 1) !== 0;

/** podByCreationTimestampAndPhase: scheduled first, then oldest, then by name. */
export function byCreationTimestampAndPhase(a: Pod, b: Pod): number {
  const sa = (a.spec?.nodeName ?? '') !== '';
  const sb = (b.spec?.nodeName ?? '') !== '';
  if (sa !== sb) return sa ? -1 : 1;
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta === tb) {
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  return ta < tb ? -1 : 1;
}
