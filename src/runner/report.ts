/**
 * Grades as text for people, JSON for programs, JUnit XML for CI and LMS
 * importers, TAP 13 for TAP consumers. Pure string building: the CLI writes
 * them, the browser can offer them as downloads.
 */
import { stringify } from 'yaml';
import type { CheckResult } from './checks.ts';
import type { GradeResult } from './grade.ts';
import type { LabCheckReport } from './lab-check.ts';

export const FORMATS = ['text', 'json', 'junit', 'tap'] as const;
export type Format = (typeof FORMATS)[number];

export function formatGrades(results: GradeResult[], format: Format): string {
  switch (format) {
    case 'text': return textReport(results);
    case 'json': return `${JSON.stringify({ summary: summary(results), results }, null, 2)}\n`;
    case 'junit': return junitReport(results);
    case 'tap': return tapReport(results);
  }
}

function summary(results: GradeResult[]) {
  const passed = results.filter((r) => r.passed).length;
  return { submissions: results.length, passed, failed: results.length - passed };
}

// ---- text ----

export function textReport(results: GradeResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.passed ? '✓' : '✗'} ${r.lab} · ${r.submission} · ${r.backend}: ${r.score}/${r.maxScore}${r.passed ? '' : ' FAILED'}`);
    const width = Math.max(...r.steps.map((s) => `${s.step}. ${s.title}`.length));
    for (const s of r.steps) {
      out.push(`  ${s.passed ? '✓' : '✗'} ${`${s.step}. ${s.title}`.padEnd(width)}  ${s.score}/${s.points}`);
      for (const c of s.checks.filter((x) => !x.passed)) out.push(...checkLines(c, '      '));
    }
    if (r.problems.length > 0) {
      out.push('  problems with the submission:');
      out.push(...r.problems.map((p) => `    ${p}`));
    }
    if (r.notes.length > 0) {
      out.push('  notes:');
      out.push(...r.notes.map((n) => `    ${n}`));
    }
  }
  if (results.length > 1) {
    const s = summary(results);
    out.push('', `${s.submissions} submissions: ${s.passed} passed, ${s.failed} failed`);
  }
  return `${visible(out.join('\n'))}\n`;
}

/** Control characters from a submission (escape sequences included) must not drive the reader's terminal. */
function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function checkLines(c: CheckResult, pad: string): string[] {
  return [
    `${pad}✗ ${c.name}`,
    ...(c.message ? [`${pad}  ${c.message}`] : []),
    ...c.details.map((d) => `${pad}  ${d}`),
    ...c.reasons.map((r) => `${pad}  why: ${r}`),
  ];
}

// ---- JUnit XML ----

/** JUnit XML as Jenkins, GitLab and most LMS importers read it: a suite per submission, a case per step. */
export function junitReport(results: GradeResult[]): string {
  const total = results.reduce((n, r) => n + r.steps.length + (r.problems.length > 0 ? 1 : 0), 0);
  const failures = results.reduce((n, r) => n + r.steps.filter((s) => !s.passed).length + (r.problems.length > 0 ? 1 : 0), 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="statecraft grade" tests="${total}" failures="${failures}" errors="0">`,
  ];
  for (const r of results) {
    const cases = r.steps.length + (r.problems.length > 0 ? 1 : 0);
    const failed = r.steps.filter((s) => !s.passed).length + (r.problems.length > 0 ? 1 : 0);
    const classname = `${r.lab}.${r.submission}`;
    out.push(`  <testsuite name="${xml(`${r.lab} · ${r.submission}`)}" tests="${cases}" failures="${failed}" errors="0">`);
    out.push('    <properties>');
    out.push(`      <property name="score" value="${r.score}"/>`);
    out.push(`      <property name="maxScore" value="${r.maxScore}"/>`);
    out.push(`      <property name="backend" value="${xml(r.backend)}"/>`);
    out.push('    </properties>');
    for (const s of r.steps) {
      const name = xml(`${s.step}. ${s.title}`);
      if (s.passed) {
        out.push(`    <testcase classname="${xml(classname)}" name="${name}"/>`);
        continue;
      }
      const failedChecks = s.checks.filter((c) => !c.passed);
      const body = failedChecks.map((c) => checkLines(c, '').join('\n')).join('\n\n');
      out.push(`    <testcase classname="${xml(classname)}" name="${name}">`);
      out.push(`      <failure type="check" message="${xml(failedChecks[0]?.message ?? 'failed')}">${xml(body)}</failure>`);
      out.push('    </testcase>');
    }
    if (r.problems.length > 0) {
      out.push(`    <testcase classname="${xml(classname)}" name="the submission applies cleanly">`);
      out.push(`      <failure type="submission" message="${xml(r.problems[0]!)}">${xml(r.problems.join('\n'))}</failure>`);
      out.push('    </testcase>');
    }
    if (r.notes.length > 0) out.push(`    <system-out>${xml(r.notes.join('\n'))}</system-out>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** Escapes text for XML attributes and content, dropping characters XML 1.0 cannot hold. */
export function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    // Lone surrogates are not characters; pairs (emoji) stay.
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// ---- TAP 13 ----

/** TAP version 13: a test point per step of each submission, YAML diagnostics on failures. */
export function tapReport(results: GradeResult[]): string {
  const points = results.flatMap((r) => [
    ...r.steps.map((s) => ({
      ok: s.passed,
      description: `${r.lab} ${r.submission} step ${s.step}: ${s.title}`,
      diagnostics: s.passed ? undefined : {
        message: s.checks.find((c) => !c.passed)?.message ?? 'failed',
        severity: 'fail',
        data: { score: `${s.score}/${s.points}`, failed: s.checks.filter((c) => !c.passed).map((c) => ({ check: c.name, message: c.message, details: c.details, reasons: c.reasons })) },
      },
    })),
    ...(r.problems.length > 0
      ? [{ ok: false, description: `${r.lab} ${r.submission}: the submission applies cleanly`, diagnostics: { message: r.problems[0], severity: 'fail', data: { problems: r.problems } } }]
      : []),
  ]);
  const out = ['TAP version 13', `1..${points.length}`];
  points.forEach((p, i) => {
    // `#` starts a directive in a description: escape it, as TAP says.
    out.push(`${p.ok ? 'ok' : 'not ok'} ${i + 1} - ${p.description.replace(/\\/g, '\\\\').replace(/#/g, '\\#').replace(/\n/g, ' ')}`);
    if (p.diagnostics) {
      out.push('  ---');
      out.push(...stringify(p.diagnostics, { lineWidth: 0 }).trimEnd().split('\n').map((l) => `  ${l}`));
      out.push('  ...');
    }
  });
  for (const r of results) out.push(`# ${r.lab} ${r.submission}: ${r.score}/${r.maxScore}${r.passed ? '' : ' FAILED'}`);
  return `${out.join('\n')}\n`;
}

// ---- lab check ----

export function labCheckText(reports: LabCheckReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(`${r.passed ? '✓' : '✗'} ${r.lab} (${r.source}, ${r.backend})`);
    for (const s of r.scenarios) out.push(`  ${s.passed ? '✓' : '✗'} ${s.name}: ${s.message}`);
    if (r.missing.length > 0) out.push(`  blocked: the cluster lacks ${r.missing.join(', ')}; the checks that need ${r.missing.length > 1 ? 'them' : 'it'} cannot pass yet`);
  }
  const passed = reports.filter((r) => r.passed).length;
  if (reports.length > 1) out.push('', `${reports.length} labs: ${passed} proven, ${reports.length - passed} not`);
  return `${visible(out.join('\n'))}\n`;
}
