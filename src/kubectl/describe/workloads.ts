/**
 * Deployments, ReplicaSets, StatefulSets and DaemonSets as kubectl describes
 * them (K:staging/src/k8s.io/kubectl/pkg/describe/describe.go describeDeployment,
 * describeReplicaSet, describeStatefulSet, describeDaemonSet).
 */
import { humanDuration } from '../../api/printers/duration.ts';
import { describePodTemplate } from './pod.ts';
import { controllerOf, describeEvents, formatLabels, formatLabelSelector, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, selectorString, type Obj, type PrefixWriter } from './writer.ts';

export interface PodCounts {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
}

/** `getPodStatusForController`: the selected pods this controller owns, by phase. */
export function podCounts(pods: Obj[], uid: string | undefined): PodCounts {
  const c = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const ref = ((p.metadata?.ownerReferences ?? []) as Obj[]).find((r) => r.controller === true);
    if (!ref || ref.uid !== uid) continue;
    const phase = p.status?.phase;
    if (phase === 'Running') c.running++;
    else if (phase === 'Pending') c.waiting++;
    else if (phase === 'Succeeded') c.succeeded++;
    else if (phase === 'Failed') c.failed++;
  }
  return c;
}

const podsStatus = (c: PodCounts) => `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed`;

function conditions(obj: Obj, w: PrefixWriter): void {
  const conds = (obj.status?.conditions ?? []) as Obj[];
  if (conds.length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conds) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

export function describeDeployment(d: Obj, oldRSs: Obj[], newRS: Obj | undefined, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const spec = d.spec ?? {};
  const st = d.status ?? {};
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  printLabelsMultiline(w, 'Labels', d.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${selectorString(spec.selector)}\n`);
  w.write(0, `Replicas:\t${spec.replicas ?? 0} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`);
  w.write(0, `StrategyType:\t${spec.strategy?.type ?? ''}\n`);
  w.write(0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`);
  const ru = spec.strategy?.rollingUpdate;
  if (ru) w.write(0, `RollingUpdateStrategy:\t${ru.maxUnavailable ?? 0} max unavailable, ${ru.maxSurge ?? 0} max surge\n`);
  describePodTemplate(spec.template, w);
  conditions(d, w);
  if (oldRSs.length > 0 || newRS) {
    const list = (rss: Obj[]) => rss.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ') || '<none>';
    w.write(0, `OldReplicaSets:\t${list(oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${list(newRS ? [newRS] : [])}\n`);
  }
  describeEvents(events, w, now);
}

export function describeReplicaSet(rs: Obj, counts: PodCounts, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${rs.metadata.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
  printLabelsMultiline(w, 'Labels', rs.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
  const by = controllerOf(rs);
  if (by) w.write(0, `Controlled By:\t${by}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired\n`);
  w.write(0, 'Pods Status:\t');
  w.write(0, `${podsStatus(counts)}\n`);
  describePodTemplate(rs.spec?.template, w);
  conditions(rs, w);
  describeEvents(events, w, now);
}

export function describeStatefulSet(ps: Obj, counts: PodCounts, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const spec = ps.spec ?? {};
  w.write(0, `Name:\t${ps.metadata.name}\n`);
  w.write(0, `Namespace:\t${ps.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(ps.metadata.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${selectorString(spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', ps.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ps.metadata.annotations);
  w.write(0, `Replicas:\t${spec.replicas ?? 0} desired | ${ps.status?.replicas ?? 0} total\n`);
  w.write(0, `Update Strategy:\t${spec.updateStrategy?.type ?? ''}\n`);
  const ru = spec.updateStrategy?.rollingUpdate;
  if (ru && ru.partition !== undefined) {
    w.write(1, `Partition:\t${ru.partition}\n`);
    if (ru.maxUnavailable !== undefined) w.write(1, `MaxUnavailable:\t${ru.maxUnavailable}\n`);
  }
  w.write(0, `Pods Status:\t${podsStatus(counts)}\n`);
  describePodTemplate(spec.template, w);
  const templates = (spec.volumeClaimTemplates ?? []) as Obj[];
  if (templates.length === 0) w.write(0, 'Volume Claims:\t<none>\n');
  else {
    w.write(0, 'Volume Claims:\n');
    for (const pvc of templates) {
      w.write(1, `Name:\t${pvc.metadata?.name ?? ''}\n`);
      w.write(1, `StorageClass:\t${pvc.spec?.storageClassName ?? pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? ''}\n`);
      printLabelsMultiline(w, 'Labels', pvc.metadata?.labels, '  ');
      printLabelsMultiline(w, 'Annotations', pvc.metadata?.annotations, '  ');
      const capacity = pvc.spec?.resources?.requests?.storage;
      w.write(1, `Capacity:\t${capacity ?? '<default>'}\n`);
      w.write(1, `Access Modes:\t[${(pvc.spec?.accessModes ?? []).join(' ')}]\n`);
    }
  }
  describeEvents(events, w, now);
}

export function describeDaemonSet(ds: Obj, counts: PodCounts, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const st = ds.status ?? {};
  // 1.32 prints no Namespace line for DaemonSets.
  w.write(0, `Name:\t${ds.metadata.name}\n`);
  w.write(0, `Selector:\t${selectorString(ds.spec?.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec?.template?.spec?.nodeSelector)}\n`);
  printLabelsMultiline(w, 'Labels', ds.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ds.metadata.annotations);
  w.write(0, `Desired Number of Nodes Scheduled: ${st.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${st.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${st.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${st.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${st.numberMisscheduled ?? 0}\n`);
  w.write(0, `Pods Status:\t${podsStatus(counts)}\n`);
  describePodTemplate(ds.spec?.template, w);
  describeEvents(events, w, now);
}

/** describeJob (1.32). */
export function describeJob(job: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  const spec = job.spec ?? {};
  const st = job.status ?? {};
  w.write(0, `Name:\t${job.metadata.name}\n`);
  w.write(0, `Namespace:\t${job.metadata.namespace}\n`);
  w.write(0, `Selector:\t${selectorString(spec.selector)}\n`);
  printLabelsMultiline(w, 'Labels', job.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', job.metadata.annotations);
  const owner = controllerOf(job);
  if (owner) w.write(0, `Controlled By:\t${owner}\n`);
  if (spec.parallelism !== undefined) w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, `Completions:\t${spec.completions ?? '<unset>'}\n`);
  if (spec.completionMode !== undefined) w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (spec.suspend !== undefined) w.write(0, `Suspend:\t${spec.suspend}\n`);
  if (spec.backoffLimit !== undefined) w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (spec.ttlSecondsAfterFinished !== undefined) w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (st.startTime) w.write(0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
  if (st.completionTime) w.write(0, `Completed At:\t${rfc1123z(st.completionTime)}\n`);
  if (st.startTime && st.completionTime) w.write(0, `Duration:\t${humanDuration(Date.parse(st.completionTime) - Date.parse(st.startTime))}\n`);
  if (spec.activeDeadlineSeconds !== undefined) w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  const ready = st.ready === undefined ? '' : ` (${st.ready} Ready)`;
  w.write(0, `Pods Statuses:\t${st.active ?? 0} Active${ready} / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`);
  if (spec.completionMode === 'Indexed') w.write(0, `Completed Indexes:\t${st.completedIndexes || '<none>'}\n`);
  describePodTemplate(spec.template, w);
  describeEvents(events, w, now);
}
