/**
 * The lab file format (`labs/<id>/lab.yaml`). Strict objects: a misspelt key
 * in a lab is an author's mistake worth reporting, not ignoring. Checks,
 * topology and setup join this schema with the lab runner.
 */
import { z } from 'zod';

export const labStepSchema = z.strictObject({
  title: z.string().min(1).describe('Short imperative title of the step, e.g. "Create the headless Service".'),
  instructions: z.string().min(1).describe('What the learner does, in Markdown.'),
  hints: z.array(z.string()).default([]).describe('Hints shown one at a time, in Markdown.'),
});

export const labSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes').describe('Folder name and URL of the lab.'),
  title: z.string().min(1).describe('Title shown on the lab page.'),
  summary: z.string().min(1).describe('One or two sentences: what the learner builds.'),
  lesson: z.string().startsWith('/').optional().describe('Path of the lesson that teaches this lab.'),
  estimatedMinutes: z.number().int().positive().describe('How long the lab takes a learner, in minutes.'),
  starter: z.string().optional().describe('File in the lab folder opened in the editor at the start.'),
  steps: z.array(labStepSchema).min(1).describe('Ordered steps.'),
});

export type Lab = z.infer<typeof labSchema>;
export type LabStep = z.infer<typeof labStepSchema>;
