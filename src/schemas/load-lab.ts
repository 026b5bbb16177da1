/**
 * Parses lab files (lab.yaml, wrong.yaml) once, with errors that say where the
 * problem is: `labs/demo/lab.yaml:12:7: steps.0.checks.1.assert.kind: …`.
 */
import { isMap, isScalar, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { labSchema, wrongAnswerSchema, type Lab, type WrongAnswer } from './lab.ts';

export class LabFormatError extends Error {}

/** Parses YAML text against a schema; every problem is reported as `source:line:col: path: message`. */
export function parseYamlFile<S extends z.ZodType>(schema: S, text: string, source: string): z.infer<S> {
  // `merge`: authors may share a check's object with `<<: *anchor`.
  const doc = parseDocument(text, { prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    throw new LabFormatError(doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${source}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`;
    }).join('\n'));
  }
  let value: unknown;
  try {
    // A bounded alias count keeps a hostile file (an alias bomb) from exhausting memory.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new LabFormatError(`${source}: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new LabFormatError(result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      // A misspelt key is best pointed at where it is written, not at its parent.
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
      const where = locate(doc, text, path, key);
      const shown = key !== undefined ? [...path, key] : path;
      // A bad record key (a node name) carries its reason one level down.
      const message = issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join('; ') : issue.message;
      return `${source}${where}: ${shown.join('.') || '(root)'}: ${message}`;
    }).join('\n'));
  }
  return result.data;
}

export function parseLab(text: string, source: string): Lab {
  return parseYamlFile(labSchema, text, source);
}

export function parseWrongAnswer(text: string, source: string): WrongAnswer {
  return parseYamlFile(wrongAnswerSchema, text, source);
}

/** `:line:col` of the deepest node on the path that exists (or of the key named). */
function locate(doc: Document, text: string, path: string[], key?: string): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const keys = path.slice(0, depth).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const node = (keys.length === 0 ? doc.contents : doc.getIn(keys, true)) as Node | null | undefined;
    if (!node) continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return `:${lineCol(text, range[0])}`;
    }
    if (node.range) return `:${lineCol(text, node.range[0])}`;
  }
  return '';
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}
