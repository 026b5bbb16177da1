import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

const opts = { fromPath: 'a', toPath: 'b', fromTime: 'T1', toTime: 'T2' };
const text = (n: number, change: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => change[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';

/** GNU diff's own output, where the machine has it (it does in CI), for comparison. */
function gnuDiff(from: string, to: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'udiff-'));
  writeFileSync(join(dir, 'a'), from);
  writeFileSync(join(dir, 'b'), to);
  const r = spawnSync('diff', ['-u', '-N', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
  if (r.error) return undefined;
  return r.stdout.replace(/^(---|\+\+\+) (\S+)\t.*$/gm, (_, mark: string, p: string) => `${mark} ${p}\t${p === 'a' ? 'T1' : 'T2'}`);
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\n', 'x\n', opts)).toBe('');
  });

  it('prints a one-line change with three lines of context', () => {
    expect(unifiedDiff(text(20), text(20, { 10: 'replicas: 3' }), opts)).toBe(
      '--- a\tT1\n+++ b\tT2\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+replicas: 3\n line 11\n line 12\n line 13\n',
    );
  });

  it('shows a new object against an empty file as -N does', () => {
    expect(unifiedDiff('', 'a\nb\n', opts)).toBe('--- a\tT1\n+++ b\tT2\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', '', opts)).toBe('--- a\tT1\n+++ b\tT2\n@@ -1 +0,0 @@\n-a\n');
  });

  it.each([
    ['two changes close together share a hunk', text(30), text(30, { 5: 'x', 11: 'y' })],
    ['distant changes get their own hunks', text(40), text(40, { 5: 'x', 30: 'y' })],
    ['insertions and deletions', text(12), text(12, { 2: 'a\nb', 9: 'c' }).replace('line 6\n', '')],
    ['a change at the very start and end', text(8), text(8, { 1: 'first', 8: 'last' })],
  ])('matches GNU diff: %s', (_name, from, to) => {
    const gnu = gnuDiff(from, to);
    if (gnu === undefined) return;
    expect(unifiedDiff(from, to, opts)).toBe(gnu);
  });
});
