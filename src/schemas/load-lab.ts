/** Parses a lab.yaml once, with errors that say where the problem is. */
import { parseDocument } from 'yaml';
import { labSchema, type Lab } from './lab.ts';

export class LabFormatError extends Error {}

export function parseLab(text: string, source: string): Lab {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new LabFormatError(`${source}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`);
  }
  // A bounded alias count keeps a hostile file (an alias bomb) from exhausting memory.
  const result = labSchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number] } | undefined;
      const offset = node?.range?.[0];
      const where = offset === undefined ? '' : `:${lineCol(text, offset)}`;
      return `${source}${where}: ${path || '(root)'}: ${issue.message}`;
    });
    throw new LabFormatError(issues.join('\n'));
  }
  return result.data;
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}
