import { describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { StatusError } from './errors.ts';
import type { KObject } from './objects.ts';

const STS = { group: 'apps', resource: 'statefulsets' };
const PODS = CORE('pods');
const CMS = CORE('configmaps');

function setup(): Cluster {
  const c = new Cluster({ bootstrap: false });
  c.registry.create(CORE('namespaces'), { metadata: { name: 'default' } });
  c.settle();
  return c;
}

function statusOf(fn: () => unknown): StatusError['status'] {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e.status;
    throw e;
  }
  throw new Error('expected a StatusError');
}

const sts = (name: string): KObject => ({
  metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } } } },
});

describe('Registry.create', () => {
  it('fills server-owned metadata and clears client status', () => {
    const c = setup();
    const obj = c.registry.create(STS, { ...sts('web'), status: { replicas: 9 } }, { namespace: 'default' });
    expect(obj.apiVersion).toBe('apps/v1');
    expect(obj.kind).toBe('StatefulSet');
    expect(obj.metadata!.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(obj.metadata!.creationTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(obj.metadata!.generation).toBe(1);
    expect(obj.metadata!.resourceVersion).toBe(c.store.resourceVersion);
    expect(obj.status).toBeUndefined();
    expect(Object.isFrozen(obj)).toBe(true);
  });

  it('gives pods phase Pending and a QoS class', () => {
    const c = setup();
    const pod = c.registry.create(PODS, { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'a', image: 'nginx' }] } });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(pod.metadata!.generation).toBeUndefined();
  });

  it('generates names from generateName with 5 characters of the Kubernetes alphabet', () => {
    const c = setup();
    const obj = c.registry.create(PODS, { metadata: { generateName: 'web-', namespace: 'default' }, spec: { containers: [] } });
    expect(obj.metadata!.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rejects invalid names with the upstream message', () => {
    const c = setup();
    const s = statusOf(() => c.registry.create(STS, sts('Web'), { namespace: 'default' }));
    expect(s.code).toBe(422);
    expect(s.reason).toBe('Invalid');
    expect(s.message).toBe(
      `StatefulSet.apps "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    expect(s.details).toMatchObject({ name: 'Web', group: 'apps', kind: 'StatefulSet', causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] });
  });

  it('requires a name or generateName', () => {
    const c = setup();
    const s = statusOf(() => c.registry.create(CMS, { metadata: { namespace: 'default' } }));
    expect(s.message).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  it('uses DNS-1035 labels for services', () => {
    const c = setup();
    const s = statusOf(() => c.registry.create(CORE('services'), { metadata: { name: '1web', namespace: 'default' }, spec: {} }));
    expect(s.details?.causes?.[0]?.message).toContain('a DNS-1035 label must consist of lower case alphanumeric characters');
  });

  it('409 AlreadyExists with the resource in the message', () => {
    const c = setup();
    c.registry.create(STS, sts('web'), { namespace: 'default' });
    const s = statusOf(() => c.registry.create(STS, sts('web'), { namespace: 'default' }));
    expect(s).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'statefulsets.apps "web" already exists', details: { name: 'web', group: 'apps', kind: 'statefulsets' } });
  });

  it('404 for a missing namespace, 400 for a mismatched one, 400 for a set resourceVersion', () => {
    const c = setup();
    expect(statusOf(() => c.registry.create(CMS, { metadata: { name: 'x' } }, { namespace: 'nope' })).message).toBe('namespaces "nope" not found');
    expect(statusOf(() => c.registry.create(CMS, { metadata: { name: 'x', namespace: 'a' } }, { namespace: 'default' })).message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    expect(statusOf(() => c.registry.create(CMS, { metadata: { name: 'x', resourceVersion: '5' } }, { namespace: 'default' })).code).toBe(400);
  });

  it('dryRun returns the object without storing it or moving the resourceVersion', () => {
    const c = setup();
    const rv = c.store.resourceVersion;
    const obj = c.registry.create(CMS, { metadata: { generateName: 'x-' } }, { namespace: 'default', dryRun: true });
    expect(obj.metadata!.name).toMatch(/^x-/);
    expect(c.store.resourceVersion).toBe(rv);
    expect(c.store.get(CMS, 'default', obj.metadata!.name!)).toBeUndefined();
  });
});

describe('Registry.update', () => {
  it('409 Conflict on a stale resourceVersion, with the exact text', () => {
    const c = setup();
    const v1 = c.registry.create(STS, sts('web'), { namespace: 'default' });
    c.registry.update(STS, { ...v1, metadata: { ...v1.metadata, labels: { a: 'b' } } });
    const s = statusOf(() => c.registry.update(STS, { ...v1, metadata: { ...v1.metadata, labels: { a: 'c' } } }));
    expect(s).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on statefulsets.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('bumps generation on spec changes only, and ignores status on the main resource', () => {
    const c = setup();
    const v1 = c.registry.create(STS, sts('web'), { namespace: 'default' });
    const v2 = c.registry.update(STS, { ...v1, metadata: { ...v1.metadata, labels: { x: 'y' } }, status: { replicas: 3 } });
    expect(v2.metadata!.generation).toBe(1);
    expect(v2.status).toBeUndefined();
    const v3 = c.registry.update(STS, { ...v2, spec: { ...(v2.spec as object), replicas: 3 } });
    expect(v3.metadata!.generation).toBe(2);
    const v4 = c.registry.update(STS, { ...v3, status: { replicas: 3 } }, { subresource: 'status' });
    expect(v4.status).toEqual({ replicas: 3 });
    expect(v4.metadata!.generation).toBe(2);
  });

  it('status writes cannot change spec', () => {
    const c = setup();
    const v1 = c.registry.create(STS, sts('web'), { namespace: 'default' });
    const v2 = c.registry.update(STS, { ...v1, spec: { replicas: 7 }, status: { replicas: 1 } }, { subresource: 'status' });
    expect((v2.spec as { replicas: number }).replicas).toBe(1);
  });

  it('a no-op update keeps the resourceVersion and makes no change', () => {
    const c = setup();
    const v1 = c.registry.create(CMS, { metadata: { name: 'x' }, data: { a: '1' } }, { namespace: 'default' });
    const rv = c.store.resourceVersion;
    const v2 = c.registry.update(CMS, { ...v1 });
    expect(v2.metadata!.resourceVersion).toBe(v1.metadata!.resourceVersion);
    expect(c.store.resourceVersion).toBe(rv);
  });

  it('404 when updating something that does not exist', () => {
    const c = setup();
    expect(statusOf(() => c.registry.update(CMS, { metadata: { name: 'ghost', namespace: 'default' } })).message).toBe('configmaps "ghost" not found');
  });
});

describe('Registry.delete', () => {
  it('removes an object without finalizers at once', () => {
    const c = setup();
    c.registry.create(CMS, { metadata: { name: 'x' } }, { namespace: 'default' });
    const r = c.registry.delete(CMS, 'default', 'x');
    expect(r.deleted).toBe(true);
    expect(c.store.get(CMS, 'default', 'x')).toBeUndefined();
  });

  it('keeps an object with finalizers until they are removed', () => {
    const c = setup();
    const v1 = c.registry.create(STS, { ...sts('web'), metadata: { name: 'web', finalizers: ['example.com/hold'] } }, { namespace: 'default' });
    const r = c.registry.delete(STS, 'default', 'web');
    expect(r.deleted).toBe(false);
    expect(r.object.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0, generation: 2 });
    expect(v1.metadata!.generation).toBe(1);
    const live = c.registry.get(STS, 'default', 'web');
    const s = statusOf(() => c.registry.update(STS, { ...live, metadata: { ...live.metadata, finalizers: ['example.com/hold', 'new'] } }));
    expect(s.message).toContain('metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"new"}');
    c.registry.update(STS, { ...live, metadata: { ...live.metadata, finalizers: [] } });
    expect(c.store.get(STS, 'default', 'web')).toBeUndefined();
  });

  it('deletes scheduled pods gracefully and lets a grace-0 delete finish them', () => {
    const c = setup();
    c.registry.create(PODS, { metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [] } });
    const r = c.registry.delete(PODS, 'default', 'p');
    expect(r.deleted).toBe(false);
    expect(r.object.metadata).toMatchObject({ deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 });
    // A second DELETE without a shorter grace is a no-op.
    expect(c.registry.delete(PODS, 'default', 'p').object.metadata!.resourceVersion).toBe(r.object.metadata!.resourceVersion);
    const done = c.registry.delete(PODS, 'default', 'p', { gracePeriodSeconds: 0 });
    expect(done.deleted).toBe(true);
    expect(c.store.get(PODS, 'default', 'p')).toBeUndefined();
  });

  it('deletes unscheduled pods immediately', () => {
    const c = setup();
    c.registry.create(PODS, { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] } });
    expect(c.registry.delete(PODS, 'default', 'p').deleted).toBe(true);
  });

  it('Orphan and Foreground add the GC finalizers', () => {
    const c = setup();
    c.registry.create(STS, sts('a'), { namespace: 'default' });
    c.registry.create(STS, sts('b'), { namespace: 'default' });
    expect(c.registry.delete(STS, 'default', 'a', { propagationPolicy: 'Orphan', dryRun: true }).object.metadata!.finalizers).toEqual(['orphan']);
    expect(c.registry.delete(STS, 'default', 'b', { propagationPolicy: 'Foreground', dryRun: true }).object.metadata!.finalizers).toEqual(['foregroundDeletion']);
    expect(c.store.get(STS, 'default', 'a')!.metadata!.finalizers).toBeUndefined();
  });

  it('checks uid and resourceVersion preconditions', () => {
    const c = setup();
    c.registry.create(CMS, { metadata: { name: 'x' } }, { namespace: 'default' });
    const s = statusOf(() => c.registry.delete(CMS, 'default', 'x', { preconditions: { uid: 'other' } }));
    expect(s.code).toBe(409);
    expect(s.message).toMatch(/^Operation cannot be fulfilled on configmaps "x": Precondition failed: UID in precondition: other, UID in object meta: /);
  });

  it('dryRun delete leaves the object', () => {
    const c = setup();
    c.registry.create(CMS, { metadata: { name: 'x' } }, { namespace: 'default' });
    expect(c.registry.delete(CMS, 'default', 'x', { dryRun: true }).deleted).toBe(true);
    expect(c.store.get(CMS, 'default', 'x')).toBeDefined();
  });
});
