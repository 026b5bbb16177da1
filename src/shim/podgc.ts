// The pod garbage collector (kube-controller-manager's pod-garbage-collector), every
// 20 s: force-deletes pods bound to a node that has been gone for 40 s (after marking
// them Failed with a DisruptionTarget condition), terminating pods on a NotReady node
// tainted out-of-service, terminating pods never scheduled, and the oldest finished
// pods beyond --terminated-pod-gc-threshold (12500).
// K:pkg/controller/podgc/gc_controller.go.
import type { Node, Pod, PodCondition } from 'kubernetes-types/core/v1';
import { rfc3339 } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { isPodTerminal, tolerate } from './controller-utils.ts';
import type { KObject } from './objects.ts';

const NODES = CORE('nodes');
const PODS = CORE('pods');

export const GC_CHECK_PERIOD_MS = 20_000;
/** A node must stay missing this long before its pods count as orphans. */
export const QUARANTINE_MS = 40_000;
export const TERMINATED_POD_GC_THRESHOLD = 12_500;
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

export class PodGCController implements Controller {
  readonly name = 'pod-garbage-collector';
  private due = false;
  /** Missing node → when a pass first found a pod bound to it. */
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext, private readonly threshold = TERMINATED_POD_GC_THRESHOLD) {
    const tick = (): void => {
      this.due = true;
      ctx.clock.after(GC_CHECK_PERIOD_MS, tick, { background: true, label: 'pod-garbage-collector' });
    };
    ctx.clock.after(GC_CHECK_PERIOD_MS, tick, { background: true, label: 'pod-garbage-collector' });
  }

  observe(): boolean {
    return false;
  }

  hasWork(): boolean {
    return this.due;
  }

  reconcile(): void {
    if (!this.due) return;
    this.due = false;
    const pods = this.ctx.store.list(PODS).items as Pod[];
    const nodes = new Map((this.ctx.store.list(NODES).items as Node[]).map((n) => [n.metadata?.name ?? '', n]));
    this.gcTerminated(pods);
    this.gcTerminating(pods, nodes);
    this.gcOrphaned(pods, nodes);
    this.gcUnscheduledTerminating(pods);
  }

  private gcTerminated(pods: Pod[]): void {
    const terminated = pods.filter(isPodTerminal);
    const excess = terminated.length - this.threshold;
    if (excess <= 0) return;
    terminated.sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
    for (const pod of terminated.slice(0, excess)) this.markFailedAndDelete(pod);
  }

  /** Non-graceful node shutdown: an admin's out-of-service taint releases the pods. */
  private gcTerminating(pods: Pod[], nodes: Map<string, Node>): void {
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp === undefined) continue;
      const node = nodes.get(pod.spec?.nodeName ?? '');
      if (node === undefined) continue;
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      if (!ready && (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE)) this.markFailedAndDelete(pod);
    }
  }

  private gcOrphaned(pods: Pod[], nodes: Map<string, Node>): void {
    const now = this.ctx.clock.now();
    for (const name of this.missingSince.keys()) if (nodes.has(name)) this.missingSince.delete(name);
    for (const pod of pods) {
      const node = pod.spec?.nodeName ?? '';
      if (node === '' || nodes.has(node)) continue;
      const since = this.missingSince.get(node);
      if (since === undefined) this.missingSince.set(node, now);
      if (since === undefined || now - since < QUARANTINE_MS) continue;
      this.markFailedAndDelete(pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    }
  }

  private gcUnscheduledTerminating(pods: Pod[]): void {
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp !== undefined && (pod.spec?.nodeName ?? '') === '') this.markFailedAndDelete(pod);
    }
  }

  /** markFailedAndDeletePodWithCondition: phase Failed (and the condition), then grace period 0. */
  private markFailedAndDelete(pod: Pod, condition?: Omit<PodCondition, 'lastTransitionTime'>): void {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    if (!isPodTerminal(pod)) {
      const conditions = [...(pod.status?.conditions ?? [])];
      if (condition !== undefined) {
        const c = { ...condition, lastProbeTime: null as unknown as string, lastTransitionTime: rfc3339(this.ctx.clock.now()) };
        const i = conditions.findIndex((x) => x.type === c.type);
        if (i < 0) conditions.push(c);
        else conditions[i] = conditions[i]!.status === c.status ? { ...c, lastTransitionTime: conditions[i]!.lastTransitionTime } : c;
      }
      tolerate(() => this.ctx.registry.update(PODS, { ...pod, status: { ...pod.status, phase: 'Failed', conditions } } as KObject, { subresource: 'status' }));
    }
    tolerate(() => this.ctx.registry.delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid ?? '' } }));
  }
}

export function installPodGC(cluster: Cluster, threshold?: number): PodGCController {
  return cluster.addController((ctx) => new PodGCController(ctx, threshold)) as PodGCController;
}
