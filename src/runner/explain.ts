/**
 * Why an object is not (yet) what a check wants: the controller's side of a
 * failure. Reads what a real cluster exposes — status conditions, container
 * states and Events (`FailedBinding`, `ProvisioningFailed`,
 * `WaitForFirstConsumer`, `FailedScheduling`, `FailedCreate`, …) — so it says
 * the same on the shim and on kind. Also the rules a controller follows
 * (OrderedReady creation, claim templates, headless governing Services), to
 * name a missing object's cause.
 */
import type { KObject, ObjectRef } from './client.ts';
import type { ClusterView } from './view.ts';

/** At most this many lines of explanation per object: the first causes matter. */
const MAX_REASONS = 4;

interface Condition { type?: string; status?: string; reason?: string; message?: string }
interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

const WORKLOADS = new Set(['StatefulSet', 'Deployment', 'ReplicaSet', 'DaemonSet']);

/** Reasons an existing object is not as expected, most important first. */
export async function explainObject(view: ClusterView, obj: KObject): Promise<string[]> {
  const out: string[] = [];
  switch (obj.kind) {
    case 'Pod': out.push(...(await podReasons(view, obj))); break;
    case 'PersistentVolumeClaim': out.push(...(await claimReasons(view, obj))); break;
    case 'PersistentVolume': out.push(...volumeReasons(obj)); break;
    case 'Service': out.push(...(await serviceReasons(view, obj))); break;
    default:
      if (WORKLOADS.has(obj.kind ?? '')) out.push(...(await workloadReasons(view, obj)));
      else out.push(...conditionReasons(obj));
  }
  out.push(...(await warnings(view, obj, out)));
  return dedupe(out).slice(0, MAX_REASONS);
}

/** Reasons an object that a check names does not exist. */
export async function explainMissing(view: ClusterView, ref: ObjectRef): Promise<string[]> {
  const out: string[] = [];
  const namespace = ref.namespace ?? view.client.namespace;
  for (const r of view.applied) {
    if (r.error && r.kind === ref.kind && r.name === ref.name) out.push(`applying it (${r.source}) failed: ${r.error}`);
  }
  if (ref.kind === 'Pod') out.push(...(await missingStatefulSetPod(view, namespace, ref.name)));
  if (ref.kind === 'PersistentVolumeClaim') out.push(...(await missingClaim(view, namespace, ref.name)));
  if (out.length === 0) {
    // A controller that failed to create it usually says so in an event naming it.
    const events = await view.events(namespace);
    for (const e of events) {
      if (e.type === 'Warning' && typeof e.message === 'string' && new RegExp(`\\b${escape(ref.name)}\\b`).test(e.message)) {
        out.push(eventLine(e));
      }
    }
  }
  return dedupe(out).slice(0, MAX_REASONS);
}

// ---- Pods ----

async function podReasons(view: ClusterView, pod: KObject): Promise<string[]> {
  const name = pod.metadata?.name ?? '';
  const spec = (pod.spec ?? {}) as { nodeName?: string };
  const status = (pod.status ?? {}) as { phase?: string; reason?: string; message?: string; conditions?: Condition[]; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
  const out: string[] = [];
  if (pod.metadata?.deletionTimestamp) out.push(`Pod ${name} is terminating`);
  if (!spec.nodeName) {
    const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
    const event = latest(await view.eventsFor(pod), 'FailedScheduling');
    const why = scheduled?.status === 'False' ? scheduled.message ?? scheduled.reason : event?.message;
    out.push(why ? `Pod ${name} is Pending: ${why}` : `Pod ${name} is not scheduled to a node yet`);
    return out;
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    out.push(`Pod ${name} has ${status.phase}${status.reason ? `: ${status.reason}` : ''}${status.message ? `: ${status.message}` : ''}`);
  }
  for (const cs of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const waiting = cs.state?.waiting;
    if (waiting?.reason) out.push(`container ${cs.name} of Pod ${name} is waiting: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
    const last = cs.lastState?.terminated;
    if ((cs.restartCount ?? 0) > 0 && last) {
      out.push(`container ${cs.name} of Pod ${name} restarted ${cs.restartCount} time${cs.restartCount === 1 ? '' : 's'}; it last exited with code ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}`);
    }
  }
  if (status.phase === 'Pending' && (status.containerStatuses ?? []).length === 0) {
    out.push(`Pod ${name} is Pending on ${spec.nodeName}: its containers are not created yet`);
  }
  if (status.phase === 'Running') {
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') out.push(`Pod ${name} is Running but not Ready${ready?.message ? `: ${ready.message}` : ''}`);
  }
  return out;
}

// ---- Storage ----

/** Events the PV controller and provisioners record about a claim, latest first in importance. */
const CLAIM_EVENTS = ['ProvisioningFailed', 'FailedBinding', 'WaitForFirstConsumer', 'ExternalProvisioning', 'Provisioning'];

async function claimReasons(view: ClusterView, pvc: KObject): Promise<string[]> {
  const name = pvc.metadata?.name ?? '';
  const phase = (pvc.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Bound') return [];
  if (phase === 'Lost') return [`PVC ${name} is Lost: its PersistentVolume ${(pvc.spec as { volumeName?: string }).volumeName ?? ''} no longer exists`];
  const events = await view.eventsFor(pvc);
  for (const reason of CLAIM_EVENTS) {
    const e = latest(events, reason);
    if (e) return [`PVC ${name} is ${phase ?? 'Pending'}: ${e.message ?? reason}`];
  }
  return [`PVC ${name} is ${phase ?? 'Pending'}, and no event says why: nothing has tried to bind or provision it (is a volume binder running?)`];
}

function volumeReasons(pv: KObject): string[] {
  const status = (pv.status ?? {}) as { phase?: string; message?: string; reason?: string };
  if (status.phase === 'Released' || status.phase === 'Failed') {
    return [`PersistentVolume ${pv.metadata?.name} is ${status.phase}${status.message ? `: ${status.message}` : ''}`];
  }
  return [];
}

// ---- Services ----

async function serviceReasons(view: ClusterView, svc: KObject): Promise<string[]> {
  const selector = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await view.list({ apiVersion: 'v1', kind: 'Pod', namespace: svc.metadata?.namespace, labelSelector });
  return pods.length === 0 ? [`Service ${svc.metadata?.name} selects no Pods (selector ${labelSelector})`] : [];
}

// ---- Workloads ----

async function workloadReasons(view: ClusterView, obj: KObject): Promise<string[]> {
  const out: string[] = [];
  const name = obj.metadata?.name ?? '';
  const status = (obj.status ?? {}) as { observedGeneration?: number };
  if (status.observedGeneration === undefined) {
    out.push(`${obj.kind} ${name} has not been reconciled: its status has no observedGeneration, so no ${obj.kind} controller has acted on it`);
  } else if ((obj.metadata?.generation ?? 0) > status.observedGeneration) {
    out.push(`the ${obj.kind} controller has not acted on the latest change to ${name} yet (generation ${obj.metadata?.generation}, observed ${status.observedGeneration})`);
  }
  if (obj.kind === 'StatefulSet') out.push(...(await statefulSetReasons(view, obj)));
  else out.push(...(await ownedPodReasons(view, obj)));
  return out;
}

interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  podManagementPolicy?: string;
  volumeClaimTemplates?: { metadata?: { name?: string } }[];
}

async function statefulSetReasons(view: ClusterView, sts: KObject): Promise<string[]> {
  const out: string[] = [];
  const spec = (sts.spec ?? {}) as StatefulSetSpec;
  const namespace = sts.metadata?.namespace;
  if (spec.serviceName) {
    const svc = await view.get({ apiVersion: 'v1', kind: 'Service', namespace, name: spec.serviceName });
    if (!svc) out.push(`serviceName ${spec.serviceName} names no Service in namespace ${namespace}: the Pods get no stable DNS names`);
    else if ((svc.spec as { clusterIP?: string } | undefined)?.clusterIP !== 'None') {
      out.push(`Service ${spec.serviceName} is not headless (clusterIP ${(svc.spec as { clusterIP?: string }).clusterIP}): per-Pod DNS names need clusterIP: None`);
    }
  }
  const replicas = spec.replicas ?? 1;
  for (let i = 0; i < replicas; i++) {
    const reason = await ordinalReason(view, sts, i);
    if (reason.length > 0) {
      out.push(...reason);
      break; // the first Pod in trouble explains the ones after it
    }
  }
  return out;
}

/** Why Pod `<sts>-<i>` is missing or not Ready; empty when it is Ready. */
async function ordinalReason(view: ClusterView, sts: KObject, i: number): Promise<string[]> {
  const name = sts.metadata?.name ?? '';
  const spec = (sts.spec ?? {}) as StatefulSetSpec;
  const namespace = sts.metadata?.namespace;
  const podName = `${name}-${i}`;
  if (i >= (spec.replicas ?? 1)) return [`StatefulSet ${name} has replicas: ${spec.replicas ?? 1}, so it wants no Pod ${podName}`];
  const pod = await view.get({ apiVersion: 'v1', kind: 'Pod', namespace, name: podName });
  if (pod) return isReady(pod) ? [] : podReasons(view, pod);
  if ((sts.status as { observedGeneration?: number } | undefined)?.observedGeneration === undefined) {
    return [`Pod ${podName} does not exist: no StatefulSet controller has acted on StatefulSet ${name}`];
  }
  if (i > 0 && (spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady') {
    const previous = await view.get({ apiVersion: 'v1', kind: 'Pod', namespace, name: `${name}-${i - 1}` });
    if (!previous || !isReady(previous)) {
      return [`Pod ${podName} is not created yet: ${name}-${i - 1} is not Ready (podManagementPolicy OrderedReady creates Pods one at a time)`];
    }
  }
  const failed = latest(await view.eventsFor(sts), 'FailedCreate');
  return [failed ? eventLine(failed) : `Pod ${podName} does not exist yet`];
}

async function ownedPodReasons(view: ClusterView, obj: KObject): Promise<string[]> {
  const uid = obj.metadata?.uid;
  const pods = await view.list({ apiVersion: 'v1', kind: 'Pod', namespace: obj.metadata?.namespace });
  const owned = pods.filter((p) => p.metadata?.ownerReferences?.some((o) => o.uid === uid));
  // A Deployment owns ReplicaSets, which own the Pods.
  if (owned.length === 0 && obj.kind === 'Deployment') {
    const sets = await view.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: obj.metadata?.namespace });
    const mine = new Set(sets.filter((s) => s.metadata?.ownerReferences?.some((o) => o.uid === uid)).map((s) => s.metadata?.uid));
    owned.push(...pods.filter((p) => p.metadata?.ownerReferences?.some((o) => mine.has(o.uid))));
  }
  const notReady = owned.find((p) => !isReady(p));
  return notReady ? podReasons(view, notReady) : [];
}

// ---- Missing objects ----

async function missingStatefulSetPod(view: ClusterView, namespace: string, podName: string): Promise<string[]> {
  const m = /^(.+)-(\d+)$/.exec(podName);
  if (!m) return [];
  const sts = await view.get({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name: m[1]! });
  return sts ? ordinalReason(view, sts, Number(m[2])) : [];
}

/** A claim named `<template>-<statefulset>-<ordinal>` comes from a StatefulSet's claim template. */
async function missingClaim(view: ClusterView, namespace: string, claim: string): Promise<string[]> {
  const all = await view.list({ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace });
  for (const sts of all) {
    const name = sts.metadata?.name ?? '';
    const m = new RegExp(`^(.+)-${escape(name)}-(\\d+)$`).exec(claim);
    if (!m) continue;
    const templates = ((sts.spec as StatefulSetSpec | undefined)?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name);
    if (!templates.includes(m[1])) {
      return [`StatefulSet ${name} has no volumeClaimTemplates entry named ${m[1]}${templates.length === 0 ? ' (it has no claim templates)' : ` (it has ${templates.join(', ')})`}, so it makes no claim ${claim}`];
    }
    const pod = await ordinalReason(view, sts, Number(m[2]));
    return [`claim ${claim} is made by StatefulSet ${name} when it creates Pod ${name}-${m[2]}`, ...pod];
  }
  return [];
}

// ---- Shared ----

function conditionReasons(obj: KObject): string[] {
  const conditions = ((obj.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
  return conditions
    .filter((c) => c.status !== 'True' && (c.reason || c.message) && !/Progressing/.test(c.type ?? ''))
    .map((c) => `${obj.kind} ${obj.metadata?.name}: ${c.type} is ${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
}

/** Warning events about the object that the lines so far do not already say. */
async function warnings(view: ClusterView, obj: KObject, said: string[]): Promise<string[]> {
  const out: string[] = [];
  const events = (await view.eventsFor(obj)).filter((e) => e.type === 'Warning').reverse();
  for (const e of events) {
    const message = String(e.message ?? '');
    if (said.some((s) => s.includes(message)) || out.some((o) => o.includes(message))) continue;
    out.push(eventLine(e));
  }
  return out.slice(0, 2);
}

export function isReady(pod: KObject): boolean {
  const conditions = ((pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
  return !pod.metadata?.deletionTimestamp && conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function latest(events: KObject[], reason: string): KObject | undefined {
  return events.filter((e) => e.reason === reason).at(-1);
}

function eventLine(e: KObject): string {
  const io = (e.involvedObject ?? {}) as { kind?: string; name?: string };
  const count = typeof e.count === 'number' && e.count > 1 ? ` (x${e.count})` : '';
  return `${io.kind ?? ''} ${io.name ?? ''}: ${e.type} ${e.reason}${count}: ${e.message ?? ''}`.trim();
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
