/**
 * Labs and submissions from disk. Submissions are untrusted: files are sized
 * before they are read, symlinks and subfolders are not followed, and whatever
 * cannot be read becomes a problem in the grade rather than an exception.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { LabFormatError, parseLab, parseWrongAnswer } from '../schemas/load-lab.ts';
import type { LabBundle } from '../runner/lab-check.ts';
import type { Submission } from '../runner/grade.ts';
import type { TextFile } from '../runner/manifests.ts';

/** kube-apiserver refuses request bodies over 3 MiB; a manifest file larger than that cannot be applied anyway. */
export const MAX_FILE_BYTES = 3 * 1024 * 1024;
/** All of a submission's files together. */
export const MAX_SUBMISSION_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 100;

const MANIFEST = /\.(ya?ml|json)$/i;

/** The folder of a lab given by id (looked up in `labsDir`) or by path. */
export function labFolder(idOrPath: string, labsDir: string): string {
  if (existsSync(join(idOrPath, 'lab.yaml'))) return idOrPath;
  const folder = join(labsDir, idOrPath);
  if (existsSync(join(folder, 'lab.yaml'))) return folder;
  throw new LabFormatError(`no lab "${idOrPath}": neither ${join(idOrPath, 'lab.yaml')} nor ${join(folder, 'lab.yaml')} exists`);
}

/** The ids of the labs in a folder (subfolders with a lab.yaml), sorted. */
export function labIds(labsDir: string): string[] {
  if (!existsSync(labsDir)) return [];
  return readdirSync(labsDir).filter((d) => existsSync(join(labsDir, d, 'lab.yaml'))).sort();
}

/**
 * Reads a lab folder: lab.yaml, its setup files, solution/ and wrong/*. Every
 * problem found is reported at once, with file:line:column where there is one.
 */
export function loadLabBundle(folder: string): LabBundle {
  const problems: string[] = [];
  const display = relative(process.cwd(), folder) || '.';
  const labPath = join(folder, 'lab.yaml');
  const lab = parseLab(readFileSync(labPath, 'utf8'), join(display, 'lab.yaml'));
  if (lab.id !== basename(resolve(folder))) problems.push(`${join(display, 'lab.yaml')}: id "${lab.id}" differs from the folder name "${basename(resolve(folder))}"`);
  if (lab.starter && !existsSync(join(folder, lab.starter))) problems.push(`${join(display, 'lab.yaml')}: starter ${lab.starter} does not exist`);

  const setupFiles: TextFile[] = [];
  for (const entry of lab.setup?.manifests ?? []) {
    const path = resolve(folder, entry);
    if (!path.startsWith(resolve(folder) + sep)) {
      problems.push(`${join(display, 'lab.yaml')}: setup manifest ${entry} is outside the lab folder`);
    } else if (!existsSync(path)) {
      problems.push(`${join(display, 'lab.yaml')}: setup manifest ${entry} does not exist`);
    } else {
      const files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => MANIFEST.test(f)).sort().map((f) => join(path, f)) : [path];
      for (const f of files) setupFiles.push({ path: relative(folder, f), text: readFileSync(f, 'utf8') });
    }
  }

  const solutionDir = join(folder, 'solution');
  const solution = existsSync(solutionDir) ? loadSubmission(solutionDir, 'solution') : undefined;

  const wrong: LabBundle['wrong'] = [];
  const wrongDir = join(folder, 'wrong');
  if (existsSync(wrongDir)) {
    for (const name of readdirSync(wrongDir).sort()) {
      const dir = join(wrongDir, name);
      if (!statSync(dir).isDirectory()) continue;
      const specPath = join(dir, 'wrong.yaml');
      if (!existsSync(specPath)) {
        problems.push(`${join(display, 'wrong', name)}: no wrong.yaml saying which step it must fail and with what message`);
        continue;
      }
      try {
        const spec = parseWrongAnswer(readFileSync(specPath, 'utf8'), join(display, 'wrong', name, 'wrong.yaml'));
        wrong.push({ name, spec, submission: loadSubmission(dir, `wrong/${name}`) });
      } catch (error) {
        if (!(error instanceof LabFormatError)) throw error;
        problems.push(error.message);
      }
    }
  }
  if (problems.length > 0) throw new LabFormatError(problems.join('\n'));
  return { lab, source: display, setupFiles, ...(solution ? { solution } : {}), wrong };
}

/**
 * A submission folder: its manifest files (*.yaml, *.yml, *.json) and an
 * optional commands.sh. Oversized, binary, linked or nested files are problems
 * of the submission, reported in its grade. A `wrong.yaml` is a lab's
 * declaration about a known-wrong answer, never part of the answer, so that
 * `grade --submission labs/<id>/wrong/<name>` grades what the learner would.
 */
export function loadSubmission(dir: string, label = dir): Submission {
  const submission: Submission = { label, manifests: [], problems: [] };
  const problems = submission.problems!;
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (error) {
    problems.push(`${label}: cannot read the folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return submission;
  }
  let total = 0;
  let count = 0;
  for (const name of entries) {
    if (name === 'wrong.yaml') continue;
    const path = join(dir, name);
    const stat = lstatSync(path);
    const isCommands = name === 'commands.sh';
    if (!isCommands && !MANIFEST.test(name)) continue; // READMEs and notes are not part of the answer
    if (stat.isSymbolicLink()) { problems.push(`${name}: a symbolic link; submissions must be plain files`); continue; }
    if (!stat.isFile()) { problems.push(`${name}: not a plain file`); continue; }
    if (++count > MAX_FILES) { problems.push(`more than ${MAX_FILES} files; the rest are not read`); break; }
    if (stat.size > MAX_FILE_BYTES) { problems.push(`${name}: ${mib(stat.size)}; files over ${mib(MAX_FILE_BYTES)} are not read`); continue; }
    total += stat.size;
    if (total > MAX_SUBMISSION_BYTES) { problems.push(`the submission is over ${mib(MAX_SUBMISSION_BYTES)}; ${name} and later files are not read`); break; }
    const file = { path: name, text: readFileSync(path, 'utf8') };
    if (isCommands) submission.commands = file;
    else submission.manifests.push(file);
  }
  return submission;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}
