/** Grading a submission folder on a fresh shim: what each grading thread does. */
import type { GradeResult } from '../runner/grade.ts';
import { grade } from '../runner/grade.ts';
import type { LabBundle } from '../runner/lab-check.ts';
import { freshShim } from '../runner/shim-backend.ts';
import { loadSubmission } from './files.ts';

/** A crash of the grader is this submission's failed grade, not the end of the batch. */
export async function gradeFolderOnShim(bundle: LabBundle, dir: string, seed?: string): Promise<GradeResult> {
  const submission = loadSubmission(dir);
  try {
    const { client } = freshShim(bundle.lab, seed !== undefined ? { seed } : {});
    return await grade(client, bundle.lab, { setupFiles: bundle.setupFiles, submission }, { now: Date.now });
  } catch (error) {
    return crashed(bundle, submission.label, error);
  }
}

export function crashed(bundle: LabBundle, label: string, error: unknown): GradeResult {
  return {
    lab: bundle.lab.id, submission: label, backend: 'shim', passed: false, score: 0,
    maxScore: bundle.lab.steps.reduce((n, s) => n + s.points, 0), steps: [],
    problems: [`the grader failed on this submission: ${error instanceof Error ? error.message : String(error)}`], notes: [],
  };
}
