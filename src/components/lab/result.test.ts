import { describe, expect, it } from 'vitest';
import { describeStepResult } from './result.ts';

describe('a step result as the learner reads it', () => {
  it('names each failing check with the grader’s explanation, and the passing ones without', () => {
    const view = describeStepResult({
      step: 2, title: 'Run a Pod', points: 1, score: 0, passed: false,
      checks: [
        { name: 'Pod web mounts web-config', kind: 'assert', passed: true, details: [], reasons: [] },
        { name: 'Pod web is Running and Ready', kind: 'assert', passed: false, message: 'Pod web: status.phase is Pending, expected Running', details: ['status.phase: expected Running, found Pending'], reasons: ['container nginx is waiting: CreateContainerConfigError'] },
      ],
    });
    expect(view).toEqual({
      headline: 'Not yet: 1 of 2 checks fails.',
      checks: [
        { name: 'Pod web mounts web-config', passed: true, details: [], reasons: [] },
        { name: 'Pod web is Running and Ready', passed: false, message: 'Pod web: status.phase is Pending, expected Running', details: ['status.phase: expected Running, found Pending'], reasons: ['container nginx is waiting: CreateContainerConfigError'] },
      ],
    });
  });

  it('says when a step passed', () => {
    const check = { name: 'x', kind: 'assert' as const, passed: true, details: [], reasons: [] };
    expect(describeStepResult({ step: 1, title: 't', points: 1, score: 1, passed: true, checks: [check, check] }).headline).toBe('Step 1 passed: all 2 checks hold.');
    expect(describeStepResult({ step: 3, title: 't', points: 1, score: 1, passed: true, checks: [check] }).headline).toBe('Step 3 passed: its check holds.');
  });
});
