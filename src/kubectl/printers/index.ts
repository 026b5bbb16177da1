/**
 * `-o/--output` as cli-runtime's PrintFlags understands it, and the printers
 * for whole objects (json, yaml, name, jsonpath, jsonpath-as-json,
 * custom-columns). Human-readable tables are printers/table.ts.
 */
import type { KObject } from '../client.ts';
import { JsonPath, JsonPathError } from './jsonpath.ts';
import { toJson } from './json.ts';
import { TabWriter } from './tabwriter.ts';
import { goSprint } from './values.ts';
import { toYaml } from './yaml.ts';

export type OutputKind = 'human' | 'wide' | 'json' | 'yaml' | 'name' | 'jsonpath' | 'jsonpath-as-json' | 'custom-columns' | 'go-template';

export interface OutputSpec {
  kind: OutputKind;
  template?: string;
}

const TEMPLATE_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'go-template', 'go-template-file', 'template', 'templatefile'];
export const GENERIC_FORMATS = ['go-template', 'go-template-file', 'json', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'name', 'template', 'templatefile', 'yaml'];
export const GET_FORMATS = [...GENERIC_FORMATS, 'custom-columns', 'custom-columns-file', 'wide'].sort();

/**
 * Which printer `-o` (and `--template`) select; throws kubectl's error for an
 * unknown format. `allowed` is the command's list, as its error message prints it.
 */
export function parseOutput(output: string | undefined, template: string | undefined, allowed: string[] = GENERIC_FORMATS): OutputSpec {
  let format = output ?? '';
  if (format === '' && template) format = 'go-template';
  if (format === '') return { kind: 'human' };
  if (format === 'wide' && allowed.includes('wide')) return { kind: 'wide' };
  if (format === 'json' || format === 'yaml' || format === 'name') return { kind: format };
  const eq = format.indexOf('=');
  const name = eq >= 0 ? format.slice(0, eq) : format;
  let value = eq >= 0 ? format.slice(eq + 1) : (template ?? '');
  if (template) value = template;
  if (name === 'custom-columns' && allowed.includes('custom-columns')) {
    if (!value) throw new Error('custom-columns format specified but no custom columns given');
    return { kind: 'custom-columns', template: value };
  }
  if (TEMPLATE_FORMATS.includes(name) && (eq >= 0 || template)) {
    if (!value) throw new Error('template format specified but no template given');
    if (name === 'jsonpath' || name === 'jsonpath-as-json') return { kind: name, template: value };
    if (name === 'go-template' || name === 'template') return { kind: 'go-template', template: value };
  }
  if (TEMPLATE_FORMATS.includes(name) && !value && eq < 0) throw new Error('template format specified but no template given');
  throw new Error(`unable to match a printer suitable for the output format ${JSON.stringify(format)}, allowed formats are: ${allowed.join(',')}`);
}

/** kubectl hides managedFields unless --show-managed-fields. */
export function omitManagedFields(obj: KObject): KObject {
  const strip = (o: KObject): KObject => {
    if (!o.metadata || !('managedFields' in o.metadata)) return o;
    const { managedFields: _, ...metadata } = o.metadata;
    return { ...o, metadata };
  };
  if (Array.isArray(obj.items)) return { ...obj, items: (obj.items as KObject[]).map(strip) };
  return strip(obj);
}

/** `kind[.group]/name` (NamePrinter), with an operation such as `created`. */
export function nameLine(obj: KObject, operation?: string): string {
  const kind = obj.kind ?? '';
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const name = obj.metadata?.name || '<unknown>';
  const prefix = group ? `${kind.toLowerCase()}.${group}` : kind.toLowerCase();
  return `${prefix}/${name}${operation ? ` ${operation}` : ''}\n`;
}

export function isList(obj: KObject): boolean {
  return Array.isArray(obj.items) && (obj.kind?.endsWith('List') ?? false);
}

/** A printer for whole objects; several calls to one printer behave as kubectl's (yaml `---` separators). */
export class ObjectPrinter {
  private count = 0;
  private columnsHeaderPrinted = false;

  constructor(readonly spec: OutputSpec, private readonly options: { showManagedFields?: boolean; noHeaders?: boolean; operation?: string } = {}) {}

  print(object: KObject): string {
    const obj = this.options.showManagedFields ? object : omitManagedFields(object);
    switch (this.spec.kind) {
      case 'json': return `${toJson(obj)}\n`;
      case 'yaml': return `${this.count++ > 0 ? '---\n' : ''}${toYaml(obj)}`;
      case 'name': return (isList(obj) ? (obj.items as KObject[]) : [obj]).map((o) => nameLine(o, this.options.operation)).join('');
      case 'jsonpath':
      case 'jsonpath-as-json': return this.jsonpath(obj);
      case 'custom-columns': return this.customColumns(obj);
      default: throw new Error(`${this.spec.kind} output is not supported in Statecraft yet`);
    }
  }

  private jsonpath(obj: KObject): string {
    const template = this.spec.template ?? '';
    let jp: JsonPath;
    try {
      jp = new JsonPath(template, true, this.spec.kind === 'jsonpath-as-json');
    } catch (error) {
      throw new Error(`error parsing jsonpath ${template}, ${(error as Error).message}\n`);
    }
    try {
      return jp.execute(obj);
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error;
      throw new Error(`error executing jsonpath ${JSON.stringify(template)}: Error executing template: ${error.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${template}\n\tobject given to jsonpath engine was:\n\t\t${goSprint(obj)}\n\n\n`);
    }
  }

  private customColumns(obj: KObject): string {
    const columns = parseCustomColumns(this.spec.template ?? '');
    let out = '';
    const tw = new TabWriter((t) => (out += t));
    if (!this.options.noHeaders && !this.columnsHeaderPrinted) {
      tw.write(`${columns.map((c) => c.header).join('\t')}\n`);
      this.columnsHeaderPrinted = true;
    }
    const items = isList(obj) ? (obj.items as KObject[]) : [obj];
    for (const item of items) {
      const cells = columns.map((c) => {
        const results = c.path.results(item);
        const texts = results.length === 0 || results[0]!.length === 0 ? ['<none>'] : [];
        texts.push(...results.flat().map((v) => goSprint(v).replace(/\x1b/g, '^[')));
        return texts.join(',');
      });
      tw.write(`${cells.join('\t')}\n`);
    }
    tw.flush();
    return out;
  }
}

interface Column {
  header: string;
  spec: string;
  path: JsonPath;
}

/** `NAME:.metadata.name,IP:.status.podIP` (NewCustomColumnsPrinterFromSpec). */
export function parseCustomColumns(spec: string): Column[] {
  if (!spec) throw new Error('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw new Error(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    const path = relaxedJsonPath(part.slice(colon + 1));
    return { header: part.slice(0, colon), spec: path, path: new JsonPath(path) };
  });
}

/** `name1.name2`, `.name1.name2`, `{name1.name2}` all mean `{.name1.name2}` (RelaxedJSONPathExpression). */
export function relaxedJsonPath(expr: string): string {
  if (expr === '') return expr;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expr);
  if (!m) throw new Error("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `{.${m[1] ?? m[2]}}`;
}
