// The scheduler's PodTopologySpread plugin: `whenUnsatisfiable: DoNotSchedule`
// constraints filter nodes (a domain may not get more than maxSkew above the least
// loaded eligible domain), `ScheduleAnyway` constraints score them, and a pod without
// constraints of its own is scored against the cluster defaults (hostname maxSkew 3,
// zone maxSkew 5) over the pods of its Services and its ReplicaSet/StatefulSet.
// K:pkg/scheduler/framework/plugins/podtopologyspread/{common,filtering,scoring,plugin}.go,
// K:pkg/scheduler/framework/plugins/helper/spread.go (DefaultSelector).
import type { Pod, Service } from 'kubernetes-types/core/v1';
import { CORE, type ControllerContext } from './controller.ts';
import { nodeMatchesPod, tolerates, type FilterFailure, type NodeInfo, type SchedulerPlugin } from './scheduler.ts';
import { fromLabelSelector, LabelSelector, type Labels, type Requirement } from './selectors.ts';
import type { LabelSelector as MetaLabelSelector } from 'kubernetes-types/meta/v1';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_NODE_LABEL_NOT_MATCH = `${ERR_CONSTRAINTS_NOT_MATCH} (missing required label)`;
const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  /** The selector as text, to cache counts by. */
  selectorKey: string;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

/** `systemDefaulted` constraints, used for scoring when a pod has none (K:.../podtopologyspread/plugin.go). */
const SYSTEM_DEFAULTS = [{ topologyKey: HOSTNAME, maxSkew: 3 }, { topologyKey: ZONE, maxSkew: 5 }];

/** LabelSelectorAsSelector; a selector that does not parse (validation should stop it) matches nothing. */
export function selectorOf(sel: MetaLabelSelector | null | undefined, extra: readonly Requirement[] = []): LabelSelector {
  try {
    const base = fromLabelSelector(sel);
    // labels.Nothing().Add(…) stays Nothing.
    if (sel === null || sel === undefined || extra.length === 0) return base;
    return new LabelSelector([...base.requirements, ...extra]);
  } catch {
    return LabelSelector.nothing();
  }
}

/** filterTopologySpreadConstraints: the pod's constraints for one action, matchLabelKeys merged (beta, on in 1.32). */
function podConstraints(pod: Pod, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const labels = pod.metadata?.labels ?? {};
  const out: Constraint[] = [];
  for (const c of pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== action) continue;
    const extra: Requirement[] = (c.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k) => ({ key: k, op: '=', values: [labels[k]!] }));
    const selector = selectorOf(c.labelSelector, extra);
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      selectorKey: selector.toString(),
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorNodeTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    });
  }
  return out;
}

/**
 * DefaultSelector: the selectors of the Services that select the pod, merged, and the
 * selector of its controlling ReplicaSet, StatefulSet or ReplicationController.
 */
function defaultSelector(ctx: ControllerContext, pod: Pod): LabelSelector {
  const ns = pod.metadata?.namespace ?? '';
  const labels = pod.metadata?.labels ?? {};
  const set = new Map<string, string>();
  for (const svc of ctx.store.list(CORE('services'), { namespace: ns }).items as Service[]) {
    const sel = svc.spec?.selector;
    if (sel === undefined || sel === null) continue;
    if (Object.entries(sel).every(([k, v]) => labels[k] === v)) for (const [k, v] of Object.entries(sel)) set.set(k, v);
  }
  const reqs: Requirement[] = [...set].map(([key, v]) => ({ key, op: '=', values: [v] }));
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (owner !== undefined) {
    const gr = owner.apiVersion === 'apps/v1' && owner.kind === 'ReplicaSet' ? { group: 'apps', resource: 'replicasets' }
      : owner.apiVersion === 'apps/v1' && owner.kind === 'StatefulSet' ? { group: 'apps', resource: 'statefulsets' }
        : owner.apiVersion === 'v1' && owner.kind === 'ReplicationController' ? CORE('replicationcontrollers')
          : undefined;
    const obj = gr === undefined ? undefined : ctx.store.get(gr, ns, owner.name);
    const spec = obj?.spec as { selector?: MetaLabelSelector | Record<string, string> } | undefined;
    if (spec?.selector !== undefined) {
      // A ReplicationController's selector is a plain map; the others are metav1.LabelSelectors.
      if (owner.kind === 'ReplicationController') for (const [k, v] of Object.entries(spec.selector as Record<string, string>)) reqs.push({ key: k, op: '=', values: [v] });
      else reqs.push(...selectorOf(spec.selector as MetaLabelSelector).requirements);
    }
  }
  return new LabelSelector(reqs);
}

function defaultConstraints(ctx: ControllerContext, pod: Pod): Constraint[] {
  const selector = defaultSelector(ctx, pod);
  if (selector.empty) return [];
  return SYSTEM_DEFAULTS.map((d) => ({ ...d, selector, selectorKey: selector.toString(), minDomains: 1, honorNodeAffinity: true, honorNodeTaints: false }));
}

// Matching pods per node, by namespace and selector, for the node's current generation:
// scheduling a ReplicaSet's pods one after another then recounts only the node that changed.
const countCache = new WeakMap<NodeInfo, { generation: number; counts: Map<string, number> }>();

/** countPodsMatchSelector: terminating pods and other namespaces do not count; an empty selector counts nothing. */
function countMatching(ni: NodeInfo, c: Constraint, ns: string, key = `${ns}\u0000${c.selectorKey}`): number {
  if (c.selector.empty) return 0;
  let entry = countCache.get(ni);
  if (entry === undefined || entry.generation !== ni.generation) {
    entry = { generation: ni.generation, counts: new Map() };
    countCache.set(ni, entry);
  }
  const hit = entry.counts.get(key);
  if (hit !== undefined) return hit;
  let n = 0;
  for (const p of ni.pods.values()) {
    if (p.metadata?.deletionTimestamp !== undefined || p.metadata?.namespace !== ns) continue;
    if (c.selector.matches(p.metadata?.labels)) n++;
  }
  entry.counts.set(key, n);
  return n;
}

const hasAllKeys = (labels: Labels, constraints: readonly Constraint[]): boolean => constraints.every((c) => labels[c.topologyKey] !== undefined);

/** matchNodeInclusionPolicies: nodeAffinityPolicy (default Honor) and nodeTaintsPolicy (default Ignore). */
function included(c: Constraint, pod: Pod, ni: NodeInfo): boolean {
  const nodeConstraints = pod.spec?.nodeSelector !== undefined || pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;
  if (c.honorNodeAffinity && nodeConstraints && !nodeMatchesPod(pod, ni.node)) return false;
  if (c.honorNodeTaints) {
    const tolerations = pod.spec?.tolerations ?? [];
    const untolerated = (ni.node.spec?.taints ?? []).some((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerations.some((tol) => tolerates(tol, t)));
    if (untolerated) return false;
  }
  return true;
}

interface FilterState {
  uid: string;
  constraints: Constraint[];
  /** Matching pods per `key=value` domain over eligible nodes. */
  counts: Map<string, number>;
  /** The least loaded domain's count, and the number of domains, per topology key. */
  min: Map<string, number>;
  domains: Map<string, number>;
}

const pair = (key: string, value: string): string => `${key}\u0000${value}`;

export function podTopologySpreadPlugin(ctx: ControllerContext): SchedulerPlugin {
  let state: FilterState | undefined;

  return {
    name: POD_TOPOLOGY_SPREAD,
    weight: 2,

    /** calPreFilterState: count matching pods per domain (the cluster defaults never filter). */
    preFilter(pod, nodes) {
      state = undefined;
      const constraints = podConstraints(pod, 'DoNotSchedule');
      if (constraints.length === 0) return undefined;
      const ns = pod.metadata?.namespace ?? '';
      const counts = new Map<string, number>();
      for (const ni of nodes) {
        const labels = ni.node.metadata?.labels ?? {};
        if (!hasAllKeys(labels, constraints)) continue;
        for (const c of constraints) {
          if (!included(c, pod, ni)) continue;
          const k = pair(c.topologyKey, labels[c.topologyKey]!);
          counts.set(k, (counts.get(k) ?? 0) + countMatching(ni, c, ns));
        }
      }
      const min = new Map<string, number>();
      const domains = new Map<string, number>();
      for (const [k, n] of counts) {
        const key = k.slice(0, k.indexOf('\u0000'));
        domains.set(key, (domains.get(key) ?? 0) + 1);
        min.set(key, Math.min(min.get(key) ?? Infinity, n));
      }
      state = { uid: pod.metadata?.uid ?? '', constraints, counts, min, domains };
      return undefined;
    },

    filter(pod, ni): FilterFailure | undefined {
      const s = state;
      if (s === undefined || s.uid !== pod.metadata?.uid) return undefined;
      const labels = ni.node.metadata?.labels ?? {};
      for (const c of s.constraints) {
        const value = labels[c.topologyKey];
        if (value === undefined) return { reasons: [ERR_NODE_LABEL_NOT_MATCH], unresolvable: true };
        // Fewer eligible domains than minDomains: the global minimum counts as 0.
        let minMatch = s.min.get(c.topologyKey) ?? Infinity;
        if ((s.domains.get(c.topologyKey) ?? 0) < c.minDomains) minMatch = 0;
        const self = c.selector.matches(pod.metadata?.labels) ? 1 : 0;
        const skew = (s.counts.get(pair(c.topologyKey, value)) ?? 0) + self - minMatch;
        if (skew > c.maxSkew) return { reasons: [ERR_CONSTRAINTS_NOT_MATCH], unresolvable: false };
      }
      return undefined;
    },

    /** PreScore, Score and NormalizeScore: fewer matching pods in a node's domains scores higher. */
    score(pod, feasible, nodes) {
      const explicit = (pod.spec?.topologySpreadConstraints ?? []).length > 0;
      const constraints = explicit ? podConstraints(pod, 'ScheduleAnyway') : defaultConstraints(ctx, pod);
      if (constraints.length === 0) return undefined;
      // Only the pod's own constraints need every topology label: with the defaults, a node
      // without a zone label is still spread by hostname.
      const requireAll = explicit;
      const ns = pod.metadata?.namespace ?? '';
      const keys = constraints.map((c) => `${ns}\u0000${c.selectorKey}`);
      const ignored = new Set<NodeInfo>();
      // Domains per constraint among the scored nodes (a node without the key is the "" domain),
      // and the counts of those that a scored node will read.
      const domains = constraints.map(() => new Set<string>());
      const domainCounts = constraints.map(() => new Map<string, number>());
      for (const ni of feasible) {
        const labels = ni.node.metadata?.labels ?? {};
        if (requireAll && !hasAllKeys(labels, constraints)) {
          ignored.add(ni);
          continue;
        }
        for (let i = 0; i < constraints.length; i++) {
          const key = constraints[i]!.topologyKey;
          if (key === HOSTNAME) continue;
          domains[i]!.add(labels[key] ?? '');
          if (labels[key] !== undefined) domainCounts[i]!.set(labels[key]!, 0);
        }
      }
      // topologyNormalizingWeight: log(domains + 2); hostname domains are the scored nodes.
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? feasible.length - ignored.size : domains[i]!.size) + 2));
      if (domainCounts.some((m) => m.size > 0)) {
        for (const ni of nodes) {
          const labels = ni.node.metadata?.labels ?? {};
          if (requireAll && !hasAllKeys(labels, constraints)) continue;
          for (let i = 0; i < constraints.length; i++) {
            const c = constraints[i]!;
            if (c.topologyKey === HOSTNAME || !included(c, pod, ni)) continue;
            const value = labels[c.topologyKey] ?? '';
            const current = domainCounts[i]!.get(value);
            if (current !== undefined) domainCounts[i]!.set(value, current + countMatching(ni, c, ns, keys[i]));
          }
        }
      }
      const raw = feasible.map((ni) => {
        if (ignored.has(ni)) return 0;
        const labels = ni.node.metadata?.labels ?? {};
        let score = 0;
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          const value = labels[c.topologyKey];
          if (value === undefined) continue;
          const count = c.topologyKey === HOSTNAME ? countMatching(ni, c, ns, keys[i]) : (domainCounts[i]!.get(value) ?? 0);
          // scoreForCount: maxSkew-1 waters down small differences.
          score += count * weights[i]! + (c.maxSkew - 1);
        }
        return Math.round(score);
      });
      let min = Infinity;
      let max = 0;
      feasible.forEach((ni, i) => {
        if (ignored.has(ni)) return;
        min = Math.min(min, raw[i]!);
        max = Math.max(max, raw[i]!);
      });
      return feasible.map((ni, i) => (ignored.has(ni) ? 0 : max === 0 ? 100 : Math.floor((100 * (max + min - raw[i]!)) / max)));
    },

    /** isSchedulableAfterPodChange: a pod of the same namespace that the constraints select. */
    requeueOnAssignedPod(waiting, assigned, previous) {
      if (assigned.metadata?.namespace !== waiting.metadata?.namespace) return false;
      const constraints = podConstraints(waiting, 'DoNotSchedule');
      if (previous !== undefined) return constraints.some((c) => c.selector.matches(previous.metadata?.labels) !== c.selector.matches(assigned.metadata?.labels));
      return constraints.some((c) => c.selector.matches(assigned.metadata?.labels));
    },
  };
}
