/**
 * Workload tables, ported from `K:pkg/printers/internalversion/printers.go`
 * (v1.32): Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision,
 * Job, CronJob, PodDisruptionBudget.
 */
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { DOC } from './descriptions.ts';
import { ageSince, humanDuration } from './duration.ts';
import { column, formatLabels, formatLabelSelector, layoutContainerCells, selectorString, type Printer } from './table.ts';

const NAME = column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' });
const AGE = column('Age', 'string', DOC['ObjectMeta.creationTimestamp']);
const CONTAINERS = column('Containers', 'string', 'Names of each container in the template.', { priority: 1 });
const IMAGES = column('Images', 'string', 'Images referenced by each container in the template.', { priority: 1 });
const READY_PODS = 'Number of the pod with ready state';

export const deploymentPrinter: Printer<Deployment> = {
  columns: [
    NAME,
    column('Ready', 'string', READY_PODS),
    column('Up-to-date', 'string', DOC['DeploymentStatus.updatedReplicas']),
    column('Available', 'string', DOC['DeploymentStatus.availableReplicas']),
    AGE,
    CONTAINERS,
    IMAGES,
    column('Selector', 'string', DOC['DeploymentSpec.selector'], { priority: 1 }),
  ],
  row(d, nowMs) {
    const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
    // LabelSelectorAsSelector(...).String(): empty selector prints as "", an invalid one as <invalid>.
    const selector = selectorString(d.spec?.selector) ?? '<invalid>';
    const cells = [d.metadata?.name ?? '', `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, ageSince(d.metadata?.creationTimestamp, nowMs), names, images, selector];
    return { cells };
  },
};

export const replicaSetPrinter: Printer<ReplicaSet> = {
  columns: [
    NAME,
    column('Desired', 'integer', DOC['ReplicaSetSpec.replicas']),
    column('Current', 'integer', DOC['ReplicaSetStatus.replicas']),
    column('Ready', 'integer', DOC['ReplicaSetStatus.readyReplicas']),
    AGE,
    CONTAINERS,
    IMAGES,
    column('Selector', 'string', DOC['ReplicaSetSpec.selector'], { priority: 1 }),
  ],
  row(rs, nowMs) {
    const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers);
    return { cells: [rs.metadata?.name ?? '', rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, ageSince(rs.metadata?.creationTimestamp, nowMs), names, images, formatLabelSelector(rs.spec?.selector)] };
  },
};

export const statefulSetPrinter: Printer<StatefulSet> = {
  columns: [NAME, column('Ready', 'string', READY_PODS), AGE, CONTAINERS, IMAGES],
  row(s, nowMs) {
    const [names, images] = layoutContainerCells(s.spec?.template?.spec?.containers);
    return { cells: [s.metadata?.name ?? '', `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`, ageSince(s.metadata?.creationTimestamp, nowMs), names, images] };
  },
};

export const daemonSetPrinter: Printer<DaemonSet> = {
  columns: [
    NAME,
    column('Desired', 'integer', DOC['DaemonSetStatus.desiredNumberScheduled']),
    column('Current', 'integer', DOC['DaemonSetStatus.currentNumberScheduled']),
    column('Ready', 'integer', DOC['DaemonSetStatus.numberReady']),
    column('Up-to-date', 'integer', DOC['DaemonSetStatus.updatedNumberScheduled']),
    column('Available', 'integer', DOC['DaemonSetStatus.numberAvailable']),
    column('Node Selector', 'string', DOC['PodSpec.nodeSelector']),
    AGE,
    CONTAINERS,
    IMAGES,
    column('Selector', 'string', DOC['DaemonSetSpec.selector'], { priority: 1 }),
  ],
  row(ds, nowMs) {
    const st = ds.status;
    const [names, images] = layoutContainerCells(ds.spec?.template?.spec?.containers);
    return {
      cells: [
        ds.metadata?.name ?? '',
        st?.desiredNumberScheduled ?? 0,
        st?.currentNumberScheduled ?? 0,
        st?.numberReady ?? 0,
        st?.updatedNumberScheduled ?? 0,
        st?.numberAvailable ?? 0,
        formatLabels(ds.spec?.template?.spec?.nodeSelector),
        ageSince(ds.metadata?.creationTimestamp, nowMs),
        names,
        images,
        formatLabelSelector(ds.spec?.selector),
      ],
    };
  },
};

/** `formatResourceName(gvk.GroupKind(), name, true)`: `statefulset.apps/web`, `daemonset.apps/x`. */
function controllerName(cr: ControllerRevision): string {
  const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${kind.toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer<ControllerRevision> = {
  columns: [NAME, column('Controller', 'string', 'Controller of the object'), column('Revision', 'string', DOC['ControllerRevision.revision']), AGE],
  row(cr, nowMs) {
    return { cells: [cr.metadata?.name ?? '', controllerName(cr), cr.revision, ageSince(cr.metadata?.creationTimestamp, nowMs)] };
  },
};

function hasJobCondition(job: Job, type: string): boolean {
  const c = (job.status?.conditions ?? []).find((x) => x.type === type);
  return c?.status === 'True';
}

export const jobPrinter: Printer<Job> = {
  columns: [
    NAME,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', DOC['JobStatus.succeeded']),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    column('Selector', 'string', DOC['JobSpec.selector'], { priority: 1 }),
  ],
  row(job, nowMs) {
    const succeeded = job.status?.succeeded ?? 0;
    let completions: string;
    if (job.spec?.completions !== undefined && job.spec.completions !== null) completions = `${succeeded}/${job.spec.completions}`;
    else {
      const parallelism = job.spec?.parallelism ?? 0;
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    let duration = '';
    const start = job.status?.startTime ? Date.parse(job.status.startTime) : NaN;
    if (!Number.isNaN(start)) {
      const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : nowMs;
      duration = humanDuration(end - start);
    }
    let status = 'Running';
    if (hasJobCondition(job, 'Complete')) status = 'Complete';
    else if (hasJobCondition(job, 'Failed')) status = 'Failed';
    else if (job.metadata?.deletionTimestamp) status = 'Terminating';
    else if (hasJobCondition(job, 'Suspended')) status = 'Suspended';
    else if (hasJobCondition(job, 'FailureTarget')) status = 'FailureTarget';
    const [names, images] = layoutContainerCells(job.spec?.template?.spec?.containers);
    return { cells: [job.metadata?.name ?? '', status, completions, duration, ageSince(job.metadata?.creationTimestamp, nowMs), names, images, formatLabelSelector(job.spec?.selector)] };
  },
};

export const cronJobPrinter: Printer<CronJob> = {
  columns: [
    NAME,
    column('Schedule', 'string', DOC['CronJobSpec.schedule']),
    column('Timezone', 'string', DOC['CronJobSpec.timeZone']),
    column('Suspend', 'boolean', DOC['CronJobSpec.suspend']),
    column('Active', 'integer', DOC['CronJobStatus.active']),
    column('Last Schedule', 'string', DOC['CronJobStatus.lastScheduleTime']),
    AGE,
    CONTAINERS,
    IMAGES,
    column('Selector', 'string', DOC['JobSpec.selector'], { priority: 1 }),
  ],
  row(cj, nowMs) {
    const last = cj.status?.lastScheduleTime ? ageSince(cj.status.lastScheduleTime, nowMs) : '<none>';
    // printBoolPtr: "True"/"False", "<unset>" for nil.
    const suspend = cj.spec?.suspend === undefined || cj.spec.suspend === null ? '<unset>' : cj.spec.suspend ? 'True' : 'False';
    const [names, images] = layoutContainerCells(cj.spec?.jobTemplate?.spec?.template?.spec?.containers);
    return {
      cells: [cj.metadata?.name ?? '', cj.spec?.schedule ?? '', cj.spec?.timeZone ?? '<none>', suspend, cj.status?.active?.length ?? 0, last, ageSince(cj.metadata?.creationTimestamp, nowMs), names, images, formatLabelSelector(cj.spec?.jobTemplate?.spec?.selector)],
    };
  },
};

export const podDisruptionBudgetPrinter: Printer<PodDisruptionBudget> = {
  columns: [
    NAME,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  row(pdb, nowMs) {
    const minAvailable = pdb.spec?.minAvailable;
    const maxUnavailable = pdb.spec?.maxUnavailable;
    return {
      cells: [
        pdb.metadata?.name ?? '',
        minAvailable === undefined || minAvailable === null ? 'N/A' : String(minAvailable),
        maxUnavailable === undefined || maxUnavailable === null ? 'N/A' : String(maxUnavailable),
        pdb.status?.disruptionsAllowed ?? 0,
        ageSince(pdb.metadata?.creationTimestamp, nowMs),
      ],
    };
  },
};
