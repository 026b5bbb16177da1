import { describe, expect, it } from 'vitest';
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import type { Deployment } from 'kubernetes-types/apps/v1';
import type { JsonMap } from './json-decode.ts';
import { PatchError } from './errors.ts';
import { schemaForKind } from './merge-keys.ts';
import { strategicMergePatch } from './strategic-merge.ts';

const sts = schemaForKind({ group: 'apps', version: 'v1', kind: 'StatefulSet' })!;
const deploy = schemaForKind({ group: 'apps', version: 'v1', kind: 'Deployment' })!;
const pod = schemaForKind({ group: '', version: 'v1', kind: 'Pod' })!;
const svc = schemaForKind({ group: '', version: 'v1', kind: 'Service' })!;
const pdb = schemaForKind({ group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' })!;

const j = (v: unknown) => v as JsonMap;

function web(): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n' } },
    spec: {
      serviceName: 'nginx',
      replicas: 2,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'registry.k8s.io/nginx-slim:0.21',
              ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }],
              volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

describe('strategic merge patch: what kubectl apply sends (Appendix B)', () => {
  it('scales and rewrites the last-applied annotation', () => {
    const patch = { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' } }, spec: { replicas: 3 } };
    const out = strategicMergePatch(j(web()), patch, sts) as StatefulSet;
    expect(out.spec?.replicas).toBe(3);
    expect(out.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBe('{"new":true}\n');
    expect(out.spec?.template.spec?.containers[0]?.image).toBe('registry.k8s.io/nginx-slim:0.21');
  });

  it('changes the image with $setElementOrder and keeps fields the patch does not mention', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }],
            containers: [{ image: 'registry.k8s.io/nginx-slim:0.24', name: 'nginx', ports: [{ containerPort: 80, name: 'web' }] }],
          },
        },
      },
    };
    const out = strategicMergePatch(j(web()), patch, sts) as StatefulSet;
    const c = out.spec?.template.spec?.containers;
    expect(c).toHaveLength(1);
    expect(c?.[0]).toEqual({
      name: 'nginx',
      image: 'registry.k8s.io/nginx-slim:0.24',
      ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }],
      volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
    });
    expect(JSON.stringify(out)).not.toContain('$setElementOrder');
  });

  it('does not modify its inputs', () => {
    const original = j(web());
    const before = JSON.stringify(original);
    strategicMergePatch(original, { spec: { replicas: 9 } }, sts);
    expect(JSON.stringify(original)).toBe(before);
  });
});

describe('strategic merge patch: merge lists', () => {
  it('deletes a container with $patch: delete', () => {
    const two = web();
    two.spec!.template.spec!.containers.push({ name: 'sidecar', image: 'busybox' });
    const out = strategicMergePatch(j(two), { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }, sts) as StatefulSet;
    expect(out.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['nginx']);
  });

  it('puts a container added without $setElementOrder first, as the kubectl patch docs show', () => {
    // kubernetes.io "Update API Objects in Place Using kubectl patch": patch-demo-ctr-2 lands before patch-demo-ctr.
    const d: Deployment = {
      spec: { selector: {}, template: { spec: { containers: [{ name: 'patch-demo-ctr', image: 'nginx' }] } } },
    };
    const out = strategicMergePatch(j(d), { spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-2', image: 'redis' }] } } } }, deploy) as Deployment;
    expect(out.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['patch-demo-ctr-2', 'patch-demo-ctr']);
  });

  it('orders the merged list by $setElementOrder', () => {
    const original = { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } };
    const out = strategicMergePatch(original, { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'x' }] } }, pod);
    expect(out).toEqual({ spec: { containers: [{ name: 'c' }, { name: 'a', image: 'x' }, { name: 'b' }] } });
  });

  it('inserts a new item where $setElementOrder puts it', () => {
    const original = { spec: { containers: [{ name: '1' }, { name: '2' }] } };
    const out = strategicMergePatch(original, { spec: { '$setElementOrder/containers': [{ name: '1' }, { name: '3' }, { name: '2' }], containers: [{ name: '3' }] } }, pod);
    expect((out.spec as JsonMap).containers).toEqual([{ name: '1' }, { name: '3' }, { name: '2' }]);
  });

  it('merges env by name and volumeMounts by mountPath inside a container', () => {
    const original = { spec: { containers: [{ name: 'app', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } };
    const patch = { spec: { containers: [{ name: 'app', env: [{ name: 'B', value: 'two' }, { name: 'A', $patch: 'delete' }], volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }] }] } };
    const out = strategicMergePatch(original, j(patch), pod) as { spec: { containers: JsonMap[] } };
    expect(out.spec.containers[0]?.env).toEqual([{ name: 'B', value: 'two' }]);
    expect(out.spec.containers[0]?.volumeMounts).toEqual([{ name: 'data', mountPath: '/data', readOnly: true }]);
  });

  it('merges container ports by containerPort and Service ports by port', () => {
    const c = strategicMergePatch({ spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } }, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'web' }] }] } }, pod);
    expect(((c.spec as JsonMap).containers as JsonMap[])[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'web' }]);
    const s = strategicMergePatch({ spec: { ports: [{ port: 80, targetPort: 8080 }] } }, { spec: { ports: [{ port: 80, nodePort: 30080 }, { port: 443 }] } }, svc);
    expect((s.spec as JsonMap).ports).toEqual([{ port: 80, targetPort: 8080, nodePort: 30080 }, { port: 443 }]);
  });

  it('replaces lists that have no strategy (tolerations, args, volumeClaimTemplates)', () => {
    const original = { spec: { tolerations: [{ key: 'a', operator: 'Exists' }], containers: [{ name: 'x', args: ['1', '2'] }] } };
    const out = strategicMergePatch(original, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'x', args: ['3'] }] } }, pod);
    expect(out).toEqual({ spec: { tolerations: [{ key: 'b', operator: 'Exists' }], containers: [{ name: 'x', args: ['3'] }] } });
    const set = strategicMergePatch(j(web()), { spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } }, sts) as StatefulSet;
    expect(set.spec?.volumeClaimTemplates).toEqual([{ metadata: { name: 'data' } }]);
  });

  it('replaces a whole merge list with $patch: replace', () => {
    const out = strategicMergePatch({ spec: { containers: [{ name: 'a' }, { name: 'b' }] } }, { spec: { containers: [{ name: 'c' }, { $patch: 'replace' }] } }, pod);
    expect(out).toEqual({ spec: { containers: [{ name: 'c' }] } });
  });

  it('merges ownerReferences by uid', () => {
    const original = { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } };
    const out = strategicMergePatch(original, { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] } }, pod);
    expect((out.metadata as JsonMap).ownerReferences).toEqual([{ uid: '2', name: 'b' }, { uid: '1', name: 'a' }]);
  });
});

describe('strategic merge patch: primitive lists and maps', () => {
  it('merges finalizers as a set and deletes with $deleteFromPrimitiveList', () => {
    const original = { metadata: { finalizers: ['a', 'b'] } };
    expect(strategicMergePatch(original, { metadata: { finalizers: ['b', 'c'] } }, pod)).toEqual({ metadata: { finalizers: ['a', 'b', 'c'] } });
    expect(strategicMergePatch(original, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, pod)).toEqual({ metadata: { finalizers: ['b'] } });
  });

  it('deletes keys set to null and ignores nulls for absent keys', () => {
    const out = strategicMergePatch({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null, c: null } } }, pod);
    expect(out).toEqual({ metadata: { labels: { b: '2' } } });
  });

  it('replaces a map with $patch: replace and empties it with $patch: delete', () => {
    const original = { metadata: { labels: { a: '1', b: '2' } } };
    expect(strategicMergePatch(original, { metadata: { labels: { c: '3', $patch: 'replace' } } }, pod)).toEqual({ metadata: { labels: { c: '3' } } });
    expect(strategicMergePatch(original, { metadata: { labels: { $patch: 'delete' } } }, pod)).toEqual({ metadata: { labels: {} } });
  });

  it('replaces fields with strategy replace (PodDisruptionBudget selector)', () => {
    const out = strategicMergePatch({ spec: { selector: { matchLabels: { app: 'a' } } } }, { spec: { selector: { matchExpressions: [] } } }, pdb);
    expect(out).toEqual({ spec: { selector: { matchExpressions: [] } } });
  });

  it('clears the keys $retainKeys does not keep (volume source switch)', () => {
    const original = { spec: { volumes: [{ name: 'data', emptyDir: {} }] } };
    const patch = { spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'persistentVolumeClaim'], persistentVolumeClaim: { claimName: 'c' } }] } };
    expect(strategicMergePatch(original, patch, pod)).toEqual({ spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'c' } }] } });
  });

  it('strips directives from values added where nothing was', () => {
    const out = strategicMergePatch({}, { spec: { containers: [{ name: 'a' }, { name: 'b', $patch: 'delete' }], '$setElementOrder/containers': [{ name: 'a' }] } }, pod);
    expect(out).toEqual({ spec: { containers: [{ name: 'a' }] } });
  });
});

describe('strategic merge patch: errors as the API server reports them', () => {
  const fail = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err as PatchError;
    }
    throw new Error('expected a PatchError');
  };

  it('a keyed item without its merge key is a 500 with the Go message', () => {
    const err = fail(() => strategicMergePatch({ spec: { containers: [{ name: 'a' }] } }, { spec: { containers: [{ image: 'x' }] } }, pod));
    expect(err.code).toBe(500);
    expect(err.message).toBe('map: map[image:x] does not contain declared merge key: name');
  });

  it('a key outside $retainKeys is a 400', () => {
    const err = fail(() => strategicMergePatch({ spec: { strategy: { type: 'Recreate' } } }, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, deploy));
    expect(err.code).toBe(400);
    expect(err.message).toBe('invalid patch format of retainKeys');
  });

  it('an unknown $patch is a 500', () => {
    const err = fail(() => strategicMergePatch({ metadata: { labels: {} } }, { metadata: { labels: { $patch: 'explode' } } }, pod));
    expect(err.code).toBe(500);
    expect(err.message).toBe('unknown patch type: explode in map: map[$patch:explode]');
  });
});
