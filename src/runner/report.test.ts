import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Parser as TapParser, type FinalResults } from 'tap-parser';
import { describe, expect, it } from 'vitest';
import type { GradeResult } from './grade.ts';
import { formatGrades, xml } from './report.ts';

const passed: GradeResult = {
  lab: 'demo', submission: 'subs/ada', backend: 'shim', passed: true, score: 2, maxScore: 2, problems: [], notes: [],
  steps: [
    { step: 1, title: 'Create the Service', points: 1, score: 1, passed: true, checks: [{ name: 'svc', kind: 'assert', passed: true, details: [], reasons: [] }] },
    { step: 2, title: 'Scale to 3 # replicas', points: 1, score: 1, passed: true, checks: [] },
  ],
};

const failed: GradeResult = {
  lab: 'demo', submission: 'subs/<bob> & "co"', backend: 'shim', passed: false, score: 1, maxScore: 2,
  problems: ['web.yaml:3:1: bad indentation \u0000 of a mapping entry'], notes: ['commands.sh:1: `kubectl get nope` exited with 1'],
  steps: [
    passed.steps[0]!,
    {
      step: 2, title: 'Scale to 3 # replicas', points: 1, score: 0, passed: false,
      checks: [{
        name: 'StatefulSet web has 3 Ready replicas', kind: 'assert', passed: false,
        message: 'StatefulSet web: status.readyReplicas: expected 3, found 1 <!-- ]]> -->',
        details: [], reasons: ['Pod web-1 is Pending: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. 🐳'],
      }],
    },
  ],
};

describe('JUnit XML', () => {
  const text = formatGrades([passed, failed], 'junit');

  it('is well-formed XML, whatever the submission contains', () => {
    expect(XMLValidator.validate(text)).toBe(true);
  });

  it('has a suite per submission and a case per step, failures with their explanation', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(text) as {
      testsuites: { tests: string; failures: string; testsuite: { name: string; tests: string; failures: string; testcase: { name: string; failure?: { message: string; '#text': string } }[] }[] };
    };
    expect(doc.testsuites).toMatchObject({ tests: '5', failures: '2' });
    const [ada, bob] = doc.testsuites.testsuite;
    expect(ada).toMatchObject({ name: 'demo · subs/ada', tests: '2', failures: '0' });
    expect(bob).toMatchObject({ name: 'demo · subs/<bob> & "co"', tests: '3', failures: '2' });
    expect(bob!.testcase[1]!.failure!.message).toBe('StatefulSet web: status.readyReplicas: expected 3, found 1 <!-- ]]> -->');
    expect(bob!.testcase[1]!.failure!['#text']).toContain('why: Pod web-1 is Pending');
    expect(bob!.testcase[2]).toMatchObject({ name: 'the submission applies cleanly' });
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xml('a<b>&"c\'\u0000\u0007d\uD800')).toBe('a&lt;b&gt;&amp;&quot;c&apos;d');
    expect(xml('🐳')).toBe('🐳');
  });
});

describe('TAP 13', () => {
  const text = formatGrades([passed, failed], 'tap');

  it('parses as TAP version 13 with a plan that matches', () => {
    let final: FinalResults | undefined;
    const parser = new TapParser((r) => { final = r; });
    const failures: unknown[] = [];
    parser.on('fail', (f) => failures.push(f));
    parser.end(text);
    expect(text.startsWith('TAP version 13\n1..5\n')).toBe(true);
    expect(final).toMatchObject({ ok: false, count: 5, pass: 3, fail: 2, plan: { start: 1, end: 5 } });
    expect(failures).toHaveLength(2);
  });

  it('carries the explanation as YAML diagnostics, and escapes # in descriptions', () => {
    expect(text).toContain('ok 2 - demo subs/ada step 2: Scale to 3 \\# replicas');
    const parser = new TapParser();
    const diags: unknown[] = [];
    parser.on('assert', (a: { ok: boolean; diag?: unknown }) => { if (!a.ok) diags.push(a.diag); });
    parser.end(text);
    expect(diags[0]).toMatchObject({ message: 'StatefulSet web: status.readyReplicas: expected 3, found 1 <!-- ]]> -->', severity: 'fail' });
  });
});

describe('JSON and text', () => {
  it('JSON carries a summary and every result', () => {
    const doc = JSON.parse(formatGrades([passed, failed], 'json')) as { summary: unknown; results: GradeResult[] };
    expect(doc.summary).toEqual({ submissions: 2, passed: 1, failed: 1 });
    expect(doc.results[1]!.steps[1]!.checks[0]!.reasons).toHaveLength(1);
  });

  it('text shows scores, failed checks with why, and problems', () => {
    expect(formatGrades([passed, failed], 'text')).toBe([
      '✓ demo · subs/ada · shim: 2/2',
      '  ✓ 1. Create the Service     1/1',
      '  ✓ 2. Scale to 3 # replicas  1/1',
      '✗ demo · subs/<bob> & "co" · shim: 1/2 FAILED',
      '  ✓ 1. Create the Service     1/1',
      '  ✗ 2. Scale to 3 # replicas  0/1',
      '      ✗ StatefulSet web has 3 Ready replicas',
      '        StatefulSet web: status.readyReplicas: expected 3, found 1 <!-- ]]> -->',
      '        why: Pod web-1 is Pending: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. 🐳',
      '  problems with the submission:',
      '    web.yaml:3:1: bad indentation \\x00 of a mapping entry',
      '  notes:',
      '    commands.sh:1: `kubectl get nope` exited with 1',
      '',
      '2 submissions: 1 passed, 1 failed',
      '',
    ].join('\n'));
  });
});
