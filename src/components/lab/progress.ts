/**
 * Steps passed per lab, kept in localStorage so they survive reloads, and
 * exported/imported as a JSON file. Storage is handed in so tests swap it.
 */
import { parseProgress, PROGRESS_FORMAT, type Progress } from '../../schemas/progress.ts';

export const PROGRESS_KEY = 'statecraft:v1:progress';

/** The labs of the course, as the page knows them at build time. */
export interface CourseLab {
  id: string;
  title: string;
  steps: number;
}

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

export function emptyProgress(): Progress {
  return { format: PROGRESS_FORMAT, version: 1, labs: {} };
}

/** What was stored, or nothing when storage is off or holds something unreadable. */
export function loadProgress(storage: KeyValueStore): Progress {
  let text: string | null = null;
  try {
    text = storage.getItem(PROGRESS_KEY);
  } catch {
    // storage disabled (private mode, sandboxed iframe)
  }
  if (text === null) return emptyProgress();
  const parsed = parseProgress(text);
  return parsed.ok ? parsed.progress : emptyProgress();
}

/** False when the browser refused (quota, disabled storage): progress then lasts until the tab closes. */
export function saveProgress(storage: KeyValueStore, progress: Progress): boolean {
  try {
    storage.setItem(PROGRESS_KEY, JSON.stringify(progress));
    return true;
  } catch {
    return false;
  }
}

export function markPassed(progress: Progress, lab: string, step: number): Progress {
  const passed = new Set(progress.labs[lab]?.passed ?? []);
  passed.add(step);
  return { ...progress, labs: { ...progress.labs, [lab]: { passed: [...passed].sort((a, b) => a - b) } } };
}

/** An import adds to what is there: a step passed on either side stays passed. */
export function mergeProgress(into: Progress, from: Progress): Progress {
  let merged = into;
  for (const [lab, { passed }] of Object.entries(from.labs)) for (const step of passed) merged = markPassed(merged, lab, step);
  return merged;
}

export function exportProgress(progress: Progress, now: Date): string {
  return `${JSON.stringify({ ...progress, exportedAt: now.toISOString() }, null, 2)}\n`;
}

/** Parses an imported file and merges it; the message says what happened. */
export function importProgress(current: Progress, text: string, fileName: string): { progress: Progress; message: string; ok: boolean } {
  const parsed = parseProgress(text);
  if (!parsed.ok) return { progress: current, ok: false, message: `Could not import ${fileName}: ${parsed.message}.` };
  const merged = mergeProgress(current, parsed.progress);
  const steps = Object.values(parsed.progress.labs).reduce((n, l) => n + l.passed.length, 0);
  return { progress: merged, ok: true, message: `Imported ${fileName}: ${steps} passed step${steps === 1 ? '' : 's'} in ${Object.keys(parsed.progress.labs).length} lab${Object.keys(parsed.progress.labs).length === 1 ? '' : 's'}.` };
}

export interface ProgressSummary {
  lab: { passed: number; total: number };
  course: { passed: number; total: number; labsDone: number; labs: number };
}

/** Counts only steps that exist (a lab may have lost steps since the progress was recorded). */
export function summarise(progress: Progress, course: readonly CourseLab[], labId: string): ProgressSummary {
  const passedIn = (lab: CourseLab) => (progress.labs[lab.id]?.passed ?? []).filter((s) => s <= lab.steps).length;
  const current = course.find((l) => l.id === labId);
  return {
    lab: { passed: current ? passedIn(current) : 0, total: current?.steps ?? 0 },
    course: {
      passed: course.reduce((n, l) => n + passedIn(l), 0),
      total: course.reduce((n, l) => n + l.steps, 0),
      labsDone: course.filter((l) => passedIn(l) === l.steps).length,
      labs: course.length,
    },
  };
}
