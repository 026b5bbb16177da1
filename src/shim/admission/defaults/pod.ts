// PodSpec and container defaults, for Pods and for the pod templates inside workloads.
// K:pkg/apis/core/v1/defaults.go (SetDefaults_PodSpec, SetDefaults_Container,
// SetDefaults_Probe, SetDefaults_Volume, …) and the generated defaulters that walk
// into nested types (zz_generated.defaults.go).
import { dflt, isObj, list, opt, sub, type J } from '../json.ts';

/** DefaultMode of secret, configMap, projected and downwardAPI volumes: 0644. */
const DEFAULT_MODE = 420;

/** `parsers.ParseImageName`: the tag, `latest` when neither tag nor digest is given. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : '';
  if (tag === '' && at < 0) return 'latest';
  return tag;
}

function defaultHandler(h: J | undefined): void {
  const http = opt(h, 'httpGet');
  if (http !== undefined) {
    dflt(http, 'path', '/');
    dflt(http, 'scheme', 'HTTP');
  }
}

function defaultProbe(p: J | undefined): void {
  if (p === undefined) return;
  dflt(p, 'timeoutSeconds', 1);
  dflt(p, 'periodSeconds', 10);
  dflt(p, 'successThreshold', 1);
  dflt(p, 'failureThreshold', 3);
  defaultHandler(p);
}

export function defaultContainer(c: J): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === '') {
    c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  }
  dflt(c, 'terminationMessagePath', '/dev/termination-log');
  dflt(c, 'terminationMessagePolicy', 'File');
  // Not a defaulter: ResourceRequirements is a non-pointer struct, so it always reads back.
  if (!isObj(c.resources)) c.resources = {};
  for (const port of list(c, 'ports')) dflt(port, 'protocol', 'TCP');
  for (const env of list(c, 'env')) {
    const fieldRef = opt(opt(env, 'valueFrom'), 'fieldRef');
    if (fieldRef !== undefined) dflt(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(opt(c, 'livenessProbe'));
  defaultProbe(opt(c, 'readinessProbe'));
  defaultProbe(opt(c, 'startupProbe'));
  const lifecycle = opt(c, 'lifecycle');
  defaultHandler(opt(lifecycle, 'postStart'));
  defaultHandler(opt(lifecycle, 'preStop'));
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO',
  'storageos', 'csi', 'ephemeral', 'image',
] as const;
export const volumeSources = (v: J): string[] => VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);

function defaultVolume(v: J): void {
  // A volume without a source is an emptyDir.
  if (volumeSources(v).length === 0) v.emptyDir = {};
  const hostPath = opt(v, 'hostPath');
  if (hostPath !== undefined && hostPath.type === undefined) hostPath.type = '';
  for (const s of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const src = opt(v, s);
    if (src !== undefined) dflt(src, 'defaultMode', DEFAULT_MODE);
  }
  for (const item of list(opt(v, 'downwardAPI'), 'items')) {
    const fieldRef = opt(item, 'fieldRef');
    if (fieldRef !== undefined) dflt(fieldRef, 'apiVersion', 'v1');
  }
  for (const source of list(opt(v, 'projected'), 'sources')) {
    const token = opt(source, 'serviceAccountToken');
    if (token !== undefined) dflt(token, 'expirationSeconds', 3600);
    for (const item of list(opt(source, 'downwardAPI'), 'items')) {
      const fieldRef = opt(item, 'fieldRef');
      if (fieldRef !== undefined) dflt(fieldRef, 'apiVersion', 'v1');
    }
  }
  const claimSpec = opt(opt(opt(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec');
  if (claimSpec !== undefined) dflt(claimSpec, 'volumeMode', 'Filesystem');
}

/** SetDefaults_PodSpec and what the generated defaulters apply below it. */
export function defaultPodSpec(spec: J): void {
  dflt(spec, 'dnsPolicy', 'ClusterFirst');
  dflt(spec, 'restartPolicy', 'Always');
  if (!isObj(spec.securityContext)) spec.securityContext = {};
  dflt(spec, 'terminationGracePeriodSeconds', 30);
  dflt(spec, 'schedulerName', 'default-scheduler');
  // The deprecated field mirrors serviceAccountName on the way out (conversion).
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') dflt(spec, 'serviceAccount', spec.serviceAccountName);
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of list(spec, key)) defaultContainer(c);
  for (const v of list(spec, 'volumes')) defaultVolume(v);
}

/**
 * A pod template inside a workload: the PodSpec defaults, and the `creationTimestamp:
 * null` that v1.32 writes for the template's (non-pointer) ObjectMeta.
 */
export function defaultPodTemplate(template: J): void {
  const m = sub(template, 'metadata');
  if (!('creationTimestamp' in m)) m.creationTimestamp = null;
  defaultPodSpec(sub(template, 'spec'));
}

/** SetDefaults_Pod: what only real Pods get (not templates). */
export function defaultPod(pod: J): void {
  const spec = sub(pod, 'spec');
  defaultPodSpec(spec);
  for (const key of ['containers', 'initContainers']) {
    for (const c of list(spec, key)) {
      // Limits without requests: requests default to the limits.
      const resources = sub(c, 'resources');
      const limits = opt(resources, 'limits');
      if (limits === undefined) continue;
      const requests = sub(resources, 'requests');
      for (const [name, q] of Object.entries(limits)) if (requests[name] === undefined) requests[name] = q;
    }
  }
  dflt(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      for (const c of list(spec, key)) for (const p of list(c, 'ports')) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
}
