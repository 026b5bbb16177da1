import { describe, expect, it } from 'vitest';
import { schemaForKind } from '../../api/patch/index.ts';
import { toJson } from '../printers/json.ts';
import { threeWayJsonMergePatch, threeWayStrategicPatch, type JsonMap } from './three-way.ts';

const deployment = schemaForKind({ group: 'apps', version: 'v1', kind: 'Deployment' });

const container = (name: string, extra: JsonMap): JsonMap => ({ name, ...extra });
const manifest = (replicas: number, containers: JsonMap[], labels?: JsonMap): JsonMap => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'tw', namespace: 'default', annotations: {}, ...(labels ? { labels } : {}) },
  spec: { replicas, selector: { matchLabels: { app: 'tw' } }, template: { metadata: { labels: { app: 'tw' } }, spec: { containers } } },
});

const v1 = manifest(2, [
  container('a', { image: 'nginx:1.27', env: [{ name: 'MODE', value: 'blue' }, { name: 'KEEP', value: '1' }], ports: [{ containerPort: 80 }] }),
  container('b', { image: 'busybox', args: ['sleep', '3600'] }),
]);

/** What the API server stores for v1: defaults everywhere, status, server metadata. */
function live(from: JsonMap): JsonMap {
  const copy = JSON.parse(JSON.stringify(from)) as JsonMap;
  const spec = copy.spec as JsonMap;
  Object.assign(spec, { progressDeadlineSeconds: 600, revisionHistoryLimit: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
  const pod = (spec.template as JsonMap).spec as JsonMap;
  Object.assign(pod, { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 });
  for (const c of pod.containers as JsonMap[]) {
    Object.assign(c, { imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
    for (const p of (c.ports as JsonMap[] | undefined) ?? []) p.protocol = 'TCP';
  }
  Object.assign(copy.metadata as JsonMap, { uid: 'u', resourceVersion: '7', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' });
  copy.status = { replicas: 2, readyReplicas: 2 };
  return copy;
}

const lastApplied = (m: JsonMap) => `${toJson(m, '')}\n`;
const withAnnotation = (m: JsonMap): JsonMap => ({ ...m, metadata: { ...(m.metadata as JsonMap), annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied(m) } } });

describe('threeWayStrategicPatch (kubectl apply)', () => {
  it('sends nothing when the manifest did not change, whatever the server added', () => {
    const current = live(withAnnotation(v1));
    expect(threeWayStrategicPatch(v1, withAnnotation(v1), current, deployment)).toEqual({});
  });

  it('computes the patch the real kubectl 1.32 sent for the same change', () => {
    const v2 = manifest(3, [
      container('a', { image: 'nginx:1.28', env: [{ name: 'KEEP', value: '1' }, { name: 'ADDED', value: 'x' }], ports: [{ containerPort: 80 }, { containerPort: 443 }] }),
    ], { new: 'label' });
    const patch = threeWayStrategicPatch(v1, withAnnotation(v2), live(withAnnotation(v1)), deployment);
    // Recorded from `kubectl apply` against statecraft serve (the PATCH body, minus the annotation).
    const annotation = lastApplied(v2);
    expect(toJson(patch, '')).toBe(toJson({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': annotation }, labels: { new: 'label' } },
      spec: {
        replicas: 3,
        template: { spec: {
          '$setElementOrder/containers': [{ name: 'a' }],
          containers: [
            {
              '$setElementOrder/env': [{ name: 'KEEP' }, { name: 'ADDED' }],
              '$setElementOrder/ports': [{ containerPort: 80 }, { containerPort: 443 }],
              env: [{ name: 'ADDED', value: 'x' }, { $patch: 'delete', name: 'MODE' }],
              image: 'nginx:1.28',
              name: 'a',
              ports: [{ containerPort: 443 }],
            },
            { $patch: 'delete', name: 'b' },
          ],
        } },
      },
    }, ''));
  });

  it('deletes fields the manifest dropped but leaves server-set ones alone', () => {
    const v2 = manifest(2, [container('a', { image: 'nginx:1.27', ports: [{ containerPort: 80 }] }), container('b', { image: 'busybox', args: ['sleep', '3600'] })]);
    const patch = threeWayStrategicPatch(v1, withAnnotation(v2), live(withAnnotation(v1)), deployment) as { spec: unknown };
    expect(patch.spec).toEqual({ template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ env: null, name: 'a' }] } } });
  });
});

describe('threeWayJsonMergePatch (custom resources)', () => {
  it('keeps additions from the live diff and deletions from the last-applied diff', () => {
    const original = { spec: { a: 1, b: 2 } };
    const modified = { spec: { a: 1, c: 3 } };
    const current = { spec: { a: 5, b: 2, serverSet: true }, status: { ok: true } };
    expect(threeWayJsonMergePatch(original, modified, current)).toEqual({ spec: { a: 1, b: null, c: 3 } });
  });
});
