// Pure helpers of the Deployment controller: template hashes, the revision and replica
// annotations, maxSurge/maxUnavailable arithmetic and conditions.
// K:pkg/controller/deployment/util/deployment_util.go, K:pkg/controller/controller_utils.go (ComputeHash)
import type { Deployment, DeploymentCondition, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { rfc3339 } from '../clock.ts';
import { deepEqual, type KObject } from '../objects.ts';
import { fnv32a, safeEncodeString } from '../random.ts';

export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** Annotations the controller never copies from a Deployment to its ReplicaSets. */
const SKIP_COPY = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);
/** maxRevHistoryLengthInChars in sync.go. */
const MAX_REVISION_HISTORY_CHARS = 2000;

export const REASON = {
  newRS: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export type RS = ReplicaSet & KObject;
export type Deploy = Deployment & KObject;

/** JSON with sorted keys: the same template always hashes the same. */
function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
}

/**
 * controller.ComputeHash: FNV-1a over the template (+ collisionCount), SafeEncoded. The
 * values differ from Go's (which hashes Go's deep-print), the shape does not.
 */
export function podTemplateHash(template: PodTemplateSpec | undefined, collisionCount: number | undefined): string {
  const text = stable(template ?? {}) + (collisionCount === undefined ? '' : `\u0000${collisionCount}`);
  return safeEncodeString(String(fnv32a(text)));
}

/**
 * EqualIgnoreHash: templates equal once the pod-template-hash label is set aside (and,
 * as with Semantic.DeepEqual, an empty label map equals none).
 */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  if (!deepEqual(a?.spec, b?.spec)) return false;
  const labels = (t: PodTemplateSpec | undefined): Record<string, string> | undefined => {
    const l = t?.metadata?.labels;
    if (l === undefined || !(POD_TEMPLATE_HASH in l)) return l === undefined || Object.keys(l).length === 0 ? undefined : l;
    const { [POD_TEMPLATE_HASH]: _hash, ...rest } = l;
    return Object.keys(rest).length === 0 ? undefined : rest;
  };
  if (!deepEqual(labels(a), labels(b))) return false;
  const rest = (t: PodTemplateSpec | undefined): object => ({ ...(t?.metadata ?? {}), labels: undefined });
  return deepEqual(rest(a), rest(b));
}

export const replicas = (o: { spec?: { replicas?: number } } | undefined): number => o?.spec?.replicas ?? 1;

export const revisionOf = (o: KObject | undefined): number => {
  const v = Number(o?.metadata?.annotations?.[REVISION] ?? '');
  return Number.isInteger(v) ? v : 0;
};

export const maxRevision = (sets: readonly RS[]): number => Math.max(0, ...sets.map(revisionOf));

export const isRollingUpdate = (d: Deploy): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** intstr.GetScaledValueFromIntOrPercent */
function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m === null) return Number.isInteger(Number(v)) ? Number(v) : 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** ResolveFenceposts: surge rounds up, unavailable down, and never both zero. */
export function fenceposts(d: Deploy): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  const desired = replicas(d);
  const surge = scaled(ru?.maxSurge ?? '25%', desired, true);
  let unavailable = scaled(ru?.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export const maxSurge = (d: Deploy): number => (isRollingUpdate(d) ? fenceposts(d).surge : 0);

export function maxUnavailable(d: Deploy): number {
  if (!isRollingUpdate(d) || replicas(d) === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas(d));
}

export const sumSpec = (sets: ReadonlyArray<RS | undefined>): number => sets.reduce((n, s) => n + (s === undefined ? 0 : replicas(s)), 0);
export const sumStatus = (sets: ReadonlyArray<RS | undefined>, f: 'replicas' | 'readyReplicas' | 'availableReplicas'): number =>
  sets.reduce((n, s) => n + (s?.status?.[f] ?? 0), 0);

export const activeSets = (sets: ReadonlyArray<RS | undefined>): RS[] => sets.filter((s): s is RS => s !== undefined && replicas(s) > 0);

export function byCreation(a: KObject, b: KObject): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Copies the deployment's own annotations onto the RS; true when something changed. */
function copyAnnotations(d: Deploy, rs: RS): boolean {
  const annotations = (rs.metadata!.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIP_COPY.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations */
export function setReplicasAnnotations(rs: RS, desired: number, max: number): boolean {
  const annotations = (rs.metadata!.annotations ??= {});
  let changed = false;
  if (annotations[DESIRED_REPLICAS] !== String(desired)) {
    annotations[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS] !== String(max)) {
    annotations[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: RS, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: the new RS carries the highest revision; an RS brought
 * back by a rollback keeps its former revisions in revision-history.
 */
export function setNewReplicaSetAnnotations(d: Deploy, rs: RS, newRevision: number, exists: boolean): boolean {
  let changed = copyAnnotations(d, rs);
  const annotations = (rs.metadata!.annotations ??= {});
  const old = annotations[REVISION];
  const oldInt = old === undefined || old === '' ? 0 : Number(old);
  if (!Number.isInteger(oldInt)) return false;
  if (oldInt < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    if (old !== undefined) {
      const history = annotations[REVISION_HISTORY] ?? '';
      if (history === '') annotations[REVISION_HISTORY] = old;
      else {
        const parts = history.split(',');
        let total = history.length + old.length + 1;
        let start = 0;
        while (total > MAX_REVISION_HISTORY_CHARS && start < parts.length) total -= parts[start++]!.length + 1;
        if (total <= MAX_REVISION_HISTORY_CHARS) annotations[REVISION_HISTORY] = [...parts.slice(start), old].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

// ---- conditions ---------------------------------------------------------------------

export function newCondition(type: string, status: string, reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export const getCondition = (conds: readonly DeploymentCondition[] | undefined, type: string): DeploymentCondition | undefined =>
  conds?.find((c) => c.type === type);

/** SetDeploymentCondition: same status and reason is a no-op; a new one goes last. */
export function setCondition(conds: DeploymentCondition[], cond: DeploymentCondition): DeploymentCondition[] {
  const current = getCondition(conds, cond.type);
  if (current !== undefined && current.status === cond.status && current.reason === cond.reason) return conds;
  const next = { ...cond };
  if (current !== undefined && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  return [...conds.filter((c) => c.type !== cond.type), next];
}

export const removeCondition = (conds: DeploymentCondition[], type: string): DeploymentCondition[] => conds.filter((c) => c.type !== type);

export const hasProgressDeadline = (d: Deploy): boolean => (d.spec?.progressDeadlineSeconds ?? 600) !== 2147483647;
export const progressDeadline = (d: Deploy): number => d.spec?.progressDeadlineSeconds ?? 600;
export const revisionHistoryLimit = (d: Deploy): number => d.spec?.revisionHistoryLimit ?? 10;
