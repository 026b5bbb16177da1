// Per-kind API defaults: what `kubectl get -o yaml` shows right after create on v1.32.
// K:pkg/apis/apps/v1/defaults.go, K:pkg/apis/batch/v1/defaults.go,
// K:pkg/apis/core/v1/defaults.go, K:pkg/apis/storage/v1/defaults.go.
import { dflt, isObj, list, opt, sub, type J } from '../json.ts';
import { defaultPod, defaultPodTemplate } from './pod.ts';
import { encodeBase64 } from '../../base64.ts';

function defaultClaimSpec(spec: J): void {
  dflt(spec, 'volumeMode', 'Filesystem');
}

export function defaultDeployment(obj: J): void {
  const spec = sub(obj, 'spec');
  dflt(spec, 'replicas', 1);
  const strategy = sub(spec, 'strategy');
  dflt(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = sub(strategy, 'rollingUpdate');
    dflt(ru, 'maxUnavailable', '25%');
    dflt(ru, 'maxSurge', '25%');
  }
  dflt(spec, 'revisionHistoryLimit', 10);
  dflt(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(sub(spec, 'template'));
}

export function defaultReplicaSet(obj: J): void {
  const spec = sub(obj, 'spec');
  dflt(spec, 'replicas', 1);
  defaultPodTemplate(sub(spec, 'template'));
}

export function defaultDaemonSet(obj: J): void {
  const spec = sub(obj, 'spec');
  const strategy = sub(spec, 'updateStrategy');
  dflt(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = sub(strategy, 'rollingUpdate');
    dflt(ru, 'maxUnavailable', 1);
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = 0;
  }
  dflt(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(sub(spec, 'template'));
}

export function defaultStatefulSet(obj: J): void {
  const spec = sub(obj, 'spec');
  dflt(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = sub(spec, 'updateStrategy');
  if (strategy.type === undefined || strategy.type === '') {
    strategy.type = 'RollingUpdate';
    if (!isObj(strategy.rollingUpdate)) strategy.rollingUpdate = {};
  }
  const ru = opt(strategy, 'rollingUpdate');
  if (strategy.type === 'RollingUpdate' && ru !== undefined) dflt(ru, 'partition', 0);
  const retention = sub(spec, 'persistentVolumeClaimRetentionPolicy');
  dflt(retention, 'whenDeleted', 'Retain');
  dflt(retention, 'whenScaled', 'Retain');
  dflt(spec, 'replicas', 1);
  dflt(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(sub(spec, 'template'));
  for (const vct of list(spec, 'volumeClaimTemplates')) {
    // Stored as full PersistentVolumeClaims, as the (non-pointer) Go values serialise.
    vct.apiVersion = 'v1';
    vct.kind = 'PersistentVolumeClaim';
    const m = sub(vct, 'metadata');
    if (!('creationTimestamp' in m)) m.creationTimestamp = null;
    defaultClaimSpec(sub(vct, 'spec'));
    dflt(sub(vct, 'status'), 'phase', 'Pending');
  }
}

export function defaultJob(obj: J): void {
  const spec = sub(obj, 'spec');
  if ((spec.completions ?? null) === null && (spec.parallelism ?? null) === null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  dflt(spec, 'parallelism', 1);
  dflt(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6);
  const template = sub(spec, 'template');
  const templateLabels = opt(opt(template, 'metadata'), 'labels');
  const m = sub(obj, 'metadata');
  if (templateLabels !== undefined && (!isObj(m.labels) || Object.keys(m.labels).length === 0)) m.labels = { ...templateLabels };
  dflt(spec, 'completionMode', 'NonIndexed');
  if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
  dflt(spec, 'podReplacementPolicy', isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(template);
}

export function defaultCronJob(obj: J): void {
  const spec = sub(obj, 'spec');
  dflt(spec, 'concurrencyPolicy', 'Allow');
  if (spec.suspend === undefined || spec.suspend === null) spec.suspend = false;
  dflt(spec, 'successfulJobsHistoryLimit', 3);
  dflt(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = sub(spec, 'jobTemplate');
  const m = sub(jobTemplate, 'metadata');
  if (!('creationTimestamp' in m)) m.creationTimestamp = null;
  defaultPodTemplate(sub(sub(jobTemplate, 'spec'), 'template'));
}

export function defaultService(obj: J): void {
  const spec = sub(obj, 'spec');
  dflt(spec, 'type', 'ClusterIP');
  dflt(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = sub(sub(spec, 'sessionAffinityConfig'), 'clientIP');
    dflt(clientIP, 'timeoutSeconds', 10800);
  }
  for (const port of list(spec, 'ports')) {
    dflt(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port;
    }
  }
  const type = spec.type;
  if ((type === 'NodePort' || type === 'LoadBalancer') && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (type !== 'ExternalName') dflt(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
  if (type !== 'ExternalName') {
    // The IP allocator's family choice on a single-stack IPv4 cluster (kind's default):
    // headless services without a selector ask for every family the cluster has.
    const headlessNoSelector = spec.clusterIP === 'None' && (!isObj(spec.selector) || Object.keys(spec.selector).length === 0);
    dflt(spec, 'ipFamilyPolicy', headlessNoSelector ? 'RequireDualStack' : 'SingleStack');
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
  }
}

export function defaultPersistentVolumeClaim(obj: J): void {
  defaultClaimSpec(sub(obj, 'spec'));
}

export function defaultPersistentVolume(obj: J): void {
  const spec = sub(obj, 'spec');
  dflt(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  dflt(spec, 'volumeMode', 'Filesystem');
  const hostPath = opt(spec, 'hostPath');
  if (hostPath !== undefined && hostPath.type === undefined) hostPath.type = '';
}

export function defaultStorageClass(obj: J): void {
  dflt(obj, 'reclaimPolicy', 'Delete');
  dflt(obj, 'volumeBindingMode', 'Immediate');
}

export function defaultSecret(obj: J): void {
  dflt(obj, 'type', 'Opaque');
  // stringData is write-only: decoding merges it into data, over keys of the same name.
  // K:pkg/apis/core/v1/conversion.go (Convert_v1_Secret_To_core_Secret)
  if (isObj(obj.stringData)) {
    const data = isObj(obj.data) ? obj.data : {};
    for (const [k, v] of Object.entries(obj.stringData)) if (typeof v === 'string') data[k] = encodeBase64(v);
    obj.data = data;
  }
  delete obj.stringData;
}

/** `group/resource` → defaulter. */
export const DEFAULTERS: Record<string, (obj: J) => void> = {
  '/pods': defaultPod,
  '/services': defaultService,
  '/persistentvolumeclaims': defaultPersistentVolumeClaim,
  '/persistentvolumes': defaultPersistentVolume,
  '/secrets': defaultSecret,
  '/podtemplates': (obj) => defaultPodTemplate(sub(obj, 'template')),
  '/replicationcontrollers': (obj) => {
    const spec = sub(obj, 'spec');
    dflt(spec, 'replicas', 1);
    if (isObj(spec.template)) defaultPodTemplate(spec.template);
  },
  'apps/deployments': defaultDeployment,
  'apps/replicasets': defaultReplicaSet,
  'apps/daemonsets': defaultDaemonSet,
  'apps/statefulsets': defaultStatefulSet,
  'batch/jobs': defaultJob,
  'batch/cronjobs': defaultCronJob,
  'storage.k8s.io/storageclasses': defaultStorageClass,
};
