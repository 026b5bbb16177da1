// The taint eviction controller (taint-eviction-controller, split from the node
// lifecycle controller since 1.29): pods on a node with NoExecute taints they do not
// tolerate are deleted at once; pods whose matching tolerations carry
// tolerationSeconds are deleted that long after the controller saw the taint (the
// DefaultTolerationSeconds admission plugin gives every pod 300 s for not-ready and
// unreachable). Deletion is an ordinary graceful delete: on a dead node no kubelet
// finishes it, so the pod stays Terminating.
// K:pkg/controller/tainteviction/taint_eviction.go, timed_workers.go,
// K:pkg/apis/core/v1/helper/helpers.go (GetMatchingTolerations).
import type { Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1';
import { rfc3339 } from './clock.ts';
import type { Cluster } from './cluster.ts';
import { CORE, type Controller, type ControllerContext } from './controller.ts';
import { keyOf, splitKey, tolerate } from './controller-utils.ts';
import { EventRecorder } from './events.ts';
import { deepEqual, type KObject } from './objects.ts';
import { tolerates } from './scheduler.ts';
import type { Change } from './store.ts';

const NODES = CORE('nodes');
const PODS = CORE('pods');
const SOURCE = { component: 'taint-eviction-controller' };

/** A scheduled deletion; `cancel` is gone once it has run (the key stays, as upstream's nil worker). */
interface Work {
  createdAt: number;
  cancel: (() => void) | undefined;
  /** The pod it was queued for: a new pod of the same name (a StatefulSet's) is not it. */
  uid: string;
}

const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');

/** The first toleration of each taint; undefined when some taint has none. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): Toleration[] | undefined {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => tolerates(x, taint));
    if (t === undefined) return undefined;
    used.push(t);
  }
  return used;
}

/** getMinTolerationTime in ms: -1 tolerates forever. */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  private readonly events: EventRecorder;
  /** Node → its NoExecute taints (only tainted nodes). */
  private readonly tainted = new Map<string, Taint[]>();
  private readonly work = new Map<string, Work>();
  private readonly nodeQueue = new Set<string>();
  /** Pod key → the node it was on when it changed. */
  private readonly podQueue = new Map<string, string>();

  constructor(private readonly ctx: ControllerContext) {
    this.events = new EventRecorder(ctx);
    for (const n of ctx.store.list(NODES).items) if (noExecuteTaints(n as Node).length > 0) this.nodeQueue.add(n.metadata?.name ?? '');
  }

  observe(c: Change): boolean {
    if (c.gr.group !== '') return false;
    if (c.gr.resource === 'nodes') {
      const next = c.type === 'DELETED' ? undefined : (c.object as Node);
      if (c.previous !== undefined && next !== undefined && deepEqual(noExecuteTaints(c.previous as Node), noExecuteTaints(next))) return false;
      this.nodeQueue.add(c.object.metadata?.name ?? '');
      return true;
    }
    if (c.gr.resource !== 'pods') return false;
    const pod = c.object as Pod;
    const key = keyOf(c.object);
    const prev = c.previous as Pod | undefined;
    // Nothing to evict from and nothing to cancel: not worth a turn.
    if (this.tainted.size === 0 && !this.work.has(key)) return false;
    if (c.type !== 'DELETED' && prev !== undefined && prev.spec?.nodeName === pod.spec?.nodeName && deepEqual(prev.spec?.tolerations, pod.spec?.tolerations)) return false;
    this.podQueue.set(key, pod.spec?.nodeName ?? '');
    return true;
  }

  hasWork(): boolean {
    return this.nodeQueue.size > 0 || this.podQueue.size > 0;
  }

  reconcile(): void {
    // Node updates first, as upstream's workers prefer them.
    for (const name of [...this.nodeQueue]) {
      this.nodeQueue.delete(name);
      this.handleNodeUpdate(name);
    }
    for (const [key, node] of [...this.podQueue]) {
      this.podQueue.delete(key);
      this.handlePodUpdate(key, node);
    }
  }

  private handleNodeUpdate(name: string): void {
    const node = this.ctx.store.get(NODES, '', name) as Node | undefined;
    if (node === undefined) {
      this.tainted.delete(name);
      return;
    }
    const taints = noExecuteTaints(node);
    if (taints.length === 0) this.tainted.delete(name);
    else this.tainted.set(name, taints);
    const pods = (this.ctx.store.list(PODS).items as Pod[]).filter((p) => p.spec?.nodeName === name);
    const now = this.ctx.clock.now();
    for (const pod of pods) {
      if (taints.length === 0) this.cancel(keyOf(pod as KObject));
      else this.processPodOnNode(pod, taints, now);
    }
  }

  private handlePodUpdate(key: string, nodeName: string): void {
    const [namespace, name] = splitKey(key);
    const pod = this.ctx.store.get(PODS, namespace, name) as Pod | undefined;
    // Upstream sees the delete event on its own and cancels; here the queue keeps one
    // entry per name, so a pod deleted and recreated under its name shows as a new UID.
    if (pod === undefined || (this.work.get(key)?.uid ?? pod.metadata?.uid) !== pod.metadata?.uid) this.cancel(key);
    if (pod === undefined) return;
    if ((pod.spec?.nodeName ?? '') !== nodeName || nodeName === '') return;
    const taints = this.tainted.get(nodeName);
    if (taints === undefined) return;
    this.processPodOnNode(pod, taints, this.ctx.clock.now());
  }

  private processPodOnNode(pod: Pod, taints: Taint[], now: number): void {
    const key = keyOf(pod as KObject);
    if ((this.work.get(key)?.uid ?? pod.metadata?.uid) !== pod.metadata?.uid) this.cancel(key);
    const used = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (used === undefined) {
      this.cancel(key);
      this.schedule(key, pod.metadata?.uid ?? '', now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) {
      this.cancel(key);
      return;
    }
    const existing = this.work.get(key);
    let start = now;
    if (existing !== undefined) {
      start = existing.createdAt;
      if (start + min < now + min) return;
      this.cancel(key);
    }
    this.schedule(key, pod.metadata?.uid ?? '', start, now + min);
  }

  /** TimedWorkerQueue.AddWork: a key already queued (or done) is left alone. */
  private schedule(key: string, uid: string, createdAt: number, fireAt: number): void {
    if (this.work.has(key)) return;
    const work: Work = { createdAt, cancel: undefined, uid };
    work.cancel = this.ctx.clock.at(fireAt, () => {
      work.cancel = undefined;
      this.evict(key, uid);
    }, { background: true, label: `taint eviction ${key}` });
    this.work.set(key, work);
  }

  /** CancelWork, and the event upstream records whenever the key was known. */
  private cancel(key: string): void {
    const work = this.work.get(key);
    if (work === undefined) return;
    work.cancel?.();
    this.work.delete(key);
    this.record(key, 'Cancelling deletion of Pod');
  }

  /** deletePodHandler + addConditionAndDeletePod. */
  private evict(key: string, uid: string): void {
    this.record(key, 'Marking for deletion Pod');
    const [namespace, name] = splitKey(key);
    const pod = this.ctx.store.get(PODS, namespace, name) as Pod | undefined;
    if (pod === undefined || pod.metadata?.uid !== uid) return;
    const conditions = [...(pod.status?.conditions ?? [])];
    const target = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: rfc3339(this.ctx.clock.now()), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
    const i = conditions.findIndex((c) => c.type === 'DisruptionTarget');
    if (i < 0) conditions.push(target);
    else if (conditions[i]!.status !== 'True' || conditions[i]!.reason !== target.reason) conditions[i] = target;
    if (i < 0 || conditions[i] === target) {
      tolerate(() => this.ctx.registry.update(PODS, { ...pod, status: { ...pod.status, conditions } } as KObject, { subresource: 'status' }));
    }
    tolerate(() => this.ctx.registry.delete(PODS, namespace, name, { preconditions: { uid: pod.metadata?.uid ?? '' } }));
  }

  /** The controller names the pod without its UID, so `describe pod` does not list these. */
  private record(key: string, what: string): void {
    const [namespace, name] = splitKey(key);
    this.events.record({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } } as KObject, 'Normal', 'TaintManagerEviction', `${what} ${key}`, SOURCE);
  }
}

export function installTaintEvictionController(cluster: Cluster): TaintEvictionController {
  return cluster.addController((ctx) => new TaintEvictionController(ctx)) as TaintEvictionController;
}
