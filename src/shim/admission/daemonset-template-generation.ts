// A DaemonSet's spec.templateGeneration, which apps/v1 shows as the
// `deprecated.daemonset.template.generation` annotation: 1 (or what the client sent) on
// create; afterwards the stored value, one higher whenever the template changes. Runs
// after defaulting, as upstream compares decoded (defaulted) templates.
// K:pkg/registry/apps/daemonset/strategy.go (PrepareForCreate, PrepareForUpdate),
// K:pkg/apis/apps/v1/conversion.go (the annotation).
import { deepEqual, meta, type KObject } from '../objects.ts';
import type { AdmissionPlugin } from '../registry.ts';

const KEY = 'deprecated.daemonset.template.generation';

const parse = (o: KObject): number => {
  const raw = o.metadata?.annotations?.[KEY];
  return raw !== undefined && /^[+-]?\d+$/.test(raw) ? Number(raw) : 0;
};

const template = (o: KObject): unknown => (o.spec as { template?: unknown } | undefined)?.template;

export function daemonSetTemplateGenerationPlugin(): AdmissionPlugin {
  return {
    name: 'DaemonSetTemplateGeneration',
    admit(attrs) {
      if (attrs.subresource !== undefined || attrs.type.group !== 'apps' || attrs.type.resource !== 'daemonsets') return;
      const old = attrs.oldObject;
      const generation = old === undefined ? Math.max(parse(attrs.object), 1) : parse(old) + (deepEqual(template(old), template(attrs.object)) ? 0 : 1);
      const m = meta(attrs.object);
      m.annotations = { ...m.annotations, [KEY]: String(generation) };
    },
  };
}
