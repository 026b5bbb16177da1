/** Sums vitest JSON reports into the one closing line CI reads. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function summarise(reports: string[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const report of reports) {
    if (!existsSync(report)) continue;
    const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTestSuites: number; numFailedTestSuites: number; testResults: { status: string; assertionResults: unknown[] }[] };
    passed += json.numPassedTests;
    // A test file that fails to load has no assertion results; count it as a failure.
    failed += json.numFailedTests + json.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  }
  return { passed, failed };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { passed, failed } = summarise(process.argv.slice(2));
  console.log(`${passed} passed, ${failed} failed`);
}
