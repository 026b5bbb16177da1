// The Job strategy's generateSelector: unless spec.manualSelector is true, the API server
// labels the pod template with the job's name and UID and selects on the UID.
// K:pkg/registry/batch/job/strategy.go (generateSelector, Validate),
// K:pkg/apis/batch/validation/validation.go (ValidateGeneratedSelector).
import type { AdmissionPlugin } from '../registry.ts';
import type { SeededRandom } from '../random.ts';
import { deepEqual } from '../objects.ts';
import { isObj, sub, type J } from './json.ts';
import { fe, invalidError } from './validation/common.ts';

export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

export function jobSelectorPlugin(random: Pick<SeededRandom, 'uid'>): AdmissionPlugin {
  return {
    name: 'JobSelector',
    admit(attrs) {
      if (attrs.subresource !== undefined || attrs.operation !== 'CREATE') return;
      if (attrs.type.group !== 'batch' || attrs.type.resource !== 'jobs') return;
      const obj = attrs.object as J;
      const meta = sub(obj, 'metadata');
      const spec = sub(obj, 'spec');
      if (spec.manualSelector === true) return;
      // Upstream generates the selector after the UID is assigned; the registry keeps this one.
      meta.uid ??= random.uid();
      const template = sub(spec, 'template');
      const tmeta = sub(template, 'metadata');
      const before = isObj(tmeta.labels) ? { ...tmeta.labels } : {};
      const labels = sub(tmeta, 'labels');
      const name = String(meta.name ?? meta.generateName ?? '');
      for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) labels[k] ??= name;
      for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) labels[k] ??= meta.uid;
      const selector = sub(spec, 'selector');
      const matchLabels = sub(selector, 'matchLabels');
      matchLabels[CONTROLLER_UID_LABEL] ??= meta.uid;
      // The job's own labels were defaulted from the template's; they carry the generated ones too.
      if (!isObj(meta.labels) || Object.keys(meta.labels).length === 0 || deepEqual(meta.labels, before)) meta.labels = { ...labels };
    },
    validate(attrs) {
      if (attrs.subresource !== undefined || attrs.operation !== 'CREATE') return;
      if (attrs.type.group !== 'batch' || attrs.type.resource !== 'jobs') return;
      const obj = attrs.object as J;
      const spec = sub(obj, 'spec');
      if (spec.manualSelector === true) return;
      const uid = (obj.metadata as J).uid;
      const selector = spec.selector;
      const expected = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
      if (!deepEqual(selector, expected)) {
        throw invalidError('batch', 'Job', String((obj.metadata as J).name ?? ''), [fe.invalid('spec.selector', selector, '`selector` not auto-generated')]);
      }
    },
  };
}
