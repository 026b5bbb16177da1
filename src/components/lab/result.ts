/**
 * A step's check result as the learner reads it: a headline, then every check
 * with ✓/✗, and for each failure the grader's explanation — which object and
 * path, expected vs found, and the cluster's reason (controller conditions,
 * events). Text only: nothing from the cluster is ever parsed as HTML.
 */
import type { StepResult } from '../../runner/grade.ts';

export interface ResultView {
  headline: string;
  checks: { name: string; passed: boolean; message?: string; details: string[]; reasons: string[] }[];
}

export function describeStepResult(result: StepResult): ResultView {
  const failed = result.checks.filter((c) => !c.passed).length;
  const total = result.checks.length;
  const headline = failed === 0
    ? `Step ${result.step} passed: ${total === 1 ? 'its check holds' : `all ${total} checks hold`}.`
    : `Not yet: ${failed} of ${total} check${total === 1 ? '' : 's'} ${failed === 1 ? 'fails' : 'fail'}.`;
  return {
    headline,
    checks: result.checks.map((c) => ({
      name: c.name,
      passed: c.passed,
      ...(c.passed || c.message === undefined ? {} : { message: c.message }),
      details: c.passed ? [] : c.details,
      reasons: c.passed ? [] : c.reasons,
    })),
  };
}

export function renderStepResult(result: StepResult): DocumentFragment {
  const view = describeStepResult(result);
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) => {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const fragment = document.createDocumentFragment();
  fragment.append(el('p', `lab-result__headline`, view.headline));
  const list = el('ul', 'lab-result__checks');
  for (const c of view.checks) {
    const item = el('li', c.passed ? 'lab-result__check is-passed' : 'lab-result__check is-failed');
    const name = el('span', 'lab-result__name', c.name);
    item.append(el('span', 'lab-result__mark', c.passed ? '✓' : '✗'), name);
    item.querySelector('.lab-result__mark')!.setAttribute('aria-label', c.passed ? 'passed' : 'failed');
    if (c.message) item.append(el('p', 'lab-result__message', c.message));
    if (c.details.length > 0) {
      const details = el('ul', 'lab-result__details');
      for (const d of c.details) details.append(el('li', '', d));
      item.append(details);
    }
    if (c.reasons.length > 0) {
      const reasons = el('div', 'lab-result__reasons');
      reasons.append(el('span', 'lab-result__why', 'Why: '));
      for (const r of c.reasons) reasons.append(el('p', '', r));
      item.append(reasons);
    }
    list.append(item);
  }
  fragment.append(list);
  return fragment;
}
