// default-scheduler: binds pending pods to nodes the way kube-scheduler's default
// profile does. Filters run in upstream's plugin order and stop at a node's first
// failure, so the "0/N nodes are available" histogram reads like a real cluster's;
// scores favour least-allocated nodes and balanced use; PodTopologySpread
// (pod-topology-spread.ts) and InterPodAffinity (inter-pod-affinity.ts) run last, as upstream.
// K:pkg/scheduler/schedule_one.go, K:pkg/scheduler/framework/types.go (FitError),
// K:pkg/scheduler/framework/plugins/{nodeunschedulable,nodename,tainttoleration,
// nodeaffinity,noderesources}, K:pkg/scheduler/framework/preemption/preemption.go.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodCondition, Taint, Toleration } from 'kubernetes-types/core/v1';
import { rfc3339 } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { isStatusError } from './errors.ts';
import { EventRecorder } from './events.ts';
import type { KObject } from './objects.ts';
import type { Change } from './store.ts';
import { interPodAffinityPlugin } from './inter-pod-affinity.ts';
import { POD_TOPOLOGY_SPREAD, podTopologySpreadPlugin } from './pod-topology-spread.ts';
import { volumeRestrictionsPlugin } from './volume-restrictions.ts';

export const SCHEDULER_NAME = 'default-scheduler';
const PODS = CORE('pods');
const NODES = CORE('nodes');
/** podMaxInUnschedulablePodsDuration: unschedulable pods are retried at least this often. */
const UNSCHEDULABLE_FLUSH_MS = 5 * 60 * 1000;
/** Scoring counts a container without requests as this much (K:pkg/scheduler/util/pod_resources.go). */
const DEFAULT_MILLI_CPU = 100;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Quantities

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** resource.Quantity as a number of base units (cores, bytes, pods); NaN when malformed. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q.trim());
  if (m === null) return NaN;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2].slice(1));
  return base * (SUFFIX[m[3] ?? ''] ?? 1);
}

export interface Resources {
  milliCPU: number;
  memory: number;
}

/**
 * A pod's effective request: the sum over app containers, or the largest init
 * container if that is bigger, plus overhead (K:pkg/api/v1/resource/helpers.go).
 * With `nonZero`, containers without a request count the scoring defaults.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  // Filters ask once per node; stored pods are frozen, so the answer can be kept.
  // Requests come from the spec alone, and status writes share the stored spec,
  // so the spec is the key: a pod's new versions find the answer already there.
  const cache = nonZero ? nonZeroCache : requestCache;
  const key: object = pod.spec ?? pod;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const sum = computeRequests(pod, nonZero);
  if (Object.isFrozen(key)) cache.set(key, sum);
  return sum;
}

const requestCache = new WeakMap<object, Resources>();
const nonZeroCache = new WeakMap<object, Resources>();

function computeRequests(pod: Pod, nonZero: boolean): Resources {
  const one = (c: { resources?: { requests?: Record<string, string | number> } }): Resources => {
    const r = c.resources?.requests ?? {};
    let milliCPU = Math.ceil(parseQuantity(r.cpu) * 1000) || 0;
    let memory = Math.ceil(parseQuantity(r.memory)) || 0;
    if (nonZero) {
      if (r.cpu === undefined) milliCPU = DEFAULT_MILLI_CPU;
      if (r.memory === undefined) memory = DEFAULT_MEMORY;
    }
    return { milliCPU, memory };
  };
  const sum: Resources = { milliCPU: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const r = one(c);
    sum.milliCPU += r.milliCPU;
    sum.memory += r.memory;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = one(c);
    sum.milliCPU = Math.max(sum.milliCPU, r.milliCPU);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const overhead = pod.spec?.overhead ?? {};
  sum.milliCPU += Math.ceil(parseQuantity(overhead.cpu) * 1000) || 0;
  sum.memory += Math.ceil(parseQuantity(overhead.memory)) || 0;
  return sum;
}

// ---------------------------------------------------------------------------------------
// Node state as the scheduler's cache keeps it

export interface NodeInfo {
  readonly name: string;
  node: Node;
  allocatable: Resources & { pods: number };
  requested: Resources;
  nonZeroRequested: Resources;
  podCount: number;
  /** The pods on the node (bound or assumed), by namespace/name: what affinity and spreading count. */
  pods: Map<string, Pod>;
  /** Those of them with pod affinity or anti-affinity terms (NodeInfo.PodsWithAffinity). */
  podsWithAffinity: Map<string, Pod>;
  /** Bumped when a pod arrives, leaves, or changes labels or starts terminating: plugins cache counts per generation. */
  generation: number;
}

interface Placed {
  node: string;
  requests: Resources;
  nonZero: Resources;
}

/** A filter's verdict on one node: the histogram reasons and whether preemption could help. */
export interface FilterFailure {
  reasons: string[];
  /** UnschedulableAndUnresolvable: preemption is not helpful. */
  unresolvable: boolean;
}

/**
 * A scheduling plugin. The volume-binding plugin (WaitForFirstConsumer) plugs in here:
 * `preFilter` rejects pods whose claims can never fit ("pod has unbound immediate
 * PersistentVolumeClaims"), `filter` checks one node, `preBind` may hold the binding
 * back (returning false) until claims are bound, and `requeueOn` says which cluster
 * changes make waiting pods worth another attempt.
 */
export interface SchedulerPlugin {
  name: string;
  /** `nodes` is the scheduler's snapshot of every node, for plugins that count pods across topologies. */
  preFilter?(pod: Pod, nodes: readonly NodeInfo[]): FilterFailure | undefined;
  filter?(pod: Pod, node: NodeInfo): FilterFailure | undefined;
  /**
   * PreScore + Score + NormalizeScore: one 0–100 score per feasible node, or undefined
   * when the plugin has nothing to say about this pod (framework.Skip).
   */
  score?(pod: Pod, feasible: readonly NodeInfo[], nodes: readonly NodeInfo[]): number[] | undefined;
  /** The plugin's weight in the default profile (K:pkg/scheduler/apis/config/v1/default_plugins.go). */
  weight?: number;
  /**
   * QueueingHint for assigned pods: may `assigned` (newly on a node, or relabelled when
   * `previous` is given) make `waiting`, which this plugin rejected, schedulable?
   * (Pods leaving nodes requeue everything, as freed resources do.)
   */
  requeueOnAssignedPod?(waiting: Pod, assigned: Pod, previous?: Pod): boolean;
  /** Runs after a node is chosen; false = not yet (the pod stays pending and is retried). */
  preBind?(pod: Pod, nodeName: string): boolean;
  requeueOn?(change: Change): boolean;
}

const unresolvable = (reason: string): FilterFailure => ({ reasons: [reason], unresolvable: true });

/** Does `toleration` tolerate `taint`? (K:staging/src/k8s.io/api/core/v1/toleration.go) */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if ((t.effect ?? '') !== '' && t.effect !== taint.effect) return false;
  if ((t.key ?? '') !== '' && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  if ((t.key ?? '') === '' && t.operator !== 'Exists') return false;
  return (t.value ?? '') === (taint.value ?? '');
}

function toleratedBy(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  if (tolerations !== undefined) for (const t of tolerations) if (tolerates(t, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint no toleration covers. */
function untoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined): Taint | undefined {
  if (taints === undefined) return undefined;
  for (const t of taints) if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !toleratedBy(t, tolerations)) return t;
  return undefined;
}

function matchRequirement(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const a = Number.parseInt(value, 10);
      const b = Number.parseInt(values[0]!, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default: return false;
  }
}

/** A term with no requirements matches nothing (K:staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity). */
export function matchTerm(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const e of exprs) if (!matchRequirement(e, labels[e.key])) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name' || (f.operator !== 'In' && f.operator !== 'NotIn')) return false;
    if (!matchRequirement(f, node.metadata?.name)) return false;
  }
  return true;
}

/** nodeSelector and required node affinity together (NodeAffinity plugin). */
export function nodeMatchesPod(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => matchTerm(t, node));
}

/** The default profile's filters, in upstream order. */
function defaultFilters(): SchedulerPlugin[] {
  return [
    {
      name: 'NodeUnschedulable',
      filter: (pod, ni) => {
        if (ni.node.spec?.unschedulable !== true) return undefined;
        const taint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
        if ((pod.spec?.tolerations ?? []).some((t) => tolerates(t, taint))) return undefined;
        return unresolvable('node(s) were unschedulable');
      },
    },
    {
      name: 'NodeName',
      filter: (pod, ni) => {
        const want = pod.spec?.nodeName ?? '';
        return want !== '' && want !== ni.name ? unresolvable("node(s) didn't match the requested node name") : undefined;
      },
    },
    {
      name: 'TaintToleration',
      filter: (pod, ni) => {
        const taint = untoleratedTaint(ni.node.spec?.taints, pod.spec?.tolerations);
        return taint === undefined ? undefined : unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
      },
    },
    {
      name: 'NodeAffinity',
      filter: (pod, ni) => (nodeMatchesPod(pod, ni.node) ? undefined : unresolvable("node(s) didn't match Pod's node affinity/selector")),
    },
    {
      name: 'NodeResourcesFit',
      filter: (pod, ni) => {
        const req = podRequests(pod);
        const pods = ni.podCount + 1 > ni.allocatable.pods;
        const cpu = req.milliCPU > 0 && ni.requested.milliCPU + req.milliCPU > ni.allocatable.milliCPU;
        const memory = req.memory > 0 && ni.requested.memory + req.memory > ni.allocatable.memory;
        // Every pod asks every node: no array unless the node says no.
        if (!pods && !cpu && !memory) return undefined;
        const reasons: string[] = [];
        if (pods) reasons.push('Too many pods');
        if (cpu) reasons.push('Insufficient cpu');
        if (memory) reasons.push('Insufficient memory');
        return { reasons, unresolvable: false };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------
// The controller

export interface SchedulerOptions {
  /** Extra plugins (volume binding, …), run after the default filters. */
  plugins?: SchedulerPlugin[];
}

const podKey = (p: KObject): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const hasPodAffinity = (p: Pod): boolean => p.spec?.affinity?.podAffinity !== undefined || p.spec?.affinity?.podAntiAffinity !== undefined;

export class Scheduler implements Controller {
  readonly name = SCHEDULER_NAME;
  readonly plugins: SchedulerPlugin[];
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly placed = new Map<string, Placed>();
  /**
   * Pods waiting in PreBind (volume binding) for their claims, by key → node. The real
   * scheduler assumes such a pod on its node first, so pods scheduled meanwhile count it.
   */
  private readonly assumed = new Map<string, string>();
  /** Pods to try, by key; the set keeps arrival order. */
  private readonly active = new Set<string>();
  /** Pods that failed, waiting for a cluster change or the periodic flush. */
  private readonly unschedulable = new Set<string>();
  /** Those of them another pod's placement may help, with the plugins that rejected them (affinity, spreading). */
  private readonly waitingOnPods = new Map<string, SchedulerPlugin[]>();
  private readonly events: EventRecorder;
  private flushTimer: (() => void) | undefined;

  constructor(private readonly ctx: ControllerContext, options: SchedulerOptions = {}) {
    this.plugins = [...defaultFilters(), volumeRestrictionsPlugin(ctx), ...(options.plugins ?? []), podTopologySpreadPlugin(ctx), interPodAffinityPlugin(ctx)];
    this.events = new EventRecorder(ctx);
    for (const n of ctx.store.list(NODES).items) this.updateNode(n as Node);
    for (const p of ctx.store.list(PODS).items) this.updatePod(p as Pod, p as Pod, undefined);
  }

  /** Adds a plugin (e.g. volume binding) after construction, before PodTopologySpread and InterPodAffinity as upstream orders them. */
  addPlugin(plugin: SchedulerPlugin): void {
    const at = this.plugins.findIndex((p) => p.name === POD_TOPOLOGY_SPREAD);
    this.plugins.splice(at < 0 ? this.plugins.length : at, 0, plugin);
  }

  observe(c: Change): boolean {
    let moveAll = false;
    if (c.gr.group === '' && c.gr.resource === 'nodes') {
      if (c.type === 'DELETED') this.nodes.delete(c.object.metadata?.name ?? '');
      else moveAll = this.updateNode(c.object as Node, c.previous as Node | undefined);
    } else if (c.gr.group === '' && c.gr.resource === 'pods') {
      moveAll = this.updatePod(c.type === 'DELETED' ? undefined : (c.object as Pod), c.object as Pod, c.previous as Pod | undefined);
    }
    if (!moveAll && this.unschedulable.size > 0) moveAll = this.plugins.some((p) => p.requeueOn?.(c) === true);
    if (moveAll) this.moveAllToActive();
    return this.active.size > 0;
  }

  hasWork(): boolean {
    return this.active.size > 0;
  }

  reconcile(): void {
    const keys = [...this.active];
    this.active.clear();
    const pods: Pod[] = [];
    for (const key of keys) {
      const [ns = '', name = ''] = key.split('/');
      const pod = this.ctx.store.get(PODS, ns, name) as Pod | undefined;
      if (pod !== undefined && this.responsibleFor(pod)) pods.push(pod);
    }
    // PrioritySort: higher priority first, then first come first served (stable sort).
    pods.sort((a, b) => (b.spec?.priority ?? 0) - (a.spec?.priority ?? 0));
    for (const pod of pods) this.scheduleOne(pod);
  }

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec?.nodeName ?? '') === ''
      && (pod.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME
      && pod.metadata?.deletionTimestamp === undefined
      && !isTerminal(pod);
  }

  private moveAllToActive(): void {
    for (const k of this.unschedulable) this.active.add(k);
    this.unschedulable.clear();
    this.waitingOnPods.clear();
  }

  /** Returns true when the change can make an unschedulable pod fit. */
  private updateNode(node: Node, previous?: Node): boolean {
    const name = node.metadata?.name ?? '';
    const alloc = node.status?.allocatable ?? {};
    const existing = this.nodes.get(name);
    const info: NodeInfo = existing ?? { name, node, allocatable: { milliCPU: 0, memory: 0, pods: 0 }, requested: { milliCPU: 0, memory: 0 }, nonZeroRequested: { milliCPU: 0, memory: 0 }, podCount: 0, pods: new Map(), podsWithAffinity: new Map(), generation: 0 };
    info.node = node;
    info.allocatable = {
      milliCPU: Math.round(parseQuantity(alloc.cpu) * 1000) || 0,
      memory: parseQuantity(alloc.memory) || 0,
      pods: parseQuantity(alloc.pods) || 0,
    };
    this.nodes.set(name, info);
    if (previous === undefined) return true;
    // Heartbeats change nothing the filters read.
    return JSON.stringify([previous.metadata?.labels, previous.spec, previous.status?.allocatable])
      !== JSON.stringify([node.metadata?.labels, node.spec, node.status?.allocatable]);
  }

  /** Keeps per-node accounting and the queues; returns true when resources were freed. */
  private updatePod(pod: Pod | undefined, last: Pod, previous: Pod | undefined): boolean {
    const key = podKey(last as KObject);
    const before = this.placed.get(key);
    if (pod === undefined || (pod.spec?.nodeName ?? '') !== '') this.assumed.delete(key);
    const nodeName = (pod?.spec?.nodeName ?? '') || (this.assumed.get(key) ?? '');
    const counts = pod !== undefined && nodeName !== '' && !isTerminal(pod);
    let freed = false;
    if (before !== undefined && (!counts || before.node !== nodeName)) {
      this.account(key, before, undefined, -1);
      this.placed.delete(key);
      freed = true;
    }
    if (counts && (before === undefined || before.node !== nodeName)) {
      const p: Placed = { node: nodeName, requests: podRequests(pod), nonZero: podRequests(pod, true) };
      this.placed.set(key, p);
      this.account(key, p, pod, 1);
      if (this.waitingOnPods.size > 0) this.moveWaitingOnPods(pod);
    } else if (counts) {
      // Same node, newer object: affinity and spreading read its labels.
      const ni = this.nodes.get(nodeName);
      if (ni !== undefined) {
        const old = ni.pods.get(key);
        if (old?.metadata?.deletionTimestamp !== pod.metadata?.deletionTimestamp || !sameLabels(old?.metadata?.labels, pod.metadata?.labels)) ni.generation++;
        ni.pods.set(key, pod);
        if (hasPodAffinity(pod)) ni.podsWithAffinity.set(key, pod);
        else ni.podsWithAffinity.delete(key);
      }
      if (this.waitingOnPods.size > 0 && previous !== undefined && !sameLabels(previous.metadata?.labels, pod.metadata?.labels)) this.moveWaitingOnPods(pod, previous);
    }
    if (pod !== undefined && this.responsibleFor(pod)) {
      // A pod edited while unschedulable (new tolerations, a new selector) is tried again.
      if (!this.unschedulable.has(key) || JSON.stringify(previous?.spec) !== JSON.stringify(pod.spec)) {
        this.unschedulable.delete(key);
        this.waitingOnPods.delete(key);
        this.active.add(key);
      }
    } else {
      this.active.delete(key);
      this.unschedulable.delete(key);
      this.waitingOnPods.delete(key);
    }
    return freed;
  }

  private moveWaitingOnPods(assigned: Pod, previous?: Pod): void {
    for (const [k, plugins] of this.waitingOnPods) {
      const [ns = '', name = ''] = k.split('/');
      const waiting = this.ctx.store.get(PODS, ns, name) as Pod | undefined;
      if (waiting !== undefined && !plugins.some((p) => p.requeueOnAssignedPod?.(waiting, assigned, previous) === true)) continue;
      this.waitingOnPods.delete(k);
      this.unschedulable.delete(k);
      this.active.add(k);
    }
  }

  private account(key: string, p: Placed, pod: Pod | undefined, sign: 1 | -1): void {
    const ni = this.nodes.get(p.node);
    if (ni === undefined) return;
    ni.podCount += sign;
    ni.requested.milliCPU += sign * p.requests.milliCPU;
    ni.requested.memory += sign * p.requests.memory;
    ni.nonZeroRequested.milliCPU += sign * p.nonZero.milliCPU;
    ni.nonZeroRequested.memory += sign * p.nonZero.memory;
    ni.generation++;
    if (sign < 0 || pod === undefined) {
      ni.pods.delete(key);
      ni.podsWithAffinity.delete(key);
    } else {
      ni.pods.set(key, pod);
      if (hasPodAffinity(pod)) ni.podsWithAffinity.set(key, pod);
    }
  }

  /** AssumePod: count a pod held in PreBind on its chosen node. */
  private assume(pod: Pod, nodeName: string): void {
    const key = podKey(pod as KObject);
    this.assumed.set(key, nodeName);
    this.updatePod(pod, pod, pod);
  }

  /** ForgetPod: a held pod goes through the filters again without counting against itself. */
  private forget(pod: Pod): void {
    const key = podKey(pod as KObject);
    if (!this.assumed.delete(key)) return;
    const before = this.placed.get(key);
    if (before === undefined) return;
    this.account(key, before, undefined, -1);
    this.placed.delete(key);
  }

  private scheduleOne(pod: Pod): void {
    this.forget(pod);
    const nodes = [...this.nodes.values()];
    if (nodes.length === 0) {
      this.fail(pod, 'no nodes available to schedule pods');
      return;
    }
    for (const plugin of this.plugins) {
      const f = plugin.preFilter?.(pod, nodes);
      if (f !== undefined) {
        this.fail(pod, `0/${nodes.length} nodes are available: ${f.reasons.join(', ')}.${this.preemption(pod, nodes.map(() => f))}`);
        return;
      }
    }
    const feasible: NodeInfo[] = [];
    const failures: FilterFailure[] = [];
    const rejectedBy = new Set<SchedulerPlugin>();
    for (const ni of nodes) {
      let failure: FilterFailure | undefined;
      for (const plugin of this.plugins) {
        failure = plugin.filter?.(pod, ni);
        if (failure !== undefined) {
          if (plugin.requeueOnAssignedPod !== undefined) rejectedBy.add(plugin);
          break;
        }
      }
      if (failure === undefined) feasible.push(ni);
      else failures.push(failure);
    }
    if (feasible.length === 0) {
      this.fail(pod, `0/${nodes.length} nodes are available: ${histogram(failures.flatMap((f) => f.reasons))}.${this.preemption(pod, failures)}`);
      if (rejectedBy.size > 0) this.waitingOnPods.set(podKey(pod as KObject), [...rejectedBy]);
      return;
    }
    const chosen = this.selectHost(pod, feasible, nodes);
    for (const plugin of this.plugins) {
      if (plugin.preBind?.(pod, chosen.name) === false) {
        this.unschedulable.add(podKey(pod as KObject));
        this.ensureFlushTimer();
        this.assume(pod, chosen.name);
        return;
      }
    }
    this.bind(pod, chosen.name);
  }

  /** The PostFilter (DefaultPreemption) half of the message. */
  private preemption(pod: Pod, failures: FilterFailure[]): string {
    if (pod.spec?.preemptionPolicy === 'Never') return ' preemption: not eligible due to preemptionPolicy=Never.';
    const reasons = failures.map((f) => (f.unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod'));
    return ` preemption: 0/${failures.length} nodes are available: ${histogram(reasons)}.`;
  }

  /**
   * Scores feasible nodes with the default profile's weights; ties go to a seeded random
   * pick, as upstream's reservoir sampling (K:pkg/scheduler/schedule_one.go selectHost).
   */
  private selectHost(pod: Pod, feasible: NodeInfo[], nodes: NodeInfo[]): NodeInfo {
    if (feasible.length === 1) return feasible[0]!;
    const req = podRequests(pod, true);
    const pluginScores: Array<{ weight: number; scores: number[] }> = [];
    for (const plugin of this.plugins) {
      const scores = plugin.score?.(pod, feasible, nodes);
      if (scores !== undefined) pluginScores.push({ weight: plugin.weight ?? 1, scores });
    }
    const preferred = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const tolerations = pod.spec?.tolerations;
    const affinityRaw: number[] = new Array(feasible.length);
    const softTaints: number[] = new Array(feasible.length);
    let maxAffinity = 0;
    let maxSoft = 0;
    for (let i = 0; i < feasible.length; i++) {
      const ni = feasible[i]!;
      let affinity = 0;
      for (const p of preferred) if (matchTerm(p.preference, ni.node)) affinity += p.weight;
      affinityRaw[i] = affinity;
      if (affinity > maxAffinity) maxAffinity = affinity;
      let soft = 0;
      for (const t of ni.node.spec?.taints ?? []) if (t.effect === 'PreferNoSchedule' && !toleratedBy(t, tolerations)) soft++;
      softTaints[i] = soft;
      if (soft > maxSoft) maxSoft = soft;
    }
    let best: NodeInfo | undefined;
    let bestScore = -Infinity;
    let ties = 0;
    for (let i = 0; i < feasible.length; i++) {
      const ni = feasible[i]!;
      const cpuFrac = Math.min(1, (ni.nonZeroRequested.milliCPU + req.milliCPU) / Math.max(1, ni.allocatable.milliCPU));
      const memFrac = Math.min(1, (ni.nonZeroRequested.memory + req.memory) / Math.max(1, ni.allocatable.memory));
      const leastAllocated = Math.floor(((1 - cpuFrac) * 100 + (1 - memFrac) * 100) / 2);
      const balanced = Math.floor((1 - Math.abs(cpuFrac - memFrac) / 2) * 100);
      const affinity = maxAffinity === 0 ? 0 : Math.floor((100 * affinityRaw[i]!) / maxAffinity);
      const taint = maxSoft === 0 ? 100 : Math.floor((100 * (maxSoft - softTaints[i]!)) / maxSoft);
      // Default profile weights: TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, BalancedAllocation 1;
      // PodTopologySpread 2 and InterPodAffinity 2 come from their plugins.
      let score = leastAllocated + balanced + 2 * affinity + 3 * taint;
      for (const p of pluginScores) score += p.weight * p.scores[i]!;
      if (score > bestScore) {
        bestScore = score;
        best = ni;
        ties = 1;
      } else if (score === bestScore) {
        ties++;
        if (this.ctx.random.int(ties) === 0) best = ni;
      }
    }
    return best!;
  }

  /**
   * What POST pods/<name>/binding does (K:pkg/registry/core/pod/storage/storage.go
   * assignPod): nodeName and PodScheduled=True land in one write, so watchers see a
   * single "bound" update. Done against the store because the registry has no binding
   * subresource yet; it refuses a pod that is already assigned, as the API server does.
   */
  private bind(pod: Pod, nodeName: string): void {
    const current = this.ctx.store.get(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '') as Pod | undefined;
    if (current === undefined || (current.spec?.nodeName ?? '') !== '' || current.metadata?.deletionTimestamp !== undefined) return;
    // Spec and status are replaced below and metadata only gains a resourceVersion:
    // the rest of the stored (frozen) pod can be shared rather than copied.
    const next: KObject = { ...(current as KObject), metadata: { ...current.metadata } };
    const now = rfc3339(this.ctx.clock.now());
    next.spec = { ...current.spec!, nodeName };
    next.status = { ...current.status, conditions: setCondition(current.status?.conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: now }) };
    const written = this.ctx.store.write(PODS, next) as Pod;
    this.events.record(written as KObject, 'Normal', 'Scheduled', `Successfully assigned ${podKey(written as KObject)} to ${nodeName}`, { component: SCHEDULER_NAME });
  }

  private fail(pod: Pod, message: string): void {
    const key = podKey(pod as KObject);
    this.unschedulable.add(key);
    this.ensureFlushTimer();
    this.events.record(pod as KObject, 'Warning', 'FailedScheduling', message, { component: SCHEDULER_NAME });
    const cond: PodCondition = { type: 'PodScheduled', status: 'False', lastProbeTime: null as unknown as string, lastTransitionTime: rfc3339(this.ctx.clock.now()), reason: 'Unschedulable', message };
    const conditions = setCondition(pod.status?.conditions, cond);
    if (conditions === pod.status?.conditions) return;
    try {
      this.ctx.registry.update(PODS, { ...pod, status: { ...pod.status, conditions } } as KObject, { subresource: 'status' });
    } catch (error) {
      if (!isStatusError(error)) throw error;
    }
  }

  /** Background retry of unschedulable pods (flushUnschedulablePodsLeftover). */
  private ensureFlushTimer(): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = this.ctx.clock.after(UNSCHEDULABLE_FLUSH_MS, () => {
      this.flushTimer = undefined;
      if (this.unschedulable.size === 0) return;
      this.moveAllToActive();
    }, { background: true, label: 'scheduler unschedulable-pods flush' });
  }
}

/** Status writes share the stored labels object, so most comparisons end at `===`. */
function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** `2 node(s) didn't match …, 1 Insufficient cpu` sorted as strings, as upstream does. */
function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

/**
 * Replaces the condition of the same type; returns the input array when nothing but
 * times would change (lastTransitionTime moves only when status does).
 */
export function setCondition(conditions: readonly PodCondition[] | undefined, next: PodCondition): PodCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, next];
  const old = list[i]!;
  if (old.status === next.status && old.reason === next.reason && old.message === next.message) return conditions as PodCondition[];
  list[i] = { ...next, lastTransitionTime: old.status === next.status ? old.lastTransitionTime : next.lastTransitionTime };
  return list;
}

/** Registers the scheduler with a cluster. */
export function installScheduler(cluster: Cluster, options: SchedulerOptions = {}): Scheduler {
  return cluster.addController((ctx) => new Scheduler(ctx, options)) as Scheduler;
}
