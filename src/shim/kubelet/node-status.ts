// The kubelet's side of node health: it renews its Lease in kube-node-lease every
// 10 s (a quarter of the 40 s lease duration) and posts node status only when
// something changed or every nodeStatusReportFrequency (5 min), bumping every
// condition's lastHeartbeatTime. A stopped node (`docker stop kind-worker2`) does
// neither, which is what the node lifecycle controller notices.
// K:pkg/kubelet/nodelease, K:pkg/kubelet/kubelet_node_status.go,
// K:pkg/kubelet/nodestatus/setters.go (condition reasons and the events on change).
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import { microTime, rfc3339 } from '../clock.ts';
import { CORE, type ControllerContext } from '../controller.ts';
import { isStatusError } from '../errors.ts';
import type { EventRecorder } from '../events.ts';
import { healthyNodeConditions } from '../kind.ts';
import { deepClone, type KObject } from '../objects.ts';

const NODES = CORE('nodes');
export const LEASES = { group: 'coordination.k8s.io', resource: 'leases' };
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
/** K:pkg/kubelet/kubelet.go: renewInterval = leaseDuration × 0.25. */
export const LEASE_RENEW_MS = 10_000;
/** nodeStatusUpdateFrequency: how often the kubelet computes its status. */
const STATUS_UPDATE_MS = 10_000;
/** nodeStatusReportFrequency: how often it posts an unchanged status. */
const STATUS_REPORT_MS = 5 * 60_000;

/** The event each healthy condition records when it becomes so. */
const BECAME: Record<string, string> = {
  MemoryPressure: 'NodeHasSufficientMemory',
  DiskPressure: 'NodeHasNoDiskPressure',
  PIDPressure: 'NodeHasSufficientPID',
  Ready: 'NodeReady',
};

export class NodeStatusReporter {
  private readonly loops = new Map<string, () => void>();
  private readonly lastReport = new Map<string, number>();
  /** The node as the kubelet last saw it, to register it again after a deletion. */
  private readonly known = new Map<string, Node>();

  constructor(private readonly ctx: ControllerContext, private readonly events: EventRecorder) {}

  /** Starts the heartbeat of a node whose kubelet has been running since bootstrap. */
  adopt(name: string): void {
    this.lastReport.set(name, this.ctx.clock.now());
    this.loop(name);
  }

  /** The kubelet process starts (after `docker start`): register if need be, report, renew. */
  start(name: string): void {
    const ref = this.nodeRef(name);
    this.events.record(ref, 'Normal', 'Starting', 'Starting kubelet.', { component: 'kubelet', host: name });
    this.register(name);
    this.events.record(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods', { component: 'kubelet', host: name });
    this.report(name);
    this.renewLease(name);
    this.loop(name);
  }

  /** The kubelet process dies with its node: no more renewals or reports. */
  stop(name: string): void {
    this.loops.get(name)?.();
    this.loops.delete(name);
    const node = this.ctx.store.get(NODES, '', name) as Node | undefined;
    if (node !== undefined) this.known.set(name, node);
  }

  private loop(name: string): void {
    this.loops.get(name)?.();
    const tick = (): void => {
      this.loops.set(name, this.ctx.clock.after(LEASE_RENEW_MS, tick, { background: true, label: `kubelet ${name} heartbeat` }));
      this.renewLease(name);
      this.syncStatus(name);
    };
    this.loops.set(name, this.ctx.clock.after(LEASE_RENEW_MS, tick, { background: true, label: `kubelet ${name} heartbeat` }));
  }

  /** Status differs from what the kubelet would post (someone else wrote it), or is due. */
  private syncStatus(name: string): void {
    const node = this.ctx.store.get(NODES, '', name) as Node | undefined;
    if (node === undefined) return;
    this.known.set(name, node);
    const healthy = (node.status?.conditions ?? []).every((c) => c.status === (c.type === 'Ready' ? 'True' : 'False'));
    if (healthy && this.ctx.clock.now() - (this.lastReport.get(name) ?? 0) < STATUS_REPORT_MS - STATUS_UPDATE_MS / 2) return;
    this.report(name);
  }

  /** Posts healthy conditions: heartbeat now, transition time kept unless the status flips. */
  private report(name: string): void {
    const node = this.ctx.store.get(NODES, '', name) as Node | undefined;
    if (node === undefined) return;
    const now = rfc3339(this.ctx.clock.now());
    const previous = new Map((node.status?.conditions ?? []).map((c) => [c.type, c]));
    const flipped: string[] = [];
    const conditions: NodeCondition[] = healthyNodeConditions(now).map((c) => {
      const old = previous.get(c.type);
      if (old !== undefined && old.status === c.status) return { ...c, lastTransitionTime: old.lastTransitionTime };
      flipped.push(c.type);
      return c;
    });
    // Conditions other components own (NetworkUnavailable) stay as they are.
    for (const c of node.status?.conditions ?? []) if (BECAME[c.type] === undefined) conditions.push(c);
    try {
      const written = this.ctx.registry.update(NODES, { ...node, status: { ...node.status, conditions } } as KObject, { subresource: 'status' });
      this.known.set(name, written as Node);
    } catch (error) {
      if (!isStatusError(error)) throw error;
      return;
    }
    this.lastReport.set(name, this.ctx.clock.now());
    for (const type of flipped) {
      const reason = BECAME[type]!;
      this.events.record(this.nodeRef(name), 'Normal', reason, `Node ${name} status is now: ${reason}`, { component: 'kubelet', host: name });
    }
  }

  private renewLease(name: string): void {
    const lease = this.ctx.store.get(LEASES, NODE_LEASE_NAMESPACE, name);
    const renewTime = microTime(this.ctx.clock.now());
    try {
      if (lease !== undefined) {
        this.ctx.registry.update(LEASES, { ...lease, spec: { ...(lease.spec as object), renewTime } } as KObject);
        return;
      }
      // The lease went with its node (owner reference): the lease controller makes a new one.
      const node = this.ctx.store.get(NODES, '', name);
      if (node === undefined) return;
      this.ctx.registry.create(LEASES, {
        metadata: { name, namespace: NODE_LEASE_NAMESPACE, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata?.uid ?? '' }] },
        spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
      } as KObject);
    } catch (error) {
      if (!isStatusError(error)) throw error;
    }
  }

  /**
   * registerWithAPIServer: a kubelet whose Node object was deleted creates it again
   * at start, with its labels, pod CIDR and registration taints (a control plane's).
   */
  private register(name: string): void {
    if (this.ctx.store.get(NODES, '', name) !== undefined) return;
    const last = this.known.get(name);
    if (last === undefined) return;
    const meta = last.metadata ?? {};
    const taints = (last.spec?.taints ?? []).filter((t) => t.key === 'node-role.kubernetes.io/control-plane').map(({ key, effect }) => ({ key, effect }));
    const spec = deepClone({ ...last.spec, ...(taints.length > 0 ? { taints } : {}) });
    if (taints.length === 0) delete spec.taints;
    delete spec.unschedulable;
    try {
      const created = this.ctx.registry.create(NODES, { metadata: { name, labels: meta.labels, annotations: meta.annotations }, spec } as KObject);
      const status = deepClone(last.status ?? {});
      status.conditions = [];
      this.ctx.registry.update(NODES, { ...created, status } as KObject, { subresource: 'status' });
    } catch (error) {
      if (!isStatusError(error)) throw error;
    }
  }

  /** The kubelet refers to its node with the node's name as UID (as `describe node` looks it up). */
  private nodeRef(name: string): KObject {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } } as KObject;
  }
}
