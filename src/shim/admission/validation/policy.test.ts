import { describe, expect, it } from 'vitest';
import { createKindCluster } from '../../kind-cluster.ts';
import { isStatusError } from '../../errors.ts';
import type { GroupResource } from '../../objects.ts';

const RBAC = (resource: string): GroupResource => ({ group: 'rbac.authorization.k8s.io', resource });
const PC: GroupResource = { group: 'scheduling.k8s.io', resource: 'priorityclasses' };

describe('RBAC and PriorityClass validation', () => {
  const c = createKindCluster({ seed: 'policy-validation' }).cluster;
  const message = (gr: GroupResource, obj: Record<string, unknown>, namespace?: string): string => {
    try {
      c.registry.create(gr, obj, namespace ? { namespace } : {});
      return 'created';
    } catch (e) {
      if (isStatusError(e)) return e.message;
      throw e;
    }
  };

  it('refuses rules without verbs or resources', () => {
    expect(message(RBAC('roles'), { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'] }] }, 'default'))
      .toBe('Role.rbac.authorization.k8s.io "r" is invalid: rules[0].verbs: Required value: verbs must contain at least one value');
    expect(message(RBAC('roles'), { metadata: { name: 'r' }, rules: [{ verbs: ['get'] }] }, 'default'))
      .toBe('Role.rbac.authorization.k8s.io "r" is invalid: [rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource]');
  });

  it('refuses a binding to an unknown kind of role', () => {
    expect(message(RBAC('rolebindings'), { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Thing', name: 'x' } }, 'default'))
      .toBe('RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"');
  });

  it('reserves system- priority class names and caps user values', () => {
    expect(message(PC, { metadata: { name: 'system-mine' }, value: 5 }))
      .toBe("PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class");
    expect(message(PC, { metadata: { name: 'huge' }, value: 2000000000 }))
      .toBe('PriorityClass.scheduling.k8s.io "huge" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
    expect(message(PC, { metadata: { name: 'fine' }, value: 10 })).toBe('created');
  });
});
