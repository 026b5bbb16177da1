import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.ts';
import { isStatusError } from '../errors.ts';
import type { KObject } from '../objects.ts';
import { installAdmission } from './index.ts';

const gr = (group: string, resource: string) => ({ group, resource });
const PODS = gr('', 'pods');
const STS = gr('apps', 'statefulsets');

function cluster(): Cluster {
  const c = new Cluster({ seed: 7 });
  installAdmission(c);
  return c;
}

function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e.status.message ?? '';
    throw e;
  }
  throw new Error('expected an error');
}

const container = { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, name: 'web' }] };

describe('defaulting: Pod', () => {
  it('fills what kubectl get -o yaml shows after create', () => {
    const c = cluster();
    const pod = c.registry.create(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [container] } });
    const spec = pod.spec as Record<string, unknown>;
    const volumeName = (spec.volumes as Array<{ name: string }>)[0]!.name;
    expect(volumeName).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(spec).toEqual({
      containers: [{
        name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }],
        resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
        volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: volumeName, readOnly: true }],
      }],
      dnsPolicy: 'ClusterFirst', enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0,
      restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {},
      serviceAccount: 'default', serviceAccountName: 'default', terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
      volumes: [{
        name: volumeName,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
          ],
        },
      }],
    });
  });

  it('chooses imagePullPolicy from the tag and defaults probes', () => {
    const c = cluster();
    const pod = c.registry.create(PODS, {
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        automountServiceAccountToken: false,
        containers: [
          { name: 'a', image: 'busybox', readinessProbe: { httpGet: { port: 80 } } },
          { name: 'b', image: 'busybox:latest', resources: { limits: { cpu: '1' } } },
          { name: 'c', image: 'registry.k8s.io/pause@sha256:abc' },
        ],
      },
    });
    const cs = (pod.spec as { containers: Array<Record<string, unknown>> }).containers;
    expect(cs.map((x) => x.imagePullPolicy)).toEqual(['Always', 'Always', 'IfNotPresent']);
    expect(cs[0]!.readinessProbe).toEqual({
      httpGet: { path: '/', port: 80, scheme: 'HTTP' }, failureThreshold: 3, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1,
    });
    expect(cs[1]!.resources).toEqual({ limits: { cpu: '1' }, requests: { cpu: '1' } });
    expect((pod.spec as { volumes?: unknown }).volumes).toBeUndefined();
  });
});

describe('defaulting: workloads', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } };

  it('StatefulSet (section 1.1), with volumeClaimTemplates', () => {
    const c = cluster();
    const sts = c.registry.create(STS, {
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        serviceName: 'nginx', selector: { matchLabels: { app: 'web' } }, template,
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const spec = sts.spec as Record<string, unknown>;
    expect(spec).toMatchObject({
      replicas: 1, podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      volumeClaimTemplates: [{
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'www', creationTimestamp: null },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      }],
    });
    // Templates get PodSpec defaults but not what admission adds to real Pods.
    expect((spec.template as { metadata: unknown; spec: unknown })).toEqual({
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        containers: [{
          name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }],
          resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
        }],
        dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    });
  });

  it('Deployment, DaemonSet, ReplicaSet', () => {
    const c = cluster();
    const base = (name: string): KObject => ({ metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template } });
    const d = c.registry.create(gr('apps', 'deployments'), base('d')).spec;
    expect(d).toMatchObject({
      replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(c.registry.create(gr('apps', 'daemonsets'), base('ds')).spec).toMatchObject({
      revisionHistoryLimit: 10, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
    });
    expect(c.registry.create(gr('apps', 'replicasets'), base('rs')).spec).toMatchObject({ replicas: 1 });
  });

  it('Job and CronJob', () => {
    const c = cluster();
    const jobTemplate = { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } };
    const job = c.registry.create(gr('batch', 'jobs'), { metadata: { name: 'pi', namespace: 'default' }, spec: { template: jobTemplate } });
    expect(job.spec).toMatchObject({ backoffLimit: 6, completions: 1, parallelism: 1, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
    const cj = c.registry.create(gr('batch', 'cronjobs'), {
      metadata: { name: 'cj', namespace: 'default' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: jobTemplate } } },
    });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  });
});

describe('defaulting: services and storage', () => {
  it('Service', () => {
    const c = cluster();
    const svc = c.registry.create(gr('', 'services'), { metadata: { name: 'nginx', namespace: 'default' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80, name: 'web' }] } });
    expect(svc.spec).toEqual({
      clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80, name: 'web', protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
    });
  });

  it('StorageClass, PV, PVC and the DefaultStorageClass admission', () => {
    const c = cluster();
    // kind ships `standard` as the default class; a newer default class wins.
    c.clock.advance(1000);
    const sc = c.registry.create(gr('storage.k8s.io', 'storageclasses'), {
      metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'example.com/fast',
    });
    expect(sc).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    const pv = c.registry.create(gr('', 'persistentvolumes'), {
      metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } },
    });
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { path: '/data', type: '' } });
    const claim = (name: string, extra: Record<string, unknown> = {}): KObject => ({
      metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
    });
    const pvcs = gr('', 'persistentvolumeclaims');
    expect(c.registry.create(pvcs, claim('a')).spec).toMatchObject({ storageClassName: 'fast', volumeMode: 'Filesystem' });
    expect((c.registry.create(pvcs, claim('b', { storageClassName: '' })).spec as { storageClassName: string }).storageClassName).toBe('');
    expect(c.registry.create(gr('', 'secrets'), { metadata: { name: 's', namespace: 'default' } }).type).toBe('Opaque');
  });
});

describe('defaulting: Secret', () => {
  it('merges stringData into data, base64-encoded, and drops it', () => {
    const c = cluster();
    const secret = c.registry.create(gr('', 'secrets'), {
      metadata: { name: 'creds', namespace: 'default' },
      data: { user: 'b2xk', keep: 'eA==' },
      stringData: { user: 'admin', password: 'pässword' },
    });
    expect(secret.stringData).toBeUndefined();
    expect(secret.type).toBe('Opaque');
    expect(secret.data).toEqual({ user: 'YWRtaW4=', keep: 'eA==', password: 'cMOkc3N3b3Jk' });
  });
});

describe('validation messages', () => {
  const pod = (spec: Record<string, unknown>): KObject => ({ metadata: { name: 'p', namespace: 'default' }, spec });

  it.each([
    [{ containers: [] }, 'Pod "p" is invalid: spec.containers: Required value'],
    [{ containers: [{ name: 'web' }] }, 'Pod "p" is invalid: spec.containers[0].image: Required value'],
    [{ containers: [{ name: 'web', image: 'nginx', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] },
      'Pod "p" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "www"'],
    [{ restartPolicy: 'Sometimes', containers: [{ name: 'web', image: 'nginx' }] },
      'Pod "p" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'],
    [{ containers: [{ name: 'web', image: 'nginx' }, { name: 'web', image: 'nginx' }] }, 'Pod "p" is invalid: spec.containers[1].name: Duplicate value: "web"'],
    [{ containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Sometimes' }] },
      'Pod "p" is invalid: spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
    [{ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 70000 }] }] },
      'Pod "p" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    [{ volumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }], containers: [{ name: 'web', image: 'nginx' }] },
      'Pod "p" is invalid: spec.volumes[1].name: Duplicate value: "a"'],
  ])('Pod %j', (spec, message) => {
    const c = cluster();
    expect(invalidMessage(() => c.registry.create(PODS, pod(spec)))).toBe(message);
  });

  it('pod updates may change only a few fields', () => {
    const c = cluster();
    const created = c.registry.create(PODS, pod({ containers: [{ name: 'web', image: 'nginx' }] }));
    const imageOnly = structuredClone(created) as { spec: { containers: Array<{ image: string; ports?: unknown }> } };
    imageOnly.spec.containers[0]!.image = 'nginx:1.27';
    expect(() => c.registry.update(PODS, imageOnly as unknown as KObject)).not.toThrow();
    const next = structuredClone(c.registry.get(PODS, 'default', 'p')) as typeof imageOnly;
    next.spec.containers[0]!.ports = [{ containerPort: 81 }];
    const msg = invalidMessage(() => c.registry.update(PODS, next as unknown as KObject));
    expect(msg).toContain(
      'Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    );
  });

  it('workload selectors must match template labels', () => {
    const c = cluster();
    const msg = invalidMessage(() =>
      c.registry.create(gr('apps', 'deployments'), {
        metadata: { name: 'd', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'y' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [container] } } },
      }),
    );
    expect(msg).toBe('Deployment.apps "d" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`');
    expect(invalidMessage(() => c.registry.create(gr('apps', 'deployments'), { metadata: { name: 'e', namespace: 'default' }, spec: { template: { spec: { containers: [container] } } } })))
      .toBe('Deployment.apps "e" is invalid: spec.selector: Required value');
  });

  it('StatefulSet spec is immutable except a few fields (1.32 text)', () => {
    const c = cluster();
    const created = c.registry.create(STS, {
      metadata: { name: 'web', namespace: 'default' },
      spec: { serviceName: 'nginx', selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } } },
    });
    const scaled = structuredClone(created) as { spec: Record<string, unknown> };
    scaled.spec.replicas = 3;
    expect(() => c.registry.update(STS, scaled as unknown as KObject)).not.toThrow();
    const renamed = structuredClone(c.registry.get(STS, 'default', 'web')) as { spec: Record<string, unknown> };
    renamed.spec.serviceName = 'other';
    expect(invalidMessage(() => c.registry.update(STS, renamed as unknown as KObject))).toBe(
      "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });

  it('Job templates need restartPolicy OnFailure or Never', () => {
    const c = cluster();
    expect(invalidMessage(() => c.registry.create(gr('batch', 'jobs'), { metadata: { name: 'j', namespace: 'default' }, spec: { template: { spec: { containers: [container] } } } })))
      .toBe('Job.batch "j" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
  });

  it('Service ports', () => {
    const c = cluster();
    const svc = (spec: Record<string, unknown>): KObject => ({ metadata: { name: 's', namespace: 'default' }, spec });
    const svcs = gr('', 'services');
    expect(invalidMessage(() => c.registry.create(svcs, svc({ ports: [] })))).toBe('Service "s" is invalid: spec.ports: Required value');
    expect(invalidMessage(() => c.registry.create(svcs, svc({ ports: [{ port: 80 }, { port: 81 }] })))).toBe(
      'Service "s" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]',
    );
    expect(invalidMessage(() => c.registry.create(svcs, svc({ type: 'Foo', ports: [{ port: 80 }] })))).toBe(
      'Service "s" is invalid: spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
  });

  it('PVCs, PVs and StorageClasses', () => {
    const c = cluster();
    const pvcs = gr('', 'persistentvolumeclaims');
    expect(invalidMessage(() => c.registry.create(pvcs, { metadata: { name: 'c', namespace: 'default' }, spec: { storageClassName: '' } }))).toBe(
      'PersistentVolumeClaim "c" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]',
    );
    const created = c.registry.create(pvcs, { metadata: { name: 'd', namespace: 'default' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    const changed = structuredClone(created) as { spec: Record<string, unknown> };
    changed.spec.accessModes = ['ReadWriteMany'];
    expect(invalidMessage(() => c.registry.update(pvcs, changed as unknown as KObject))).toBe(
      'PersistentVolumeClaim "d" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    );
    expect(invalidMessage(() => c.registry.create(gr('', 'persistentvolumes'), { metadata: { name: 'pv' }, spec: { accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' } } })))
      .toBe('PersistentVolume "pv" is invalid: spec.capacity: Required value');
    const scs = gr('storage.k8s.io', 'storageclasses');
    const sc = c.registry.create(scs, { metadata: { name: 'fast' }, provisioner: 'example.com/a' });
    expect(invalidMessage(() => c.registry.update(scs, { ...sc, provisioner: 'example.com/b' }))).toBe(
      'StorageClass.storage.k8s.io "fast" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.',
    );
    expect(invalidMessage(() => c.registry.create(scs, { metadata: { name: 'x' } }))).toBe('StorageClass.storage.k8s.io "x" is invalid: provisioner: Required value');
  });
});
