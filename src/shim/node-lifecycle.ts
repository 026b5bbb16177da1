// The node lifecycle controller (kube-controller-manager's node-lifecycle-controller):
// it watches node heartbeats (the kubelet's Lease renewals and status reports) and,
// when neither has come for node-monitor-grace-period (50 s since 1.32), turns the node's
// conditions Unknown, marks its pods not Ready and taints it unreachable, NoSchedule at
// once and NoExecute at its next pass, so the taint eviction controller can evict.
// It also keeps the NoSchedule taints in step with conditions and `spec.unschedulable`.
// K:pkg/controller/nodelifecycle/node_lifecycle_controller.go (monitorNodeHealth,
// tryUpdateNodeHealth, processTaintBaseEviction, doNoScheduleTaintingPass,
// handleDisruption), K:pkg/controller/util/node/controller_utils.go (MarkPodsNotReady,
// RecordNodeStatusChange, SwapNodeControllerTaint).
import type { Node, NodeCondition, Pod, Taint } from 'kubernetes-types/core/v1';
import { rfc3339 } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { tolerate } from './controller-utils.ts';
import { EventRecorder } from './events.ts';
import type { KObject } from './objects.ts';
import type { Change } from './store.ts';

const NODES = CORE('nodes');
const PODS = CORE('pods');
const LEASES = { group: 'coordination.k8s.io', resource: 'leases' };
const SOURCE = { component: 'node-controller' };

/** --node-monitor-period */
export const NODE_MONITOR_PERIOD_MS = 5_000;
/** --node-monitor-grace-period: 50 s since 1.32 (kubernetes/kubernetes#126287; 40 s before). */
export const NODE_MONITOR_GRACE_MS = 50_000;

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** nodeConditionToTaintKeyStatusMap: the NoSchedule taint each condition state calls for. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONTROLLER_NO_SCHEDULE_KEYS = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);
/** Conditions the controller turns Unknown (NetworkUnavailable belongs to the network plugin). */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** When the controller last saw a sign of life, and what that sign was. */
interface NodeHealth {
  probe: number;
  heartbeat: string | undefined;
  renewTime: string | undefined;
}

const readyStatus = (node: Node | undefined): string =>
  node?.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly events: EventRecorder;
  private readonly health = new Map<string, NodeHealth>();
  /** Nodes whose NoSchedule taints may be out of step (doNoScheduleTaintingPass). */
  private readonly taintQueue = new Set<string>();
  private monitorDue = false;
  /** Every zone is down: the controller suspects itself and lifts NoExecute taints. */
  private allDisrupted = false;

  constructor(private readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    for (const n of ctx.store.list(NODES).items) this.taintQueue.add(n.metadata?.name ?? '');
    const tick = (): void => {
      this.monitorDue = true;
      ctx.clock.after(NODE_MONITOR_PERIOD_MS, tick, { background: true, label: 'node-lifecycle-controller monitor' });
    };
    ctx.clock.after(NODE_MONITOR_PERIOD_MS, tick, { background: true, label: 'node-lifecycle-controller monitor' });
  }

  observe(c: Change): boolean {
    const { group, resource } = c.gr;
    if (group === '' && resource === 'nodes') {
      const name = c.object.metadata?.name ?? '';
      if (c.type === 'DELETED') {
        this.health.delete(name);
        return false;
      }
      // A new Ready heartbeat is a sign of life (tryUpdateNodeHealth's probeTimestamp).
      const heartbeat = (c.object as Node).status?.conditions?.find((x) => x.type === 'Ready')?.lastHeartbeatTime;
      const h = this.health.get(name);
      if (h === undefined || h.heartbeat !== heartbeat) this.health.set(name, { probe: this.ctx.clock.now(), heartbeat, renewTime: h?.renewTime });
      this.taintQueue.add(name);
      return true;
    }
    if (group === LEASES.group && resource === LEASES.resource && c.object.metadata?.namespace === 'kube-node-lease' && c.type !== 'DELETED') {
      const name = c.object.metadata?.name ?? '';
      const renewTime = (c.object.spec as { renewTime?: string } | undefined)?.renewTime;
      const h = this.health.get(name);
      if (h === undefined || h.renewTime !== renewTime) this.health.set(name, { probe: this.ctx.clock.now(), heartbeat: h?.heartbeat, renewTime });
    }
    return false;
  }

  hasWork(): boolean {
    return this.monitorDue || this.taintQueue.size > 0;
  }

  reconcile(): void {
    if (this.monitorDue) {
      this.monitorDue = false;
      this.monitorNodeHealth();
    }
    const names = [...this.taintQueue];
    this.taintQueue.clear();
    for (const name of names) this.noScheduleTaintingPass(name);
  }

  private monitorNodeHealth(): void {
    const now = this.ctx.clock.now();
    const nodes = this.ctx.store.list(NODES).items as Node[];
    const observed = new Map<string, string>();
    const current: Node[] = [];
    for (const node of nodes) {
      const name = node.metadata?.name ?? '';
      observed.set(name, readyStatus(node));
      const h = this.health.get(name) ?? { probe: now, heartbeat: undefined, renewTime: undefined };
      this.health.set(name, h);
      current.push(now > h.probe + NODE_MONITOR_GRACE_MS ? this.markUnknown(node) : node);
    }
    const tainting = this.taintingZones(current);
    for (const node of current) {
      const name = node.metadata?.name ?? '';
      const was = observed.get(name)!;
      // The NoExecute taint follows the Ready state this pass started from, as upstream.
      this.processTaintBaseEviction(node, was, tainting.has(zoneOf(node)));
      if (was === 'True' && readyStatus(node) !== 'True') {
        this.events.record(node as KObject, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, SOURCE);
        this.markPodsNotReady(name);
      }
    }
  }

  /** All kubelet-owned conditions Unknown: "Kubelet stopped posting node status." */
  private markUnknown(node: Node): Node {
    const at = rfc3339(this.ctx.clock.now());
    let changed = false;
    const conditions: NodeCondition[] = (node.status?.conditions ?? []).map((c) => {
      if (!KUBELET_CONDITIONS.includes(c.type) || c.status === 'Unknown') return c;
      changed = true;
      return { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: at };
    });
    if (!changed) return node;
    const written = tolerate(() => this.ctx.registry.update(NODES, { ...node, status: { ...node.status, conditions } } as KObject, { subresource: 'status' }));
    return (written as Node | undefined) ?? node;
  }

  /**
   * handleDisruption: a zone whose nodes are all down is "FullDisruption" and one with
   * more than two and at least 55 % down "PartialDisruption". In a small cluster
   * (≤ 50 nodes) only Normal zones, or fully disrupted ones while another zone is
   * healthy, get NoExecute taints; when every zone is down the controller blames
   * itself (the network to the nodes) and taints nothing.
   */
  private taintingZones(nodes: Node[]): Set<string> {
    const zones = new Map<string, { ready: number; notReady: number }>();
    for (const n of nodes) {
      const z = zones.get(zoneOf(n)) ?? { ready: 0, notReady: 0 };
      if (readyStatus(n) === 'True') z.ready++;
      else z.notReady++;
      zones.set(zoneOf(n), z);
    }
    const state = (z: { ready: number; notReady: number }): 'Normal' | 'Partial' | 'Full' =>
      z.ready === 0 && z.notReady > 0 ? 'Full' : z.notReady > 2 && z.notReady / (z.ready + z.notReady) >= 0.55 ? 'Partial' : 'Normal';
    const allFull = [...zones.values()].every((z) => state(z) === 'Full');
    this.allDisrupted = allFull;
    const out = new Set<string>();
    for (const [zone, z] of zones) {
      const s = state(z);
      if (s === 'Normal' || (s === 'Full' && !allFull)) out.add(zone);
    }
    return out;
  }

  /**
   * processTaintBaseEviction + doNoExecuteTaintingPass: a Ready node loses both NoExecute
   * taints; a NotReady or unreachable one swaps the other for its own at once, or gets
   * its first one if its zone may be tainted.
   */
  private processTaintBaseEviction(node: Node, observed: string, tainting: boolean): void {
    const has = (key: string): boolean => (node.spec?.taints ?? []).some((t) => t.key === key && t.effect === 'NoExecute');
    const noExecute = (key: string): Taint => ({ key, effect: 'NoExecute' });
    const name = node.metadata?.name ?? '';
    if (observed === 'True') {
      const remove = [TAINT_UNREACHABLE, TAINT_NOT_READY].filter(has);
      if (remove.length > 0) this.swapTaints(name, [], remove.map(noExecute));
      return;
    }
    const [add, opposite] = observed === 'False' ? [TAINT_NOT_READY, TAINT_UNREACHABLE] : [TAINT_UNREACHABLE, TAINT_NOT_READY];
    if (has(opposite)) this.swapTaints(name, [noExecute(add)], [noExecute(opposite)]);
    else if (tainting && !has(add)) this.swapTaints(name, [noExecute(add)], []);
    else if (!tainting && has(add) && this.allDisrupted) this.swapTaints(name, [], [noExecute(add)]);
  }

  /** doNoScheduleTaintingPass: NoSchedule taints for conditions and `spec.unschedulable`. */
  private noScheduleTaintingPass(name: string): void {
    const node = this.ctx.store.get(NODES, '', name) as Node | undefined;
    if (node === undefined) return;
    const want = new Set<string>();
    for (const c of node.status?.conditions ?? []) {
      const key = CONDITION_TAINTS[c.type]?.[c.status];
      if (key !== undefined) want.add(key);
    }
    if (node.spec?.unschedulable === true) want.add(TAINT_UNSCHEDULABLE);
    const have = new Set((node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && CONTROLLER_NO_SCHEDULE_KEYS.has(t.key)).map((t) => t.key));
    const add = [...want].filter((k) => !have.has(k)).map((key) => ({ key, effect: 'NoSchedule' }));
    const remove = [...have].filter((k) => !want.has(k)).map((key) => ({ key, effect: 'NoSchedule' }));
    if (add.length > 0 || remove.length > 0) this.swapTaints(name, add, remove);
  }

  /** SwapNodeControllerTaint: new taints are appended with timeAdded, old ones filtered out. */
  private swapTaints(name: string, add: Taint[], remove: Taint[]): void {
    const node = this.ctx.store.get(NODES, '', name) as Node | undefined;
    if (node === undefined) return;
    const timeAdded = rfc3339(this.ctx.clock.now());
    const same = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;
    const kept = (node.spec?.taints ?? []).filter((t) => !remove.some((r) => same(r, t)) && !add.some((a) => same(a, t)));
    const taints = [...kept, ...add.map((t) => ({ ...t, timeAdded }))];
    const spec = { ...node.spec, taints };
    if (taints.length === 0) delete (spec as { taints?: Taint[] }).taints;
    tolerate(() => this.ctx.registry.update(NODES, { ...node, spec } as KObject));
  }

  /** MarkPodsNotReady: Ready=False on every pod of the node, and a NodeNotReady event each. */
  private markPodsNotReady(nodeName: string): void {
    const at = rfc3339(this.ctx.clock.now());
    for (const obj of this.ctx.store.list(PODS).items) {
      const pod = obj as Pod;
      if (pod.spec?.nodeName !== nodeName) continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready === undefined || ready.status === 'False') continue;
      const conditions = pod.status!.conditions!.map((c) => (c === ready ? { ...c, status: 'False', lastTransitionTime: at } : c));
      const written = tolerate(() => this.ctx.registry.update(PODS, { ...pod, status: { ...pod.status, conditions } } as KObject, { subresource: 'status' }));
      if (written !== undefined) this.events.record(written, 'Warning', 'NodeNotReady', 'Node is not ready', SOURCE);
    }
  }
}

/** nodetopology.GetZoneKey: region and zone labels; no labels, one zone. */
function zoneOf(node: Node): string {
  const l = node.metadata?.labels ?? {};
  return `${l['topology.kubernetes.io/region'] ?? ''}:\u0000:${l['topology.kubernetes.io/zone'] ?? ''}`;
}

export function installNodeLifecycleController(cluster: Cluster): NodeLifecycleController {
  return cluster.addController((ctx) => new NodeLifecycleController(ctx)) as NodeLifecycleController;
}
