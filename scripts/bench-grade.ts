/**
 * `grade_submissions_per_s` for `npm run bench`: the statefulset-basics lab's
 * solution and known-wrong answers, 200 submissions in all, graded one after
 * another on fresh simulated clusters in this one process (one core), as
 * `statecraft grade --jobs 1` does. Prints one JSON line.
 */
import { join } from 'node:path';
import { loadLabBundle } from '../src/runner-node/files.ts';
import { gradeFolderOnShim } from '../src/runner-node/grade-folder.ts';

const SUBMISSIONS = 200;
const folder = join('labs', 'statefulset-basics');
const bundle = loadLabBundle(folder);
const dirs = [join(folder, 'solution'), ...bundle.wrong.map((w) => join(folder, 'wrong', w.name))];

// One warm-up grade: module loading and JIT are not what the metric is about.
await gradeFolderOnShim(bundle, dirs[0]!);
const start = process.cpuUsage();
let passed = 0;
for (let i = 0; i < SUBMISSIONS; i++) {
  const result = await gradeFolderOnShim(bundle, dirs[i % dirs.length]!, `bench-${i}`);
  if (result.passed) passed++;
}
const used = process.cpuUsage(start);
const expected = Math.ceil(SUBMISSIONS / dirs.length);
// The figure must be of real grading: the solutions pass, the wrong answers do not.
if (passed !== expected) console.error(`bench: ${passed} of ${SUBMISSIONS} submissions passed, expected ${expected}`);
const seconds = (used.user + used.system) / 1e6;
console.log(JSON.stringify({ metric: 'grade_submissions_per_s', value: Math.round((SUBMISSIONS / seconds) * 10) / 10, unit: 'submissions/s' }));
