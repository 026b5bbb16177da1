// The kubelet of every node, as one controller with per-node and per-pod records. It
// walks each bound pod through kwok-style stages on the virtual clock (sandbox and IP,
// image pull, create, start), runs the container's process through the runtime,
// restarts it per restartPolicy with CrashLoopBackOff, runs probes, and carries out
// graceful deletion. Event texts are the 1.32 kubelet's
// (K:pkg/kubelet/events/event.go, K:pkg/kubelet/images/image_manager.go,
// K:pkg/kubelet/kuberuntime/kuberuntime_container.go, K:pkg/kubelet/prober/prober.go).
import type { Container, ContainerStateTerminated, EnvVar, Node, Pod, Probe } from 'kubernetes-types/core/v1';
import { rfc3339 } from '../clock.ts';
import type { Cluster } from '../cluster.ts';
import { CORE, type Controller, type ControllerContext } from '../controller.ts';
import type { ClusterNetwork, FileSystem, ProcessHandle, ProcessIO } from '../container/types.ts';
import { badRequest, isStatusError, notFound, StatusError } from '../errors.ts';
import { EventRecorder, type EventType } from '../events.ts';
import { containerArgv, defaultPullPolicy, parseImageRef, pullImage, type ProgramEnv, type ResolvedImage, type Service } from '../images.ts';
import { deepEqual, type KObject } from '../objects.ts';
import type { Change } from '../store.ts';
import { NodeIPAM } from './ipam.ts';
import { ContainerLog, formatLogs, type LogOptions } from './logs.ts';
import { containerRuntime } from '../container/process.ts';
import type { ContainerRuntime } from './runtime.ts';
import { podStatus } from './status.ts';
import { podVolumeError } from '../storage/kubelet-volumes.ts';
import { VolumeData } from './volumes.ts';
import { NodeStatusReporter } from './node-status.ts';
import { managedHostsFile } from './hosts-file.ts';

const PODS = CORE('pods');
const NODES = CORE('nodes');

/** Stage durations (kind-like, Appendix A.3); tests and a speed control may change them. */
export interface KubeletTimings {
  /** Pod sandbox + CNI: PodReadyToStartContainers and the pod IP. */
  sandboxMs: number;
  /** Image pull: a fixed cost plus a cost per MB of image. */
  pullBaseMs: number;
  pullMsPerMB: number;
  /** Pull of an image whose layers are already on the node (policy Always). */
  cachedPullMs: number;
  /** Container created → started. */
  startMs: number;
  /** PLEG relist: how long until the kubelet notices an exit. */
  relistMs: number;
}

export const DEFAULT_TIMINGS: KubeletTimings = {
  sandboxMs: 800,
  pullBaseMs: 300,
  pullMsPerMB: 12,
  cachedPullMs: 350,
  startMs: 60,
  relistMs: 1000,
};

const BACKOFF_INITIAL_MS = 10_000;
/** The pod worker's back-off after a failed sync (waiting for volumes). */
const VOLUME_RETRY_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

export interface KubeletOptions {
  runtime?: ContainerRuntime;
  timings?: Partial<KubeletTimings>;
  /** Whether a node's kubelet is running; pods on a dead node do not progress. Default: Ready=True. */
  nodeAlive?: (nodeName: string) => boolean;
  /** Images every node starts with (a kind node image's preloaded ones). */
  preloadedImages?: readonly string[];
}

export type ContainerRecordState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string }
  | { kind: 'terminated'; terminated: ContainerStateTerminated };

interface Backoff {
  delay: number;
  lastUpdate: number;
}

export interface ContainerRecord {
  name: string;
  spec: Container;
  init: boolean;
  state: ContainerRecordState;
  last?: ContainerStateTerminated;
  image?: ResolvedImage;
  containerID?: string;
  restartCount: number;
  ready: boolean;
  started: boolean;
  process?: ProcessHandle;
  fs?: FileSystem;
  logs: { current?: ContainerLog; previous?: ContainerLog };
  crash?: Backoff;
  pull?: Backoff & { until: number };
  /** When the last instance exited (ms). */
  finishedAtMs?: number;
  /** A restart is under way: restartCount goes up when the new instance starts. */
  restarting?: boolean;
  /** Why the running instance was stopped (liveness), so its exit leads to a restart. */
  killedBy?: 'liveness' | 'startup';
  probes: Array<() => void>;
  probeState: { readyOk: number; readyFail: number; liveFail: number; startOk: boolean };
  /** Processes exec'd into this instance: they die with its main process (one PID namespace). */
  execs?: Set<ProcessHandle>;
  /** Clients attached to the main process's output (`kubectl attach`, `kubectl run -i`). */
  attached?: Set<{ io: ProcessIO; end(): void }>;
}

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  pod: Pod;
  hostIP: string;
  hostNetwork: boolean;
  startTime: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  ip?: string;
  sandboxReady: boolean;
  init: ContainerRecord[];
  app: ContainerRecord[];
  /** A stage is under way (pull/create/start); the pod waits for it. */
  busy: boolean;
  /**
   * The sandbox came up and its containers are being pulled and started: upstream's
   * SyncPod does all of that in one call and publishes the status it computed before
   * it, so nothing (not the new IP either) is written until the containers run or fail.
   * K:pkg/kubelet/kubelet.go SyncPod (SetPodStatus, then containerRuntime.SyncPod)
   */
  inSyncPod?: boolean;
  terminating: boolean;
  finished: boolean;
  timers: Set<() => void>;
  listeners: Map<number, Service>;
  /** Pre-existing running pods (kind's system pods): no processes behind them. */
  adopted: boolean;
}

interface NodeRecord {
  name: string;
  ip: string;
  ipam: NodeIPAM;
  images: Set<string>;
  /** serializeImagePulls: the next pull starts when this one ends. */
  pullFreeAt: number;
  /** Image → when the pull under way ends. */
  pulling: Map<string, number>;
  pods: Set<string>;
}

/** Go's time.Duration.String for whole milliseconds: 885ms, 1.2s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** A client attached to a container's main process (`kubectl attach`). */
export interface ContainerAttachment {
  /** Input for the main process; `null` closes its stdin if the container has `stdinOnce`. */
  write(data: string | null): void;
  /** The main process exited: the attachment is over. */
  onEnd(listener: () => void): void;
  detach(): void;
}

/** `kubectl exec -i` / `-t`: whether the process gets an open stdin and a terminal. */
export interface ExecStdio {
  stdin?: boolean;
  tty?: boolean;
}

const isTerminalPod = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class Kubelet implements Controller {
  readonly name = 'kubelet';
  readonly timings: KubeletTimings;
  private readonly runtime: ContainerRuntime;
  private readonly nodeAliveFn: ((n: string) => boolean) | undefined;
  private readonly events: EventRecorder;
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly pods = new Map<string, PodRecord>();
  private readonly byName = new Map<string, string>();
  /** Pods whose records changed and need a sync + status write. */
  private readonly dirty = new Set<string>();
  /** ip:port → service, for probes and the cluster network. */
  private readonly sockets = new Map<string, Service>();
  /** Pods held before their sandbox until their claims are bound: uid → cancels the retry. */
  private readonly volumeWaiters = new Map<string, () => void>();
  /** Cluster DNS and Service routing for containers (dns.ts clusterNetwork); none = no DNS server. */
  network: ClusterNetwork | undefined;
  /** The bytes behind pods' volumes (PVs, node disks, emptyDirs). */
  readonly volumes: VolumeData;
  /** Lease renewals and node status reports. */
  private readonly nodeStatus: NodeStatusReporter;
  /** Stopped nodes (`docker stop`): their kubelet and containers are gone; ms it happened. */
  private readonly down = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext, options: KubeletOptions = {}) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.runtime = options.runtime ?? containerRuntime({ now: () => ctx.clock.now() });
    this.nodeAliveFn = options.nodeAlive;
    this.preloaded = (options.preloadedImages ?? []).map((i) => parseImageRef(i).full);
    this.events = new EventRecorder(ctx);
    this.volumes = new VolumeData(ctx.store, () => ctx.clock.now(), (ms, fn) => { ctx.clock.after(ms, fn, { label: 'kubelet volume sync' }); });
    this.nodeStatus = new NodeStatusReporter(ctx, this.events);
    for (const n of ctx.store.list(NODES).items) this.addNode(n as Node);
    for (const p of ctx.store.list(PODS).items) this.observePod(p as Pod, true);
  }

  private readonly preloaded: string[];
  private lastSecond = -1;
  private lastStamp = '';

  /** rfc3339(now), remembered for the second: thousands of status writes share it. */
  private now(): string {
    const second = Math.floor(this.ctx.clock.now() / 1000);
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastStamp = rfc3339(second * 1000);
    }
    return this.lastStamp;
  }

  // ---------------------------------------------------------------- controller plumbing

  observe(c: Change): boolean {
    if (c.gr.group !== '') return false;
    if (c.gr.resource === 'nodes') {
      if (c.type === 'DELETED') return false;
      const node = c.object as Node;
      if (!this.nodes.has(node.metadata?.name ?? '')) this.addNode(node);
      // A node coming back to life resumes its pods.
      const rec = this.nodes.get(node.metadata?.name ?? '');
      if (rec !== undefined && ready(c.previous as Node | undefined) !== ready(node)) for (const uid of rec.pods) this.dirty.add(uid);
      return this.dirty.size > 0;
    }
    if (c.gr.resource === 'persistentvolumeclaims') {
      // A claim that changed may be what a waiting pod needs: try again now.
      for (const uid of this.volumeWaiters.keys()) {
        if (this.pods.get(uid)?.namespace === c.object.metadata?.namespace) this.dirty.add(uid);
      }
      return this.dirty.size > 0;
    }
    if (c.gr.resource !== 'pods') return false;
    if (c.type === 'DELETED') {
      this.forget(c.object.metadata?.uid ?? '');
      return false;
    }
    this.observePod(c.object as Pod, false);
    return this.dirty.size > 0;
  }

  hasWork(): boolean {
    return this.dirty.size > 0;
  }

  reconcile(): void {
    // Syncs may dirty other pods (or themselves, at the same instant); take turns.
    const uids = [...this.dirty];
    this.dirty.clear();
    for (const uid of uids) {
      const p = this.pods.get(uid);
      if (p !== undefined) this.sync(p);
    }
  }

  private addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    this.nodes.set(name, { name, ip, ipam: new NodeIPAM(node.spec?.podCIDR ?? '10.244.0.0/24'), images: new Set(this.preloaded), pullFreeAt: 0, pulling: new Map(), pods: new Set() });
    this.nodeStatus.adopt(name);
  }

  private nodeAlive(name: string): boolean {
    if (this.down.has(name)) return false;
    if (this.nodeAliveFn !== undefined) return this.nodeAliveFn(name);
    return ready(this.ctx.store.get(NODES, '', name) as Node | undefined);
  }

  private observePod(pod: Pod, initial: boolean): void {
    const uid = pod.metadata?.uid ?? '';
    const existing = this.pods.get(uid);
    if (existing !== undefined) {
      existing.pod = pod;
      if (pod.metadata?.deletionTimestamp !== undefined && !existing.terminating) this.dirty.add(uid);
      return;
    }
    const nodeName = pod.spec?.nodeName ?? '';
    const node = this.nodes.get(nodeName);
    if (node === undefined) return;
    if (isTerminalPod(pod) && !initial) return;
    const rec = this.newRecord(pod, node);
    this.pods.set(uid, rec);
    this.byName.set(`${rec.namespace}/${rec.name}`, uid);
    node.pods.add(uid);
    if (initial && (pod.status?.phase === 'Running' || isTerminalPod(pod))) this.adopt(rec, node);
    else this.dirty.add(uid);
  }

  private newRecord(pod: Pod, node: NodeRecord): PodRecord {
    const record = (c: Container, init: boolean): ContainerRecord => ({
      name: c.name,
      spec: c,
      init,
      state: { kind: 'waiting', reason: init || (pod.spec?.initContainers ?? []).length === 0 ? 'ContainerCreating' : 'PodInitializing' },
      restartCount: 0,
      ready: false,
      started: false,
      logs: {},
      probes: [],
      probeState: { readyOk: 0, readyFail: 0, liveFail: 0, startOk: false },
    });
    const init = (pod.spec?.initContainers ?? []).map((c) => record(c, true));
    for (const c of init) c.state = { kind: 'waiting', reason: 'PodInitializing' };
    return {
      uid: pod.metadata?.uid ?? '',
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      node: node.name,
      pod,
      hostIP: node.ip,
      hostNetwork: pod.spec?.hostNetwork === true,
      startTime: pod.status?.startTime ?? this.now(),
      restartPolicy: (pod.spec?.restartPolicy as PodRecord['restartPolicy'] | undefined) ?? 'Always',
      sandboxReady: false,
      init,
      app: (pod.spec?.containers ?? []).map((c) => record(c, false)),
      busy: false,
      terminating: false,
      finished: false,
      timers: new Set(),
      listeners: new Map(),
      adopted: false,
    };
  }

  /** Pods that were running before this kubelet started (kind's bootstrap): take them as they are. */
  private adopt(p: PodRecord, node: NodeRecord): void {
    p.adopted = true;
    p.sandboxReady = true;
    const ip = p.pod.status?.podIP;
    if (ip !== undefined) {
      p.ip = ip;
      if (!p.hostNetwork) node.ipam.reserve(ip);
    }
    const statuses = p.pod.status?.containerStatuses ?? [];
    for (const c of p.app) {
      const s = statuses.find((x) => x.name === c.name);
      if (s?.state?.running !== undefined) c.state = { kind: 'running', startedAt: s.state.running.startedAt ?? p.startTime };
      else if (s?.state?.terminated !== undefined) c.state = { kind: 'terminated', terminated: s.state.terminated };
      c.ready = s?.ready ?? false;
      c.started = s?.started ?? false;
      c.restartCount = s?.restartCount ?? 0;
      if (s?.containerID !== undefined) c.containerID = s.containerID;
    }
    if (isTerminalPod(p.pod)) p.finished = true;
  }

  private forget(uid: string): void {
    const p = this.pods.get(uid);
    if (p === undefined) return;
    this.volumeWaiters.get(uid)?.();
    this.volumeWaiters.delete(uid);
    for (const c of [...p.init, ...p.app]) {
      this.stopProbes(c);
      if (c.process?.exitCode === undefined) c.process?.kill(9);
    }
    for (const cancel of p.timers) cancel();
    this.closeSockets(p);
    this.releaseIP(p);
    this.volumes.podRemoved(uid);
    this.pods.delete(uid);
    this.byName.delete(`${p.namespace}/${p.name}`);
    this.nodes.get(p.node)?.pods.delete(uid);
    this.dirty.delete(uid);
  }

  private releaseIP(p: PodRecord): void {
    if (p.ip !== undefined && !p.hostNetwork) this.nodes.get(p.node)?.ipam.release(p.ip);
  }

  /** Runs `fn` for this pod after `ms` of virtual time, unless the pod is gone. */
  private later(p: PodRecord, ms: number, label: string, fn: () => void, background = false): void {
    const cancel = this.ctx.clock.after(ms, () => {
      p.timers.delete(cancel);
      if (this.pods.get(p.uid) !== p) return;
      fn();
      this.dirty.add(p.uid);
    }, { label: `kubelet ${p.namespace}/${p.name} ${label}`, background });
    p.timers.add(cancel);
  }

  private event(p: PodRecord, type: EventType, reason: string, message: string, c?: ContainerRecord): void {
    const fieldPath = c === undefined ? undefined : `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}`;
    this.events.record(p.pod as KObject, type, reason, message, { component: 'kubelet', host: p.node }, fieldPath);
  }

  // ---------------------------------------------------------------- the pod worker

  private sync(p: PodRecord): void {
    if (p.finished || !this.nodeAlive(p.node)) return;
    if (p.pod.metadata?.deletionTimestamp !== undefined) this.terminate(p);
    else if (!p.adopted) {
      this.advance(p);
      if (p.inSyncPod === true) {
        if (p.busy) return;
        p.inSyncPod = false;
      }
    }
    this.writeStatus(p);
  }

  private advance(p: PodRecord): void {
    if (!p.sandboxReady) {
      if (!p.busy && !this.volumesReady(p)) return;
      if (!p.busy) {
        p.busy = true;
        this.later(p, this.timings.sandboxMs, 'sandbox', () => {
          p.busy = false;
          p.sandboxReady = true;
          p.inSyncPod = true;
          p.ip = p.hostNetwork ? p.hostIP : this.nodes.get(p.node)?.ipam.allocate();
        });
      }
      return;
    }
    if (p.busy) return;
    // Init containers one at a time, in order; each must exit 0 before the next.
    for (const c of p.init) {
      if (c.state.kind === 'terminated' && c.state.terminated.exitCode === 0) continue;
      if (c.state.kind === 'running') return;
      if (c.state.kind === 'terminated' || c.last !== undefined) {
        if (p.restartPolicy === 'Never') return;
        this.restartWithBackoff(p, c);
        return;
      }
      this.startContainer(p, c);
      return;
    }
    for (const c of p.app) if (c.state.kind === 'waiting' && c.state.reason === 'PodInitializing') c.state = { kind: 'waiting', reason: 'ContainerCreating' };
    for (const c of p.app) {
      if (c.state.kind === 'running') continue;
      if (c.state.kind === 'terminated' || c.last !== undefined) {
        const code = c.state.kind === 'terminated' ? c.state.terminated.exitCode : 1;
        const restart = p.restartPolicy === 'Always' || (p.restartPolicy === 'OnFailure' && (code !== 0 || c.killedBy !== undefined));
        if (!restart) continue;
        this.restartWithBackoff(p, c);
      } else {
        this.startContainer(p, c);
      }
      if (p.busy) return;
    }
    if (this.isDone(p)) this.finish(p);
  }

  /**
   * WaitForAttachAndMount: the sandbox starts only once every claim the pod mounts is
   * Bound; until then FailedMount, retried after the pod worker's back-off or when a
   * claim changes.
   */
  private volumesReady(p: PodRecord): boolean {
    const waiting = this.volumeWaiters.get(p.uid);
    const error = podVolumeError(this.ctx.store, p.pod);
    if (error === undefined) {
      waiting?.();
      this.volumeWaiters.delete(p.uid);
      return true;
    }
    // A claim change retries at once; the back-off timer only re-announces.
    if (waiting === undefined) {
      this.event(p, 'Warning', 'FailedMount', error);
      const retry = (): void => {
        if (this.pods.get(p.uid) !== p) return;
        this.volumeWaiters.set(p.uid, this.ctx.clock.after(VOLUME_RETRY_MS, retry, { background: true, label: `kubelet ${p.namespace}/${p.name} volume wait` }));
        const still = podVolumeError(this.ctx.store, p.pod);
        if (still !== undefined) this.event(p, 'Warning', 'FailedMount', still);
        else this.dirty.add(p.uid);
      };
      this.volumeWaiters.set(p.uid, this.ctx.clock.after(VOLUME_RETRY_MS, retry, { background: true, label: `kubelet ${p.namespace}/${p.name} volume wait` }));
    }
    return false;
  }

  /** Every container has stopped for good: the sandbox goes, the IP is freed. */
  private isDone(p: PodRecord): boolean {
    if (p.restartPolicy === 'Always') return false;
    const initFailed = p.restartPolicy === 'Never' && p.init.some((c) => c.state.kind === 'terminated' && c.state.terminated.exitCode !== 0);
    if (initFailed) return true;
    return p.app.every((c) => c.state.kind === 'terminated' && (p.restartPolicy === 'Never' || c.state.terminated.exitCode === 0));
  }

  private finish(p: PodRecord): void {
    p.finished = true;
    p.sandboxReady = false;
    this.closeSockets(p);
    this.releaseIP(p);
  }

  /** K:pkg/kubelet/kuberuntime/kuberuntime_manager.go doBackOff, with client-go's flowcontrol.Backoff. */
  private restartWithBackoff(p: PodRecord, c: ContainerRecord): void {
    const now = this.ctx.clock.now();
    // The runtime's exit time, not the status' whole seconds.
    const finishedAt = c.finishedAtMs ?? now;
    if (c.crash !== undefined && now - c.crash.lastUpdate > 2 * BACKOFF_MAX_MS) c.crash = undefined;
    if (c.crash !== undefined && now - finishedAt < c.crash.delay) {
      const podRef = `${p.name}_${p.namespace}(${p.uid})`;
      if (c.state.kind === 'terminated') c.last = c.state.terminated;
      c.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${goDuration(c.crash.delay)} restarting failed container=${c.name} pod=${podRef}` };
      this.event(p, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podRef}`, c);
      p.busy = true;
      // A crash loop never ends; its waits must not keep settle() from returning.
      this.later(p, finishedAt + c.crash.delay - now, 'crash back-off', () => {
        p.busy = false;
      }, true);
      return;
    }
    c.crash = c.crash === undefined ? { delay: BACKOFF_INITIAL_MS, lastUpdate: now } : { delay: Math.min(c.crash.delay * 2, BACKOFF_MAX_MS), lastUpdate: now };
    c.killedBy = undefined;
    c.restarting = true;
    this.startContainer(p, c);
  }

  /** EnsureImageExists, then create and start (K:pkg/kubelet/images/image_manager.go). */
  private startContainer(p: PodRecord, c: ContainerRecord): void {
    const now = this.ctx.clock.now();
    const image = c.spec.image ?? '';
    const node = this.nodes.get(p.node)!;
    const ref = parseImageRef(image);
    const policy = c.spec.imagePullPolicy ?? defaultPullPolicy(image);
    const present = node.images.has(ref.full);
    if (policy === 'Never' && !present) {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      c.state = { kind: 'waiting', reason: 'ErrImageNeverPull', message };
      p.inSyncPod = false;
      this.event(p, 'Warning', 'ErrImageNeverPull', message, c);
      this.event(p, 'Warning', 'Failed', 'Error: ErrImageNeverPull', c);
      return;
    }
    if (c.pull !== undefined && now < c.pull.until) {
      c.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` };
      this.event(p, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, c);
      this.event(p, 'Warning', 'Failed', 'Error: ImagePullBackOff', c);
      p.busy = true;
      this.later(p, c.pull.until - now, 'image pull back-off', () => {
        p.busy = false;
      }, true);
      return;
    }
    p.busy = true;
    if (policy !== 'Always' && present) {
      const result = pullImage(image);
      if (result.ok) c.image = result.image;
      this.event(p, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, c);
      this.createAndStart(p, c);
      return;
    }
    this.event(p, 'Normal', 'Pulling', `Pulling image "${image}"`, c);
    const result = pullImage(image);
    // containerd joins a pull of the same image already under way; it ends with it.
    const inFlight = node.pulling.get(ref.full);
    const joined = inFlight !== undefined && inFlight > now;
    const pullMs = joined ? inFlight - now : !result.ok ? this.timings.pullBaseMs : present ? this.timings.cachedPullMs : this.timings.pullBaseMs + Math.round((result.image.size / 1e6) * this.timings.pullMsPerMB);
    const doneAt = joined ? inFlight : Math.max(now, node.pullFreeAt) + pullMs;
    if (!joined) {
      node.pullFreeAt = doneAt;
      node.pulling.set(ref.full, doneAt);
    }
    this.later(p, doneAt - now, 'image pull', () => {
      if (!result.ok) {
        c.pull = c.pull === undefined
          ? { delay: BACKOFF_INITIAL_MS, lastUpdate: this.ctx.clock.now(), until: this.ctx.clock.now() + BACKOFF_INITIAL_MS }
          : { delay: Math.min(c.pull.delay * 2, BACKOFF_MAX_MS), lastUpdate: this.ctx.clock.now(), until: this.ctx.clock.now() + Math.min(c.pull.delay * 2, BACKOFF_MAX_MS) };
        c.state = { kind: 'waiting', reason: 'ErrImagePull', message: result.message };
        p.inSyncPod = false;
        this.event(p, 'Warning', 'Failed', `Failed to pull image "${image}": ${result.message}`, c);
        this.event(p, 'Warning', 'Failed', 'Error: ErrImagePull', c);
        // The next sync (PLEG relist) finds the pull in back-off.
        this.later(p, this.timings.relistMs, 'relist', () => {
          p.busy = false;
        });
        return;
      }
      c.pull = undefined;
      node.images.add(ref.full);
      c.image = result.image;
      const total = doneAt - now;
      this.event(p, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${goDuration(pullMs)} (${goDuration(total)} including waiting). Image size: ${result.image.size} bytes.`, c);
      this.createAndStart(p, c);
    });
  }

  private createAndStart(p: PodRecord, c: ContainerRecord): void {
    const image = c.image;
    if (image === undefined) {
      p.busy = false;
      return;
    }
    const env = this.containerEnv(p, c);
    if (typeof env === 'string') {
      c.state = { kind: 'waiting', reason: 'CreateContainerConfigError', message: env };
      p.inSyncPod = false;
      this.event(p, 'Warning', 'Failed', `Error: ${env}`, c);
      this.later(p, this.timings.relistMs * 10, 'config retry', () => {
        p.busy = false;
      }, true);
      return;
    }
    c.containerID = `containerd://${this.ctx.random.hex(64)}`;
    this.event(p, 'Normal', 'Created', `Created container: ${c.name}`, c);
    this.later(p, this.timings.startMs, 'start', () => {
      p.busy = false;
      if (p.terminating) return;
      this.event(p, 'Normal', 'Started', `Started container ${c.name}`, c);
      this.run(p, c, image, env);
    });
  }

  /** Environment: image ENV, then the pod's service links, then the container's own. */
  private containerEnv(p: PodRecord, c: ContainerRecord): Record<string, string> | string {
    const env: Record<string, string> = { ...c.image?.env };
    env.HOSTNAME = p.pod.spec?.hostname ?? p.name;
    Object.assign(env, {
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
    });
    for (const src of c.spec.envFrom ?? []) {
      const ref = src.configMapRef ?? src.secretRef;
      if (ref === undefined) continue;
      const kind = src.configMapRef !== undefined ? 'configmap' : 'secret';
      const obj = this.ctx.store.get(CORE(kind === 'configmap' ? 'configmaps' : 'secrets'), p.namespace, ref.name ?? '');
      if (obj === undefined) {
        if (ref.optional === true) continue;
        return `${kind} "${ref.name}" not found`;
      }
      const data = (obj.data ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(data)) env[`${src.prefix ?? ''}${k}`] = kind === 'secret' ? decodeBase64(v) : v;
    }
    for (const e of c.spec.env ?? []) {
      const v = this.envValue(p, e, env);
      if (v === undefined) continue;
      if (v.error !== undefined) return v.error;
      env[e.name] = v.value;
    }
    return env;
  }

  private envValue(p: PodRecord, e: EnvVar, env: Record<string, string>): { value: string; error?: string } | undefined {
    if (e.valueFrom === undefined) return { value: expandVars(e.value ?? '', env) };
    const f = e.valueFrom.fieldRef?.fieldPath;
    if (f !== undefined) {
      const pod = p.pod;
      const fields: Record<string, string | undefined> = {
        'metadata.name': p.name,
        'metadata.namespace': p.namespace,
        'metadata.uid': p.uid,
        'spec.nodeName': p.node,
        'spec.serviceAccountName': pod.spec?.serviceAccountName ?? 'default',
        'status.hostIP': p.hostIP,
        'status.podIP': p.ip,
        'status.podIPs': p.ip,
        'status.hostIPs': p.hostIP,
      };
      const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(f);
      if (label !== null) return { value: (label[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[label[2]!] ?? '' };
      return { value: fields[f] ?? '' };
    }
    const cm = e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef;
    if (cm !== undefined) {
      const secret = e.valueFrom.secretKeyRef !== undefined;
      const obj = this.ctx.store.get(CORE(secret ? 'secrets' : 'configmaps'), p.namespace, cm.name ?? '');
      const raw = (obj?.data as Record<string, string> | undefined)?.[cm.key];
      if (obj === undefined || raw === undefined) {
        if (cm.optional === true) return undefined;
        return { value: '', error: obj === undefined ? `${secret ? 'secret' : 'configmap'} "${cm.name}" not found` : `couldn't find key ${cm.key} in ${secret ? 'Secret' : 'ConfigMap'} ${p.namespace}/${cm.name}` };
      }
      return { value: secret ? decodeBase64(raw) : raw };
    }
    return { value: '' };
  }

  private run(p: PodRecord, c: ContainerRecord, image: ResolvedImage, env: Record<string, string>): void {
    const startedAt = this.ctx.clock.now();
    if (c.state.kind === 'terminated') c.last = c.state.terminated;
    if (c.restarting === true) c.restartCount++;
    c.restarting = false;
    c.state = { kind: 'running', startedAt: rfc3339(startedAt) };
    c.logs = { previous: c.logs.current, current: new ContainerLog() };
    c.probeState = { readyOk: 0, readyFail: 0, liveFail: 0, startOk: c.spec.startupProbe === undefined };
    c.started = c.probeState.startOk;
    c.ready = c.spec.readinessProbe === undefined && c.started;
    // The container's filesystem lives as long as the container instance.
    c.fs = this.runtime.createFileSystem(image.files, {
      mounts: this.volumes.mounts({ pod: p.pod, uid: p.uid, node: p.node, env }, c.spec),
      readOnlyRoot: c.spec.securityContext?.readOnlyRootFilesystem === true,
    });
    if (!p.hostNetwork && p.ip !== undefined) {
      try {
        c.fs.writeFile('/etc/hosts', managedHostsFile(p.pod, p.ip));
      } catch {
        // a read-only root: the kubelet bind-mounts the file, so this is a simplification
      }
    }
    const argv = containerArgv(image, c.spec.command?.map((a) => expandVars(a, env)), c.spec.args?.map((a) => expandVars(a, env)));
    const log = c.logs.current;
    const io: ProcessIO = {
      stdout: (t) => {
        log!.write('stdout', t, this.ctx.clock.now());
        for (const a of c.attached ?? []) a.io.stdout(t);
      },
      stderr: (t) => {
        log!.write('stderr', t, this.ctx.clock.now());
        for (const a of c.attached ?? []) a.io.stderr(t);
      },
    };
    // `stdin: true` keeps the main process's stdin open for `kubectl attach -i`.
    const stdio = { ...(c.spec.stdin === true ? { stdin: true } : {}), ...(c.spec.tty === true ? { tty: true } : {}) };
    const handle = this.runtime.startProcess(argv, { ...this.processEnv(p, c, env), ...stdio }, io, this.ctx.clock);
    c.process = handle;
    this.startProbes(p, c);
    handle.onExit((code) => {
      for (const e of c.execs ?? []) e.kill(9);
      c.execs?.clear();
      for (const a of [...(c.attached ?? [])]) a.end();
      c.attached?.clear();
      log!.close(this.ctx.clock.now());
      const finishedAt = this.ctx.clock.now();
      c.finishedAtMs = finishedAt;
      // PLEG notices the exit at its next relist (at once when the pod is being torn down).
      const noticed = (): void => {
        if (c.process !== handle) return;
        this.stopProbes(c);
        this.closeContainerSockets(p, c);
        c.process = undefined;
        c.ready = false;
        c.started = false;
        c.state = {
          kind: 'terminated',
          terminated: {
            exitCode: code,
            reason: code === 0 ? 'Completed' : 'Error',
            startedAt: rfc3339(startedAt),
            finishedAt: rfc3339(finishedAt),
            containerID: c.containerID,
            ...(code > 128 && code < 160 ? { signal: code - 128 } : {}),
          },
        };
        if (!p.terminating) {
          // Write the exit, then decide on a restart at the next sync.
          p.busy = true;
          this.later(p, this.timings.relistMs, 'relist', () => {
            p.busy = false;
          });
        }
        this.dirty.add(p.uid);
      };
      if (p.terminating) noticed();
      else this.later(p, Math.max(0, this.timings.relistMs - (this.ctx.clock.now() - finishedAt)), 'exit', noticed);
    });
  }

  private processEnv(p: PodRecord, c: ContainerRecord, env: Record<string, string>): ProgramEnv {
    return {
      fs: c.fs!,
      env,
      hostname: env.HOSTNAME ?? p.name,
      cwd: c.spec.workingDir ?? c.image?.workingDir ?? '/',
      namespace: p.namespace,
      ...(this.network !== undefined ? { network: this.network } : {}),
      now: () => this.ctx.clock.now(),
      listen: (port, service) => {
        p.listeners.set(port, service);
        if (p.ip !== undefined) this.sockets.set(`${p.ip}:${port}`, service);
        (c as ContainerRecord & { ports?: Set<number> }).ports ??= new Set();
        (c as ContainerRecord & { ports?: Set<number> }).ports!.add(port);
        return () => this.closePort(p, port);
      },
      connect: (host, port) => (host === 'localhost' || host === '127.0.0.1' || host === p.ip ? p.listeners.get(port) : this.connect(host, port)),
    };
  }

  private closePort(p: PodRecord, port: number): void {
    p.listeners.delete(port);
    if (p.ip !== undefined) this.sockets.delete(`${p.ip}:${port}`);
  }

  private closeContainerSockets(p: PodRecord, c: ContainerRecord): void {
    const ports = (c as ContainerRecord & { ports?: Set<number> }).ports;
    for (const port of ports ?? []) this.closePort(p, port);
    ports?.clear();
  }

  private closeSockets(p: PodRecord): void {
    for (const port of [...p.listeners.keys()]) this.closePort(p, port);
  }

  // ---------------------------------------------------------------- probes

  private startProbes(p: PodRecord, c: ContainerRecord): void {
    const schedule = (kind: 'startup' | 'readiness' | 'liveness', probe: Probe | undefined): void => {
      if (probe === undefined) return;
      const period = (probe.periodSeconds ?? 10) * 1000;
      const tick = (): void => {
        if (c.process === undefined || p.terminating) return;
        const cancel = this.ctx.clock.after(period, tick, { background: true, label: `${kind} probe ${p.name}/${c.name}` });
        c.probes.push(cancel);
        if (kind !== 'startup' && !c.probeState.startOk) return;
        if (kind === 'startup' && c.probeState.startOk) return;
        this.probe(p, c, probe, (ok, output) => this.probeResult(p, c, kind, probe, ok, output));
      };
      c.probes.push(this.ctx.clock.after((probe.initialDelaySeconds ?? 0) * 1000, tick, { background: true, label: `${kind} probe ${p.name}/${c.name}` }));
    };
    schedule('startup', c.spec.startupProbe);
    schedule('readiness', c.spec.readinessProbe);
    schedule('liveness', c.spec.livenessProbe);
  }

  private stopProbes(c: ContainerRecord): void {
    for (const cancel of c.probes) cancel();
    c.probes = [];
  }

  private probeResult(p: PodRecord, c: ContainerRecord, kind: 'startup' | 'readiness' | 'liveness', probe: Probe, ok: boolean, output: string): void {
    if (this.pods.get(p.uid) !== p || c.process === undefined) return;
    const s = c.probeState;
    const failureThreshold = probe.failureThreshold ?? 3;
    const Kind = kind[0]!.toUpperCase() + kind.slice(1);
    if (!ok) this.event(p, 'Warning', 'Unhealthy', `${Kind} probe failed: ${output}`, c);
    if (kind === 'readiness') {
      if (ok) {
        s.readyFail = 0;
        s.readyOk++;
        if (!c.ready && s.readyOk >= (probe.successThreshold ?? 1)) c.ready = true;
      } else {
        s.readyOk = 0;
        s.readyFail++;
        if (c.ready && s.readyFail >= failureThreshold) c.ready = false;
      }
    } else if (ok) {
      s.liveFail = 0;
      if (kind === 'startup') {
        s.startOk = true;
        c.started = true;
        if (c.spec.readinessProbe === undefined) c.ready = true;
      }
    } else if (++s.liveFail >= failureThreshold) {
      s.liveFail = 0;
      c.killedBy = kind;
      this.event(p, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`, c);
      this.stopProcess(p, c, probe.terminationGracePeriodSeconds ?? p.pod.spec?.terminationGracePeriodSeconds ?? 30);
    }
    this.dirty.add(p.uid);
  }

  /** One probe run; `done` may be called later (exec probes run processes). */
  private probe(p: PodRecord, c: ContainerRecord, probe: Probe, done: (ok: boolean, output: string) => void): void {
    const host = probe.httpGet?.host ?? p.ip ?? '';
    const portOf = (port: number | string | undefined): number =>
      typeof port === 'number' ? port : Number(c.spec.ports?.find((x) => x.name === port)?.containerPort ?? port);
    if (probe.httpGet !== undefined) {
      const port = portOf(probe.httpGet.port);
      const path = probe.httpGet.path ?? '/';
      const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
      const res = this.httpGet(host, port, path, 'kube-probe/1.32');
      if (res === undefined) done(false, `Get "${scheme}://${host}:${port}${path}": dial tcp ${host}:${port}: connect: connection refused`);
      else if (res.status >= 200 && res.status < 400) done(true, '');
      else done(false, `HTTP probe failed with statuscode: ${res.status}`);
      return;
    }
    if (probe.tcpSocket !== undefined) {
      const port = portOf(probe.tcpSocket.port);
      const target = probe.tcpSocket.host ?? p.ip ?? '';
      if (p.listeners.has(port)) done(true, '');
      else done(false, `dial tcp ${target}:${port}: connect: connection refused`);
      return;
    }
    if (probe.exec !== undefined) {
      const result = this.exec(p, c, probe.exec.command ?? []);
      let settled = false;
      const cancel = this.ctx.clock.after((probe.timeoutSeconds ?? 1) * 1000, () => {
        if (settled) return;
        settled = true;
        result.handle.kill(9);
        done(false, `command "${(probe.exec?.command ?? []).join(' ')}" timed out`);
      }, { background: true, label: `exec probe timeout ${p.name}/${c.name}` });
      result.handle.onExit((code) => {
        if (settled) return;
        settled = true;
        cancel();
        done(code === 0, result.output());
      });
      return;
    }
    done(true, '');
  }

  private exec(p: PodRecord, c: ContainerRecord, argv: string[], io?: ProcessIO, stdio: ExecStdio = {}): { handle: ProcessHandle; output: () => string } {
    let out = '';
    const sink: ProcessIO = io ?? { stdout: (t) => (out += t), stderr: (t) => (out += t) };
    const env = this.containerEnv(p, c);
    const processEnv = { ...this.processEnv(p, c, typeof env === 'string' ? {} : env), ...(stdio.stdin === true ? { stdin: true } : {}), ...(stdio.tty === true ? { tty: true } : {}) };
    const handle = this.runtime.startProcess(argv, processEnv, sink, this.ctx.clock);
    if (handle.exitCode === undefined) {
      (c.execs ??= new Set()).add(handle);
      handle.onExit(() => c.execs?.delete(handle));
    }
    return { handle, output: () => out };
  }

  // ---------------------------------------------------------------- termination

  /** Graceful deletion: SIGTERM now, SIGKILL at the deadline, then the final delete. */
  private terminate(p: PodRecord): void {
    if (!p.terminating) {
      p.terminating = true;
      const deadline = Date.parse(p.pod.metadata?.deletionTimestamp ?? '') || this.ctx.clock.now();
      for (const c of [...p.init, ...p.app]) {
        this.stopProbes(c);
        if (c.process !== undefined || (p.adopted && c.state.kind === 'running')) {
          this.event(p, 'Normal', 'Killing', `Stopping container ${c.name}`, c);
        }
        c.process?.kill(15);
        if (p.adopted && c.state.kind === 'running') {
          c.state = { kind: 'terminated', terminated: { exitCode: 0, reason: 'Completed', startedAt: c.state.startedAt, finishedAt: this.now(), containerID: c.containerID } };
          c.ready = false;
        }
      }
      if ([...p.init, ...p.app].some((c) => c.process !== undefined)) {
        this.later(p, Math.max(0, deadline - this.ctx.clock.now()), 'grace period', () => {
          for (const c of [...p.init, ...p.app]) c.process?.kill(9);
        });
      }
    }
    if ([...p.init, ...p.app].some((c) => c.process !== undefined)) return;
    for (const c of p.app) c.ready = false;
    this.writeStatus(p);
    p.finished = true;
    this.releaseIP(p);
    this.closeSockets(p);
    try {
      this.ctx.registry.delete(PODS, p.namespace, p.name, { gracePeriodSeconds: 0, preconditions: { uid: p.uid } });
    } catch (error) {
      if (!isStatusError(error)) throw error;
    }
  }

  /** Stops one container (liveness failure) with its grace period. */
  private stopProcess(p: PodRecord, c: ContainerRecord, graceSeconds: number): void {
    const handle = c.process;
    if (handle === undefined) return;
    handle.kill(15);
    if (handle.exitCode === undefined) {
      this.later(p, graceSeconds * 1000, 'container grace period', () => {
        if (handle.exitCode === undefined) handle.kill(9);
      });
    }
  }

  // ---------------------------------------------------------------- status

  private writeStatus(p: PodRecord, force = false): void {
    const current = this.ctx.store.get(PODS, p.namespace, p.name) as Pod | undefined;
    if (current === undefined || current.metadata?.uid !== p.uid) return;
    if (p.adopted && !p.terminating && !force) return;
    const status = podStatus(p, current.status, this.now());
    if (deepEqual(status, current.status)) return;
    try {
      p.pod = this.ctx.registry.update(PODS, { ...current, status } as KObject, { subresource: 'status' }) as Pod;
    } catch (error) {
      if (!isStatusError(error)) throw error;
    }
    if (p.finished === false && (status.phase === 'Succeeded' || status.phase === 'Failed') && !p.terminating) this.finish(p);
  }

  // ---------------------------------------------------------------- node power (docker stop/start)

  /** Whether a node has been stopped (`docker stop`) and not started again. */
  isNodeStopped(name: string): boolean {
    return this.down.has(name);
  }

  /**
   * `docker stop kind-worker2`: every process on the node dies at once and its
   * kubelet with them, so nothing reports it: no status writes, no lease renewals,
   * no graceful termination. Pods keep the status they last had.
   */
  stopNode(name: string): void {
    if (!this.nodes.has(name) || this.down.has(name)) return;
    this.down.set(name, this.ctx.clock.now());
    this.nodeStatus.stop(name);
    for (const uid of this.nodes.get(name)!.pods) {
      const p = this.pods.get(uid);
      if (p !== undefined) this.powerOff(p);
    }
  }

  /**
   * `docker start kind-worker2`: the kubelet starts, reports the node Ready, finishes
   * the deletions it missed and starts its pods again in new sandboxes, as after a
   * reboot: each container that was running counts a restart, its last state
   * `Unknown` with exit code 255.
   */
  startNode(name: string): void {
    const stoppedAt = this.down.get(name);
    if (stoppedAt === undefined) return;
    this.down.delete(name);
    this.nodeStatus.start(name);
    for (const uid of this.nodes.get(name)?.pods ?? []) {
      const p = this.pods.get(uid);
      if (p !== undefined) this.powerOn(p, stoppedAt);
    }
  }

  private powerOff(p: PodRecord): void {
    this.volumeWaiters.get(p.uid)?.();
    this.volumeWaiters.delete(p.uid);
    for (const c of [...p.init, ...p.app]) {
      this.stopProbes(c);
      const handle = c.process;
      if (handle === undefined) continue;
      // Cleared first: no relist is left to record this exit.
      c.process = undefined;
      handle.kill(9);
    }
    for (const cancel of p.timers) cancel();
    p.timers.clear();
    p.busy = false;
    this.closeSockets(p);
  }

  private powerOn(p: PodRecord, stoppedMs: number): void {
    const stoppedAt = rfc3339(stoppedMs);
    this.dirty.add(p.uid);
    if (p.finished || p.terminating || p.pod.metadata?.deletionTimestamp !== undefined) return;
    const killed = (c: ContainerRecord, startedAt: string): ContainerStateTerminated => ({ exitCode: 255, reason: 'Unknown', startedAt, finishedAt: stoppedAt, containerID: c.containerID });
    if (p.adopted) {
      // kind's system pods have no processes here: they are back as soon as the kubelet is.
      for (const c of p.app) {
        if (c.state.kind !== 'running') continue;
        c.last = killed(c, c.state.startedAt);
        c.restartCount++;
        c.state = { kind: 'running', startedAt: this.now() };
        c.ready = true;
      }
      this.writeStatus(p, true);
      return;
    }
    const hadSandbox = p.sandboxReady;
    for (const c of p.app) {
      c.crash = undefined;
      if (c.state.kind !== 'running') continue;
      c.state = { kind: 'terminated', terminated: killed(c, c.state.startedAt) };
      c.finishedAtMs = stoppedMs;
      c.ready = false;
      c.started = false;
    }
    this.releaseIP(p);
    delete p.ip;
    p.sandboxReady = false;
    if (hadSandbox) this.event(p, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
  }

  // ---------------------------------------------------------------- what others ask of the kubelet

  private record(namespace: string, name: string): PodRecord | undefined {
    const uid = this.byName.get(`${namespace}/${name}`);
    return uid === undefined ? undefined : this.pods.get(uid);
  }

  private container(namespace: string, name: string, container: string | undefined): { p: PodRecord; c: ContainerRecord } {
    const pod = this.ctx.store.get(PODS, namespace, name) as Pod | undefined;
    if (pod === undefined) throw notFound(PODS, name);
    const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
    const apps = (pod.spec?.containers ?? []).map((c) => c.name);
    if (container === undefined || container === '') {
      if (apps.length !== 1) {
        const inits = (pod.spec?.initContainers ?? []).map((c) => c.name);
        throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${apps.join(' ')}]${inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
      }
      container = apps[0]!;
    }
    if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
    const p = this.record(namespace, name);
    const c = p === undefined ? undefined : [...p.init, ...p.app].find((x) => x.name === container);
    if (p === undefined || c === undefined) throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    return { p, c };
  }

  /** GET pods/log: what `kubectl logs` prints. Errors are the API server's 400s. */
  getLogs(namespace: string, name: string, container: string | undefined, opts: LogOptions = {}): string {
    const { p, c } = this.container(namespace, name, container);
    if (this.down.has(p.node)) {
      // The API server cannot reach a stopped node's kubelet: a reasonless 500 (ErrorToAPIStatus).
      const message = `Get "https://${p.hostIP}:10250/containerLogs/${namespace}/${name}/${c.name}": dial tcp ${p.hostIP}:10250: connect: no route to host`;
      throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
    }
    if (opts.previous === true) {
      if (c.logs.previous === undefined) throw badRequest(`previous terminated container "${c.name}" in pod "${name}" not found`);
      return formatLogs(c.logs.previous.lines, opts, this.ctx.clock.now());
    }
    if (c.logs.current === undefined) {
      const reason = c.state.kind === 'waiting' ? c.state.reason : 'ContainerCreating';
      // K:pkg/kubelet/kubelet_pods.go validateContainerLogStatus words the two pull failures.
      const why = reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
      throw badRequest(`container "${c.name}" in pod "${name}" is waiting to start: ${why}`);
    }
    return formatLogs(c.logs.current.lines, opts, this.ctx.clock.now());
  }

  /**
   * GET pods/log?follow=true: what getLogs gives, then each new line until the
   * container instance exits (the kubelet follows the CRI log file until then).
   * Returns the function that stops following (the client went away).
   */
  followLogs(namespace: string, name: string, container: string | undefined, opts: LogOptions, out: { write(text: string): void; end(): void }): () => void {
    const text = this.getLogs(namespace, name, container, opts);
    const { c } = this.container(namespace, name, container);
    const log = opts.previous === true ? undefined : c.logs.current;
    let budget = opts.limitBytes ?? Infinity;
    const emit = (chunk: string): boolean => {
      const part = chunk.length > budget ? chunk.slice(0, budget) : chunk;
      budget -= part.length;
      if (part !== '') out.write(part);
      return budget > 0;
    };
    if (!emit(text) || log === undefined) {
      out.end();
      return () => undefined;
    }
    let stop: () => void = () => undefined;
    stop = log.follow({
      line: (l) => {
        if (emit(formatLogs([l], { timestamps: opts.timestamps === true }, this.ctx.clock.now()))) return;
        stop();
        out.end();
      },
      end: () => out.end(),
    });
    return stop;
  }

  /** POST pods/exec: runs `argv` in a running container (kubectl exec; `-i` opens stdin, `-t` gives a TTY). */
  execInContainer(namespace: string, name: string, container: string | undefined, argv: string[], io: ProcessIO, stdio: ExecStdio = {}): ProcessHandle {
    const { p, c } = this.container(namespace, name, container);
    // An instance that has exited is gone for exec even before the next relist reports it.
    if (c.process === undefined || c.process.exitCode !== undefined || c.fs === undefined) throw badRequest(`container ${c.name} is not running`);
    return this.exec(p, c, argv, io, stdio).handle;
  }

  /**
   * POST pods/attach: the running main process's output from now on, and its
   * stdin if the container keeps one open (`stdin: true`); with `stdinOnce`
   * the first client to close stdin closes it for good.
   */
  attachToContainer(namespace: string, name: string, container: string | undefined, io: ProcessIO): ContainerAttachment {
    const { c } = this.container(namespace, name, container);
    const proc = c.process;
    if (proc === undefined || proc.exitCode !== undefined) throw badRequest(`container ${c.name} is not running`);
    const ended: Array<() => void> = [];
    const entry = { io, end: () => { for (const l of ended.splice(0)) l(); } };
    (c.attached ??= new Set()).add(entry);
    return {
      write: (data) => {
        if (c.spec.stdin !== true || c.process !== proc) return;
        if (data !== null || c.spec.stdinOnce === true) proc.write(data);
      },
      onEnd: (listener) => ended.push(listener),
      detach: () => c.attached?.delete(entry),
    };
  }

  /** A TCP/HTTP service listening at ip:port in the pod network, if any. */
  connect(ip: string, port: number): Service | undefined {
    return this.sockets.get(`${ip}:${port}`);
  }

  /** An HTTP GET to a pod IP (Service proxies, probes, curl/wget); undefined = connection refused. */
  httpGet(ip: string, port: number, path: string, userAgent = 'curl/8.5.0', from = '10.244.0.1'): { status: number; body: string } | undefined {
    const service = this.connect(ip, port);
    if (service?.http === undefined) return undefined;
    return service.http({ method: 'GET', path, remoteAddr: from, userAgent });
  }

  /** Images present on a node (as `crictl images` lists them). */
  imagesOn(node: string): string[] {
    return [...(this.nodes.get(node)?.images ?? [])].sort();
  }
}

function ready(node: Node | undefined): boolean {
  return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** `$(VAR)` references in command, args and env values; `$$(VAR)` escapes. */
export function expandVars(s: string, env: Readonly<Record<string, string>>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && env[name] !== undefined ? env[name] : m;
  });
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeBase64(s: string): string {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const ch of s.replace(/[^A-Za-z0-9+/]/g, '')) {
    value = (value << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  try {
    return decodeURIComponent(bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
  } catch {
    return String.fromCharCode(...bytes);
  }
}

/** Registers the kubelet with a cluster. */
export function installKubelet(cluster: Cluster, options: KubeletOptions = {}): Kubelet {
  return cluster.addController((ctx) => new Kubelet(ctx, options)) as Kubelet;
}
