import { describe, expect, it } from 'vitest';
import { match, show } from './match.ts';

const pod = {
  metadata: { name: 'web-0', labels: { app: 'nginx', 'app.kubernetes.io/name': 'web' } },
  spec: {
    containers: [
      { name: 'nginx', image: 'registry.k8s.io/nginx-slim:0.24', ports: [{ containerPort: 80, name: 'web' }] },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
    ],
    capacity: { storage: '1Gi' },
    restartCount: 2,
  },
};

// [what, expected partial object, whether it matches the pod]
const cases: [string, unknown, boolean][] = [
  ['a map is a subset', { metadata: { name: 'web-0' } }, true],
  ['other keys are ignored', { status: { phase: 'Running' } }, true],
  ['a different scalar fails', { status: { phase: 'Pending' } }, false],
  ['a missing field fails', { spec: { nodeName: 'kind-worker' } }, false],
  ['null means absent', { spec: { nodeName: null } }, true],
  ['null fails when present', { status: { phase: null } }, false],
  ['array elements match in any order', { spec: { containers: [{ name: 'sidecar' }, { name: 'nginx' }] } }, true],
  ['an array element is a partial object', { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, true],
  ['no element matches', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, false],
  ['each expected element needs its own live element', { spec: { containers: [{ image: '=~ .' }, { image: '=~ .' }, { image: '=~ .' }] } }, false],
  ['two expected elements may share nothing', { spec: { containers: [{ image: '=~ nginx' }, { image: '=~ busybox' }] } }, true],
  ['[] means empty or absent', { spec: { volumes: [] } }, true],
  ['[] fails on a non-empty list', { spec: { containers: [] } }, false],
  ['nested arrays', { spec: { containers: [{ ports: [{ containerPort: 80 }] }] } }, true],
  ['>= on numbers', { status: { restartCount: '>= 2' } }, true],
  ['> on numbers', { status: { restartCount: '> 2' } }, false],
  ['< on numbers', { status: { restartCount: '< 3' } }, true],
  ['>= on quantities', { status: { capacity: { storage: '>= 1024Mi' } } }, true],
  ['< on quantities', { status: { capacity: { storage: '< 1Gi' } } }, false],
  ['quantities are equal by amount', { status: { capacity: { storage: '1024Mi' } } }, true],
  ['a number equals a numeric string', { status: { capacity: { storage: 1073741824 } } }, true],
  ['=~ matches a regex', { metadata: { name: '=~ ^web-\\d+$' } }, true],
  ['=~ fails on no match', { metadata: { name: '=~ ^db-' } }, false],
  ['=~ fails on an absent field', { spec: { nodeName: '=~ .' } }, false],
  ['!~ passes on an absent field', { spec: { nodeName: '!~ control-plane' } }, true],
  ['!= passes on a different value', { status: { phase: '!= Failed' } }, true],
  ['!= fails on the same value', { status: { phase: '!= Running' } }, false],
  ['== escapes a literal', { status: { phase: '== Running' } }, true],
  ['label keys with dots', { metadata: { labels: { 'app.kubernetes.io/name': 'web' } } }, true],
  ['a map where a scalar is', { status: { phase: { value: 'Running' } } }, false],
  ['a list where a scalar is', { status: { phase: ['Running'] } }, false],
];

describe('match (partial objects)', () => {
  it.each(cases)('%s', (_what, expected, matches) => {
    expect(match(expected, pod).length === 0).toBe(matches);
  });
});

describe('mismatch reports', () => {
  it('names the path, the expected and the found value', () => {
    expect(match({ status: { phase: 'Pending' } }, pod)).toEqual([{ path: 'status.phase', expected: 'Pending', found: 'Running' }]);
  });

  it('says nothing was found for a missing field', () => {
    expect(match({ spec: { nodeName: 'kind-worker' } }, pod)).toEqual([{ path: 'spec.nodeName', expected: 'kind-worker', found: 'nothing' }]);
  });

  it('names a list element by the key that identifies it', () => {
    expect(match({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }, pod)).toEqual([
      { path: 'status.conditions[type=Ready].status', expected: 'True', found: 'False' },
    ]);
  });

  it('says when no element has the identifying value', () => {
    expect(match({ spec: { containers: [{ name: 'db', image: 'mysql' }] } }, pod)[0]).toMatchObject({
      path: 'spec.containers[0].name', expected: 'db', found: 'nginx', note: 'no element of spec.containers has name db',
    });
  });

  it('describes operators in words', () => {
    expect(match({ metadata: { name: '=~ ^db-' } }, pod)[0]).toMatchObject({ expected: 'text matching /^db-/', found: 'web-0' });
    expect(match({ status: { restartCount: '>= 5' } }, pod)[0]).toMatchObject({ expected: '>= 5', found: '2' });
  });

  it('quotes label keys that are not identifiers', () => {
    expect(match({ metadata: { labels: { 'app.kubernetes.io/name': 'db' } } }, pod)[0]!.path).toBe('metadata.labels["app.kubernetes.io/name"]');
  });

  it('reports every missing leaf of an absent map', () => {
    expect(match({ spec: { securityContext: { runAsUser: 1000, fsGroup: 2000 } } }, pod).map((m) => m.path))
      .toEqual(['spec.securityContext.runAsUser', 'spec.securityContext.fsGroup']);
  });
});

describe('show', () => {
  it('shows values as a learner reads them', () => {
    expect(show('None')).toBe('None');
    expect(show('80')).toBe('"80"');
    expect(show('')).toBe('""');
    expect(show(undefined)).toBe('nothing');
    expect(show({ port: 80, name: 'web' })).toBe('{port: 80, name: web}');
    expect(show('x'.repeat(500)).length).toBeLessThanOrEqual(160);
  });
});
