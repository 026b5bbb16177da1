/**
 * `statecraft grade`: grades submissions against a lab. Offline, each
 * submission folder is applied to a fresh shim with the lab's topology and
 * setup; with `--kubeconfig`, a live cluster (or one namespace of it) is graded
 * instead. Exit code 0 only when every submission passed every step.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LabFormatError } from '../schemas/load-lab.ts';
import type { LabBundle } from '../runner/lab-check.ts';
import { grade, type GradeResult } from '../runner/grade.ts';
import { FORMATS, formatGrades, type Format } from '../runner/report.ts';
import { labFolder, loadLabBundle, loadSubmission } from '../runner-node/files.ts';
import { crashed, gradeFolderOnShim } from '../runner-node/grade-folder.ts';
import { KubeconfigClusterClient } from '../runner-node/kubeconfig-client.ts';

/** Exit codes: everything passed / something failed / could not grade at all. */
export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_ERROR = 2;

/** `labs/` in the working directory, else the one shipped with Statecraft. */
export function defaultLabsDir(): string {
  return existsSync('labs') ? 'labs' : join(import.meta.dirname, '..', '..', 'labs');
}

export function positiveInt(name: string, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    return n;
  };
}

export interface GradeCliOptions {
  lab: string;
  submission?: string[];
  labs?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  kubectl?: string;
  format: Format;
  output?: string;
  /** Worker threads; default: one per 8 submissions, at most one per core (a thread costs ~1 s to start). */
  jobs?: number;
  timeout: number;
  /** Live clusters: how much faster than the wall the cluster's clock runs (`statecraft serve --speed`). */
  speed?: number;
  seed?: string;
  progress: boolean;
}

/** Grades folders on the shim, `jobs` at a time in worker threads; results come back in input order. */
export async function gradeBatch(bundle: LabBundle, folder: string, dirs: string[], options: { jobs: number; seed?: string; onResult?: (r: GradeResult) => void }): Promise<GradeResult[]> {
  const jobs = Math.min(options.jobs, dirs.length);
  if (jobs <= 1) {
    const results: GradeResult[] = [];
    for (const dir of dirs) {
      const r = await gradeFolderOnShim(bundle, dir, options.seed);
      options.onResult?.(r);
      results.push(r);
    }
    return results;
  }
  const results = new Array<GradeResult>(dirs.length);
  let next = 0;
  const workers = Array.from({ length: jobs }, () => startWorker(folder, options.seed));
  try {
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      const send = () => {
        if (next >= dirs.length) { resolve(); return; }
        const id = next++;
        worker.postMessage({ id, dir: dirs[id] });
      };
      worker.on('message', (m: { ready?: boolean; id?: number; result?: GradeResult; error?: string }) => {
        if (m.id !== undefined) {
          results[m.id] = m.result ?? crashed(bundle, dirs[m.id]!, m.error);
          options.onResult?.(results[m.id]!);
        }
        send();
      });
      worker.on('error', reject);
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/**
 * A grading thread. The CLI runs from TypeScript through tsx, whose loader a
 * worker does not inherit: the worker registers it before importing its module.
 */
function startWorker(labFolder: string, seed?: string): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./grade-worker.ts', import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true, workerData: { labFolder, ...(seed !== undefined ? { seed } : {}) } },
  );
}

export async function runGrade(opts: GradeCliOptions, out: { stdout(text: string): void; stderr(text: string): void; isTTY?: boolean }): Promise<number> {
  let bundle: LabBundle;
  let folder: string;
  try {
    folder = labFolder(opts.lab, opts.labs ?? defaultLabsDir());
    bundle = loadLabBundle(folder);
  } catch (error) {
    if (!(error instanceof LabFormatError)) throw error;
    out.stderr(`statecraft grade: ${error.message}\n`);
    return EXIT_ERROR;
  }
  const dirs = opts.submission ?? [];
  let results: GradeResult[];
  if (opts.kubeconfig !== undefined || opts.context !== undefined || opts.namespace !== undefined) {
    if (dirs.length > 1) {
      out.stderr('statecraft grade: a live cluster is graded one submission at a time (give one --submission, or none to grade its current state)\n');
      return EXIT_ERROR;
    }
    let client: KubeconfigClusterClient;
    try {
      client = new KubeconfigClusterClient({
        ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
        ...(opts.context ? { context: opts.context } : {}),
        ...(opts.namespace ? { namespace: opts.namespace } : {}),
        ...(opts.kubectl ? { kubectl: opts.kubectl } : {}),
      });
    } catch (error) {
      out.stderr(`statecraft grade: ${(error as Error).message}\n`);
      return EXIT_ERROR;
    }
    const submission = dirs[0] !== undefined ? loadSubmission(dirs[0]) : undefined;
    try {
      // With a submission, the lab's setup and the submission are applied first; without, the cluster is graded as it is.
      results = [await grade(client, bundle.lab, { setupFiles: bundle.setupFiles, fresh: submission !== undefined, ...(submission ? { submission } : {}) },
        { timeoutSeconds: opts.timeout, now: Date.now, ...(opts.speed ? { speed: opts.speed } : {}) })];
    } catch (error) {
      out.stderr(`statecraft grade: cannot grade the cluster: ${(error as Error).message}\n`);
      return EXIT_ERROR;
    }
  } else {
    if (dirs.length === 0) {
      out.stderr('statecraft grade: give --submission DIR (one or more), or --kubeconfig to grade a live cluster\n');
      return EXIT_ERROR;
    }
    const bar = opts.progress && out.isTTY && dirs.length > 1
      ? new SingleBar({ format: 'grading {bar} {value}/{total} submissions · {failed} failed · {eta_formatted} left', stream: process.stderr, hideCursor: true, clearOnComplete: true })
      : undefined;
    let failed = 0;
    bar?.start(dirs.length, 0, { failed });
    try {
      results = await gradeBatch(bundle, folder, dirs, {
        jobs: opts.jobs ?? Math.min(availableParallelism(), Math.ceil(dirs.length / 8)),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        onResult: (r) => { if (!r.passed) failed++; bar?.increment({ failed }); },
      });
    } finally {
      bar?.stop();
    }
  }
  const report = formatGrades(results, opts.format);
  if (opts.output) writeFileSync(opts.output, report);
  else out.stdout(report);
  return results.every((r) => r.passed) ? EXIT_PASSED : EXIT_FAILED;
}

export function gradeCommand(): Command {
  return new Command('grade')
    .description('Grade submissions against a lab: each folder of manifests (+ commands.sh) on a fresh simulated cluster, or a live cluster by kubeconfig.')
    .requiredOption('--lab <id>', 'lab id (a folder of --labs) or path of a lab folder')
    .option('--submission <dir...>', 'submission folders: manifests applied in file-name order, then commands.sh')
    .option('--labs <dir>', 'folder holding the labs (default: ./labs, else the bundled labs)')
    .option('--kubeconfig <file>', 'grade a live cluster through this kubeconfig instead of the simulator')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--namespace <ns>', "the learner's namespace on the live cluster (namespaced objects of the submission go there)")
    .option('--kubectl <path>', 'live clusters: the kubectl binary for command checks (default: $KUBECTL, else kubectl on PATH)')
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('text'))
    .option('--output <file>', 'write the report to FILE instead of standard output')
    .option('--jobs <n>', 'submissions graded in parallel, in worker threads (default: one thread per 8 submissions, at most one per core)', positiveInt('--jobs', 256))
    .option('--timeout <seconds>', 'live clusters: how long each step polls before it fails', positiveInt('--timeout', 3600), 30)
    .option('--speed <n>', "live clusters: the cluster clock's speed (`statecraft serve --speed N`); a lab's own timeouts are cluster seconds", positiveInt('--speed', 1000))
    .option('--seed <seed>', "simulator seed for names, UIDs and IPs (default: the lab's id)")
    .option('--no-progress', 'no progress bar, even on a terminal')
    .addHelpText('after', `
Exit status: 0 when every submission passed every step, 1 when any failed, 2 when grading was impossible (bad lab, bad options, unreachable cluster).

Examples:
  statecraft grade --lab statefulset-basics --submission submissions/*
  statecraft grade --lab statefulset-basics --submission ada --format junit --output grades.xml
  statecraft grade --lab statefulset-basics --kubeconfig ~/.kube/config --namespace team-a`)
    .action(async (opts: GradeCliOptions) => {
      process.exitCode = await runGrade(opts, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        isTTY: process.stderr.isTTY === true,
      });
    });
}
