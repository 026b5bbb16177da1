// LimitRange: the API defaults of a LimitRange item, and the LimitRanger admission plugin
// that fills in each new pod's container requests and limits from the namespace's
// LimitRanges and says so in an annotation. Min/max enforcement is not simulated.
// K:pkg/apis/core/v1/defaults.go (SetDefaults_LimitRangeItem),
// K:plugin/pkg/admission/limitranger/admission.go (defaultContainerResourceRequirements,
// mergeContainerResources, mergePodResourceRequirements).
import type { Container, LimitRange, Pod } from 'kubernetes-types/core/v1';
import { CORE } from './controller.ts';
import type { AdmissionPlugin } from './registry.ts';
import type { Store } from './store.ts';

export const LIMIT_RANGES = CORE('limitranges');
export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type ResourceList = Record<string, string>;

/** SetDefaults_LimitRangeItem for Container items: default ← max, defaultRequest ← default, then min. */
export function defaultLimitRange(obj: Record<string, unknown>): void {
  const spec = obj.spec as { limits?: Array<Record<string, unknown>> } | undefined;
  for (const item of spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    const dflt = { ...((item.default as ResourceList | undefined) ?? {}) };
    const request = { ...((item.defaultRequest as ResourceList | undefined) ?? {}) };
    for (const [k, v] of Object.entries((item.max as ResourceList | undefined) ?? {})) dflt[k] ??= v;
    for (const [k, v] of Object.entries(dflt)) request[k] ??= v;
    for (const [k, v] of Object.entries((item.min as ResourceList | undefined) ?? {})) request[k] ??= v;
    if (Object.keys(dflt).length > 0) item.default = dflt;
    if (Object.keys(request).length > 0) item.defaultRequest = request;
  }
}

/** The LimitRanger plugin's defaulting half, for pods being created. */
export function limitRangerAdmission(store: Store): AdmissionPlugin {
  return {
    name: 'LimitRanger',
    admit(attrs) {
      if (attrs.subresource !== undefined || attrs.operation !== 'CREATE') return;
      if (attrs.type.group === '' && attrs.type.resource === 'limitranges') {
        defaultLimitRange(attrs.object as Record<string, unknown>);
        return;
      }
      if (attrs.type.group !== '' || attrs.type.resource !== 'pods') return;
      const ns = attrs.object.metadata?.namespace ?? '';
      const ranges = store.list(LIMIT_RANGES, { namespace: ns }).items as LimitRange[];
      if (ranges.length === 0) return;
      const pod = attrs.object as Pod;
      const annotations: string[] = [];
      for (const lr of ranges) {
        const requests: ResourceList = {};
        const limits: ResourceList = {};
        for (const item of lr.spec?.limits ?? []) {
          if (item.type !== 'Container') continue;
          Object.assign(requests, item.defaultRequest ?? {});
          Object.assign(limits, item.default ?? {});
        }
        if (Object.keys(requests).length + Object.keys(limits).length === 0) continue;
        for (const c of pod.spec?.containers ?? []) merge(c, requests, limits, 'container', annotations);
        for (const c of pod.spec?.initContainers ?? []) merge(c, requests, limits, 'init container', annotations);
      }
      if (annotations.length > 0) {
        pod.metadata = pod.metadata ?? {};
        pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${annotations.join('; ')}` };
      }
    },
  };
}

function merge(c: Container, requests: ResourceList, limits: ResourceList, kind: string, annotations: string[]): void {
  const res = (c.resources ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [k, v] of Object.entries(limits)) {
    if (res.limits?.[k] !== undefined) continue;
    res.limits = { ...(res.limits ?? {}), [k]: v };
    setLimits.push(k);
  }
  for (const [k, v] of Object.entries(requests)) {
    if (res.requests?.[k] !== undefined) continue;
    res.requests = { ...(res.requests ?? {}), [k]: v };
    setRequests.push(k);
  }
  if (setRequests.length > 0) annotations.push(`${setRequests.sort().join(', ')} request for ${kind} ${c.name}`);
  if (setLimits.length > 0) annotations.push(`${setLimits.sort().join(', ')} limit for ${kind} ${c.name}`);
}
