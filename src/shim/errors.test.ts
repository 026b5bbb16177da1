import { describe, expect, it } from 'vitest';
import { alreadyExists, fieldError, forbidden, invalid, methodNotSupported, notFound, tooManyRequests } from './errors.ts';

describe('Status errors', () => {
  it('NotFound names the qualified resource and puts the plural in details.kind', () => {
    expect(notFound({ group: 'apps', resource: 'statefulsets' }, 'web').status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'statefulsets.apps "web" not found',
      reason: 'NotFound',
      details: { name: 'web', group: 'apps', kind: 'statefulsets' },
      code: 404,
    });
    expect(notFound({ group: '', resource: 'pods' }, 'web-9').message).toBe('pods "web-9" not found');
  });

  it('Invalid uses the Kind, lists causes, and brackets several errors', () => {
    const one = invalid('', 'Pod', 'x', [fieldError.required('spec.containers')]);
    expect(one.status.message).toBe('Pod "x" is invalid: spec.containers: Required value');
    const two = invalid('apps', 'StatefulSet', 'web', [
      fieldError.required('spec.selector'),
      fieldError.notSupported('spec.podManagementPolicy', 'Fast', ['OrderedReady', 'Parallel']),
    ]);
    expect(two.status.message).toBe(
      'StatefulSet.apps "web" is invalid: [spec.selector: Required value, spec.podManagementPolicy: Unsupported value: "Fast": supported values: "OrderedReady", "Parallel"]',
    );
    expect(two.status.details?.causes?.[1]).toEqual({
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "Fast": supported values: "OrderedReady", "Parallel"',
      field: 'spec.podManagementPolicy',
    });
    expect(two.status.code).toBe(422);
  });

  it('other reasons and codes', () => {
    expect(alreadyExists({ group: '', resource: 'pods' }, 'web-0').status).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    expect(forbidden({ group: '', resource: 'persistentvolumeclaims' }, 'x', 'only dynamically provisioned pvc can be resized').message).toBe(
      'persistentvolumeclaims "x" is forbidden: only dynamically provisioned pvc can be resized',
    );
    expect(methodNotSupported({ group: '', resource: 'pods' }, 'deletecollection').status).toMatchObject({
      code: 405,
      reason: 'MethodNotAllowed',
      message: 'deletecollection is not supported on resources of kind "pods"',
    });
    expect(tooManyRequests('Cannot evict pod as it would violate the pod\'s disruption budget.', 10).status).toMatchObject({ code: 429, details: { retryAfterSeconds: 10 } });
  });
});
