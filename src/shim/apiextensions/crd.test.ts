import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.ts';
import { isStatusError } from '../errors.ts';
import type { KObject } from '../objects.ts';
import { CLEANUP_FINALIZER, CRDS, installApiExtensions } from './index.ts';

const BACKUPS = { group: 'statecraft.dev', resource: 'backups' };

function cluster(): Cluster {
  const c = new Cluster({ seed: 3, install: [installApiExtensions] });
  return c;
}

function backupCrd(overrides: { scope?: string; subresources?: object; names?: object } = {}): KObject {
  return {
    metadata: { name: 'backups.statecraft.dev' },
    spec: {
      group: 'statecraft.dev',
      scope: overrides.scope ?? 'Namespaced',
      names: { plural: 'backups', kind: 'Backup', shortNames: ['bk'], ...overrides.names },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: overrides.subresources ?? { status: {}, scale: { specReplicasPath: '.spec.copies', statusReplicasPath: '.status.copies' } },
          additionalPrinterColumns: [{ name: 'Claim', type: 'string', jsonPath: '.spec.claim' }],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['claim'],
                  properties: {
                    claim: { type: 'string', maxLength: 20 },
                    copies: { type: 'integer', minimum: 1, default: 3 },
                    mode: { type: 'string', enum: ['Snapshot', 'Copy'] },
                    port: { 'x-kubernetes-int-or-string': true },
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
                  },
                },
                status: { type: 'object', properties: { phase: { type: 'string' }, copies: { type: 'integer' } } },
              },
            },
          },
        },
      ],
    },
  };
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e.status.message ?? '';
    throw e;
  }
  throw new Error('expected an error');
}

describe('CustomResourceDefinition create', () => {
  it('defaults names and conversion, records the stored version, and is established at once', () => {
    const c = cluster();
    const created = c.registry.create(CRDS, backupCrd()) as KObject & { spec: Record<string, unknown>; status?: Record<string, unknown> };
    expect(created.spec.names).toEqual({ plural: 'backups', kind: 'Backup', shortNames: ['bk'], singular: 'backup', listKind: 'BackupList' });
    expect(created.spec.conversion).toEqual({ strategy: 'None' });
    expect(created.status).toEqual({ acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] });
    expect(created.metadata?.generation).toBe(1);
    c.settle();
    const crd = c.registry.get(CRDS, '', 'backups.statecraft.dev') as KObject & { status: { conditions: object[]; acceptedNames: object } };
    expect(crd.status.acceptedNames).toEqual(created.spec.names);
    expect(crd.status.conditions.map((x) => ({ ...x, lastTransitionTime: undefined }))).toEqual([
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: undefined },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: undefined },
    ]);
    const rt = c.resources.lookup('bk');
    expect(rt).toMatchObject({ group: 'statecraft.dev', version: 'v1', resource: 'backups', kind: 'Backup', namespaced: true, subresources: { status: true, scale: { specReplicasPath: '.spec.copies' } } });
    expect(rt?.customResource?.printerColumns).toEqual([{ name: 'Claim', type: 'string', jsonPath: '.spec.claim' }]);
  });

  it('serves what an updated CRD says: new short names and printer columns', () => {
    const c = cluster();
    c.registry.create(CRDS, backupCrd());
    c.settle();
    const crd = c.registry.get(CRDS, '', 'backups.statecraft.dev') as KObject & { spec: { names: { shortNames: string[] }; versions: { additionalPrinterColumns: object[] }[] } };
    const next = structuredClone(crd);
    next.spec.names.shortNames = ['bkp'];
    next.spec.versions[0]!.additionalPrinterColumns = [];
    const updated = c.registry.update(CRDS, next);
    expect(updated.metadata?.generation).toBe(2);
    c.settle();
    expect(c.resources.lookup('bk')).toBeUndefined();
    expect(c.resources.lookup('bkp')?.customResource?.printerColumns).toEqual([]);
  });

  it('adds a new storage version to status.storedVersions on update', () => {
    const c = cluster();
    c.registry.create(CRDS, backupCrd());
    c.settle();
    const crd = structuredClone(c.registry.get(CRDS, '', 'backups.statecraft.dev')) as KObject & { spec: { versions: Record<string, unknown>[] } };
    const v1 = crd.spec.versions[0]!;
    crd.spec.versions = [{ ...v1, storage: false }, { ...v1, name: 'v2', storage: true }];
    const updated = c.registry.update(CRDS, crd) as KObject & { status: { storedVersions: string[] } };
    expect(updated.status.storedVersions).toEqual(['v1', 'v2']);
  });

  it('refuses a name that is not <plural>.<group>, a missing schema and no storage version, with upstream texts', () => {
    const c = cluster();
    const crd = backupCrd() as { metadata: { name: string }; spec: { versions: Record<string, unknown>[] } };
    crd.metadata.name = 'backup.statecraft.dev';
    delete crd.spec.versions[0]!.schema;
    delete crd.spec.versions[0]!.subresources;
    delete crd.spec.versions[0]!.additionalPrinterColumns;
    crd.spec.versions[0]!.storage = false;
    expect(message(() => c.registry.create(CRDS, crd as KObject))).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "backup.statecraft.dev" is invalid: [' +
        'metadata.name: Invalid value: "backup.statecraft.dev": must be spec.names.plural+"."+spec.group, ' +
        'spec.versions[0].schema.openAPIV3Schema: Required value, ' +
        'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(nil), Subresources:(*apiextensions.CustomResourceSubresources)(nil), AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), SelectableFields:[]apiextensions.SelectableField(nil)}}: must have exactly one version marked as storage version, ' +
        'status.storedVersions: Invalid value: []string(nil): must have at least one stored version]',
    );
  });

  it('checks printer columns and scale paths (hoisted to spec.* for one version)', () => {
    const c = cluster();
    const crd = backupCrd({ subresources: { scale: { specReplicasPath: '.status.copies', statusReplicasPath: '.status.copies' } } }) as { spec: { versions: Record<string, unknown>[] } };
    crd.spec.versions[0]!.additionalPrinterColumns = [{ name: 'Claim', type: 'text', jsonPath: 'spec.claim' }];
    expect(message(() => c.registry.create(CRDS, crd as unknown as KObject))).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "backups.statecraft.dev" is invalid: [' +
        'spec.subresources.scale.specReplicasPath: Invalid value: ".status.copies": should be a json path under .spec, ' +
        'spec.additionalPrinterColumns[0].type: Unsupported value: "text": supported values: "boolean", "date", "integer", "number", "string", ' +
        'spec.additionalPrinterColumns[0].jsonPath: Invalid value: "spec.claim": must be a simple json path starting with .]',
    );
  });

  it('refuses defaults that do not fit their schema', () => {
    const c = cluster();
    const crd = backupCrd() as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[] } };
    crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.copies = { type: 'integer', default: 'three' };
    expect(message(() => c.registry.create(CRDS, crd as unknown as KObject))).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "backups.statecraft.dev" is invalid: ' +
        'spec.validation.openAPIV3Schema.properties[spec].properties[copies].default: Invalid value: "string":  in body must be of type integer: "string"',
    );
  });

  it('requires group, scope and names', () => {
    const c = cluster();
    const msg = message(() => c.registry.create(CRDS, { metadata: { name: 'x.y' }, spec: { versions: [] } }));
    expect(msg).toContain('spec.group: Required value');
    expect(msg).toContain('spec.scope: Required value');
    expect(msg).toContain('spec.names.plural: Required value');
    expect(msg).toContain('spec.names.kind: Required value');
    expect(msg).toContain('spec.names.listKind: Required value');
  });

  it('reports non-structural schemas under spec.validation (one version: hoisted, as upstream validates)', () => {
    const c = cluster();
    const crd = backupCrd() as { spec: { versions: { schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }[] } };
    crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec = { properties: { from: { type: 'string' } } };
    crd.spec.versions[0]!.schema.openAPIV3Schema.properties.tags = { type: 'array' };
    crd.spec.versions[0]!.schema.openAPIV3Schema.properties.kindly = { type: 'str' };
    expect(message(() => c.registry.create(CRDS, crd as unknown as KObject))).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "backups.statecraft.dev" is invalid: [' +
        'spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields, ' +
        'spec.validation.openAPIV3Schema.properties[tags].items: Required value: must be specified, ' +
        'spec.validation.openAPIV3Schema.properties[kindly].type: Unsupported value: "str": supported values: "array", "boolean", "integer", "number", "object", "string"]',
    );
  });

  it('accepts names only once: a second CRD of the group with the same kind is not established', () => {
    const c = cluster();
    c.registry.create(CRDS, backupCrd());
    c.settle();
    const other = backupCrd({ names: { plural: 'copies', singular: 'copy', kind: 'Backup', shortNames: [] } }) as { metadata: { name: string } };
    other.metadata.name = 'copies.statecraft.dev';
    c.registry.create(CRDS, other as KObject);
    c.settle();
    const crd = c.registry.get(CRDS, '', 'copies.statecraft.dev') as KObject & { status: { conditions: { type: string; status: string; reason: string; message: string }[] } };
    expect(crd.status.conditions.map(({ type, status, reason, message: m }) => [type, status, reason, m])).toEqual([
      ['NamesAccepted', 'False', 'KindConflict', '"Backup" is already in use'],
      ['Established', 'False', 'NotAccepted', 'not all names are accepted'],
    ]);
    expect(c.resources.get({ group: 'statecraft.dev', resource: 'copies' })).toBeUndefined();
  });
});

describe('custom resources', () => {
  function withCrd(): Cluster {
    const c = cluster();
    c.registry.create(CRDS, backupCrd());
    c.settle();
    return c;
  }

  it('apply defaults, drop status on create (status subresource) and start at generation 1', () => {
    const c = withCrd();
    const b = c.registry.create(BACKUPS, { metadata: { name: 'b1' }, spec: { claim: 'data' }, status: { phase: 'Done' } }, { namespace: 'default' });
    expect(b.spec).toEqual({ claim: 'data', copies: 3 });
    expect(b.status).toBeUndefined();
    expect(b.metadata?.generation).toBe(1);
    expect(b.kind).toBe('Backup');
    expect(b.apiVersion).toBe('statecraft.dev/v1');
  });

  it('are validated against the schema with go-openapi messages', () => {
    const c = withCrd();
    const msg = message(() =>
      c.registry.create(BACKUPS, { metadata: { name: 'b1' }, spec: { copies: 0, mode: 'Tape', claim: 'a-very-long-claim-name-indeed', port: true, items: ['x'] } }, { namespace: 'default' }),
    );
    expect(msg).toContain('Backup.statecraft.dev "b1" is invalid: [');
    expect(msg).toContain('spec.claim: Too long: must have at most 20 bytes');
    expect(msg).toContain('spec.copies: Invalid value: 0: spec.copies in body should be greater than or equal to 1');
    expect(msg).toContain('spec.mode: Unsupported value: "Tape": supported values: "Snapshot", "Copy"');
    expect(msg).toContain('spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"');
    expect(msg).toContain('spec.items[0]: Invalid value: "string": spec.items[0] in body must be of type object: "string"');
    expect(message(() => c.registry.create(BACKUPS, { metadata: { name: 'b2' }, spec: {} }, { namespace: 'default' }))).toBe(
      'Backup.statecraft.dev "b2" is invalid: spec.claim: Required value',
    );
  });

  it('bump generation for spec changes only; /status writes change only status', () => {
    const c = withCrd();
    c.registry.create(BACKUPS, { metadata: { name: 'b1' }, spec: { claim: 'data' } }, { namespace: 'default' });
    const s = c.registry.update(BACKUPS, { metadata: { name: 'b1' }, spec: { claim: 'other' }, status: { phase: 'Done' } }, { namespace: 'default', subresource: 'status' });
    expect(s.spec).toEqual({ claim: 'data', copies: 3 });
    expect(s.status).toEqual({ phase: 'Done' });
    expect(s.metadata?.generation).toBe(1);
    const u = c.registry.update(BACKUPS, { ...s, spec: { claim: 'data', copies: 5 }, status: { phase: 'Lost' } }, { namespace: 'default' });
    expect(u.metadata?.generation).toBe(2);
    expect(u.status).toEqual({ phase: 'Done' });
    const labelled = c.registry.update(BACKUPS, { ...u, metadata: { ...u.metadata, labels: { a: 'b' } } }, { namespace: 'default' });
    expect(labelled.metadata?.generation).toBe(2);
  });

  it('without a status subresource, status is an ordinary field and its changes bump generation', () => {
    const c = cluster();
    c.registry.create(CRDS, backupCrd({ subresources: {} }));
    c.settle();
    const b = c.registry.create(BACKUPS, { metadata: { name: 'b1' }, spec: { claim: 'data' }, status: { phase: 'New' } }, { namespace: 'default' });
    expect(b.status).toEqual({ phase: 'New' });
    const u = c.registry.update(BACKUPS, { ...b, status: { phase: 'Done' } }, { namespace: 'default' });
    expect(u.metadata?.generation).toBe(2);
  });
});

describe('deleting a CustomResourceDefinition', () => {
  it('marks it Terminating with the cleanup finalizer, deletes its custom resources, then removes it and its type', () => {
    const c = cluster();
    c.registry.create(CRDS, backupCrd());
    c.settle();
    c.registry.create(BACKUPS, { metadata: { name: 'b1' }, spec: { claim: 'data' } }, { namespace: 'default' });
    c.registry.create(BACKUPS, { metadata: { name: 'held', finalizers: ['statecraft.dev/keep'] }, spec: { claim: 'data' } }, { namespace: 'default' });
    const r = c.registry.delete(CRDS, '', 'backups.statecraft.dev');
    expect(r.deleted).toBe(false);
    expect(r.object.metadata?.finalizers).toEqual([CLEANUP_FINALIZER]);
    expect((r.object.status as { conditions: { type: string; reason: string }[] }).conditions.at(-1)).toMatchObject({ type: 'Terminating', reason: 'InstanceDeletionPending' });
    expect(message(() => c.registry.create(BACKUPS, { metadata: { name: 'late' }, spec: { claim: 'x' } }, { namespace: 'default' }))).toBe(
      'create not allowed while custom resource definition is terminating',
    );
    c.settle();
    // A custom resource's own finalizer holds the CRD back.
    expect(c.store.get(BACKUPS, 'default', 'b1')).toBeUndefined();
    const crd = c.registry.get(CRDS, '', 'backups.statecraft.dev');
    expect((crd.status as { conditions: { type: string; reason: string }[] }).conditions.at(-1)).toMatchObject({ type: 'Terminating', reason: 'InstanceDeletionInProgress' });
    const held = c.registry.get(BACKUPS, 'default', 'held');
    c.registry.update(BACKUPS, { ...held, metadata: { ...held.metadata, finalizers: [] } }, { namespace: 'default' });
    c.settle();
    expect(c.store.get(CRDS, '', 'backups.statecraft.dev')).toBeUndefined();
    expect(c.resources.lookup('bk')).toBeUndefined();
  });
});

describe('custom resource status writes', () => {
  it('are pruned to the schema like any other write', () => {
    const c = cluster();
    c.registry.create(CRDS, backupCrd());
    c.settle();
    const b = c.registry.create(BACKUPS, { metadata: { name: 'b1' }, spec: { claim: 'data' } }, { namespace: 'default' });
    const s = c.registry.update(BACKUPS, { ...b, status: { phase: 'Done', bogus: true } }, { namespace: 'default', subresource: 'status' });
    expect(s.status).toEqual({ phase: 'Done' });
  });
});
