// Pod and PodSpec validation: the rules learners trip over, with upstream's messages.
// K:pkg/apis/core/validation/validation.go (ValidatePodSpec, validateContainers,
// validateVolumes, validateContainerPorts, ValidatePodUpdate).
import type { FieldError } from '../../errors.ts';
import { deepClone, deepEqual } from '../../objects.ts';
import { compareQuantities, QuantityError } from '../../decode/quantity.ts';
import { defaultPod } from '../defaults/pod.ts';
import { isObj, list, opt, str, type J } from '../json.ts';
import { volumeSources } from '../defaults/pod.ts';
import { dns1123Label, fe, isValidPortName, isValidPortNum, nonNegative, notFound, oneOf } from './common.ts';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

function validateVolumes(spec: J, path: string, errs: FieldError[]): Set<string> {
  const names = new Set<string>();
  list(spec, 'volumes').forEach((v, i) => {
    const p = `${path}.volumes[${i}]`;
    const name = v.name;
    dns1123Label(`${p}.name`, name, errs);
    if (typeof name === 'string' && name !== '') {
      if (names.has(name)) errs.push(fe.duplicate(`${p}.name`, name));
      names.add(name);
    }
    const sources = volumeSources(v);
    if (sources.length === 0) errs.push(fe.required(p, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(fe.forbidden(`${p}.${extra}`, 'may not specify more than 1 volume type'));
    const pvc = opt(v, 'persistentVolumeClaim');
    if (pvc !== undefined && str(pvc.claimName) === '') errs.push(fe.required(`${p}.persistentVolumeClaim.claimName`));
    const hostPath = opt(v, 'hostPath');
    if (hostPath !== undefined && str(hostPath.path) === '') errs.push(fe.required(`${p}.hostPath.path`));
    const secret = opt(v, 'secret');
    if (secret !== undefined && str(secret.secretName) === '') errs.push(fe.required(`${p}.secret.secretName`));
    const configMap = opt(v, 'configMap');
    if (configMap !== undefined && str(configMap.name) === '') errs.push(fe.required(`${p}.configMap.name`));
  });
  return names;
}

function validateResources(c: J, p: string, errs: FieldError[]): void {
  const resources = opt(c, 'resources');
  const limits = opt(resources, 'limits') ?? {};
  const requests = opt(resources, 'requests') ?? {};
  for (const [name, req] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    try {
      if (compareQuantities(req as string, limit as string) > 0) {
        errs.push(fe.invalid(`${p}.resources.requests[${name}]`, String(req), `must be less than or equal to ${name} limit of ${String(limit)}`));
      }
    } catch (e) {
      if (!(e instanceof QuantityError)) throw e;
    }
  }
}

function validateContainer(c: J, p: string, volumes: Set<string>, errs: FieldError[]): void {
  const image = c.image;
  if (typeof image !== 'string' || image === '') errs.push(fe.required(`${p}.image`));
  else if (image.trim() !== image) errs.push(fe.invalid(`${p}.image`, image, 'must not have leading or trailing whitespace'));
  oneOf(`${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES, errs);
  oneOf(`${p}.terminationMessagePolicy`, c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES, errs);
  const portNames = new Set<string>();
  list(c, 'ports').forEach((port, j) => {
    const pp = `${p}.ports[${j}]`;
    const name = str(port.name);
    if (name !== '') {
      for (const msg of isValidPortName(name)) errs.push(fe.invalid(`${pp}.name`, name, msg));
      if (portNames.has(name)) errs.push(fe.duplicate(`${pp}.name`, name));
      portNames.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errs.push(fe.required(`${pp}.containerPort`));
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(fe.invalid(`${pp}.containerPort`, port.containerPort, msg));
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      for (const msg of isValidPortNum(port.hostPort)) errs.push(fe.invalid(`${pp}.hostPort`, port.hostPort, msg));
    }
    oneOf(`${pp}.protocol`, port.protocol, PROTOCOLS, errs);
  });
  const mountPaths = new Set<string>();
  list(c, 'volumeMounts').forEach((m, j) => {
    const mp = `${p}.volumeMounts[${j}]`;
    const name = str(m.name);
    if (name === '') errs.push(fe.required(`${mp}.name`));
    else if (!volumes.has(name)) errs.push(notFound(`${mp}.name`, name));
    const mountPath = str(m.mountPath);
    if (mountPath === '') errs.push(fe.required(`${mp}.mountPath`));
    else if (mountPaths.has(mountPath)) errs.push(fe.invalid(`${mp}.mountPath`, mountPath, 'must be unique'));
    mountPaths.add(mountPath);
  });
  validateResources(c, p, errs);
}

/** ValidatePodSpec (the parts above), at `path` (`spec` or `spec.template.spec`). */
export function validatePodSpec(spec: J, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = validateVolumes(spec, path, errs);
  const names = new Set<string>();
  for (const key of ['initContainers', 'containers']) {
    list(spec, key).forEach((c, i) => {
      const p = `${path}.${key}[${i}]`;
      const name = c.name;
      dns1123Label(`${p}.name`, name, errs);
      if (typeof name === 'string' && name !== '') {
        if (names.has(name)) errs.push(fe.duplicate(`${p}.name`, name));
        names.add(name);
      }
      validateContainer(c, p, volumes, errs);
    });
  }
  if (list(spec, 'containers').length === 0) errs.push(fe.required(`${path}.containers`));
  oneOf(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES, errs);
  oneOf(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES, errs);
  nonNegative(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, errs);
  if (spec.activeDeadlineSeconds === 0) errs.push(fe.invalid(`${path}.activeDeadlineSeconds`, 0, 'must be between 1 and 2147483647, inclusive'));
  list(spec, 'tolerations').forEach((t, i) => {
    const p = `${path}.tolerations[${i}]`;
    if (t.operator === 'Exists' && str(t.value) !== '') {
      errs.push(fe.invalid(`${p}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    }
    oneOf(`${p}.operator`, t.operator, ['Equal', 'Exists'], errs, false);
    oneOf(`${p}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], errs, false);
  });
  return errs;
}

/** Since v1.30 the list ends with terminationGracePeriodSeconds; v1.33 adds resources. */
const POD_UPDATABLE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** ValidatePodUpdate: the spec is immutable but for a few fields. */
export function validatePodUpdate(pod: J, old: J): FieldError[] {
  const errs: FieldError[] = [];
  // Objects stored before defaulting was installed compare as if defaulted.
  const oldPod = deepClone(old);
  defaultPod(oldPod);
  const oldSpec = opt(oldPod, 'spec') ?? {};
  const munged = deepClone(opt(pod, 'spec') ?? {});
  for (const key of ['containers', 'initContainers']) {
    const a = list(munged, key);
    const b = list(oldSpec, key);
    if (a.length === b.length) a.forEach((c, i) => (c.image = b[i]!.image));
  }
  const newDeadline = munged.activeDeadlineSeconds;
  const oldDeadline = oldSpec.activeDeadlineSeconds;
  if (oldDeadline === undefined || (typeof newDeadline === 'number' && typeof oldDeadline === 'number' && newDeadline <= oldDeadline)) {
    munged.activeDeadlineSeconds = oldDeadline;
  }
  const oldTolerations = list(oldSpec, 'tolerations');
  if (oldTolerations.every((t) => list(munged, 'tolerations').some((n) => deepEqual(n, t)))) munged.tolerations = oldSpec.tolerations;
  if (typeof oldSpec.terminationGracePeriodSeconds === 'number' && oldSpec.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (!deepEqual(munged, oldSpec)) errs.push(fe.forbidden('spec', `${POD_UPDATABLE}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

/** A short stand-in for upstream's cmp.Diff of the two specs: the changed top-level fields. */
function specDiff(old: J, next: J): string {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqual(old[k], next[k])) continue;
    if (old[k] !== undefined) lines.push(`- \t${k}: ${JSON.stringify(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${k}: ${JSON.stringify(next[k])},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

export function validatePod(pod: J, old: J | undefined): FieldError[] {
  const errs = validatePodSpec(isObj(pod.spec) ? pod.spec : {}, 'spec');
  if (old !== undefined) errs.push(...validatePodUpdate(pod, old));
  return errs;
}
