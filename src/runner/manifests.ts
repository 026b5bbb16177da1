/**
 * Reading what a learner (or a lab's setup) hands in: manifest files (YAML
 * streams, JSON, `kind: List`) and `commands.sh`. Hostile input is expected: a
 * binary file, an alias bomb, thousands of documents — each is a problem with
 * a clear reason, never a crash or a hang.
 */
import { parseAllDocuments } from 'yaml';
import type { KObject, TextFile } from './client.ts';

export type { TextFile };

export interface ManifestObject {
  /** `web.yaml#2`: the file and the document's number in it. */
  source: string;
  object: KObject;
}

export const MAX_DOCUMENTS_PER_FILE = 200;
export const MAX_COMMAND_LINES = 200;
const MAX_LINE_CHARS = 10_000;

export function looksBinary(text: string): boolean {
  // NUL bytes, or the replacement characters a non-UTF-8 file decodes to.
  return text.includes('\u0000') || (text.match(/\uFFFD/g)?.length ?? 0) > 3;
}

/** Objects in a manifest file, in order, and the problems of the documents that are not objects. */
export function parseManifests(file: TextFile): { objects: ManifestObject[]; problems: string[] } {
  if (looksBinary(file.text)) return { objects: [], problems: [`${file.path}: a binary file, not a manifest`] };
  const objects: ManifestObject[] = [];
  const problems: string[] = [];
  const docs = parseAllDocuments(file.text, { prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length > MAX_DOCUMENTS_PER_FILE) return { objects: [], problems: [`${file.path}: ${list.length} documents; at most ${MAX_DOCUMENTS_PER_FILE} are read`] };
  list.forEach((doc, i) => {
    const source = list.length > 1 ? `${file.path}#${i + 1}` : file.path;
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const pos = e.linePos?.[0];
      problems.push(`${file.path}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      problems.push(`${source}: ${(error as Error).message}`);
      return;
    }
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${source}: not a Kubernetes object (a ${Array.isArray(value) ? 'list' : typeof value})`);
      return;
    }
    const obj = value as KObject;
    // kubectl accepts `kind: List` (what `kubectl get -o yaml` prints) and applies its items.
    const items = obj.kind === 'List' && Array.isArray(obj.items) ? (obj.items as KObject[]) : [obj];
    items.forEach((item, j) => {
      const at = items.length > 1 || obj.kind === 'List' ? `${source} item ${j + 1}` : source;
      const missing = ['apiVersion', 'kind'].filter((k) => typeof (item as Record<string, unknown>)?.[k] !== 'string' || !(item as Record<string, unknown>)[k]);
      if (missing.length > 0) problems.push(`${at}: not a Kubernetes object: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`);
      else objects.push({ source: at, object: item });
    });
  });
  return { objects, problems };
}

export interface CommandLine {
  /** `commands.sh:3` */
  source: string;
  line: string;
}

/** The lines of a commands.sh: comments and blank lines dropped, `\` continuations joined. */
export function parseCommands(file: TextFile): { lines: CommandLine[]; problems: string[] } {
  if (looksBinary(file.text)) return { lines: [], problems: [`${file.path}: a binary file, not terminal lines`] };
  const lines: CommandLine[] = [];
  const problems: string[] = [];
  let pending = '';
  let start = 0;
  file.text.split(/\r?\n/).forEach((raw, i) => {
    if (pending === '') start = i + 1;
    if (raw.endsWith('\\')) {
      pending += raw.slice(0, -1); // as in sh, backslash-newline vanishes
      return;
    }
    const line = (pending + raw).trim();
    pending = '';
    if (line === '' || line.startsWith('#') || line.startsWith('#!')) return;
    if (line.length > MAX_LINE_CHARS) problems.push(`${file.path}:${start}: a line of ${line.length} characters; at most ${MAX_LINE_CHARS} are run`);
    else lines.push({ source: `${file.path}:${start}`, line });
  });
  if (lines.length > MAX_COMMAND_LINES) {
    problems.push(`${file.path}: ${lines.length} lines; only the first ${MAX_COMMAND_LINES} are run`);
    lines.length = MAX_COMMAND_LINES;
  }
  return { lines, problems };
}
