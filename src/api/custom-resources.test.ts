import { describe, expect, it } from 'vitest';
import { createShimApi } from './index.ts';
import type { ApiRequest } from './types.ts';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'keyvalueclusters.statecraft.dev' },
  spec: {
    group: 'statecraft.dev',
    scope: 'Cluster',
    names: { plural: 'keyvalueclusters', kind: 'KeyValueCluster', shortNames: ['kvc'] },
    versions: [{
      name: 'v1alpha1', served: true, storage: true,
      subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } } } } },
    }],
  },
};

function api() {
  const t = createShimApi({ seed: 'crd' });
  const req = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.requestSync({ method, path, headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) } as ApiRequest);
  req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  return req;
}

describe('custom resources over the REST API', () => {
  it('are discoverable, with status and scale subresources', () => {
    const req = api();
    const list = req('GET', '/apis/statecraft.dev/v1alpha1').body as { resources: { name: string; namespaced: boolean; kind: string; group?: string }[] };
    expect(list.resources.map((r) => [r.name, r.namespaced, r.kind, r.group])).toEqual([
      ['keyvalueclusters', false, 'KeyValueCluster', undefined],
      ['keyvalueclusters/scale', false, 'Scale', 'autoscaling'],
      ['keyvalueclusters/status', false, 'KeyValueCluster', undefined],
    ]);
  });

  it('print the default Name and Age columns when the CRD declares none', () => {
    const req = api();
    expect(req('POST', '/apis/statecraft.dev/v1alpha1/keyvalueclusters', { metadata: { name: 'kv' }, spec: { replicas: 3 } }).status).toBe(201);
    const table = req('GET', '/apis/statecraft.dev/v1alpha1/keyvalueclusters', undefined, { accept: TABLE }).body as { columnDefinitions: { name: string; type: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => [c.name, c.type])).toEqual([['Name', 'string'], ['Age', 'date']]);
    expect(table.rows.map((r) => r.cells)).toEqual([['kv', '0s']]);
  });

  it('/scale reads the CRD paths, and the selector path as a string', () => {
    const req = api();
    req('POST', '/apis/statecraft.dev/v1alpha1/keyvalueclusters', { metadata: { name: 'kv' }, spec: { replicas: 3 } });
    const kv = req('GET', '/apis/statecraft.dev/v1alpha1/keyvalueclusters/kv').body as object;
    req('PUT', '/apis/statecraft.dev/v1alpha1/keyvalueclusters/kv/status', { ...kv, status: { replicas: 2, selector: 'app=kv' } });
    const scale = req('GET', '/apis/statecraft.dev/v1alpha1/keyvalueclusters/kv/scale').body as { spec: object; status: object };
    expect([scale.spec, scale.status]).toEqual([{ replicas: 3 }, { replicas: 2, selector: 'app=kv' }]);
    const patched = req('PATCH', '/apis/statecraft.dev/v1alpha1/keyvalueclusters/kv/scale', { spec: { replicas: 5 } }, { 'content-type': 'application/merge-patch+json' });
    expect((patched.body as { spec: object }).spec).toEqual({ replicas: 5 });
    expect((req('GET', '/apis/statecraft.dev/v1alpha1/keyvalueclusters/kv').body as { spec: object }).spec).toEqual({ replicas: 5 });
  });

  it('/openapi/v3 publishes the group-version with the schema and a PATCH that takes fieldValidation', () => {
    const req = api();
    const root = req('GET', '/openapi/v3').body as { paths: Record<string, { serverRelativeURL: string }> };
    expect(root.paths['apis/statecraft.dev/v1alpha1']).toBeDefined();
    const doc = req('GET', '/openapi/v3/apis/statecraft.dev/v1alpha1').body as {
      paths: Record<string, { patch: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': object } }>;
      components: { schemas: Record<string, { properties: Record<string, unknown>; 'x-kubernetes-group-version-kind': object }> };
    };
    const patch = doc.paths['/apis/statecraft.dev/v1alpha1/keyvalueclusters/{name}']!.patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'statecraft.dev', version: 'v1alpha1', kind: 'KeyValueCluster' });
    expect(patch.parameters.map((p) => p.name)).toContain('fieldValidation');
    const schema = doc.components.schemas['dev.statecraft.v1alpha1.KeyValueCluster']!;
    expect(Object.keys(schema.properties)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
  });
});
