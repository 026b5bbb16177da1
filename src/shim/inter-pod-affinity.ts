// The scheduler's InterPodAffinity plugin. Filter: a pod's required affinity needs a
// matching pod in the node's topology domain (the first pod of a group that matches its
// own terms may go anywhere), its required anti-affinity forbids domains holding a
// matching pod, and existing pods' required anti-affinity is symmetric: it keeps a
// matching newcomer out of their domains. Score: preferred terms of the pod and of the
// existing pods (and existing pods' required affinity, at hardPodAffinityWeight 1) add
// or subtract their weights per domain, normalised between the lowest and highest node.
// K:pkg/scheduler/framework/plugins/interpodaffinity/{filtering,scoring,plugin}.go,
// K:pkg/scheduler/framework/types.go (AffinityTerm.Matches),
// K:pkg/registry/core/pod/strategy.go (matchLabelKeys/mismatchLabelKeys, beta in 1.32).
import type { Namespace, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1';
import { CORE, type ControllerContext } from './controller.ts';
import type { FilterFailure, NodeInfo, SchedulerPlugin } from './scheduler.ts';
import { selectorOf } from './pod-topology-spread.ts';
import { LabelSelector, type Labels, type Requirement } from './selectors.ts';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_AFFINITY_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
/** InterPodAffinityArgs.hardPodAffinityWeight default. */
const HARD_POD_AFFINITY_WEIGHT = 1;

interface Term {
  selector: LabelSelector;
  namespaces: ReadonlySet<string>;
  /** Nothing when the term has no namespaceSelector. */
  namespaceSelector: LabelSelector;
  topologyKey: string;
  weight: number;
}

interface PodTerms {
  requiredAffinity: Term[];
  requiredAntiAffinity: Term[];
  preferredAffinity: Term[];
  preferredAntiAffinity: Term[];
}

function term(pod: Pod, t: PodAffinityTerm, weight: number): Term {
  const labels = pod.metadata?.labels ?? {};
  // The API server ANDs `key in (value)` / `key notin (value)` for each listed key the pod
  // carries into the stored selector; doing it here gives the same matches.
  const extra: Requirement[] = [
    ...(t.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k): Requirement => ({ key: k, op: 'in', values: [labels[k]!] })),
    ...(t.mismatchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k): Requirement => ({ key: k, op: 'notin', values: [labels[k]!] })),
  ];
  const own = (t.namespaces ?? []).length === 0 && t.namespaceSelector === undefined;
  return {
    selector: selectorOf(t.labelSelector, extra),
    namespaces: new Set(own ? [pod.metadata?.namespace ?? ''] : t.namespaces ?? []),
    namespaceSelector: t.namespaceSelector === undefined ? LabelSelector.nothing() : selectorOf(t.namespaceSelector),
    topologyKey: t.topologyKey,
    weight,
  };
}

const termsCache = new WeakMap<Pod, PodTerms>();

/** The pod's terms, parsed once per stored pod object (stored pods are frozen). */
function termsOf(pod: Pod): PodTerms {
  const hit = termsCache.get(pod);
  if (hit !== undefined) return hit;
  const a = pod.spec?.affinity;
  const weighted = (ts: WeightedPodAffinityTerm[] | undefined): Term[] => (ts ?? []).map((w) => term(pod, w.podAffinityTerm, w.weight));
  const terms: PodTerms = {
    requiredAffinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t, 1)),
    requiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t, 1)),
    preferredAffinity: weighted(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
  termsCache.set(pod, terms);
  return terms;
}

/** AffinityTerm.Matches: the pod's namespace is listed or selected, and its labels match. */
function matches(t: Term, pod: Pod, nsLabels: Labels | undefined): boolean {
  if (!t.namespaces.has(pod.metadata?.namespace ?? '') && !(nsLabels !== undefined && t.namespaceSelector.matches(nsLabels))) return false;
  return t.selector.matches(pod.metadata?.labels);
}

/** podMatchesAllAffinityTerms: false for no terms. */
function matchesAll(terms: readonly Term[], pod: Pod, nsLabels: Labels | undefined): boolean {
  return terms.length > 0 && terms.every((t) => matches(t, pod, nsLabels));
}

const pair = (key: string, value: string): string => `${key}\u0000${value}`;

interface FilterState {
  uid: string;
  terms: PodTerms;
  /** Per `key=value` domain: pods matching all the required affinity terms, pods matching each anti-affinity term, existing pods whose anti-affinity matches the pod. */
  affinity: Map<string, number>;
  antiAffinity: Map<string, number>;
  existingAntiAffinity: Map<string, number>;
  /** Whether the pod matches all its own affinity terms (it may then start a group). */
  selfMatch: boolean;
}

const bump = (m: Map<string, number>, k: string, by: number): void => {
  m.set(k, (m.get(k) ?? 0) + by);
};

export function interPodAffinityPlugin(ctx: ControllerContext): SchedulerPlugin {
  let state: FilterState | undefined;
  // Namespace labels for namespaceSelector, read once per scheduling cycle.
  let nsCache = new Map<string, Labels>();
  const nsLabels = (ns: string): Labels => {
    let labels = nsCache.get(ns);
    if (labels === undefined) {
      labels = (ctx.store.get(CORE('namespaces'), '', ns) as Namespace | undefined)?.metadata?.labels ?? {};
      nsCache.set(ns, labels);
    }
    return labels;
  };

  return {
    name: INTER_POD_AFFINITY,
    weight: 2,

    preFilter(pod, nodes) {
      state = undefined;
      nsCache = new Map();
      const terms = termsOf(pod);
      const ns = pod.metadata?.namespace ?? '';
      const existingAntiAffinity = new Map<string, number>();
      for (const ni of nodes) {
        if (ni.podsWithAffinity.size === 0) continue;
        const labels = ni.node.metadata?.labels ?? {};
        for (const existing of ni.podsWithAffinity.values()) {
          for (const t of termsOf(existing).requiredAntiAffinity) {
            const value = labels[t.topologyKey];
            if (value !== undefined && matches(t, pod, nsLabels(ns))) bump(existingAntiAffinity, pair(t.topologyKey, value), 1);
          }
        }
      }
      if (terms.requiredAffinity.length === 0 && terms.requiredAntiAffinity.length === 0 && existingAntiAffinity.size === 0) return undefined;
      const affinity = new Map<string, number>();
      const antiAffinity = new Map<string, number>();
      if (terms.requiredAffinity.length > 0 || terms.requiredAntiAffinity.length > 0) {
        for (const ni of nodes) {
          const labels = ni.node.metadata?.labels ?? {};
          for (const existing of ni.pods.values()) {
            const existingNs = nsLabels(existing.metadata?.namespace ?? '');
            if (matchesAll(terms.requiredAffinity, existing, existingNs)) {
              for (const t of terms.requiredAffinity) {
                const value = labels[t.topologyKey];
                if (value !== undefined) bump(affinity, pair(t.topologyKey, value), 1);
              }
            }
            for (const t of terms.requiredAntiAffinity) {
              const value = labels[t.topologyKey];
              if (value !== undefined && matches(t, existing, existingNs)) bump(antiAffinity, pair(t.topologyKey, value), 1);
            }
          }
        }
      }
      const selfMatch = matchesAll(terms.requiredAffinity, pod, nsLabels(ns));
      state = { uid: pod.metadata?.uid ?? '', terms, affinity, antiAffinity, existingAntiAffinity, selfMatch };
      return undefined;
    },

    filter(pod, ni): FilterFailure | undefined {
      const s = state;
      if (s === undefined || s.uid !== pod.metadata?.uid) return undefined;
      const labels = ni.node.metadata?.labels ?? {};
      // satisfyPodAffinity: every term's topology label present, and a matching pod in each domain.
      let podsExist = true;
      for (const t of s.terms.requiredAffinity) {
        const value = labels[t.topologyKey];
        if (value === undefined) return { reasons: [ERR_AFFINITY_NOT_MATCH], unresolvable: true };
        if ((s.affinity.get(pair(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
      }
      // The first pod of a group with affinity to itself may go anywhere.
      if (!podsExist && !(s.affinity.size === 0 && s.selfMatch)) return { reasons: [ERR_AFFINITY_NOT_MATCH], unresolvable: true };
      if (s.antiAffinity.size > 0) {
        for (const t of s.terms.requiredAntiAffinity) {
          const value = labels[t.topologyKey];
          if (value !== undefined && (s.antiAffinity.get(pair(t.topologyKey, value)) ?? 0) > 0) return { reasons: [ERR_ANTI_AFFINITY_NOT_MATCH], unresolvable: false };
        }
      }
      if (s.existingAntiAffinity.size > 0) {
        for (const [key, value] of Object.entries(labels)) {
          if ((s.existingAntiAffinity.get(pair(key, value)) ?? 0) > 0) return { reasons: [ERR_EXISTING_ANTI_AFFINITY_NOT_MATCH], unresolvable: false };
        }
      }
      return undefined;
    },

    score(pod, feasible, nodes) {
      const terms = termsOf(pod);
      const hasPreferred = terms.preferredAffinity.length > 0 || terms.preferredAntiAffinity.length > 0;
      // Without preferred terms of its own, only nodes hosting pods with affinity matter.
      if (!hasPreferred && !nodes.some((ni) => ni.podsWithAffinity.size > 0)) return undefined;
      const ns = pod.metadata?.namespace ?? '';
      const topology = new Map<string, number>();
      const process = (ts: readonly Term[], target: Pod, targetNs: Labels | undefined, labels: Labels, sign: number, weight?: number): void => {
        for (const t of ts) {
          const value = labels[t.topologyKey];
          if (value !== undefined && matches(t, target, targetNs)) bump(topology, pair(t.topologyKey, value), sign * (weight ?? t.weight));
        }
      };
      for (const ni of nodes) {
        const labels = ni.node.metadata?.labels ?? {};
        if (Object.keys(labels).length === 0) continue;
        for (const existing of (hasPreferred ? ni.pods : ni.podsWithAffinity).values()) {
          const existingNs = nsLabels(existing.metadata?.namespace ?? '');
          process(terms.preferredAffinity, existing, existingNs, labels, 1);
          process(terms.preferredAntiAffinity, existing, existingNs, labels, -1);
          const theirs = termsOf(existing);
          if (theirs.requiredAffinity.length + theirs.preferredAffinity.length + theirs.preferredAntiAffinity.length === 0) continue;
          process(theirs.requiredAffinity, pod, nsLabels(ns), labels, 1, HARD_POD_AFFINITY_WEIGHT);
          process(theirs.preferredAffinity, pod, nsLabels(ns), labels, 1);
          process(theirs.preferredAntiAffinity, pod, nsLabels(ns), labels, -1);
        }
      }
      if (topology.size === 0) return undefined;
      const raw = feasible.map((ni) => {
        let score = 0;
        for (const [key, value] of Object.entries(ni.node.metadata?.labels ?? {})) score += topology.get(pair(key, value)) ?? 0;
        return score;
      });
      const min = Math.min(...raw);
      const diff = Math.max(...raw) - min;
      return raw.map((s) => (diff > 0 ? Math.trunc(100 * ((s - min) / diff)) : 0));
    },

    /** isSchedulableAfterPodChange for assigned pods. */
    requeueOnAssignedPod(waiting, assigned, previous) {
      const terms = termsOf(waiting);
      if (previous === undefined) return matchesAll(terms.requiredAffinity, assigned, undefined);
      return (!matchesAll(terms.requiredAffinity, previous, undefined) && matchesAll(terms.requiredAffinity, assigned, undefined))
        || (matchesAll(terms.requiredAntiAffinity, previous, undefined) && !matchesAll(terms.requiredAntiAffinity, assigned, undefined));
    },
  };
}
