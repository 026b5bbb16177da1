import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import { applyPatch, PatchError, supportsStrategicMergePatch, type GroupVersionKind, type ManagedFieldsEntry } from './index.ts';

const STS: GroupVersionKind = { group: 'apps', version: 'v1', kind: 'StatefulSet' };
const CR: GroupVersionKind = { group: 'example.com', version: 'v1', kind: 'Database' };

const live: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'nginx' } },
  spec: {
    replicas: 2,
    serviceName: 'nginx',
    selector: { matchLabels: { app: 'nginx' } },
    template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
  },
};

function fail(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected a PatchError');
}

describe('applyPatch: content types', () => {
  it('accepts a charset suffix and applies a strategic merge patch', () => {
    const out = applyPatch('application/strategic-merge-patch+json; charset=utf-8', live, '{"spec":{"replicas":5}}', STS) as StatefulSet;
    expect(out.spec?.replicas).toBe(5);
  });

  it('rejects an unknown content type with 415 and the accepted list', () => {
    const err = fail(() => applyPatch('application/json', live, '{}', STS));
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });

  it('refuses strategic merge patch for custom resources (415), as the CRD handler does', () => {
    expect(supportsStrategicMergePatch(CR)).toBe(false);
    const err = fail(() => applyPatch('application/strategic-merge-patch+json', { spec: {} }, '{}', CR));
    expect(err.code).toBe(415);
    expect(err.message).toContain('application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  });

  it('404s a non-apply patch on a missing object', () => {
    const err = fail(() => applyPatch('application/merge-patch+json', undefined, '{}', STS, { resource: 'statefulsets.apps', name: 'web' }));
    expect(err.toStatus()).toMatchObject({ code: 404, reason: 'NotFound', message: 'statefulsets.apps "web" not found', details: { name: 'web', group: 'apps', kind: 'statefulsets' } });
  });
});

describe('applyPatch: JSON merge patch (kubectl scale, patch --type=merge)', () => {
  it('merges maps, deletes nulls and replaces lists', () => {
    const out = applyPatch('application/merge-patch+json', live, '{"metadata":{"labels":{"app":null,"tier":"web"}},"spec":{"template":{"spec":{"containers":[{"name":"x","image":"busybox"}]}}}}', STS) as StatefulSet;
    expect(out.metadata?.labels).toEqual({ tier: 'web' });
    expect(out.spec?.template.spec?.containers).toEqual([{ name: 'x', image: 'busybox' }]);
  });

  it('answers 400 for a body that is not an object, with the server text', () => {
    expect(fail(() => applyPatch('application/merge-patch+json', live, '[1]', STS)).message).toBe(
      'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    expect(fail(() => applyPatch('application/merge-patch+json', live, 'null', STS)).message).toBe('Invalid JSON Patch');
    expect(fail(() => applyPatch('application/merge-patch+json', live, '{"spec":', STS)).code).toBe(400);
  });
});

describe('applyPatch: JSON patch (patch --type=json, client-node default)', () => {
  it('applies replace/add/remove/test/copy/move', () => {
    const ops = [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' },
      { op: 'add', path: '/metadata/labels/tier', value: 'web' },
      { op: 'copy', from: '/metadata/labels/tier', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/copy', path: '/metadata/labels/moved' },
      { op: 'remove', path: '/metadata/labels/app' },
    ];
    const out = applyPatch('application/json-patch+json', live, JSON.stringify(ops), STS) as StatefulSet;
    expect(out.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.28');
    expect(out.metadata?.labels).toEqual({ tier: 'web', moved: 'web' });
    expect(live.metadata?.labels).toEqual({ app: 'nginx' });
  });

  it('a failed test or a missing path is a 422 with the generic server message', () => {
    for (const ops of [[{ op: 'test', path: '/spec/replicas', value: 3 }], [{ op: 'replace', path: '/spec/nope/x', value: 1 }], [{ op: 'remove', path: '/metadata/annotations' }]]) {
      const status = fail(() => applyPatch('application/json-patch+json', live, JSON.stringify(ops), STS)).toStatus();
      expect(status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server rejected our request due to an error in our request',
        reason: 'Invalid',
        details: {},
        code: 422,
      });
    }
  });

  it('a body that is not a list of operations is a 400', () => {
    expect(fail(() => applyPatch('application/json-patch+json', live, '{"op":"add"}', STS)).message).toBe(
      'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    );
  });
});

describe('applyPatch: server-side apply (apply-patch+yaml)', () => {
  const manifest = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels:
    app: nginx
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: nginx
        image: nginx:1.28
`;

  it('requires a fieldManager (422 on PatchOptions)', () => {
    const err = fail(() => applyPatch('application/apply-patch+yaml', live, manifest, STS));
    expect(err.code).toBe(422);
    expect(err.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  });

  it('creates the object when absent and records managedFields', () => {
    const out = applyPatch('application/apply-patch+yaml', undefined, manifest, STS, { fieldManager: 'kubectl', now: '2025-01-01T00:00:00Z' }) as StatefulSet;
    expect(out.spec?.replicas).toBe(3);
    const mf = out.metadata?.managedFields as ManagedFieldsEntry[];
    expect(mf).toHaveLength(1);
    expect(mf[0]).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1' });
    expect(mf[0]?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } } },
    });
  });

  it('merges into the live object and removes what the manager no longer applies', () => {
    const opts = { fieldManager: 'kubectl', now: '2025-01-01T00:00:00Z' };
    const first = applyPatch('application/apply-patch+yaml', live, manifest, STS, opts);
    expect((first as StatefulSet).spec?.serviceName).toBe('nginx'); // kept: not applied, not removed
    const second = applyPatch('application/apply-patch+yaml', first, manifest.replace('  labels:\n    app: nginx\n', '').replace('  replicas: 3\n', ''), STS, opts) as StatefulSet;
    expect(second.metadata?.labels).toBeUndefined();
    expect(second.spec?.replicas).toBeUndefined();
    expect(second.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.28');
    expect(second.metadata?.managedFields).toHaveLength(1);
  });

  it('rejects a config for another version with 400', () => {
    const err = fail(() => applyPatch('application/apply-patch+yaml', live, manifest.replace('apps/v1', 'apps/v1beta1'), STS, { fieldManager: 'kubectl' }));
    expect(err.message).toBe('Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1');
  });

  it('answers 400 for YAML that does not parse', () => {
    const err = fail(() => applyPatch('application/apply-patch+yaml', live, 'a: [1, 2', STS, { fieldManager: 'kubectl' }));
    expect(err.code).toBe(400);
    expect(err.message).toMatch(/^error decoding YAML: /);
  });
});
