/**
 * `kubectl explain RESOURCE[.FIELD…]` from the server's OpenAPI v3 document,
 * rendered as kubectl 1.32's plaintext template renders it
 * (K:staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl):
 * KIND/VERSION (and GROUP), `FIELD: name <type>` with ENUM, DESCRIPTION
 * word-wrapped at 76/78 columns (go-wordwrap), FIELDS with types,
 * `-required-` and short enums, `--recursive` as an indented field tree.
 */
import { ExitError } from '../errors.ts';
import { bool, str, type Command } from '../command.ts';
import { NoMatchError } from '../discovery.ts';

type Schema = Record<string, unknown> & {
  $ref?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  enum?: unknown[];
  externalDocs?: { description?: string; url?: string };
};
type Doc = { paths?: Record<string, Record<string, Record<string, unknown>>>; components?: { schemas?: Record<string, Schema> } };
interface Gvk { group: string; version: string; kind: string }

class ExplainError extends Error {}

export const explainCommand: Command = {
  name: 'explain',
  flags: [
    { name: 'api-version', type: 'string' },
    { name: 'output', short: 'o', type: 'string' },
    { name: 'recursive', type: 'bool' },
  ],
  async run(inv) {
    const output = str(inv.flags, 'output') || 'plaintext';
    if (inv.args.length === 0) throw new Error('You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.');
    if (inv.args.length > 1) throw new Error('We accept only this format: explain RESOURCE');
    if (output !== 'plaintext' && output !== 'plaintext-openapiv2') throw new Error(`unrecognized format: ${output}`);
    if (output === 'plaintext-openapiv2') throw new Error('the plaintext-openapiv2 format is not available in Statecraft');
    const [resource, ...fieldPath] = inv.args[0]!.replace(/\.$/, '').split('.') as [string, ...string[]];
    let mapping;
    try {
      mapping = await inv.discovery().mappingFor(resource);
    } catch (error) {
      if (error instanceof NoMatchError) throw new ExitError(error.message);
      throw error;
    }
    let { group, version } = mapping;
    const apiVersion = str(inv.flags, 'api-version');
    if (apiVersion) {
      const slash = apiVersion.indexOf('/');
      [group, version] = slash >= 0 ? [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)] : ['', apiVersion];
    }
    const client = inv.client();
    const root = (await client.call('GET', '/openapi/v3')) as { paths?: Record<string, { serverRelativeURL?: string }> };
    const key = group === '' ? `api/${version}` : `apis/${group}/${version}`;
    const entry = root.paths?.[key];
    if (!entry?.serverRelativeURL) throw new Error(`couldn't find resource for "${group}/${version}, Resource=${mapping.resource}"`);
    const [p, q] = entry.serverRelativeURL.split('?', 2) as [string, string | undefined];
    const query: Record<string, string> = {};
    for (const pair of (q ?? '').split('&').filter(Boolean)) {
      const [k, v = ''] = pair.split('=', 2) as [string, string?];
      query[decodeURIComponent(k)] = decodeURIComponent(v);
    }
    const doc = (await client.call('GET', p, { query })) as Doc;
    const out = { text: '' };
    try {
      render(doc, { group, version, resource: mapping.resource }, fieldPath, bool(inv.flags, 'recursive'), out);
    } catch (error) {
      inv.io.stdout(out.text);
      if (error instanceof ExplainError) throw new Error(error.message);
      throw error;
    }
    inv.io.stdout(out.text);
    return 0;
  },
};

function render(doc: Doc, gvr: { group: string; version: string; resource: string }, fieldPath: string[], recursive: boolean, out: { text: string }): void {
  const prefix = gvr.group ? `/apis/${gvr.group}` : '/api';
  const candidates = [
    `${prefix}/${gvr.version}/${gvr.resource}`,
    `${prefix}/${gvr.version}/${gvr.resource}/{name}`,
    `${prefix}/${gvr.version}/namespaces/{namespace}/${gvr.resource}`,
    `${prefix}/${gvr.version}/namespaces/{namespace}/${gvr.resource}/{name}`,
  ];
  let gvk: Gvk | undefined;
  for (const path of candidates) {
    const element = doc.paths?.[path];
    if (!element) continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = element[method] as Record<string, unknown> | undefined;
      const found = op?.['x-kubernetes-group-version-kind'] as Gvk | undefined;
      if (found) {
        gvk = found;
        break;
      }
    }
    if (gvk) break;
  }
  if (!gvk) throw new ExplainError(`error: GVR (${gvr.group}/${gvr.version}, Resource=${gvr.resource}) not found in OpenAPI schema`);
  if (gvk.group) out.text += `GROUP:      ${gvk.group}\n`;
  out.text += `KIND:       ${gvk.kind}\nVERSION:    ${gvk.version}\n\n`;
  const schemas = doc.components?.schemas ?? {};
  let printed = false;
  for (const name of Object.keys(schemas).sort()) {
    const s = schemas[name]!;
    const gvks = (s['x-kubernetes-group-version-kind'] as Gvk[] | undefined) ?? [];
    if (!gvks.some((g) => g.group === gvk!.group && g.version === gvk!.version && g.kind === gvk!.kind && Object.keys(g).length === 3)) continue;
    const text = output(doc, s, fieldPath, recursive, {});
    if (!text) throw new ExplainError(`field "${fieldPath[fieldPath.length - 1]}" does not exist`);
    out.text += text;
    printed = true;
    break;
  }
  if (!printed) throw new ExplainError(`error: GVK ${gvk.group}/${gvk.version}, Kind=${gvk.kind} not found in OpenAPI schema`);
  out.text += '\n';
}

function resolveRef(ref: unknown, doc: Doc): Schema | undefined {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  let cur: unknown = doc;
  for (const k of ref.slice(1).split('/')) {
    if (k === '') continue;
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return typeof cur === 'object' && cur !== null ? (cur as Schema) : undefined;
}

const isSchemaMap = (ap: Schema['additionalProperties']): ap is Schema => typeof ap === 'object' && ap !== null;

function output(doc: Doc, schema: Schema, fieldPath: string[], recursive: boolean, history: Record<string, boolean>): string {
  const ref = schema.$ref ?? '';
  const next = { ...history, [ref]: true };
  const resolved = resolveRef(ref, doc) ?? schema;
  if (fieldPath.length === 0) {
    let text = 'DESCRIPTION:\n';
    text += `${indent(4, wrap(76, description(resolved, doc) || '<empty>'))}\n`;
    const ext = externalDocs(resolved);
    if (ext) text += `\n${ext}`;
    const fields = fieldList(doc, resolved, 1, recursive, {});
    if (fields) text += `FIELDS:\n${fields}`;
    return text;
  }
  if (ref && history[ref]) return '';
  const first = fieldPath[0]!;
  if (resolved.properties?.[first]) {
    const sub = resolved.properties[first]!;
    let text = '';
    if (fieldPath.length === 1) text += `FIELD: ${first} <${typeGuess(sub, doc)}>\n${extractEnum(sub, true, -1, 0)}\n\n`;
    return text + output(doc, sub, fieldPath.slice(1), recursive, {});
  }
  if (resolved.items) return output(doc, resolved.items, fieldPath, recursive, next);
  if (isSchemaMap(resolved.additionalProperties)) return output(doc, resolved.additionalProperties, fieldPath, recursive, next);
  for (const sub of resolved.allOf ?? []) {
    const text = output(doc, sub, fieldPath, recursive, next);
    if (text) return text;
  }
  return '';
}

function fieldList(doc: Doc, schema: Schema, level: number, recursive: boolean, history: Record<string, boolean>): string {
  const ref = schema.$ref ?? '';
  if (ref && history[ref]) return '';
  const next = { ...history, [ref]: true };
  const resolved = resolveRef(ref, doc) ?? schema;
  let text = '';
  for (const name of Object.keys(resolved.properties ?? {}).sort()) {
    text += fieldDetail(doc, resolved, name, recursive, level);
    if (recursive) text += fieldList(doc, resolved.properties![name]!, level + 1, recursive, next);
  }
  for (const sub of resolved.allOf ?? []) text += fieldList(doc, sub, level, recursive, next);
  if (resolved.items) text += fieldList(doc, resolved.items, level, recursive, next);
  if (isSchemaMap(resolved.additionalProperties)) text += fieldList(doc, resolved.additionalProperties, level, recursive, next);
  return text;
}

function fieldDetail(doc: Doc, schema: Schema, name: string, short: boolean, level: number): string {
  const pad = level * 2;
  const field = schema.properties![name]!;
  let text = `${indent(pad, name)}\t<${typeGuess(field, doc)}>`;
  if (schema.required?.includes(name)) text += ' -required-';
  text += extractEnum(field, false, 4, pad);
  text += '\n';
  if (!short) {
    text += `${indent(pad + 2, wrap(78 - pad, field.description || '<no description>'))}\n`;
    if (field.externalDocs) {
      text += `\n${indent(pad + 2, 'EXTERNAL DOCS:')}\n`;
      if (field.externalDocs.description) text += `${indent(pad + 4, wrap(76 - pad, field.externalDocs.description))}\n`;
      if (field.externalDocs.url) text += `${indent(pad + 4, `URL: ${field.externalDocs.url}`)}\n`;
    }
    text += '\n';
  }
  return text;
}

function description(schema: Schema, doc: Doc): string {
  const s = resolveRef(schema.$ref, doc) ?? schema;
  let text = s.description ? `${s.description}\n` : '';
  for (const sub of s.allOf ?? []) text += description(sub, doc);
  if (s.items) text += description(s.items, doc);
  if (isSchemaMap(s.additionalProperties)) text += description(s.additionalProperties, doc);
  return text;
}

function externalDocs(schema: Schema): string {
  const ext = schema.externalDocs;
  if (!ext) return '';
  let text = 'EXTERNAL DOCS:\n';
  if (ext.description) text += `${indent(4, wrap(76, ext.description))}\n`;
  if (ext.url) text += `${indent(4, `URL: ${ext.url}`)}\n`;
  return text;
}

function typeGuess(schema: Schema, doc: Doc): string {
  if (schema.items) return `[]${typeGuess(schema.items, doc)}`;
  if (isSchemaMap(schema.additionalProperties)) return `map[string]${typeGuess(schema.additionalProperties, doc)}`;
  if (schema.allOf && !schema.properties && schema.allOf.length === 1) return typeGuess(schema.allOf[0]!, doc);
  if (schema.$ref) {
    const refSchema = resolveRef(schema.$ref, doc);
    if (!refSchema || !refSchema.type || refSchema.type === 'object') {
      const name = schema.$ref.split('/').pop() ?? '';
      return name.split('.').pop() || 'Object';
    }
    return String(refSchema.type) || 'Object';
  }
  if (schema.type === 'object') return 'Object';
  // A real API server describes int-or-string fields by a $ref to IntOrString (type string).
  if (Array.isArray(schema.type)) return schema.type.includes('string') ? 'string' : String(schema.type[0] ?? 'Object');
  return schema.type || 'Object';
}

function extractEnum(schema: Schema, longView: boolean, limit: number, indentAmount: number): string {
  const values = schema.enum;
  if (!values || values.length === 0) return '';
  let text = longView ? 'ENUM:' : `\n${' '.repeat(indentAmount)}enum: `;
  for (let i = 0; i < values.length; i++) {
    if (limit > -1 && i >= limit) {
      text += ', ....';
      break;
    }
    if (i > 0 && !longView) text += ', ';
    else if (longView) text += '\n    ';
    const v = values[i];
    text += v === '' ? '""' : typeof v === 'string' ? v : JSON.stringify(v);
  }
  return text;
}

function indent(amount: number, text: string): string {
  const pad = ' '.repeat(amount);
  return pad + text.replace(/\n/g, `\n${pad}`);
}

/** mitchellh/go-wordwrap v1.0.1 WrapString: breaks at spaces, keeps newlines, never splits a word. */
export function wrap(limit: number, s: string): string {
  let out = '';
  let current = 0;
  let word = '';
  let space = '';
  let wordLen = 0;
  let spaceLen = 0;
  for (const ch of s) {
    if (ch === '\n') {
      if (wordLen === 0) {
        if (current + spaceLen > limit) current = 0;
        else {
          current += spaceLen;
          out += space;
        }
      } else {
        current += spaceLen + wordLen;
        out += space + word;
        word = '';
        wordLen = 0;
      }
      space = '';
      spaceLen = 0;
      out += ch;
      current = 0;
    } else if (/\s/u.test(ch) && ch !== '\u00a0') {
      if (spaceLen === 0 || wordLen > 0) {
        current += spaceLen + wordLen;
        out += space + word;
        space = '';
        spaceLen = 0;
        word = '';
        wordLen = 0;
      }
      space += ch;
      spaceLen++;
    } else {
      word += ch;
      wordLen++;
      if (current + spaceLen + wordLen > limit && wordLen < limit) {
        out += '\n';
        current = 0;
        space = '';
        spaceLen = 0;
      }
    }
  }
  if (wordLen === 0) {
    if (current + spaceLen <= limit) out += space;
  } else out += space + word;
  return out;
}
