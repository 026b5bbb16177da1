/**
 * Proving a lab (`statecraft lab check`): its files parse; its start state
 * fails step 1 (or the step proves nothing); its solution passes every step;
 * and every known-wrong answer in `wrong/` fails first at the step it
 * declares, with the message it declares — mutation testing of the checks.
 */
import type { Lab, WrongAnswer } from '../schemas/lab.ts';
import type { ClusterClient } from './client.ts';
import { failureText } from './checks.ts';
import { grade, stepFailureText, type GradeOptions, type GradeResult, type Submission } from './grade.ts';
import type { TextFile } from './manifests.ts';

/** A lab as loaded from its folder: the parsed lab.yaml, its setup files, its solution and wrong answers. */
export interface LabBundle {
  lab: Lab;
  /** Where it came from, e.g. `labs/statefulset-basics`. */
  source: string;
  setupFiles: TextFile[];
  solution?: Submission;
  wrong: { name: string; spec: WrongAnswer; submission: Submission }[];
}

/** A fresh cluster for one scenario: a new shim, or a new namespace on a real cluster. */
export interface Backend {
  readonly description: string;
  fresh(lab: Lab, scenario: string): Promise<{ client: ClusterClient; dispose(): Promise<void> }>;
}

export interface ScenarioResult {
  /** `start`, `solution`, `wrong/<name>`. */
  name: string;
  passed: boolean;
  /** What the scenario proved, or why it failed. */
  message: string;
  grade?: GradeResult;
}

export interface LabCheckReport {
  lab: string;
  source: string;
  backend: string;
  passed: boolean;
  scenarios: ScenarioResult[];
  /**
   * Controllers the cluster seems to lack, read off the failures ("no
   * StatefulSet controller has acted on it"): a lab that fails only for these
   * is blocked on the simulator, not wrong.
   */
  missing: string[];
}

export async function checkLab(bundle: LabBundle, backend: Backend, options: GradeOptions = {}): Promise<LabCheckReport> {
  const { lab } = bundle;
  const scenarios: ScenarioResult[] = [];
  const run = async (scenario: string, submission: Submission | undefined, steps?: number): Promise<GradeResult> => {
    const { client, dispose } = await backend.fresh(lab, scenario);
    let result: GradeResult | undefined;
    try {
      result = await grade(client, lab, { setupFiles: bundle.setupFiles, label: scenario, ...(submission ? { submission } : {}) }, { ...options, ...(steps ? { steps } : {}) });
    } finally {
      try {
        await dispose();
      } catch (error) {
        // What a scenario leaves behind would be graded in the next one: its verdict cannot be trusted.
        if (result) result = { ...result, passed: false, problems: [...result.problems, `${CLEANUP} ${scenario}: ${(error as Error).message}`] };
      }
    }
    return result;
  };

  const start = await run('start', undefined, 1);
  const step1 = start.steps[0];
  if (start.problems.length > 0) {
    scenarios.push({ name: 'start', passed: false, message: `the lab's setup has problems: ${start.problems.join('; ')}`, grade: start });
  } else if (step1?.passed) {
    scenarios.push({ name: 'start', passed: false, message: 'the start state already passes step 1, so step 1 proves nothing', grade: start });
  } else {
    scenarios.push({ name: 'start', passed: true, message: `fails step 1: ${firstLine(step1 ? stepFailureText(step1) : '')}`, grade: start });
  }

  if (!bundle.solution) {
    scenarios.push({ name: 'solution', passed: false, message: `no solution/ folder in ${bundle.source}` });
  } else {
    const result = await run('solution', bundle.solution);
    const failed = result.steps.find((s) => !s.passed);
    if (result.passed) scenarios.push({ name: 'solution', passed: true, message: `passes all ${result.steps.length} steps`, grade: result });
    else if (failed) scenarios.push({ name: 'solution', passed: false, message: `fails step ${failed.step} (${failed.title}): ${indent(stepFailureText(failed))}`, grade: result });
    else scenarios.push({ name: 'solution', passed: false, message: `passes every step but has problems: ${result.problems.join('; ')}`, grade: result });
  }

  for (const w of bundle.wrong) {
    const name = `wrong/${w.name}`;
    if (w.spec.step > lab.steps.length) {
      scenarios.push({ name, passed: false, message: `declares step ${w.spec.step}, but the lab has ${lab.steps.length} steps` });
      continue;
    }
    const result = await run(name, w.submission);
    const failed = result.steps.find((s) => !s.passed);
    const declared = w.spec.step;
    let passed = false;
    let message: string;
    if (!failed) {
      message = `passes every step, but must fail step ${declared} with "${w.spec.message}"`;
    } else if (failed.step !== declared) {
      message = `must fail first at step ${declared}, but fails at step ${failed.step} (${failed.title}): ${indent(stepFailureText(failed))}`;
    } else {
      const text = stepFailureText(failed);
      passed = text.includes(w.spec.message);
      message = passed
        ? `fails step ${declared} with "${w.spec.message}"`
        : `fails step ${declared}, but the learner does not see "${w.spec.message}"; they see: ${indent(text)}`;
    }
    const leak = result.problems.find((p) => p.startsWith(CLEANUP));
    scenarios.push(leak && passed ? { name, passed: false, message: `${message}, but ${leak}`, grade: result } : { name, passed, message, grade: result });
  }

  return {
    lab: lab.id,
    source: bundle.source,
    backend: backend.description,
    passed: scenarios.every((s) => s.passed),
    scenarios,
    missing: missingControllers(scenarios),
  };
}

const CLEANUP = 'cleaning up after';

/** Controllers named by "has not been reconciled … no X controller" and "nothing has tried to bind" reasons. */
function missingControllers(scenarios: ScenarioResult[]): string[] {
  const found = new Set<string>();
  for (const s of scenarios) {
    if (s.passed) continue;
    for (const step of s.grade?.steps ?? []) {
      for (const c of step.checks) {
        const text = failureText(c);
        for (const m of text.matchAll(/no (\w+) controller has acted/g)) found.add(`${m[1]} controller`);
        if (/nothing has tried to bind or provision it/.test(text)) found.add('PersistentVolume binder/provisioner');
      }
    }
  }
  return [...found].sort();
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function indent(text: string): string {
  return text.includes('\n') ? `\n    ${text.split('\n').join('\n    ')}` : text;
}
