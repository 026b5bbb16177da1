// Validation of RBAC objects and PriorityClasses, with the API server's messages.
// K:pkg/apis/rbac/validation/validation.go (ValidatePolicyRule, ValidateRoleBindingSubject,
// ValidateRoleBinding), K:pkg/apis/scheduling/validation/validation.go (ValidatePriorityClass).
import type { FieldError } from '../../errors.ts';
import { list, str, type J } from '../json.ts';
import { fe } from './common.ts';

const SYSTEM_PRIORITY_CLASSES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function validateRules(obj: J, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  // An aggregated ClusterRole's rules are filled in by the controller.
  if (!namespaced && obj.aggregationRule !== undefined && obj.aggregationRule !== null) return errs;
  list(obj, 'rules').forEach((rule, i) => {
    const p = `rules[${i}]`;
    if (strings(rule.verbs).length === 0) errs.push(fe.required(`${p}.verbs`, 'verbs must contain at least one value'));
    const urls = strings(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced) errs.push(fe.invalid(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (strings(rule.apiGroups).length > 0 || strings(rule.resources).length > 0 || strings(rule.resourceNames).length > 0) {
        errs.push(fe.invalid(`${p}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (strings(rule.apiGroups).length === 0) errs.push(fe.required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (strings(rule.resources).length === 0) errs.push(fe.required(`${p}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

export const validateRole = (obj: J): FieldError[] => validateRules(obj, true);
export const validateClusterRole = (obj: J): FieldError[] => validateRules(obj, false);

function validateBinding(obj: J, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = (obj.roleRef ?? {}) as J;
  if (str(ref.apiGroup) !== 'rbac.authorization.k8s.io') errs.push(fe.notSupported('roleRef.apiGroup', str(ref.apiGroup), ['rbac.authorization.k8s.io']));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(fe.notSupported('roleRef.kind', str(ref.kind), kinds));
  if (str(ref.name) === '') errs.push(fe.required('roleRef.name'));
  list(obj, 'subjects').forEach((s, i) => {
    const p = `subjects[${i}]`;
    if (str(s.name) === '') errs.push(fe.required(`${p}.name`));
    const kind = str(s.kind);
    if (kind === 'ServiceAccount') {
      if (str(s.apiGroup) !== '') errs.push(fe.notSupported(`${p}.apiGroup`, str(s.apiGroup), ['']));
      if (!namespaced && str(s.namespace) === '') errs.push(fe.required(`${p}.namespace`));
    } else if (kind === 'User' || kind === 'Group') {
      if (str(s.apiGroup) !== 'rbac.authorization.k8s.io') errs.push(fe.notSupported(`${p}.apiGroup`, str(s.apiGroup), ['rbac.authorization.k8s.io']));
    } else errs.push(fe.notSupported(`${p}.kind`, kind, ['ServiceAccount', 'User', 'Group']));
  });
  return errs;
}

export const validateRoleBinding = (obj: J, old: J | undefined): FieldError[] => {
  const errs = validateBinding(obj, true);
  if (old !== undefined && JSON.stringify(obj.roleRef) !== JSON.stringify(old.roleRef)) errs.push(fe.invalid('roleRef', obj.roleRef, 'cannot change roleRef'));
  return errs;
};
export const validateClusterRoleBinding = (obj: J, old: J | undefined): FieldError[] => {
  const errs = validateBinding(obj, false);
  if (old !== undefined && JSON.stringify(obj.roleRef) !== JSON.stringify(old.roleRef)) errs.push(fe.invalid('roleRef', obj.roleRef, 'cannot change roleRef'));
  return errs;
};

export function validatePriorityClass(obj: J, old: J | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const name = str((obj.metadata as J | undefined)?.name);
  const value = typeof obj.value === 'number' ? obj.value : 0;
  if (name.startsWith('system-')) {
    const known = SYSTEM_PRIORITY_CLASSES[name];
    const why = known === undefined
      ? `${name} is not a known system priority class`
      : known !== value ? `value of ${name} PriorityClass must be ${known}` : obj.globalDefault === true ? `globalDefault of ${name} PriorityClass must be false` : '';
    if (why !== '') errs.push(fe.forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(fe.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (old !== undefined && old.value !== obj.value) errs.push(fe.forbidden('value', 'may not be changed in an update.'));
  return errs;
}
