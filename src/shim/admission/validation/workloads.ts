// Deployment, ReplicaSet, DaemonSet, StatefulSet, Job and CronJob validation.
// K:pkg/apis/apps/validation/validation.go, K:pkg/apis/batch/validation/validation.go.
import type { FieldError } from '../../errors.ts';
import { deepEqual } from '../../objects.ts';
import { SelectorError, fromLabelSelector } from '../../selectors.ts';
import { isObj, list, opt, str, type J } from '../json.ts';
import { fe, goStringMap, invalidRepr, nonNegative, oneOf, specOf, type ReprFieldError } from './common.ts';
import { validatePodSpec } from './pod.ts';

type LabelSelectorInput = Parameters<typeof fromLabelSelector>[0];

/** Selector present, non-empty and matching the template's labels; the template valid. */
function validateSelectorAndTemplate(spec: J, kindName: string, errs: ReprFieldError[], requireAlways = true): void {
  const selector = opt(spec, 'selector');
  const template = opt(spec, 'template');
  const labels = opt(opt(template, 'metadata'), 'labels') ?? {};
  if (selector === undefined) errs.push(fe.required('spec.selector'));
  else if (Object.keys(opt(selector, 'matchLabels') ?? {}).length + list(selector, 'matchExpressions').length === 0) {
    errs.push(fe.invalid('spec.selector', selector, `empty selector is invalid for ${kindName}`));
  }
  if (template === undefined) {
    errs.push(fe.required('spec.template'));
    return;
  }
  if (selector !== undefined) {
    try {
      const sel = fromLabelSelector(selector as LabelSelectorInput);
      if (!sel.empty && !sel.matches(labels as Record<string, string>)) {
        errs.push(invalidRepr('spec.template.metadata.labels', labels, goStringMap(labels), '`selector` does not match template `labels`'));
      }
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      errs.push(fe.invalid('spec.selector', selector, 'invalid label selector'));
    }
  }
  const podSpec = isObj(template.spec) ? template.spec : {};
  // kube-apiserver skips PodSpec validation for StatefulSets (volumeMounts may name volumeClaimTemplates).
  if (kindName !== 'statefulset') errs.push(...validatePodSpec(podSpec, 'spec.template.spec'));
  if (requireAlways && podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
    errs.push(fe.notSupported('spec.template.spec.restartPolicy', podSpec.restartPolicy, ['Always']));
  }
  if (requireAlways && podSpec.activeDeadlineSeconds !== undefined) {
    errs.push(fe.forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kindName === 'deployment' ? 'ReplicaSet' : kindName} is not Supported`));
  }
}

/** An int-or-percent value: `25%` or a non-negative integer. */
export function intOrPercent(field: string, v: unknown, errs: FieldError[]): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'number') nonNegative(field, v, errs);
  else if (typeof v === 'string' && !/^[0-9]+%$/.test(v)) errs.push(fe.invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
}

const isZero = (v: unknown): boolean => v === 0 || v === '0%' || v === undefined || v === null;

function selectorImmutable(obj: J, old: J | undefined, errs: FieldError[]): void {
  if (old === undefined) return;
  const sel = opt(specOf(obj), 'selector');
  if (!deepEqual(sel, opt(specOf(old), 'selector'))) errs.push(fe.immutable('spec.selector', sel));
}

export function validateDeployment(obj: J, old: J | undefined): FieldError[] {
  const errs: ReprFieldError[] = [];
  const spec = specOf(obj);
  nonNegative('spec.replicas', spec.replicas, errs);
  validateSelectorAndTemplate(spec, 'deployment', errs);
  const strategy = opt(spec, 'strategy');
  oneOf('spec.strategy.type', strategy?.type, ['Recreate', 'RollingUpdate'], errs, false);
  const ru = opt(strategy, 'rollingUpdate');
  if (strategy?.type === 'Recreate' && ru !== undefined) {
    errs.push(fe.forbidden('spec.strategy.rollingUpdate', 'may not be specified when strategy `type` is \'Recreate\''));
  }
  if (ru !== undefined) {
    intOrPercent('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, errs);
    intOrPercent('spec.strategy.rollingUpdate.maxSurge', ru.maxSurge, errs);
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
      errs.push(fe.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit, errs);
  nonNegative('spec.minReadySeconds', spec.minReadySeconds, errs);
  selectorImmutable(obj, old, errs);
  return errs;
}

export function validateReplicaSet(obj: J, old: J | undefined): FieldError[] {
  const errs: ReprFieldError[] = [];
  const spec = specOf(obj);
  nonNegative('spec.replicas', spec.replicas, errs);
  validateSelectorAndTemplate(spec, 'deployment', errs);
  selectorImmutable(obj, old, errs);
  return errs;
}

export function validateDaemonSet(obj: J, old: J | undefined): FieldError[] {
  const errs: ReprFieldError[] = [];
  const spec = specOf(obj);
  validateSelectorAndTemplate(spec, 'daemonset', errs);
  const strategy = opt(spec, 'updateStrategy');
  oneOf('spec.updateStrategy.type', strategy?.type, ['OnDelete', 'RollingUpdate'], errs, false);
  const ru = opt(strategy, 'rollingUpdate');
  if (ru !== undefined && strategy?.type === 'RollingUpdate') {
    intOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, errs);
    intOrPercent('spec.updateStrategy.rollingUpdate.maxSurge', ru.maxSurge, errs);
    if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
      errs.push(fe.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  selectorImmutable(obj, old, errs);
  return errs;
}

const STS_UPDATABLE =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSet(obj: J, old: J | undefined): FieldError[] {
  const errs: ReprFieldError[] = [];
  const spec = specOf(obj);
  oneOf('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel'], errs);
  const strategy = opt(spec, 'updateStrategy');
  oneOf('spec.updateStrategy.type', strategy?.type, ['OnDelete', 'RollingUpdate'], errs);
  const ru = opt(strategy, 'rollingUpdate');
  if (strategy?.type === 'OnDelete' && ru !== undefined) {
    // Go prints the internal struct: `apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}`
    // (a set maxUnavailable prints as a pointer address; any stands in for it).
    const repr = `apps.RollingUpdateStatefulSetStrategy{Partition:${typeof ru.partition === 'number' ? ru.partition : 0}, MaxUnavailable:(*intstr.IntOrString)(${ru.maxUnavailable === undefined || ru.maxUnavailable === null ? 'nil' : '0xc000a2c3f0'})}`;
    errs.push(invalidRepr('spec.updateStrategy.rollingUpdate', ru, repr, 'only allowed for updateStrategy \'RollingUpdate\''));
  }
  if (ru !== undefined) nonNegative('spec.updateStrategy.rollingUpdate.partition', ru.partition, errs);
  const retention = opt(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention !== undefined) {
    oneOf('spec.persistentVolumeClaimRetentionPolicy.whenDeleted', retention.whenDeleted, ['Retain', 'Delete'], errs);
    oneOf('spec.persistentVolumeClaimRetentionPolicy.whenScaled', retention.whenScaled, ['Retain', 'Delete'], errs);
  }
  nonNegative('spec.replicas', spec.replicas, errs);
  nonNegative('spec.minReadySeconds', spec.minReadySeconds, errs);
  const ordinals = opt(spec, 'ordinals');
  if (ordinals !== undefined) nonNegative('spec.ordinals.start', ordinals.start, errs);
  validateSelectorAndTemplate(spec, 'statefulset', errs);
  list(spec, 'volumeClaimTemplates').forEach((t, i) => {
    const p = `spec.volumeClaimTemplates[${i}]`;
    const name = str(opt(t, 'metadata')?.name);
    if (name === '') errs.push(fe.required(`${p}.metadata.name`, 'name or generateName is required'));
    errs.push(...validateClaimSpec(isObj(t.spec) ? t.spec : {}, `${p}.spec`));
  });
  if (old !== undefined) {
    const oldSpec = specOf(old);
    const strip = (s: J): J => Object.fromEntries(Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k)));
    if (!deepEqual(strip(spec), strip(oldSpec))) errs.push(fe.forbidden('spec', STS_UPDATABLE));
  }
  return errs;
}

/** Claim-spec rules shared by PVCs and volumeClaimTemplates. */
export function validateClaimSpec(spec: J, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = Array.isArray(spec.accessModes) ? (spec.accessModes as unknown[]) : [];
  if (modes.length === 0) errs.push(fe.required(`${path}.accessModes`, 'at least 1 access mode is required'));
  const supported = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
  for (const m of modes) if (typeof m !== 'string' || !supported.includes(m)) errs.push(fe.notSupported(`${path}.accessModes`, m, supported));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errs.push(fe.forbidden(`${path}.accessModes`, 'may not use ReadWriteOncePod with other access modes'));
  }
  const storage = opt(opt(spec, 'resources'), 'requests')?.storage;
  if (storage === undefined) errs.push(fe.required(`${path}.resources[storage]`));
  else if (String(storage).startsWith('-') || String(storage) === '0') {
    errs.push(fe.invalid(`${path}.resources[storage]`, storage, 'must be greater than zero'));
  }
  oneOf(`${path}.volumeMode`, spec.volumeMode, ['Block', 'Filesystem'], errs, false);
  return errs;
}

export function validateJob(obj: J, old: J | undefined): FieldError[] {
  const errs: ReprFieldError[] = [];
  const spec = specOf(obj);
  nonNegative('spec.parallelism', spec.parallelism, errs);
  nonNegative('spec.completions', spec.completions, errs);
  nonNegative('spec.backoffLimit', spec.backoffLimit, errs);
  validateJobTemplate(spec, 'spec.template', errs);
  if (old !== undefined && spec.completions !== specOf(old).completions && spec.completionMode !== 'Indexed') {
    errs.push(fe.immutable('spec.completions', spec.completions));
  }
  return errs;
}

function validateJobTemplate(jobSpec: J, path: string, errs: FieldError[]): void {
  const template = opt(jobSpec, 'template');
  const podSpec = isObj(template?.spec) ? template.spec : {};
  errs.push(...validatePodSpec(podSpec, `${path}.spec`));
  // A Job's pods must end: Always (the PodSpec default) is not allowed.
  if (podSpec.restartPolicy !== 'OnFailure' && podSpec.restartPolicy !== 'Never') {
    errs.push(fe.notSupported(`${path}.spec.restartPolicy`, podSpec.restartPolicy ?? '', ['OnFailure', 'Never']));
  }
}

export function validateCronJob(obj: J): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  if (str(spec.schedule) === '') errs.push(fe.required('spec.schedule'));
  oneOf('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace'], errs);
  validateJobTemplate(opt(opt(spec, 'jobTemplate'), 'spec') ?? {}, 'spec.jobTemplate.spec.template', errs);
  return errs;
}
