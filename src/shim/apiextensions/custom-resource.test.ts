import { describe, expect, it } from 'vitest';
import { isStatusError } from '../errors.ts';
import { decodeCustomResource, prune, validateValue } from './custom-resource.ts';
import type { Schema } from './schema.ts';

const schema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer', default: 1 },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
        list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    },
  },
};

const kind = { version: 'v1', kind: 'Database', schema };

describe('pruning', () => {
  it('drops unknown fields (unknown metadata silently) but keeps apiVersion, kind, metadata, maps, preserved and embedded object meta', () => {
    const obj = {
      apiVersion: 'example.com/v1', kind: 'Database', metadata: { name: 'db', bogus: 1 },
      spec: {
        size: 2, extra: true, labels: { a: 'b' }, free: { anything: { goes: 1 } },
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {}, junk: 1 },
        list: [{ name: 'x', other: 2 }],
      },
      top: 1,
    };
    expect(prune(obj, schema).sort()).toEqual(['spec.extra', 'spec.list[0].other', 'spec.template.junk', 'top']);
    expect(obj).toEqual({
      apiVersion: 'example.com/v1', kind: 'Database', metadata: { name: 'db' },
      spec: { size: 2, labels: { a: 'b' }, free: { anything: { goes: 1 } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }, list: [{ name: 'x' }] },
    });
  });
});

describe('decoding a custom resource', () => {
  const body = JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Database', metadata: { name: 'db' }, spec: { foo: 1, bar: 2 } });

  it('Strict: unknown fields are a 400 with the strict decoding error', () => {
    try {
      decodeCustomResource(body, kind, 'Strict');
      throw new Error('expected an error');
    } catch (e) {
      expect(isStatusError(e, 'BadRequest')).toBe(true);
      expect((e as Error).message).toBe('Database in version "v1" cannot be handled as a Database: strict decoding error: unknown field "spec.bar", unknown field "spec.foo"');
    }
  });

  it('Warn: unknown fields are pruned and reported as warnings; Ignore prunes silently; defaults are applied', () => {
    const warned = decodeCustomResource(body, kind, 'Warn');
    expect(warned.warnings).toEqual(['unknown field "spec.bar"', 'unknown field "spec.foo"']);
    expect(warned.object.spec).toEqual({ size: 1 });
    const ignored = decodeCustomResource(body, kind, 'Ignore');
    expect(ignored.warnings).toEqual([]);
    expect(ignored.object.spec).toEqual({ size: 1 });
  });
});

describe('validating a custom resource', () => {
  it('checks the string formats the API server knows, with go-openapi\'s type message', () => {
    const s: Schema = { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, free: { type: 'string', format: 'whatever' } } };
    expect(validateValue({ at: '2026-01-01T00:00:00Z', free: 'x' }, s)).toEqual([]);
    expect(validateValue({ at: 'tomorrow' }, s).map((e) => [e.field, e.badValue, e.detail])).toEqual([
      ['at', 'tomorrow', 'at in body must be of type date-time: "tomorrow"'],
    ]);
  });
});
