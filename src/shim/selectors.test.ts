import { describe, expect, it } from 'vitest';
import { checkFieldSelector, parseFieldSelector, selectableFields } from './field-selectors.ts';
import { fromLabelSelector, parseLabelSelector } from './selectors.ts';

describe('label selectors', () => {
  const m = (sel: string, labels: Record<string, string>): boolean => parseLabelSelector(sel).matches(labels);

  it('supports equality, set-based and existence requirements', () => {
    expect(m('app=web', { app: 'web' })).toBe(true);
    expect(m('app==web', { app: 'web' })).toBe(true);
    expect(m('app!=web', { app: 'db' })).toBe(true);
    expect(m('app!=web', {})).toBe(true);
    expect(m('env in (prod, staging)', { env: 'staging' })).toBe(true);
    expect(m('env notin (prod)', {})).toBe(true);
    expect(m('env notin (prod)', { env: 'prod' })).toBe(false);
    expect(m('tier', { tier: '' })).toBe(true);
    expect(m('!tier', { tier: 'x' })).toBe(false);
    expect(m('app=web,tier', { app: 'web' })).toBe(false);
    expect(m('', { any: 'x' })).toBe(true);
  });

  it('prints canonically (sorted keys and values)', () => {
    expect(parseLabelSelector('b in (y,x),a=1,!c').toString()).toBe('a=1,b in (x,y),!c');
  });

  it('fails with upstream parse errors', () => {
    expect(() => parseLabelSelector('app=web,')).toThrow("found '', expected: identifier after ','");
    expect(() => parseLabelSelector('env in prod')).toThrow("unable to parse requirement: found 'prod' expected: '('");
    expect(() => parseLabelSelector('a b')).toThrow("found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(() => parseLabelSelector('app=we b')).toThrow("found 'b', expected: ',' or 'end of string'");
    expect(() => parseLabelSelector('app=-x')).toThrow(
      'unable to parse requirement: values[0][app]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters',
    );
  });

  it('converts metav1.LabelSelector: nil matches nothing, {} everything', () => {
    expect(fromLabelSelector(undefined).matches({ a: 'b' })).toBe(false);
    expect(fromLabelSelector({}).matches({ a: 'b' })).toBe(true);
    const sel = fromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(sel.matches({ app: 'web', env: 'prod' })).toBe(true);
    expect(sel.matches({ app: 'web', env: 'prod', legacy: 'y' })).toBe(false);
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] })).toThrow('"Foo" is not a valid label selector operator');
  });
});

describe('field selectors', () => {
  const PODS = { group: '', resource: 'pods' };
  const pod = { metadata: { name: 'web-0', namespace: 'default' }, spec: { nodeName: 'kind-worker' }, status: { phase: 'Running' } };

  it('matches =, == and != on selectable fields', () => {
    const f = selectableFields(PODS, pod);
    expect(parseFieldSelector('spec.nodeName=kind-worker').matches(f)).toBe(true);
    expect(parseFieldSelector('status.phase==Running,metadata.name!=web-1').matches(f)).toBe(true);
    expect(parseFieldSelector('status.phase!=Running').matches(f)).toBe(false);
    expect(parseFieldSelector('spec.nodeName=').matches(selectableFields(PODS, { metadata: { name: 'x' } }))).toBe(true);
  });

  it('rejects unknown fields and malformed terms like upstream', () => {
    expect(() => checkFieldSelector(PODS, parseFieldSelector('spec.foo=bar'))).toThrow('field label not supported: spec.foo');
    expect(() => checkFieldSelector({ group: '', resource: 'events' }, parseFieldSelector('involvedObject.name=web-0,reason=Started'))).not.toThrow();
    expect(() => parseFieldSelector('nonsense')).toThrow("invalid selector: 'nonsense'; can't understand 'nonsense'");
  });
});
