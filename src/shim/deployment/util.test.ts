import { describe, expect, it } from 'vitest';
import { NAME_ALPHABET } from '../random.ts';
import { equalIgnoreHash, fenceposts, maxSurge, maxUnavailable, podTemplateHash, setNewReplicaSetAnnotations, type Deploy, type RS } from './util.ts';

const deploy = (replicas: number, maxSurgeV: number | string, maxUnavailableV: number | string, type = 'RollingUpdate'): Deploy => ({
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: {},
    template: {},
    strategy: type === 'RollingUpdate' ? { type, rollingUpdate: { maxSurge: maxSurgeV, maxUnavailable: maxUnavailableV } } : { type },
  },
});

describe('deployment arithmetic', () => {
  it.each([
    // replicas, maxSurge, maxUnavailable → surge (rounded up), unavailable (rounded down)
    [3, '25%', '25%', 1, 0],
    [4, '25%', '25%', 1, 1],
    [10, '25%', '25%', 3, 2],
    [10, '30%', '0%', 3, 0],
    [10, 2, 3, 2, 3],
    [1, '25%', '25%', 1, 0],
    // Both zero is not allowed to stall a rollout: one pod may be unavailable.
    [5, 0, '10%', 0, 1],
    [0, '25%', '25%', 0, 0],
  ])('replicas=%i maxSurge=%s maxUnavailable=%s → surge %i, unavailable %i', (replicas, s, u, surge, unavailable) => {
    const d = deploy(replicas, s, u);
    expect(maxSurge(d)).toBe(surge);
    expect(maxUnavailable(d)).toBe(unavailable);
  });

  it('caps maxUnavailable at the replica count, and ignores both for Recreate', () => {
    expect(maxUnavailable(deploy(2, 0, 5))).toBe(2);
    expect(fenceposts(deploy(2, 0, 5)).unavailable).toBe(5);
    expect(maxSurge(deploy(4, 2, 2, 'Recreate'))).toBe(0);
    expect(maxUnavailable(deploy(4, 2, 2, 'Recreate'))).toBe(0);
  });
});

describe('pod-template-hash', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };

  it('is stable for equal templates whatever the key order, and changes with the template or collisionCount', () => {
    const h = podTemplateHash(t, undefined);
    expect(h).toMatch(new RegExp(`^[${NAME_ALPHABET}]{1,10}$`));
    expect(podTemplateHash({ spec: { containers: [{ image: 'nginx:1.27', name: 'nginx' }] }, metadata: { labels: { app: 'web' } } }, undefined)).toBe(h);
    expect(podTemplateHash({ ...t, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } }, undefined)).not.toBe(h);
    expect(podTemplateHash(t, 1)).not.toBe(h);
  });

  it('compares templates without the pod-template-hash label', () => {
    expect(equalIgnoreHash({ ...t, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } }, t)).toBe(true);
    expect(equalIgnoreHash({ ...t, metadata: { labels: { app: 'other', 'pod-template-hash': 'abc' } } }, t)).toBe(false);
  });
});

describe('revision annotations', () => {
  it('gives an existing set a newer revision and remembers the old one in revision-history', () => {
    const d = deploy(3, '25%', '25%');
    d.metadata!.annotations = { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '2' };
    const rs: RS = { metadata: { name: 'web-abc', annotations: { 'deployment.kubernetes.io/revision': '1' } } };
    expect(setNewReplicaSetAnnotations(d, rs, 3, true)).toBe(true);
    expect(rs.metadata?.annotations).toEqual({ team: 'a', 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(setNewReplicaSetAnnotations(d, rs, 5, true)).toBe(true);
    expect(rs.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1,3');
    expect(setNewReplicaSetAnnotations(d, rs, 5, true)).toBe(false);
  });

  it('gives a new set its revision, desired-replicas and max-replicas', () => {
    const rs: RS = { metadata: { name: 'web-abc' } };
    setNewReplicaSetAnnotations(deploy(10, '25%', '25%'), rs, 1, false);
    expect(rs.metadata?.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '10',
      'deployment.kubernetes.io/max-replicas': '13',
    });
  });
});
