/**
 * `npm run test:e2e`: builds the site, then runs the end-to-end tests against
 * dist/ (global-setup.ts serves it). Extra arguments go to vitest, e.g.
 * `npm run test:e2e -- tests/e2e/lab.e2e.ts`; E2E_NO_BUILD=1 reuses dist/.
 */
import { spawnSync } from 'node:child_process';

const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
if (process.env.E2E_NO_BUILD !== '1') {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const tests = spawnSync('npx', ['vitest', 'run', '--config', 'tests/e2e/vitest.config.ts', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(tests.status ?? 1);
