/**
 * Grading: bring a cluster to the lab's start (topology StorageClasses, setup
 * manifests and commands), apply a submission (manifests in file-name order,
 * then its commands.sh), and run every step's checks. On the shim the cluster
 * settles before each look, so a verdict is deterministic; on a real cluster
 * each step polls until its checks pass or its time is up.
 */
import { toCheck, type Check } from '../schemas/check.ts';
import type { Lab, StorageClassSpec } from '../schemas/lab.ts';
import { ApiError, targetNamespace, type ClusterClient, type KObject } from './client.ts';
import { evaluate, failureText, type CheckResult } from './checks.ts';
import { parseCommands, parseManifests, type TextFile } from './manifests.ts';
import { ClusterView, type ApplyRecord } from './view.ts';

/** A submission: manifests (applied in file-name order) and an optional commands.sh. */
export interface Submission {
  /** How reports name it, e.g. the folder `submissions/ada`. */
  label: string;
  manifests: TextFile[];
  commands?: TextFile;
  /** What the loader could not read (too large, unreadable): each fails the grade. */
  problems?: string[];
}

export interface StepResult {
  /** 1-based, as learners count. */
  step: number;
  title: string;
  points: number;
  score: number;
  passed: boolean;
  checks: CheckResult[];
}

export interface GradeResult {
  lab: string;
  submission: string;
  /** Which cluster: `shim`, `kubeconfig kind-kind namespace team-a`. */
  backend: string;
  passed: boolean;
  score: number;
  maxScore: number;
  steps: StepResult[];
  /** What was wrong with the submission itself (unreadable files, rejected objects, refused commands). */
  problems: string[];
  /** Worth knowing but not a failure (a command that exited non-zero). */
  notes: string[];
}

export interface GradeOptions {
  /** Real clusters: default seconds a step polls before it fails (kuttl's 30). */
  timeoutSeconds?: number;
  /** Real clusters: milliseconds between polls. */
  pollIntervalMs?: number;
  /**
   * Real clusters: how many times faster than the wall clock the cluster's own
   * clock runs (`statecraft serve --speed 50`). A lab's `timeoutSeconds` are the
   * cluster's seconds (50 s to notice a dead node, 300 s to evict), so they pass
   * this many times sooner; `timeoutSeconds` above is the grader's own patience
   * and is not scaled. Default 1.
   */
  speed?: number;
  /** Grade only the first N steps (lab check's "start state fails step 1"). */
  steps?: number;
  /** Whether a submission may use namespaces other than the learner's (setup may). */
  anyNamespace?: boolean;
  /** Wall-clock milliseconds all of a commands.sh may take (with `now`); default 60 s. */
  commandBudgetMs?: number;
  /** Wall clock, for the command budget (injected: the core reads no clock itself). */
  now?: () => number;
}

/** Applies what the lab needs before the learner starts: extra StorageClasses, setup manifests and commands. */
export async function prepareLab(client: ClusterClient, lab: Lab, setupFiles: TextFile[]): Promise<{ applied: ApplyRecord[]; problems: string[] }> {
  const applied: ApplyRecord[] = [];
  const problems: string[] = [];
  for (const sc of lab.topology?.storageClasses ?? []) {
    try {
      if (sc.default) await demoteDefaultClasses(client, sc.name);
      await client.apply(storageClass(sc));
    } catch (error) {
      problems.push(`lab topology: StorageClass ${sc.name}: ${(error as Error).message}`);
    }
  }
  const setup = await applyFiles(client, setupFiles, { anyNamespace: true });
  applied.push(...setup.applied);
  problems.push(...setup.problems.map((p) => `setup: ${p}`));
  for (const [i, line] of (lab.setup?.commands ?? []).entries()) {
    const r = await client.run(line, { files: setupFiles });
    if (r.exitCode !== 0) problems.push(`setup command ${i + 1} \`${line}\` exited with ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`);
    await settle(client, problems);
  }
  await settle(client, problems);
  return { applied, problems };
}

/** Applies a submission's manifests, then runs its commands.sh, line by line. */
export async function applySubmission(client: ClusterClient, submission: Submission, options: GradeOptions = {}): Promise<{ applied: ApplyRecord[]; problems: string[]; notes: string[] }> {
  const problems = [...(submission.problems ?? [])];
  const notes: string[] = [];
  const files = [...submission.manifests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const { applied, problems: applyProblems } = await applyFiles(client, files, { anyNamespace: options.anyNamespace ?? false });
  problems.push(...applyProblems);
  await settle(client, problems);
  if (submission.commands) {
    const { lines, problems: lineProblems } = parseCommands(submission.commands);
    problems.push(...lineProblems);
    const budget = options.commandBudgetMs ?? 60_000;
    const started = options.now?.();
    for (const { source, line } of lines) {
      const left = started === undefined ? undefined : budget - (options.now!() - started);
      if (left !== undefined && left <= 0) {
        problems.push(`${source}: not run: ${submission.commands.path} took longer than ${budget / 1000} s in all`);
        break;
      }
      const r = await client.run(line, {
        untrusted: true,
        files: submission.manifests,
        ...(left !== undefined ? { timeoutMs: Math.min(left, 10_000) } : {}),
      });
      const said = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
      // A refused or runaway line is the submission's fault; a kubectl error is what the learner's terminal showed too.
      if (r.note) problems.push(`${source}: \`${line}\`: ${r.note}${said ? ` (${said})` : ''}`);
      else if (r.exitCode !== 0) notes.push(`${source}: \`${line}\` exited with ${r.exitCode}${said ? `: ${said}` : ''}`);
      await settle(client, problems);
    }
  }
  return { applied, problems, notes };
}

async function applyFiles(client: ClusterClient, files: TextFile[], options: { anyNamespace: boolean }): Promise<{ applied: ApplyRecord[]; problems: string[] }> {
  const applied: ApplyRecord[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const parsed = parseManifests(file);
    problems.push(...parsed.problems);
    for (const { source, object } of parsed.objects) {
      const record = await applyObject(client, source, object, options);
      applied.push(record);
      if (record.error) problems.push(`${source}: ${record.kind} ${record.name}: ${record.error}`);
    }
  }
  return { applied, problems };
}

async function applyObject(client: ClusterClient, source: string, object: KObject, options: { anyNamespace: boolean }): Promise<ApplyRecord> {
  const kind = object.kind ?? '';
  const name = object.metadata?.name ?? object.metadata?.generateName ?? '';
  const record: ApplyRecord = { source, kind, name };
  let info;
  try {
    info = await client.resource(object.apiVersion ?? '', kind);
  } catch (error) {
    return { ...record, error: (error as Error).message };
  }
  if (!info) return { ...record, error: `the cluster has no kind ${kind} in ${object.apiVersion}` };
  const requested = object.metadata?.namespace;
  let copy: KObject = { ...object, metadata: { ...object.metadata } };
  if (info.namespaced) {
    const namespace = targetNamespace(client, requested);
    if (!options.anyNamespace && requested !== undefined && requested !== '' && namespace !== client.namespace) {
      return { ...record, namespace: requested, error: `is for namespace ${requested}; a submission may only create objects in the learner's namespace (${client.namespace})` };
    }
    copy = { ...copy, metadata: { ...copy.metadata, namespace } };
    record.namespace = namespace;
  } else if (copy.metadata) {
    delete (copy.metadata as { namespace?: string }).namespace;
  }
  try {
    await client.apply(copy);
    return record;
  } catch (error) {
    return { ...record, error: error instanceof ApiError ? error.message : `could not apply: ${(error as Error).message}` };
  }
}

/** Runs every step's checks (or the first `options.steps`) and scores them. */
export async function gradeSteps(client: ClusterClient, lab: Lab, applied: readonly ApplyRecord[], options: GradeOptions = {}): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const steps = lab.steps.slice(0, options.steps ?? lab.steps.length);
  for (const [i, step] of steps.entries()) {
    const checks = step.checks.map(toCheck);
    // A real cluster: once a step has failed after polling its whole time, the cluster has
    // had that time to converge too, so later steps get one look each — a grade takes
    // at most the passing steps' time plus one timeout, never a timeout per step.
    const failedBefore = results.some((r) => !r.passed);
    const speed = options.speed ?? 1;
    const patience = options.timeoutSeconds ?? 30;
    const own = Math.max(step.timeoutSeconds ?? 0, ...checks.map((c) => c.timeoutSeconds ?? 0)) / speed;
    const timeout = failedBefore ? 0 : (step.timeoutSeconds !== undefined ? Math.max(own, Math.min(patience, step.timeoutSeconds)) : Math.max(own, patience)) * 1000;
    const outcome = await pollStep(client, checks, applied, timeout, options.pollIntervalMs ?? 1000);
    const passed = outcome.every((c) => c.passed);
    results.push({ step: i + 1, title: step.title, points: step.points, score: passed ? step.points : 0, passed, checks: outcome });
  }
  return results;
}

async function pollStep(client: ClusterClient, checks: Check[], applied: readonly ApplyRecord[], timeoutMs: number, intervalMs: number): Promise<CheckResult[]> {
  const polling = client.settle === undefined && client.sleep !== undefined && client.now !== undefined;
  const deadline = polling ? client.now!() + timeoutMs : 0;
  for (;;) {
    const results = await evaluateAll(client, checks, applied);
    if (!polling || results.every((r) => r.passed) || client.now!() + intervalMs > deadline) return results;
    await client.sleep!(intervalMs);
  }
}

async function evaluateAll(client: ClusterClient, checks: Check[], applied: readonly ApplyRecord[]): Promise<CheckResult[]> {
  const problems: string[] = [];
  await settle(client, problems);
  let view = new ClusterView(client, applied);
  const results: CheckResult[] = [];
  for (const check of checks) {
    results.push(await evaluate(view, check));
    if (check.kind === 'command') {
      // A command may change the cluster: the next check takes a fresh look.
      await settle(client, problems);
      view = new ClusterView(client, applied);
    }
  }
  if (problems.length > 0) results.push({ name: 'the cluster settles', kind: 'command', passed: false, message: problems[0]!, details: problems.slice(1), reasons: [] });
  return results;
}

async function settle(client: ClusterClient, problems: string[]): Promise<void> {
  if (!client.settle) return;
  try {
    await client.settle();
  } catch (error) {
    // A runaway controller (or a crash-looping Pod that never stops) is reported, not thrown.
    problems.push(`the cluster did not settle: ${(error as Error).message}`);
  }
}

/** Start, submission, checks: one submission's grade. Without a submission, the cluster's current state is graded as it is. */
export async function grade(client: ClusterClient, lab: Lab, input: { setupFiles?: TextFile[]; submission?: Submission; fresh?: boolean; label?: string }, options: GradeOptions = {}): Promise<GradeResult> {
  const problems: string[] = [];
  const notes: string[] = [];
  const applied: ApplyRecord[] = [];
  if (input.fresh !== false) {
    const prepared = await prepareLab(client, lab, input.setupFiles ?? []);
    applied.push(...prepared.applied);
    // Setup problems are the lab's, not the learner's; they still make the grade meaningless.
    problems.push(...prepared.problems);
  }
  if (input.submission) {
    const s = await applySubmission(client, input.submission, options);
    applied.push(...s.applied);
    problems.push(...s.problems);
    notes.push(...s.notes);
  }
  const steps = await gradeSteps(client, lab, applied, options);
  const score = steps.reduce((n, s) => n + s.score, 0);
  const maxScore = lab.steps.slice(0, steps.length).reduce((n, s) => n + s.points, 0);
  return {
    lab: lab.id,
    submission: input.label ?? input.submission?.label ?? '(live state)',
    backend: client.description,
    passed: problems.length === 0 && steps.every((s) => s.passed),
    score,
    maxScore,
    steps,
    problems,
    notes,
  };
}

/** All a learner sees for one failed step, as one text. */
export function stepFailureText(step: StepResult): string {
  // Two checks on one missing object explain it twice: say it once.
  return [...new Set(step.checks.filter((c) => !c.passed).flatMap((c) => failureText(c).split('\n')))].join('\n');
}

function storageClass(sc: StorageClassSpec): KObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: sc.name, ...(sc.default ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: sc.provisioner,
    reclaimPolicy: sc.reclaimPolicy,
    volumeBindingMode: sc.volumeBindingMode,
    ...(sc.allowVolumeExpansion !== undefined ? { allowVolumeExpansion: sc.allowVolumeExpansion } : {}),
    ...(sc.parameters ? { parameters: sc.parameters } : {}),
  };
}

/** A lab that brings its own default class takes the mark off the others (kind's `standard`). */
async function demoteDefaultClasses(client: ClusterClient, except: string): Promise<void> {
  const annotation = 'storageclass.kubernetes.io/is-default-class';
  for (const sc of await client.list({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' })) {
    if (sc.metadata?.name === except || sc.metadata?.annotations?.[annotation] !== 'true') continue;
    const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields: _m, generation: _g, ...meta } = sc.metadata;
    await client.apply({ ...sc, metadata: { ...meta, annotations: { ...meta.annotations, [annotation]: 'false' } } });
  }
}
