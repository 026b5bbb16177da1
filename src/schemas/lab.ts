/**
 * The lab file format (`labs/<id>/lab.yaml`) and its companions: a `solution/`
 * folder (manifests + `commands.sh`) that must pass every step, and
 * `wrong/<name>/` folders, each a known-wrong answer with a `wrong.yaml` saying
 * which step it must fail and what the learner reads then. Strict objects: a
 * misspelt key in a lab is an author's mistake worth reporting, not ignoring.
 * `npm run gen` / `npm test` write the JSON Schema of these files to
 * src/generated/ (scripts/gen-lab-schema.ts) for editors.
 */
import { z } from 'zod';
import { checkSchema } from './check.ts';

const labelMap = z.record(z.string(), z.string());
const nodeName = z.string().regex(/^kind-(control-plane|worker)\d*$/, 'must be a kind node name such as kind-worker or kind-worker2');

export const storageClassSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 name').describe('Name of the StorageClass.'),
  provisioner: z.string().min(1).default('rancher.io/local-path').describe('Provisioner (kind ships rancher.io/local-path).'),
  volumeBindingMode: z.enum(['WaitForFirstConsumer', 'Immediate']).default('WaitForFirstConsumer').describe('When volumes are bound.'),
  reclaimPolicy: z.enum(['Delete', 'Retain']).default('Delete').describe('What happens to a volume when its claim is deleted.'),
  allowVolumeExpansion: z.boolean().optional().describe('Whether claims of this class may grow.'),
  parameters: labelMap.optional().describe('Provisioner parameters.'),
  default: z.boolean().default(false).describe("Make it the cluster's default class (kind's `standard` stops being the default)."),
});

export const topologySchema = z.strictObject({
  workers: z.number().int().min(0).max(20).optional().describe('Worker nodes (kind-worker, kind-worker2, …); default 2.'),
  zones: z.array(z.string().min(1)).min(1).optional().describe('`topology.kubernetes.io/zone` of the workers, assigned round-robin.'),
  nodeLabels: z.record(nodeName, labelMap).optional().describe('Extra labels per node name, e.g. `{kind-worker: {disk: ssd}}`.'),
  storageClasses: z.array(storageClassSchema).optional().describe("StorageClasses beside kind's default `standard`."),
  operators: z.array(z.enum(['keyvalue'])).optional().describe('Operators installed and running before the lab starts: `keyvalue` (KeyValueCluster, kv.statecraft.dev).'),
});

export const setupSchema = z.strictObject({
  manifests: z.array(z.string().min(1)).default([]).describe('Manifest files or folders (relative to the lab folder) applied before the learner starts.'),
  commands: z.array(z.string().min(1)).default([]).describe('Terminal lines run after the manifests.'),
});

export const labStepSchema = z.strictObject({
  title: z.string().min(1).describe('Short imperative title of the step, e.g. "Create the headless Service".'),
  instructions: z.string().min(1).describe('What the learner does, in Markdown.'),
  hints: z.array(z.string()).default([]).describe('Hints shown one at a time, in Markdown.'),
  points: z.number().int().positive().default(1).describe('What passing this step is worth in the score.'),
  timeoutSeconds: z.number().positive().max(600).optional().describe('On a real cluster, how long the checks keep polling (default 30).'),
  checks: z.array(checkSchema).min(1).describe('What must be true when the step is done; all must pass.'),
});

export const labSchema = z.strictObject({
  $schema: z.string().optional().describe('Path of the JSON Schema for editors (ignored by Statecraft).'),
  id: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and dashes').describe('Folder name and URL of the lab.'),
  title: z.string().min(1).describe('Title shown on the lab page.'),
  summary: z.string().min(1).describe('One or two sentences: what the learner builds.'),
  lesson: z.string().regex(/^\//, 'must be a site path starting with /').optional().describe('Path of the lesson that teaches this lab.'),
  estimatedMinutes: z.number().int().positive().describe('How long the lab takes a learner, in minutes.'),
  starter: z.string().optional().describe('File in the lab folder opened in the editor at the start.'),
  topology: topologySchema.optional().describe('The cluster the lab needs; default: kind with one control plane and two workers.'),
  setup: setupSchema.optional().describe('What is applied and run before the learner starts.'),
  steps: z.array(labStepSchema).min(1).describe('Ordered steps.'),
});

/** `wrong/<name>/wrong.yaml`: what a known-wrong answer must do under grading. */
export const wrongAnswerSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().min(1).describe('The mistake this answer makes, for lab authors.'),
  step: z.number().int().positive().describe('The step (1-based) that must be the first one to fail.'),
  message: z.string().min(1).describe('Text the learner must see in that step\'s failure (a substring of the explanation).'),
});

export type Lab = z.infer<typeof labSchema>;
export type LabStep = z.infer<typeof labStepSchema>;
export type LabTopology = z.infer<typeof topologySchema>;
export type StorageClassSpec = z.infer<typeof storageClassSchema>;
export type WrongAnswer = z.infer<typeof wrongAnswerSchema>;
