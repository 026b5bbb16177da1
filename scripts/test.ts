/**
 * `npm test`: every check the project has, in order — schema generation, type
 * checks (the shim's DOM-free and Node-free tsconfig included), unit tests,
 * a production build, and the end-to-end tests in Chromium. Ends with one
 * line `N passed, N failed` summing unit and e2e tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { hasChromium, chromiumPath } from '../tests/e2e/harness.ts';
import { summarise } from './test-summary.ts';

const ci = process.env.CI === 'true' || process.env.CI === '1';
mkdirSync('.reports', { recursive: true });

function step(name: string, command: string, args: string[]): boolean {
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) console.error(`✗ ${name} failed (exit ${result.status ?? result.signal})`);
  return result.status === 0;
}

const npx = 'npx';
const failures: string[] = [];
const vitest = (config: string | undefined, report: string) =>
  ['vitest', 'run', ...(config ? ['--config', config] : []), '--reporter=default', '--reporter=json', `--outputFile.json=.reports/${report}.json`];

if (!step('schema', npx, ['tsx', 'scripts/gen-k8s-schema.ts'])) failures.push('schema');
if (!step('lab schema', npx, ['tsx', 'scripts/gen-lab-schema.ts'])) failures.push('lab schema');
if (!step('typecheck', 'npm', ['run', '--silent', 'typecheck'])) failures.push('typecheck');
if (!step('unit tests', npx, vitest(undefined, 'unit'))) failures.push('unit');
if (!step('build', npx, ['astro', 'build'])) failures.push('build');

if (!hasChromium()) {
  const message = `Chromium is not at ${chromiumPath}: end-to-end tests cannot run (apt-get install chromium).`;
  if (ci) { console.error(`✗ ${message}`); failures.push('e2e'); }
  else console.warn(`⚠ ${message} Skipping them.`);
} else if (existsSync('dist/index.html')) {
  if (!step('end-to-end tests', npx, vitest('tests/e2e/vitest.config.ts', 'e2e'))) failures.push('e2e');
}

const summary = summarise(['.reports/unit.json', '.reports/e2e.json']);
if (failures.length > 0) console.error(`\nFailed steps: ${failures.join(', ')}`);
console.log(`\n${summary.passed} passed, ${summary.failed} failed`);
process.exit(failures.length > 0 || summary.failed > 0 ? 1 : 0);
