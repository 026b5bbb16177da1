/**
 * Reading manifests as kubectl does (cli-runtime resource/visitor.go and
 * apimachinery's YAMLOrJSONDecoder): `-f file`, `-f dir` (its .json/.yaml/.yml
 * files in name order, subdirectories only with -R), `-f -` (stdin);
 * documents split on `---` lines; YAML read with YAML 1.1 scalars as
 * sigs.k8s.io/yaml reads them (`yes`/`on` are booleans, timestamps stay
 * strings); empty documents skipped; `kind: List` flattened.
 */
import { parseDocument, type Tags } from 'yaml';
import type { KObject } from './client.ts';
import type { FileSource } from './io.ts';

export const FILE_EXTENSIONS = ['.json', '.yaml', '.yml'];

export interface Manifest {
  object: KObject;
  /** The file (or `STDIN`) it came from, as kubectl names it in messages. */
  source: string;
}

/** Go's path.Clean, which filepath.Join applies to the paths kubectl reports. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

/** The files a `-f` path stands for, in the order kubectl visits them. */
export async function expandPath(files: FileSource, path: string, recursive: boolean): Promise<string[]> {
  const kind = await files.stat(path);
  if (kind === undefined) throw new Error(`the path ${JSON.stringify(path)} does not exist`);
  if (kind === 'file') return [path];
  const out: string[] = [];
  // filepath.Walk: lexical order, the root itself always entered.
  const walk = async (dir: string) => {
    const names = (await files.list(dir)).sort();
    for (const name of names) {
      const child = cleanPath(`${dir}/${name}`);
      const childKind = await files.stat(child);
      if (childKind === 'dir') {
        if (recursive) await walk(child);
      } else if (FILE_EXTENSIONS.some((ext) => child.endsWith(ext))) out.push(child);
    }
  };
  await walk(path);
  return out;
}

/** Splits a YAML stream on `---` lines (YAMLReader), refusing anything but a comment after them. */
export function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let current: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith('---')) {
      const trimmed = line.slice(3).trim();
      if (trimmed.length > 0 && !trimmed.startsWith('#')) throw new Error(`invalid Yaml document separator: ${trimmed}`);
      if (current.length > 0) docs.push(current.join(''));
      current = [];
      continue;
    }
    current.push(line);
  }
  if (current.length > 0) docs.push(current.join(''));
  return docs;
}

const withoutTimestamps = (tags: Tags) => tags.filter((t) => t !== 'timestamp' && (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:timestamp'));

/** One YAML document as sigs.k8s.io/yaml's YAMLToJSON sees it. */
export function yamlToJson(text: string): unknown {
  const doc = parseDocument(text, { version: '1.1', schema: 'yaml-1.1', customTags: withoutTimestamps, uniqueKeys: false, merge: true, intAsBigInt: false });
  const error = doc.errors[0];
  if (error) throw new Error(`error converting YAML to JSON: yaml: ${yamlErrorText(error)}`);
  return normalise(doc.toJS({ maxAliasCount: 100 }));
}

function yamlErrorText(error: { message: string; linePos?: { line: number; col: number }[] }): string {
  const line = error.linePos?.[0]?.line;
  const first = error.message.split('\n')[0] ?? error.message;
  return line !== undefined ? `line ${line}: ${first.replace(/ at line \d+, column \d+:?$/, '')}` : first;
}

/** Map keys that are not strings become strings, as YAMLToJSON writes them. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = normalise(v);
    return out;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v);
    return out;
  }
  return value;
}

/** The objects in one file's text; `source` names it in errors. */
export function decodeManifests(text: string, source: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return jsonStream(trimmed);
    } catch {
      // Not JSON after all; let the YAML reader report it.
    }
  }
  const out: unknown[] = [];
  for (const doc of splitDocuments(text)) {
    let value: unknown;
    try {
      value = yamlToJson(doc);
    } catch (error) {
      throw new Error(`error parsing ${source}: ${(error as Error).message}`);
    }
    if (value === null || value === undefined) continue;
    out.push(value);
  }
  return out;
}

/** Consecutive JSON values (json.Decoder over a stream). */
function jsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const end = jsonValueEnd(text, i);
    out.push(JSON.parse(text.slice(i, end)));
    i = end;
  }
  return out;
}

function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new SyntaxError('unexpected end of JSON input');
}

/** Lists in files (`kind: List`, `PodList`) stand for their items (FlattenListVisitor). */
export function flatten(objects: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const o of objects) {
    const obj = o as KObject;
    if (obj && typeof obj === 'object' && typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) out.push(...flatten(obj.items as unknown[]));
    else out.push(o);
  }
  return out;
}
