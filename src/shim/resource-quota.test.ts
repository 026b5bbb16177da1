import { describe, expect, it } from 'vitest';
import type { Pod, ResourceQuota } from 'kubernetes-types/core/v1';
import type { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { isStatusError } from './errors.ts';
import { createKindCluster } from './kind-cluster.ts';
import { LIMIT_RANGES } from './limit-range.ts';
import { RESOURCE_QUOTAS } from './resource-quota.ts';

const PODS = CORE('pods');
const NS = 'default';
const setup = (): Cluster => createKindCluster({ seed: 'quota' }).cluster;

const pod = (name: string, requests?: Record<string, string>): Record<string, unknown> => ({
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27', ...(requests ? { resources: { requests } } : {}) }] },
});
const quota = (c: Cluster, name = 'q'): ResourceQuota => c.store.get(RESOURCE_QUOTAS, NS, name) as ResourceQuota;
function createError(c: Cluster, obj: Record<string, unknown>, gr = PODS): string {
  try {
    c.registry.create(gr, obj, { namespace: NS });
  } catch (e) {
    if (isStatusError(e)) return `${e.status.code} ${e.message}`;
    throw e;
  }
  return 'created';
}

describe('resource quota', () => {
  it('tracks usage of pods, requests and claims in status', () => {
    const c = setup();
    c.registry.create(RESOURCE_QUOTAS, { metadata: { name: 'q' }, spec: { hard: { pods: '10', 'requests.cpu': '2', 'requests.storage': '10Gi', persistentvolumeclaims: '5' } } }, { namespace: NS });
    c.settle();
    expect(quota(c).status).toEqual({
      hard: { pods: '10', 'requests.cpu': '2', 'requests.storage': '10Gi', persistentvolumeclaims: '5' },
      used: { persistentvolumeclaims: '0', pods: '0', 'requests.cpu': '0', 'requests.storage': '0' },
    });
    c.registry.create(PODS, pod('a', { cpu: '250m' }), { namespace: NS });
    c.registry.create(PODS, pod('b', { cpu: '500m' }), { namespace: NS });
    c.registry.create(CORE('persistentvolumeclaims'), { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, { namespace: NS });
    c.settle();
    expect(quota(c).status?.used).toEqual({ persistentvolumeclaims: '1', pods: '2', 'requests.cpu': '750m', 'requests.storage': '1Gi' });
    c.registry.delete(PODS, NS, 'a', { gracePeriodSeconds: 0 });
    c.settle();
    expect(quota(c).status?.used?.['requests.cpu']).toBe('500m');
  });

  it('refuses a create over quota with the API server message, and pods without the requests it constrains', () => {
    const c = setup();
    c.registry.create(RESOURCE_QUOTAS, { metadata: { name: 'compute' }, spec: { hard: { pods: '1', 'requests.cpu': '1' } } }, { namespace: NS });
    c.settle();
    expect(createError(c, pod('bare'))).toBe('403 pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: app');
    expect(createError(c, pod('big', { cpu: '2' }))).toBe('403 pods "big" is forbidden: exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1');
    expect(createError(c, pod('ok', { cpu: '500m' }))).toBe('created');
    // Charged at admission: no need to wait for the controller.
    expect(createError(c, pod('second', { cpu: '100m' }))).toBe('403 pods "second" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, limited: pods=1');
  });

  it('counts objects with count/<resource>', () => {
    const c = setup();
    c.registry.create(RESOURCE_QUOTAS, { metadata: { name: 'objects' }, spec: { hard: { 'count/configmaps': '2' } } }, { namespace: NS });
    c.settle();
    // kube-root-ca.crt is already there.
    expect(quota(c, 'objects').status?.used).toEqual({ 'count/configmaps': '1' });
    expect(createError(c, { metadata: { name: 'one' } }, CORE('configmaps'))).toBe('created');
    expect(createError(c, { metadata: { name: 'two' } }, CORE('configmaps'))).toBe('403 configmaps "two" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2');
  });
});

describe('limit range', () => {
  it('defaults its items and fills in container requests and limits', () => {
    const c = setup();
    const lr = c.registry.create(LIMIT_RANGES, { metadata: { name: 'd' }, spec: { limits: [{ type: 'Container', default: { memory: '256Mi' }, min: { cpu: '100m' } }] } }, { namespace: NS });
    expect((lr.spec as { limits: unknown[] }).limits[0]).toEqual({ type: 'Container', default: { memory: '256Mi' }, defaultRequest: { memory: '256Mi', cpu: '100m' }, min: { cpu: '100m' } });
    const p = c.registry.create(PODS, pod('x', { cpu: '200m' }), { namespace: NS }) as Pod;
    expect(p.spec?.containers[0]?.resources).toEqual({ limits: { memory: '256Mi' }, requests: { cpu: '200m', memory: '256Mi' } });
    expect(p.metadata?.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: memory request for container app; memory limit for container app');
  });
});
