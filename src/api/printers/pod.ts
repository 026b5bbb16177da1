/**
 * `kubectl get pods`: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES.
 * A port of `printPod` in `K:pkg/printers/internalversion/printers.go` (v1.32):
 * STATUS comes from the container states, not the phase — ContainerCreating,
 * CrashLoopBackOff, Completed, Init:0/1, Terminating only while not terminal,
 * Unknown only for reason NodeLost — and READY counts a container only if it
 * is both ready and running.
 */
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { DOC } from './descriptions.ts';
import { ageSince } from './duration.ts';
import { column, type Printer, type TableRowCondition } from './table.ts';

export const podColumns = [
  column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' }),
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  column('Age', 'string', DOC['ObjectMeta.creationTimestamp']),
  column('IP', 'string', DOC['PodStatus.podIP'], { priority: 1 }),
  column('Node', 'string', DOC['PodSpec.nodeName'], { priority: 1 }),
  column('Nominated Node', 'string', DOC['PodStatus.nominatedNodeName'], { priority: 1 }),
  column('Readiness Gates', 'string', DOC['PodSpec.readinessGates'], { priority: 1 }),
];

const podSuccessConditions: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const podFailedConditions: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** `node.NodeUnreachablePodReason`. */
const NODE_LOST = 'NodeLost';

function laterOf(current: number, status: ContainerStatus): number {
  const finished = status.lastState?.terminated?.finishedAt;
  const t = finished ? Date.parse(finished) : NaN;
  return Number.isNaN(t) || t <= current ? current : t;
}

/** The STATUS, READY and RESTARTS cells of a pod (exported for describe-like views). */
export function podStatusCells(pod: Pod, nowMs: number): { ready: string; status: string; restarts: string } {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = spec?.containers?.length ?? 0;
  let readyContainers = 0;
  let lastRestartDate = -Infinity;
  let lastRestartableInitContainerRestartDate = -Infinity;

  const phase = status.phase ?? '';
  let reason: string = status.reason ? status.reason : phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = new Map((spec?.initContainers ?? []).map((c) => [c.name, c]));
  for (const c of spec?.initContainers ?? []) if (c.restartPolicy === 'Always') totalContainers++;
  const isSidecar = (name: string) => initContainers.get(name)?.restartPolicy === 'Always';

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i] as ContainerStatus;
    restarts += container.restartCount ?? 0;
    lastRestartDate = laterOf(lastRestartDate, container);
    if (isSidecar(container.name)) {
      restartableInitContainerRestarts += container.restartCount ?? 0;
      lastRestartableInitContainerRestartDate = laterOf(lastRestartableInitContainerRestartDate, container);
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (isSidecar(container.name) && container.started) {
      if (container.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      if (!terminated.reason) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else {
        reason = `Init:${terminated.reason}`;
      }
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i] as ContainerStatus;
      restarts += container.restartCount ?? 0;
      lastRestartDate = laterOf(lastRestartDate, container);
      const waiting = container.state?.waiting;
      const terminated = container.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (container.ready && container.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod with a completed container but one still running is Running (or NotReady).
    if (reason === 'Completed' && hasRunning) {
      const ready = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }

  const deleting = Boolean(pod.metadata?.deletionTimestamp);
  if (deleting && status.reason === NODE_LOST) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && Number.isFinite(lastRestartDate)) {
    restartsText = `${restarts} (${ageSince(new Date(lastRestartDate).toISOString(), nowMs)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

export const podPrinter: Printer<Pod> = {
  columns: podColumns,
  row(pod, nowMs) {
    const { ready, status, restarts } = podStatusCells(pod, nowMs);
    const readinessGates = pod.spec?.readinessGates ?? [];
    let gates = '<none>';
    if (readinessGates.length > 0) {
      let trueConditions = 0;
      for (const gate of readinessGates) {
        const condition = (pod.status?.conditions ?? []).find((c) => c.type === gate.conditionType);
        if (condition?.status === 'True') trueConditions++;
      }
      gates = `${trueConditions}/${readinessGates.length}`;
    }
    const cells = [
      pod.metadata?.name ?? '',
      ready,
      status,
      restarts,
      ageSince(pod.metadata?.creationTimestamp, nowMs),
      pod.status?.podIPs?.[0]?.ip || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      gates,
    ];
    const phase = pod.status?.phase;
    const conditions = phase === 'Succeeded' ? podSuccessConditions : phase === 'Failed' ? podFailedConditions : undefined;
    return conditions ? { cells, conditions } : { cells };
  },
};
