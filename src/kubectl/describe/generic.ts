/**
 * The describer for kinds kubectl has none for (K:staging/src/k8s.io/kubectl/pkg/describe/describe.go
 * genericDescriber): every field of the object, keys sorted, names turned into
 * words (`holderIdentity` → `Holder Identity`).
 */
import { goSprint } from '../printers/values.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, type Obj, type PrefixWriter } from './writer.ts';

const SKIP = ['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations'];

export function describeGeneric(obj: Obj, events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  w.write(0, `Name:\t${obj.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${obj.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', obj.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', obj.metadata?.annotations);
  printContent(w, 0, obj, '');
  describeEvents(events, w, now);
}

function printContent(w: PrefixWriter, level: number, content: Obj, prefix: string): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (SKIP.includes(path)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      printContent(w, level + 1, value, path);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabelFor(field)}:\n`);
      for (const child of value) {
        if (child !== null && typeof child === 'object' && !Array.isArray(child)) printContent(w, level + 1, child, path);
        else w.write(level + 1, `${goSprint(child)}\n`);
      }
    } else w.write(level, `${smartLabelFor(field)}:\t${goSprint(value)}\n`);
  }
}

/** `smartLabelFor` (1.32): camelCase split into title-cased words, known acronyms upper-cased. */
export function smartLabelFor(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  const parts = camelcaseSplit(field);
  return parts
    .filter((p) => p !== '_')
    .map((p) => (['API', 'URL', 'UID', 'OSB', 'GUID'].includes(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

/** github.com/fatih/camelcase Split: runs of lower, upper, digit and other characters; `HTTPServer` → `HTTP Server`. */
function camelcaseSplit(s: string): string[] {
  const cls = (c: string) => (/\p{Ll}/u.test(c) ? 1 : /\p{Lu}/u.test(c) ? 2 : /\p{N}/u.test(c) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const c of s) {
    const k = cls(c);
    if (k === last && runs.length > 0) runs[runs.length - 1]!.push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (cls(runs[i]![0]!) === 2 && cls(runs[i + 1]![0]!) === 1) {
      runs[i + 1]!.unshift(runs[i]!.pop()!);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}
