// CustomResourceDefinitions: the apiextensions-apiserver inside the shim. Installs the
// CRD strategy (defaults, validation), the custom-resource admission (schema defaults
// and validation), the CRD's delete step and the controllers that serve new types.
import { rfc3339 } from '../clock.ts';
import type { Cluster } from '../cluster.ts';
import { methodNotSupported, type FieldError } from '../errors.ts';
import { invalidError } from '../admission/validation/common.ts';
import type { AdmissionPlugin } from '../registry.ts';
import { meta, type KObject } from '../objects.ts';
import { CLEANUP_FINALIZER, CRDS, CrdController } from './crd-controller.ts';
import { defaultCrd, recordStoredVersion, validateCrd, type Crd } from './crd-strategy.ts';
import { applyDefaults, dropNulls, prune, validateValue } from './custom-resource.ts';

const isCrds = (gr: { group: string; resource: string }): boolean => gr.group === CRDS.group && gr.resource === CRDS.resource;

/** The CRD strategy as admission: defaults and stored versions on writes of the main resource, then validation. */
export function crdAdmission(): AdmissionPlugin {
  return {
    name: 'CustomResourceDefinition',
    admit(attrs) {
      if (!isCrds(attrs.type) || attrs.subresource !== undefined) return;
      const crd = attrs.object as unknown as Crd;
      defaultCrd(crd);
      // PrepareForCreate starts from an empty status (v1 always serialises acceptedNames'
      // plural and kind); both record the storage version.
      if (attrs.operation === 'CREATE') crd.status = { acceptedNames: { plural: '', kind: '' } };
      recordStoredVersion(crd);
    },
    validate(attrs) {
      if (!isCrds(attrs.type) || attrs.subresource !== undefined) return;
      const errs = validateCrd(attrs.object, attrs.oldObject);
      if (errs.length > 0) throw invalidError(attrs.type.group, attrs.type.kind, attrs.object.metadata?.name ?? '', errs);
    },
  };
}

/** Custom resources: schema defaults on every write, schema validation, no creates while the CRD terminates. */
export function customResourceAdmission(cluster: Pick<Cluster, 'store'>): AdmissionPlugin {
  return {
    name: 'CustomResource',
    admit(attrs) {
      const info = attrs.type.customResource;
      if (info === undefined || info.schema === undefined) return;
      // Bodies from the REST layer are pruned and defaulted when decoded; status writes
      // and writes from inside the cluster get the same here.
      prune(attrs.object, info.schema);
      dropNulls(attrs.object, info.schema);
      applyDefaults(attrs.object, info.schema);
    },
    validate(attrs) {
      const info = attrs.type.customResource;
      if (info === undefined) return;
      if (attrs.operation === 'CREATE') {
        const crd = cluster.store.get(CRDS, '', info.crd);
        if (crd?.metadata?.deletionTimestamp !== undefined) {
          const err = methodNotSupported(attrs.type, 'create');
          err.status.message = 'create not allowed while custom resource definition is terminating';
          throw err;
        }
      }
      const { metadata: _m, ...body } = attrs.object;
      const errs: FieldError[] = validateValue(body, info.schema === undefined ? undefined : { ...info.schema, properties: withoutMetadata(info.schema.properties) });
      if (errs.length > 0) throw invalidError(attrs.type.group, attrs.type.kind, attrs.object.metadata?.name ?? '', errs);
    },
  };
}

function withoutMetadata<T>(props: Record<string, T> | undefined): Record<string, T> | undefined {
  if (props === undefined) return undefined;
  const { metadata: _m, ...rest } = props;
  return rest;
}

/**
 * The first DELETE of a CRD only marks it (upstream's customresourcedefinition REST
 * Delete): cleanup finalizer and `Terminating` condition, so the finalizer controller
 * removes its custom resources before the CRD goes.
 */
function markCrdForDeletion(obj: KObject, now: string): void {
  const m = meta(obj);
  if (!(m.finalizers ?? []).includes(CLEANUP_FINALIZER)) m.finalizers = [...(m.finalizers ?? []), CLEANUP_FINALIZER];
  const crd = obj as unknown as Crd;
  const conditions = (crd.status?.conditions ?? []).filter((c) => c.type !== 'Terminating');
  conditions.push({
    type: 'Terminating',
    status: 'True',
    reason: 'InstanceDeletionPending',
    message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    lastTransitionTime: now,
  });
  crd.status = { ...crd.status, conditions };
}

/** Installs CRD support on a cluster (admission before the controllers see anything). */
export function installApiExtensions(cluster: Cluster): void {
  cluster.registry.addAdmission(crdAdmission());
  cluster.registry.addAdmission(customResourceAdmission(cluster));
  cluster.registry.setDeleteHook(CRDS, (obj) => markCrdForDeletion(obj, rfc3339(cluster.clock.now())));
  cluster.addController((ctx) => new CrdController(ctx));
}

export { CRDS, CLEANUP_FINALIZER, CrdController, resourceTypeFor } from './crd-controller.ts';
export { decodeCustomResource, prune, applyDefaults, validateValue } from './custom-resource.ts';
export { validateCrd, defaultCrd } from './crd-strategy.ts';
export type { Schema } from './schema.ts';
