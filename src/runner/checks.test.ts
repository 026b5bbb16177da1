/**
 * Every failure explains itself: which object, which path, expected vs found,
 * and the controller's reason. Scenarios are fixed states (what a cluster
 * shows at one moment), so each explanation is checked word for word.
 */
import { describe, expect, it } from 'vitest';
import { toCheck, type CheckSpec } from '../schemas/check.ts';
import type { KObject } from './client.ts';
import { evaluate, failureText, type CheckResult } from './checks.ts';
import { FakeClusterClient } from './fake-client.ts';
import { ClusterView, type ApplyRecord } from './view.ts';

function check(objects: KObject[], spec: CheckSpec, options: { applied?: ApplyRecord[]; commands?: ConstructorParameters<typeof FakeClusterClient>[1] } = {}): Promise<CheckResult> {
  const client = new FakeClusterClient(objects, options.commands);
  return evaluate(new ClusterView(client, options.applied ?? []), toCheck(spec));
}

let eventSeq = 0;
function event(kind: string, name: string, type: 'Normal' | 'Warning', reason: string, message: string, uid?: string): KObject {
  eventSeq++;
  return {
    apiVersion: 'v1', kind: 'Event', metadata: { name: `${name}.${eventSeq}` },
    involvedObject: { kind, name, ...(uid ? { uid } : {}) }, type, reason, message,
    lastTimestamp: `2026-01-01T00:00:${String(eventSeq).padStart(2, '0')}Z`, count: 1,
  };
}

const pvc = (name: string, phase: string, extra: Record<string, unknown> = {}): KObject => ({
  apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, uid: `uid-${name}` },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra }, status: { phase },
});

const readyPod = (name: string, labels: Record<string, string> = { app: 'nginx' }): KObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels, uid: `uid-${name}` }, spec: { nodeName: 'kind-worker' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

const boundAssert = (name: string): CheckSpec => ({ assert: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, status: { phase: 'Bound' } } });

describe('assert', () => {
  it('passes when the live object has the fields', async () => {
    const r = await check([pvc('data', 'Bound')], boundAssert('data'));
    expect(r).toMatchObject({ passed: true, name: 'PersistentVolumeClaim data is as expected' });
  });

  it('says which object is missing, and where it was looked for', async () => {
    const r = await check([], boundAssert('data'));
    expect(r.message).toBe('PersistentVolumeClaim data not found in namespace default');
  });

  it('explains a Pending claim with the binder\'s event', async () => {
    const r = await check([
      pvc('data-claim', 'Pending', { storageClassName: '' }),
      event('PersistentVolumeClaim', 'data-claim', 'Warning', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set', 'uid-data-claim'),
    ], boundAssert('data-claim'));
    expect(r.message).toBe('PersistentVolumeClaim data-claim: status.phase: expected Bound, found Pending');
    expect(r.reasons).toEqual(['PVC data-claim is Pending: no persistent volumes available for this claim and no storage class is set']);
  });

  it('explains WaitForFirstConsumer and ProvisioningFailed, the most telling first', async () => {
    const waiting = await check([
      pvc('www-web-0', 'Pending'),
      event('PersistentVolumeClaim', 'www-web-0', 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', 'uid-www-web-0'),
    ], boundAssert('www-web-0'));
    expect(waiting.reasons[0]).toBe('PVC www-web-0 is Pending: waiting for first consumer to be created before binding');
    const failed = await check([
      pvc('fast', 'Pending', { storageClassName: 'fast' }),
      event('PersistentVolumeClaim', 'fast', 'Normal', 'ExternalProvisioning', 'Waiting for a volume to be created either by the external provisioner', 'uid-fast'),
      event('PersistentVolumeClaim', 'fast', 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast" not found', 'uid-fast'),
    ], boundAssert('fast'));
    expect(failed.reasons[0]).toBe('PVC fast is Pending: storageclass.storage.k8s.io "fast" not found');
  });

  it('says so when nothing has looked at a claim', async () => {
    const r = await check([pvc('data', 'Pending')], boundAssert('data'));
    expect(r.reasons[0]).toMatch(/^PVC data is Pending, and no event says why: nothing has tried to bind or provision it/);
  });

  it('explains an unschedulable Pod with the scheduler\'s message', async () => {
    const pod: KObject = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'writer', uid: 'uid-writer' }, spec: {},
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.' }] },
    };
    const r = await check([pod], { assert: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'writer' }, status: { phase: 'Running' } } });
    expect(r.reasons).toEqual(['Pod writer is Pending: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.']);
  });

  it('explains a waiting container', async () => {
    const pod: KObject = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db', uid: 'uid-db' }, spec: { nodeName: 'kind-worker' },
      status: { phase: 'Pending', containerStatuses: [{ name: 'mysql', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "mysql:9.9.9"' } } }] },
    };
    const r = await check([pod], { assert: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db' }, status: { phase: 'Running' } } });
    expect(r.reasons).toEqual(['container mysql of Pod db is waiting: ImagePullBackOff: Back-off pulling image "mysql:9.9.9"']);
  });

  it('without a name, reports the closest object of the selector', async () => {
    const pending = { ...readyPod('web-1'), status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] } };
    const r = await check([pending], { assert: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'nginx' } }, status: { phase: 'Running' } } });
    expect(r.message).toBe('no Pod with labels app=nginx matches in namespace default; the closest, Pod web-1: status.phase: expected Running, found Pending');
    const none = await check([], { assert: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'nginx' } } } });
    expect(none.message).toBe('no Pod with labels app=nginx found in namespace default');
  });

  it('puts the author\'s message first and keeps what was found', async () => {
    const r = await check([pvc('data', 'Pending')], { ...boundAssert('data'), message: 'The claim must bind to pv-data.' });
    expect(r.message).toBe('The claim must bind to pv-data.');
    expect(r.details[0]).toBe('PersistentVolumeClaim data: status.phase: expected Bound, found Pending');
  });

  it('names the manifest the API server rejected', async () => {
    const r = await check([], { assert: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' } } }, {
      applied: [{ source: 'web.yaml#2', kind: 'StatefulSet', name: 'web', namespace: 'default', error: 'StatefulSet.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`' }],
    });
    expect(failureText(r)).toBe([
      'StatefulSet web not found in namespace default',
      'applying it (web.yaml#2) failed: StatefulSet.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`',
    ].join('\n'));
  });

  it('reports a kind the cluster does not have as a failed check', async () => {
    const r = await check([], { assert: { apiVersion: 'v1', kind: 'Unknown', metadata: { labels: { a: 'b' } } } });
    expect(r).toMatchObject({ passed: false, message: 'could not check: the server doesn\'t have a resource type for Unknown in v1' });
  });
});

describe('StatefulSet explanations', () => {
  const sts = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): KObject => ({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', uid: 'uid-web', generation: 1 },
    spec: { replicas: 3, serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } }, volumeClaimTemplates: [{ metadata: { name: 'www' } }], ...spec },
    status,
  });
  const headless: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { clusterIP: 'None', selector: { app: 'nginx' } } };
  const ready3: CheckSpec = { assert: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' }, status: { readyReplicas: 3 } } };

  it('says when no controller has reconciled it', async () => {
    const r = await check([sts({ replicas: 0, availableReplicas: 0 }), headless], ready3);
    expect(r.reasons[0]).toBe('StatefulSet web has not been reconciled: its status has no observedGeneration, so no StatefulSet controller has acted on it');
  });

  it('follows OrderedReady: the first Pod in trouble explains the rest', async () => {
    const web1: KObject = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', labels: { app: 'nginx' }, uid: 'uid-web-1' }, spec: {},
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', message: '0/3 nodes are available: 3 node(s) didn\'t find available persistent volumes to bind.' }] },
    };
    const state = [sts({ observedGeneration: 1, replicas: 2, readyReplicas: 1 }), headless, readyPod('web-0'), web1];
    const r = await check(state, ready3);
    expect(r.message).toBe('StatefulSet web: status.readyReplicas: expected 3, found 1');
    expect(r.reasons).toEqual(['Pod web-1 is Pending: 0/3 nodes are available: 3 node(s) didn\'t find available persistent volumes to bind.']);
    const missing = await check(state, { assert: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-2' } } });
    expect(missing.reasons).toEqual(['Pod web-2 is not created yet: web-1 is not Ready (podManagementPolicy OrderedReady creates Pods one at a time)']);
    const beyond = await check(state, { assert: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-3' } } });
    expect(beyond.reasons).toEqual(['StatefulSet web has replicas: 3, so it wants no Pod web-3']);
  });

  it('names a missing or non-headless governing Service', async () => {
    const noService = await check([sts({ observedGeneration: 1 }, { serviceName: 'web-svc' })], ready3);
    expect(noService.reasons).toContain('serviceName web-svc names no Service in namespace default: the Pods get no stable DNS names');
    const clusterIP = { ...headless, spec: { clusterIP: '10.96.12.7', selector: { app: 'nginx' } } };
    const notHeadless = await check([sts({ observedGeneration: 1 }), clusterIP], ready3);
    expect(notHeadless.reasons).toContain('Service nginx is not headless (clusterIP 10.96.12.7): per-Pod DNS names need clusterIP: None');
  });

  it('traces a missing claim to its claim template', async () => {
    const noTemplates = await check([sts({ observedGeneration: 1 }, { volumeClaimTemplates: undefined }), headless, readyPod('web-0')], boundAssert('www-web-0'));
    expect(noTemplates.reasons).toEqual(['StatefulSet web has no volumeClaimTemplates entry named www (it has no claim templates), so it makes no claim www-web-0']);
    const notYet = await check([sts({ observedGeneration: 1 }), headless, readyPod('web-0')], boundAssert('www-web-1'));
    expect(notYet.reasons).toEqual(['claim www-web-1 is made by StatefulSet web when it creates Pod web-1', 'Pod web-1 does not exist yet']);
  });

  it('adds the controller\'s warnings', async () => {
    const r = await check([
      sts({ observedGeneration: 1, replicas: 0 }), headless,
      event('StatefulSet', 'web', 'Warning', 'FailedCreate', 'create Pod web-0 in StatefulSet web failed error: pods "web-0" is forbidden: exceeded quota', 'uid-web'),
    ], ready3);
    expect(r.reasons).toContain('StatefulSet web: Warning FailedCreate: create Pod web-0 in StatefulSet web failed error: pods "web-0" is forbidden: exceeded quota');
  });
});

describe('references into the learner\'s namespace', () => {
  const pv = (claimNamespace: string): KObject => ({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1' },
    spec: { claimRef: { name: 'archive', namespace: claimNamespace }, storageClassName: 'keep' }, status: { phase: 'Released' },
  });
  const released: CheckSpec = { assert: { apiVersion: 'v1', kind: 'PersistentVolume', spec: { claimRef: { name: 'archive' } }, status: { phase: 'Released' } } };
  const bound: CheckSpec = { assert: { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1' }, spec: { claimRef: { name: 'archive', namespace: 'default' } } } };
  const inTeamA = (objects: KObject[], spec: CheckSpec) => evaluate(new ClusterView(new FakeClusterClient(objects, {}, 'team-a')), toCheck(spec));

  it('a claimRef is the learner\'s claim: named `default` or not named at all', async () => {
    expect((await inTeamA([pv('team-a')], released)).passed).toBe(true);
    expect((await inTeamA([pv('team-a')], bound)).passed).toBe(true);
    expect((await check([pv('default')], released)).passed).toBe(true);
  });

  it('another namespace\'s claim of the same name does not count', async () => {
    const r = await inTeamA([pv('team-b')], released);
    expect(r.passed).toBe(false);
    expect(r.message).toBe('no PersistentVolume matches; the closest, PersistentVolume pvc-1: spec.claimRef.namespace: expected team-a, found team-b');
    expect((await inTeamA([pv('team-b')], bound)).message).toBe('PersistentVolume pvc-1: spec.claimRef.namespace: expected team-a, found team-b');
  });
});

describe('absent', () => {
  it('passes when the object does not exist, fails when it does', async () => {
    const spec: CheckSpec = { absent: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-3' } } };
    expect((await check([readyPod('web-0')], spec)).passed).toBe(true);
    expect((await check([readyPod('web-3')], spec)).message).toBe('Pod web-3 exists in namespace default, but must not');
  });

  it('with fields, fails only on an object that matches them', async () => {
    const spec: CheckSpec = { absent: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'nginx' } }, status: { phase: 'Failed' } } };
    expect((await check([readyPod('web-0')], spec)).passed).toBe(true);
    const failed = { ...readyPod('web-1'), status: { phase: 'Failed' } };
    expect((await check([readyPod('web-0'), failed], spec)).message).toBe('Pod web-1 has status.phase Failed, but must not');
  });
});

describe('count', () => {
  it('counts the objects that match, and explains the ones that do not', async () => {
    const pending: KObject = { ...readyPod('web-2'), spec: {}, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', message: '0/3 nodes are available' }] } };
    const spec: CheckSpec = { count: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'nginx' } }, status: { phase: 'Running' } }, expect: 3 };
    expect((await check([readyPod('web-0'), readyPod('web-1'), { ...readyPod('web-2') }], spec)).passed).toBe(true);
    const r = await check([readyPod('web-0'), readyPod('web-1'), pending], spec);
    expect(r.message).toBe('expected exactly 3 Pods with labels app=nginx with status.phase Running in namespace default, found 2 (web-0, web-1)');
    expect(r.details).toEqual(['web-2: status.phase: expected Running, found Pending']);
    expect(r.reasons).toEqual(['Pod web-2 is Pending: 0/3 nodes are available']);
  });

  it('compares with operators', async () => {
    const spec: CheckSpec = { count: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { app: 'nginx' } } }, expect: '>= 1' };
    expect((await check([readyPod('web-0')], spec)).passed).toBe(true);
    expect((await check([], spec)).message).toBe('expected at least 1 Pod with labels app=nginx in namespace default, found 0');
    expect((await check([readyPod('a'), readyPod('b')], { ...spec, expect: '< 2' })).message).toMatch(/^expected fewer than 2 Pods/);
  });
});

describe('command', () => {
  const commands = {
    'kubectl exec web-1 -- cat /usr/share/nginx/html/index.html': { exitCode: 0, stdout: 'web-0\n', stderr: '' },
    'kubectl exec web-9 -- true': { exitCode: 1, stdout: '', stderr: 'Error from server (NotFound): pods "web-9" not found\n' },
  };

  it('checks the output against a pattern', async () => {
    const ok = await check([], { command: 'kubectl exec web-1 -- cat /usr/share/nginx/html/index.html', stdout: '^web-0$' }, { commands });
    expect(ok.passed).toBe(true);
    const wrong = await check([], { command: 'kubectl exec web-1 -- cat /usr/share/nginx/html/index.html', stdout: '^web-1$' }, { commands });
    expect(wrong.message).toBe('`kubectl exec web-1 -- cat /usr/share/nginx/html/index.html` printed web-0 on stdout, expected output matching /^web-1$/');
  });

  it('checks the exit code and shows the error', async () => {
    const r = await check([], { command: 'kubectl exec web-9 -- true' }, { commands });
    expect(r.message).toBe('`kubectl exec web-9 -- true` exited with 1, expected 0: Error from server (NotFound): pods "web-9" not found');
    expect((await check([], { command: 'kubectl exec web-9 -- true', exitCode: 1, stderr: 'NotFound' }, { commands })).passed).toBe(true);
  });
});
