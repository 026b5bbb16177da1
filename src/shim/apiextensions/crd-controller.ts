// What apiextensions-apiserver's controllers do with a CustomResourceDefinition: the
// naming controller accepts its names (or reports a conflict with another CRD of the
// group), the establishing controller marks it Established, and from then on the API
// serves the new resource type; the finalizer controller deletes every custom resource
// of a deleted CRD before letting the CRD go.
// AX:pkg/controller/status/naming_controller.go, AX:pkg/controller/establish/establishing_controller.go,
// AX:pkg/controller/finalizer/crd_finalizer.go, AX:pkg/apiserver/customresource_discovery_controller.go
import type { CustomResourceDefinitionCondition, CustomResourceDefinitionNames } from 'kubernetes-types/apiextensions/v1';
import { rfc3339 } from '../clock.ts';
import type { Controller, ControllerContext } from '../controller.ts';
import { isStatusError } from '../errors.ts';
import { deepEqual, type GroupResource, type KObject } from '../objects.ts';
import type { ResourceType, Verb } from '../resources.ts';
import type { Change } from '../store.ts';
import type { Schema } from './schema.ts';
import type { Crd } from './crd-strategy.ts';

export const CRDS: GroupResource = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** The order a real server lists a custom resource's verbs in discovery. */
const CR_VERBS: readonly Verb[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

type Condition = CustomResourceDefinitionCondition;

export function condition(crd: Crd, type: string): Condition | undefined {
  return (crd.status?.conditions ?? []).find((c) => c.type === type);
}

export const isEstablished = (crd: Crd): boolean => condition(crd, 'Established')?.status === 'True';

/** SetCRDCondition: replaces a condition of the same type, keeping its transition time if the status is unchanged. */
function setCondition(conditions: Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: string): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const c: Condition = { ...next, lastTransitionTime: old !== undefined && old.status === next.status ? old.lastTransitionTime! : now };
  if (old === undefined) return [...conditions, c];
  return conditions.map((x) => (x.type === next.type ? (deepEqual({ ...x, lastTransitionTime: undefined }, { ...c, lastTransitionTime: undefined }) ? x : c) : x));
}

/** The served version a type is registered for: the storage version if served, else the first served one. */
export function servedVersion(crd: Crd) {
  const versions = crd.spec.versions ?? [];
  const storage = versions.find((v) => v.storage === true && v.served === true);
  return storage ?? versions.find((v) => v.served === true);
}

/** The resource type a CRD serves, named by its accepted names. */
export function resourceTypeFor(crd: Crd): ResourceType | undefined {
  const version = servedVersion(crd);
  const names = crd.status?.acceptedNames;
  if (version === undefined || names === undefined || (names.plural ?? '') === '' || (names.kind ?? '') === '') return undefined;
  const scale = version.subresources?.scale;
  return {
    group: crd.spec.group,
    version: version.name,
    resource: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    namespaced: crd.spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    verbs: CR_VERBS,
    subresources: {
      ...(version.subresources?.status !== undefined ? { status: true } : {}),
      ...(scale !== undefined
        ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } }
        : {}),
    },
    nameRule: 'subdomain',
    generation: 'nonMetadata',
    customResource: {
      crd: crd.metadata?.name ?? '',
      schema: version.schema?.openAPIV3Schema as Schema | undefined,
      printerColumns: version.additionalPrinterColumns ?? [],
    },
  };
}

type NameField = 'plural' | 'singular' | 'kind' | 'listKind';

export class CrdController implements Controller {
  readonly name = 'apiextensions-controllers';
  private readonly queue = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    for (const crd of ctx.store.list(CRDS).items) this.queue.add(crd.metadata?.name ?? '');
  }

  observe(c: Change): boolean {
    const before = this.queue.size;
    if (c.gr.group === CRDS.group && c.gr.resource === CRDS.resource) this.queue.add(c.object.metadata?.name ?? '');
    else if (c.type === 'DELETED') {
      const crd = this.ctx.resources.get(c.gr)?.customResource?.crd;
      if (crd !== undefined) this.queue.add(crd);
    }
    return this.queue.size > before;
  }

  reconcile(): void {
    const names = [...this.queue];
    this.queue.clear();
    for (const name of names) {
      const crd = this.ctx.store.get(CRDS, '', name) as Crd | undefined;
      if (crd === undefined) this.unregister(name);
      else if (crd.metadata?.deletionTimestamp !== undefined) this.finalize(crd);
      else this.establish(crd);
    }
  }

  private unregister(crdName: string): void {
    for (const rt of this.ctx.resources.all()) if (rt.customResource?.crd === crdName) this.ctx.resources.remove(rt);
  }

  /** Names already accepted by the other CRDs of the group. */
  private usedNames(crd: Crd): { names: Record<NameField, Set<string>>; shortNames: Set<string> } {
    const names = { plural: new Set<string>(), singular: new Set<string>(), kind: new Set<string>(), listKind: new Set<string>() };
    const shortNames = new Set<string>();
    for (const other of this.ctx.store.list(CRDS).items as unknown as Crd[]) {
      if (other.metadata?.name === crd.metadata?.name || other.spec?.group !== crd.spec.group) continue;
      const a = other.status?.acceptedNames;
      if (a === undefined) continue;
      for (const f of ['plural', 'singular', 'kind', 'listKind'] as const) if (a[f]) names[f].add(a[f]);
      for (const s of a.shortNames ?? []) shortNames.add(s);
    }
    return { names, shortNames };
  }

  private establish(crd: Crd): void {
    const now = rfc3339(this.ctx.clock.now());
    const requested = crd.spec.names;
    const accepted: Partial<CustomResourceDefinitionNames> = crd.status?.acceptedNames ?? {};
    const used = this.usedNames(crd);
    // calculateNamesAndConditions: a name may stay what was accepted before, or be new and unused.
    const conflict = (field: NameField, reason: string): Omit<Condition, 'lastTransitionTime'> | undefined => {
      const want = requested[field];
      if (want === undefined || want === accepted[field] || !used.names[field].has(want)) return undefined;
      return { type: 'NamesAccepted', status: 'False', reason, message: `${JSON.stringify(want)} is already in use` };
    };
    const shortConflict = (requested.shortNames ?? []).find((s) => !(accepted.shortNames ?? []).includes(s) && used.shortNames.has(s));
    const namesAccepted =
      conflict('plural', 'PluralConflict') ??
      conflict('singular', 'SingularConflict') ??
      (shortConflict !== undefined
        ? { type: 'NamesAccepted', status: 'False', reason: 'ShortNamesConflict', message: `${JSON.stringify(shortConflict)} is already in use` }
        : undefined) ??
      conflict('kind', 'KindConflict') ??
      conflict('listKind', 'ListKindConflict') ?? { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
    const ok = namesAccepted.status === 'True';
    let conditions = setCondition(crd.status?.conditions ?? [], namesAccepted, now);
    const wasEstablished = isEstablished(crd);
    if (ok) {
      // The naming controller's "Installing" step and the establishing controller's
      // verdict happen together here: one API server has nobody to wait for.
      conditions = setCondition(conditions, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
    } else if (!wasEstablished) {
      conditions = setCondition(conditions, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
    }
    const acceptedNames = ok ? { ...requested } : crd.status?.acceptedNames ?? { plural: '', kind: '' };
    const status = { ...crd.status, acceptedNames, conditions, storedVersions: crd.status?.storedVersions ?? [] };
    let current: Crd = crd;
    if (!deepEqual(status, crd.status)) {
      try {
        current = this.ctx.registry.update(CRDS, { ...(crd as unknown as KObject), status }, { subresource: 'status' }) as unknown as Crd;
      } catch (e) {
        if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return;
        throw e;
      }
    }
    if (!isEstablished(current)) return;
    const rt = resourceTypeFor(current);
    // A renamed resource (new accepted plural) replaces the old entry; a CRD with no
    // served version any more serves nothing.
    this.unregister(current.metadata?.name ?? '');
    if (rt !== undefined) this.ctx.resources.add(rt);
  }

  private finalize(crd: Crd): void {
    if (!(crd.metadata?.finalizers ?? []).includes(CLEANUP_FINALIZER)) return;
    const now = rfc3339(this.ctx.clock.now());
    const registry = this.ctx.registry;
    const progress = setCondition(crd.status?.conditions ?? [], { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }, now);
    let current = crd;
    if (!deepEqual(progress, crd.status?.conditions)) {
      current = registry.update(CRDS, { ...(crd as unknown as KObject), status: { ...crd.status, conditions: progress } }, { subresource: 'status' }) as unknown as Crd;
    }
    let done: Omit<Condition, 'lastTransitionTime'>;
    const rt = this.ctx.resources.all().find((t) => t.customResource?.crd === crd.metadata?.name);
    if (isEstablished(current) && rt !== undefined) {
      for (const item of this.ctx.store.list(rt).items) {
        if (item.metadata?.deletionTimestamp !== undefined) continue;
        try {
          registry.delete(rt, item.metadata?.namespace ?? '', item.metadata?.name ?? '');
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) throw e;
        }
      }
      // Instances held by their own finalizers: wait for their DELETED events.
      if (this.ctx.store.list(rt).items.length > 0) return;
      done = { type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' };
    } else {
      done = { type: 'Terminating', status: 'False', reason: 'NeverEstablished', message: 'resource was never established' };
    }
    const conditions = setCondition(current.status?.conditions ?? [], done, now);
    current = registry.update(CRDS, { ...(current as unknown as KObject), status: { ...current.status, conditions } }, { subresource: 'status' }) as unknown as Crd;
    const finalizers = (current.metadata?.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
    registry.update(CRDS, { ...(current as unknown as KObject), metadata: { ...current.metadata, finalizers } });
    if (this.ctx.store.get(CRDS, '', crd.metadata?.name ?? '') === undefined) this.unregister(crd.metadata?.name ?? '');
  }
}
