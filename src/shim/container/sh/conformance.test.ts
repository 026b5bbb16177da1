import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASES } from './cases.ts';

// The expectations in cases.ts are what the real thing prints: where a busybox binary
// is installed, run every case under `busybox sh` with only busybox applets on PATH
// and compare. Without busybox this suite is skipped; sh.test.ts still holds the
// simulated shell to the same expectations.
function findBusybox(): string | undefined {
  for (const candidate of ['/usr/bin/busybox', '/bin/busybox']) {
    try {
      execFileSync(candidate, ['true']);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const busybox = findBusybox();
const root = busybox === undefined ? '' : mkdtempSync(join(tmpdir(), 'statecraft-sh-'));
const bin = join(root, 'bin');
if (busybox !== undefined) {
  mkdirSync(bin);
  execFileSync(busybox, ['--install', '-s', bin]);
  symlinkSync(busybox, join(bin, 'busybox'));
}

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe.skipIf(busybox === undefined)('conformance with busybox sh', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const cwd = mkdtempSync(join(root, 'w-'));
    const r = spawnSync(busybox!, ['sh', '-c', c.script], { cwd, env: { PATH: bin, HOME: '/root', HOSTNAME: 'pod-0' }, encoding: 'utf8', input: '', timeout: 10_000 });
    const clean = (s: string): string => s.split(cwd).join('/w').split(`${bin}/`).join('/bin/');
    expect({ stdout: clean(r.stdout), stderr: clean(r.stderr), status: r.status }).toEqual({ stdout: c.stdout, stderr: c.stderr ?? '', status: c.status ?? 0 });
  });
});
