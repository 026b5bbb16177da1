/**
 * `kubectl create poddisruptionbudget|pdb NAME --selector=S --min-available=N|--max-unavailable=N`.
 * K:staging/src/k8s.io/kubectl/pkg/cmd/create/create_pdb.go,
 * K:staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go (ParseToLabelSelector)
 */
import { parseLabelSelector } from '../../shim/selectors.ts';
import type { KObject, ResourceRef } from '../client.ts';
import { str, type Command } from '../command.ts';
import { GENERATOR_FLAGS, objectMeta, runGenerator } from './create-object.ts';

const PDBS: ResourceRef = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true };

const OPERATORS: Record<string, string> = { in: 'In', notin: 'NotIn', exists: 'Exists', '!': 'DoesNotExist' };

/** metav1.ParseToLabelSelector: equalities become matchLabels, set-based requirements matchExpressions. */
function toLabelSelector(selector: string): Record<string, unknown> {
  let parsed;
  try {
    parsed = parseLabelSelector(selector);
  } catch (error) {
    throw new Error(`couldn't parse the selector string "${selector}": ${(error as Error).message}`);
  }
  const matchLabels: Record<string, string> = {};
  const matchExpressions: unknown[] = [];
  for (const r of parsed.requirements) {
    if (r.op === '=' || r.op === '==') {
      matchLabels[r.key] = r.values[0]!;
      continue;
    }
    if (r.op === 'gt' || r.op === 'lt') throw new Error(`"${r.op}" isn't supported in label selectors`);
    const operator = OPERATORS[r.op];
    if (!operator) throw new Error(`"${r.op}" is not a valid label selector operator`);
    matchExpressions.push({ key: r.key, operator, ...(r.values.length > 0 ? { values: [...r.values].sort() } : {}) });
  }
  return {
    ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** intstr.Parse: a number when it is one. */
const intOrString = (s: string): number | string => (/^[0-9]+$/.test(s) ? Number(s) : s);

export const createPodDisruptionBudgetCommand: Command = {
  name: 'poddisruptionbudget',
  aliases: ['pdb'],
  flags: [...GENERATOR_FLAGS, { name: 'min-available', type: 'string' }, { name: 'max-unavailable', type: 'string' }, { name: 'selector', type: 'string' }],
  run(inv) {
    const minAvailable = str(inv.flags, 'min-available');
    const maxUnavailable = str(inv.flags, 'max-unavailable');
    const selector = str(inv.flags, 'selector');
    return runGenerator(inv, () => {
      if (selector === '') throw new Error('a selector must be specified');
      if (maxUnavailable === '' && minAvailable === '') throw new Error('one of min-available or max-unavailable must be specified');
      if (maxUnavailable !== '' && minAvailable !== '') throw new Error('min-available and max-unavailable cannot be both specified');
      // Numbers and percentages, not quantities such as 10Gb.
      if (minAvailable !== '' && !/^[0-9]+%?$/.test(minAvailable)) throw new Error('invalid format specified for min-available');
      if (maxUnavailable !== '' && !/^[0-9]+%?$/.test(maxUnavailable)) throw new Error('invalid format specified for max-unavailable');
    }, {
      ref: PDBS,
      failure: 'failed to create poddisruptionbudgets: ',
      build: (name) => ({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: objectMeta(inv, name),
        spec: {
          ...(minAvailable !== '' ? { minAvailable: intOrString(minAvailable) } : {}),
          selector: toLabelSelector(selector),
          ...(maxUnavailable !== '' ? { maxUnavailable: intOrString(maxUnavailable) } : {}),
        },
      } as KObject),
    });
  },
};
