// The pod status the kubelet reports, computed from its container records:
// phase (K:pkg/kubelet/kubelet_pods.go getPhase), conditions in the order the kubelet
// writes them (K:pkg/kubelet/status/generate.go) and container statuses.
import type { ContainerStatus, PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import type { ContainerRecord, PodRecord } from './kubelet.ts';

const cond = (type: string, ok: boolean, at: string, reason?: string, message?: string): PodCondition => ({
  type,
  status: ok ? 'True' : 'False',
  lastProbeTime: null as unknown as string,
  lastTransitionTime: at,
  ...(ok || reason === undefined ? {} : { reason }),
  ...(ok || message === undefined ? {} : { message }),
});

export function containerStatus(c: ContainerRecord): ContainerStatus {
  // Until a container has run, the status shows the image as the spec names it and no ID.
  const ran = c.state.kind !== 'waiting' || c.last !== undefined;
  const s: ContainerStatus = {
    name: c.name,
    image: (ran ? c.image?.ref.full : undefined) ?? c.spec.image ?? '',
    imageID: (ran ? c.image?.imageID : undefined) ?? '',
    ...(ran && c.containerID !== undefined ? { containerID: c.containerID } : {}),
    ready: c.ready,
    restartCount: c.restartCount,
    started: c.state.kind === 'running' && c.started,
    state: c.state.kind === 'waiting'
      ? { waiting: { reason: c.state.reason, ...(c.state.message !== undefined ? { message: c.state.message } : {}) } }
      : c.state.kind === 'running'
        ? { running: { startedAt: c.state.startedAt } }
        : { terminated: c.state.terminated },
    lastState: c.last !== undefined ? { terminated: c.last } : {},
  };
  const mounts = c.spec.volumeMounts ?? [];
  if (mounts.length > 0) {
    s.volumeMounts = mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly === true ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) }));
  }
  return s;
}

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export function podPhase(p: PodRecord): Phase {
  const policy = p.restartPolicy;
  let pendingInit = false;
  for (const c of p.init) {
    if (c.state.kind === 'terminated' && c.state.terminated.exitCode === 0) continue;
    if (c.state.kind === 'terminated' && policy === 'Never') return 'Failed';
    pendingInit = true;
  }
  if (pendingInit) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of p.app) {
    if (c.state.kind === 'running') running++;
    else if (c.state.kind === 'terminated') {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.last !== undefined) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (p.terminating) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Conditions keep their lastTransitionTime until their status flips. */
export function podConditions(p: PodRecord, phase: Phase, now: string, previous: readonly PodCondition[]): PodCondition[] {
  const prev = new Map(previous.map((c) => [c.type, c]));
  const keep = (c: PodCondition): PodCondition => {
    const old = prev.get(c.type);
    return old !== undefined && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  };
  const unfinishedInit = p.init.filter((c) => !(c.state.kind === 'terminated' && c.state.terminated.exitCode === 0)).map((c) => c.name);
  const unready = p.app.filter((c) => !c.ready).map((c) => c.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const readyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = completed ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const initialized = unfinishedInit.length === 0;
  const out = [
    keep(cond('PodReadyToStartContainers', p.sandboxReady, now)),
    keep(cond('Initialized', initialized, now, completed && !initialized ? 'PodCompleted' : 'ContainersNotInitialized', `containers with incomplete status: [${unfinishedInit.join(' ')}]`)),
    keep(cond('Ready', !completed && unready.length === 0, now, readyReason, readyMessage)),
    keep(cond('ContainersReady', !completed && unready.length === 0, now, readyReason, readyMessage)),
  ];
  const scheduled = prev.get('PodScheduled');
  if (scheduled !== undefined) out.push(scheduled);
  // Conditions other components own (DisruptionTarget, readiness gates) stay as they are.
  for (const c of previous) if (!out.some((o) => o.type === c.type)) out.push(c);
  return out;
}

export function podStatus(p: PodRecord, previous: PodStatus | undefined, now: string): PodStatus {
  const phase = podPhase(p);
  const status: PodStatus = {
    ...previous,
    phase,
    conditions: podConditions(p, phase, now, previous?.conditions ?? []),
    hostIP: p.hostIP,
    hostIPs: [{ ip: p.hostIP }],
    startTime: p.startTime,
    containerStatuses: p.app.map(containerStatus),
  };
  if (p.ip !== undefined) {
    status.podIP = p.ip;
    status.podIPs = [{ ip: p.ip }];
  }
  if (p.init.length > 0) status.initContainerStatuses = p.init.map(containerStatus);
  return status;
}
