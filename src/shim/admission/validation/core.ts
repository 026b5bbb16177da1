// Service, PersistentVolumeClaim, PersistentVolume, StorageClass, ConfigMap, Secret and
// Namespace validation. K:pkg/apis/core/validation/validation.go,
// K:pkg/apis/storage/validation/validation.go.
import type { FieldError } from '../../errors.ts';
import { compareQuantities } from '../../decode/quantity.ts';
import { deepEqual } from '../../objects.ts';
import { isConfigMapKey, isQualifiedName } from '../../validation.ts';
import { isObj, list, opt, str, type J } from '../json.ts';
import { volumeSources } from '../defaults/pod.ts';
import { dns1123Label, fe, isValidPortName, isValidPortNum, oneOf, specOf } from './common.ts';
import { intOrPercent, validateClaimSpec } from './workloads.ts';
import { fromLabelSelector, SelectorError } from '../../selectors.ts';

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

export function validateService(obj: J, old: J | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  oneOf('spec.type', spec.type, SERVICE_TYPES, errs);
  const ports = list(spec, 'ports');
  const headless = spec.clusterIP === 'None';
  if (spec.type === 'ExternalName') {
    if (str(spec.externalName) === '') errs.push(fe.required('spec.externalName'));
  } else if (ports.length === 0 && !headless) errs.push(fe.required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    const name = str(p.name);
    if (ports.length > 1 && name === '') errs.push(fe.required(`${path}.name`));
    else if (name !== '') {
      for (const msg of dnsLabelMsgs(name)) errs.push(fe.invalid(`${path}.name`, name, msg));
      if (names.has(name)) errs.push(fe.duplicate(`${path}.name`, name));
      names.add(name);
    }
    for (const msg of isValidPortNum(p.port)) errs.push(fe.invalid(`${path}.port`, p.port, msg));
    oneOf(`${path}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP'], errs);
    const target = p.targetPort;
    if (typeof target === 'number') for (const msg of isValidPortNum(target)) errs.push(fe.invalid(`${path}.targetPort`, target, msg));
    else if (typeof target === 'string') for (const msg of isValidPortName(target)) errs.push(fe.invalid(`${path}.targetPort`, target, msg));
    if (p.nodePort !== undefined && (spec.type === 'ClusterIP' || spec.type === 'ExternalName')) {
      errs.push(fe.forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${str(spec.type)}'`));
    }
  });
  oneOf('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None'], errs);
  if (old !== undefined) {
    const oldSpec = specOf(old);
    // clusterIP may be set once (by the allocator) but never changed.
    if (oldSpec.clusterIP !== undefined && oldSpec.clusterIP !== '' && spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName' &&
        spec.clusterIP !== undefined && spec.clusterIP !== oldSpec.clusterIP) {
      errs.push(fe.immutable('spec.clusterIPs[0]', spec.clusterIP));
    }
  }
  return errs;
}

/** Service port names are DNS-1123 labels (IsDNS1123Label), unlike container ports. */
function dnsLabelMsgs(name: string): string[] {
  const errs: FieldError[] = [];
  dns1123Label('x', name, errs);
  return errs.map((e) => e.detail ?? '');
}

const PVC_IMMUTABLE =
  'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

export function validatePersistentVolumeClaim(obj: J, old: J | undefined): FieldError[] {
  const spec = specOf(obj);
  const errs = validateClaimSpec(spec, 'spec');
  if (old !== undefined) {
    const oldSpec = specOf(old);
    const strip = (s: J): J => {
      const c = { ...s };
      delete c.volumeAttributesClassName;
      const resources = isObj(c.resources) ? { ...c.resources } : undefined;
      if (resources !== undefined) delete resources.requests;
      c.resources = resources;
      // volumeName may be set once, by the binder.
      if (oldSpec.volumeName === undefined || oldSpec.volumeName === '') delete c.volumeName;
      // storageClassName may be set once, when it was nil (retroactive default class).
      if (oldSpec.storageClassName === undefined) delete c.storageClassName;
      return c;
    };
    if (!deepEqual(strip(spec), strip(oldSpec))) errs.push(fe.forbidden('spec', PVC_IMMUTABLE));
    const bound = (old.status as J | undefined)?.phase === 'Bound';
    const req = opt(opt(spec, 'resources'), 'requests')?.storage;
    const oldReq = opt(opt(oldSpec, 'resources'), 'requests')?.storage;
    if (req !== oldReq && !bound) errs.push(fe.forbidden('spec', PVC_IMMUTABLE));
    // RecoverVolumeExpansionFailure (on in 1.32): a request may come back down after a
    // failed expansion, but never to or below what the volume already has.
    const statusSize = opt(opt(old, 'status'), 'capacity')?.storage ?? '0';
    if (req !== undefined && oldReq !== undefined && quantityCmp(req, oldReq) < 0 && quantityCmp(req, statusSize) <= 0) {
      errs.push(fe.forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
    }
  }
  return errs;
}

/** Quantity.Cmp; a malformed value (already reported) compares as equal. */
function quantityCmp(a: unknown, b: unknown): number {
  try {
    return compareQuantities(String(a), String(b));
  } catch {
    return 0;
  }
}

export function validatePersistentVolume(obj: J): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (modes.length === 0) errs.push(fe.required('spec.accessModes'));
  const capacity = opt(spec, 'capacity');
  if (capacity === undefined || Object.keys(capacity).length === 0) errs.push(fe.required('spec.capacity'));
  else if (capacity.storage === undefined) errs.push(fe.notSupported('spec.capacity', Object.keys(capacity), ['storage']));
  // `local` exists only on PersistentVolumes.
  const sources = [...volumeSources(spec), ...(isObj(spec.local) ? ['local'] : [])].filter((s) => s !== 'emptyDir');
  if (sources.length === 0) errs.push(fe.required('spec', 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(fe.forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  oneOf('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, ['Delete', 'Recycle', 'Retain'], errs, false);
  const hostPath = opt(spec, 'hostPath');
  if (hostPath !== undefined && str(hostPath.path) === '') errs.push(fe.required('spec.hostPath.path'));
  const local = opt(spec, 'local');
  if (local !== undefined && opt(spec, 'nodeAffinity') === undefined) {
    errs.push(fe.required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  return errs;
}

export function validateStorageClass(obj: J, old: J | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(obj.provisioner);
  if (provisioner === '') errs.push(fe.required('provisioner'));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(fe.invalid('provisioner', provisioner, msg));
  oneOf('reclaimPolicy', obj.reclaimPolicy, ['Delete', 'Retain'], errs, false);
  oneOf('volumeBindingMode', obj.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer'], errs, false);
  if (old !== undefined) {
    if (!deepEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(fe.forbidden('parameters', 'updates to parameters are forbidden.'));
    if (obj.provisioner !== old.provisioner) errs.push(fe.forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(fe.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    if (obj.volumeBindingMode !== old.volumeBindingMode) errs.push(fe.forbidden('volumeBindingMode', 'field is immutable'));
  }
  return errs;
}

function validateKeys(obj: J, fields: readonly string[], errs: FieldError[]): Set<string> {
  const all = new Set<string>();
  for (const f of fields) {
    for (const key of Object.keys(opt(obj, f) ?? {})) {
      for (const msg of isConfigMapKey(key)) errs.push(fe.invalid(`${f}[${key}]`, key, msg));
      if (all.has(key)) errs.push(fe.invalid(`${f}[${key}]`, key, 'duplicate of key present in data'));
      all.add(key);
    }
  }
  return all;
}

export function validateConfigMap(obj: J, old: J | undefined): FieldError[] {
  const errs: FieldError[] = [];
  validateKeys(obj, ['data', 'binaryData'], errs);
  if (old?.immutable === true) {
    if (obj.immutable !== true) errs.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.data, old.data)) errs.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.binaryData, old.binaryData)) errs.push(fe.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export function validateSecret(obj: J, old: J | undefined): FieldError[] {
  const errs: FieldError[] = [];
  validateKeys(obj, ['data'], errs);
  if (old !== undefined && obj.type !== old.type) errs.push(fe.immutable('type', obj.type));
  if (old?.immutable === true) {
    if (obj.immutable !== true) errs.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(obj.data, old.data)) errs.push(fe.forbidden('data', 'field is immutable when `immutable` is set'));
  }
  if (obj.type === 'kubernetes.io/tls') {
    const data = opt(obj, 'data') ?? {};
    for (const k of ['tls.crt', 'tls.key']) if (data[k] === undefined) errs.push(fe.required(`data[${k}]`));
  }
  return errs;
}

/** K:pkg/apis/policy/validation/validation.go ValidatePodDisruptionBudgetSpec. */
export function validatePodDisruptionBudget(obj: J): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(fe.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    const v = spec[field];
    intOrPercent(`spec.${field}`, v, errs);
    const pct = typeof v === 'string' ? /^([0-9]+)%$/.exec(v) : null;
    if (pct !== null && Number(pct[1]) > 100) errs.push(fe.invalid(`spec.${field}`, v, 'must not be greater than 100%'));
  }
  const selector = opt(spec, 'selector');
  if (selector !== undefined) {
    try {
      fromLabelSelector(selector as Parameters<typeof fromLabelSelector>[0]);
    } catch (e) {
      if (!(e instanceof SelectorError)) throw e;
      errs.push(fe.invalid('spec.selector', selector, e.message));
    }
  }
  oneOf('spec.unhealthyPodEvictionPolicy', spec.unhealthyPodEvictionPolicy, ['AlwaysAllow', 'IfHealthyBudget'], errs, false);
  return errs;
}
