/**
 * A learner's progress: which steps of which labs passed their Check. Kept in
 * the browser's localStorage and exported/imported as a JSON file, so it is
 * parsed as untrusted input: a strict schema with bounded sizes.
 */
import { z } from 'zod';

export const PROGRESS_FORMAT = 'statecraft-progress';

export const labProgressSchema = z.strictObject({
  passed: z.array(z.number().int().min(1).max(1000)).max(1000).describe('Steps (1-based) whose Check passed.'),
});

export const progressSchema = z.strictObject({
  format: z.literal(PROGRESS_FORMAT).describe('Marks the file as Statecraft progress.'),
  version: z.literal(1).describe('Version of this format.'),
  exportedAt: z.string().max(64).optional().describe('When the file was exported (ISO 8601).'),
  labs: z
    .record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lab id').max(100), labProgressSchema)
    .refine((labs) => Object.keys(labs).length <= 1000, 'too many labs')
    .describe('Progress per lab id.'),
});

export type Progress = z.infer<typeof progressSchema>;

/** Parses a progress file; the message says what is wrong in words a learner can act on. */
export function parseProgress(text: string): { ok: true; progress: Progress } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the file is not JSON' };
  }
  const result = progressSchema.safeParse(value);
  if (result.success) return { ok: true, progress: result.data };
  const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`);
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
  return { ok: false, message: `it is not a Statecraft progress file: ${issues.join('; ')}${more}` };
}
