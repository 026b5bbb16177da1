/**
 * `-o/--output` as cli-runtime's PrintFlags understands it, and the printers
 * for whole objects (json, yaml, name, jsonpath, jsonpath-as-json,
 * custom-columns). Human-readable tables are printers/table.ts.
 */
import type { KObject } from '../client.ts';
import type { FlagValues } from '../flags.ts';
import type { FileSource } from '../io.ts';
import type { GoValue } from './go-fmt.ts';
import { goQuote, goSyntax, sprint } from './go-fmt.ts';
import { GoTemplate, TemplateExecError, TemplateParseError } from './go-template.ts';
import { JsonPath, JsonPathError } from './jsonpath.ts';
import { toJson } from './json.ts';
import { TabWriter } from './tabwriter.ts';
import { goSprint } from './values.ts';
import { toYaml } from './yaml.ts';

export type OutputKind = 'human' | 'wide' | 'json' | 'yaml' | 'name' | 'jsonpath' | 'jsonpath-as-json' | 'custom-columns' | 'go-template';

export interface OutputSpec {
  kind: OutputKind;
  template?: string;
  /** --allow-missing-template-keys (true unless set false): missing keys print as empty rather than fail. */
  allowMissingKeys?: boolean;
}

const TEMPLATE_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'go-template', 'go-template-file', 'template', 'templatefile'];
export const GENERIC_FORMATS = ['go-template', 'go-template-file', 'json', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'name', 'template', 'templatefile', 'yaml'];
export const GET_FORMATS = [...GENERIC_FORMATS, 'custom-columns', 'custom-columns-file', 'wide'].sort();

/**
 * Which printer `-o` (and `--template`) select; throws kubectl's error for an
 * unknown format. `allowed` is the command's list, as its error message prints it.
 */
export function parseOutput(output: string | undefined, template: string | undefined, allowed: string[] = GENERIC_FORMATS, allowMissingKeys = true): OutputSpec {
  const spec = parseFormat(output, template, allowed);
  return allowMissingKeys ? spec : { ...spec, allowMissingKeys };
}

function parseFormat(output: string | undefined, template: string | undefined, allowed: string[]): OutputSpec {
  let format = output ?? '';
  if (format === '' && template) format = 'go-template';
  if (format === '') return { kind: 'human' };
  if (format === 'wide' && allowed.includes('wide')) return { kind: 'wide' };
  if (format === 'json' || format === 'yaml' || format === 'name') return { kind: format };
  // With --template, -o must name the format alone (`-o go-template=X --template Y` matches no printer).
  const eq = template ? -1 : format.indexOf('=');
  const name = eq >= 0 ? format.slice(0, eq) : format;
  const value = eq >= 0 ? format.slice(eq + 1) : (template ?? '');
  if (name === 'custom-columns' && allowed.includes('custom-columns')) {
    if (!value) throw new Error('custom-columns format specified but no custom columns given');
    return { kind: 'custom-columns', template: value };
  }
  if (TEMPLATE_FORMATS.includes(name) && (eq >= 0 || template)) {
    if (!value) throw new Error('template format specified but no template given');
    if (name === 'jsonpath' || name === 'jsonpath-as-json') return { kind: name, template: value };
    if (name === 'go-template' || name === 'template') {
      parseGoTemplate(value);
      return { kind: 'go-template', template: value };
    }
  }
  if (TEMPLATE_FORMATS.includes(name) && !value && eq < 0) throw new Error('template format specified but no template given');
  throw new Error(`unable to match a printer suitable for the output format ${JSON.stringify(format)}, allowed formats are: ${allowed.join(',')}`);
}

/**
 * `-o go-template-file=FILE` (templatefile, jsonpath-file; FILE may also come
 * from --template): read FILE before anything else happens, as the print
 * flags do, and carry on as if its text had been given with -o.
 */
export async function readTemplateFile(flags: FlagValues, files: FileSource | undefined): Promise<void> {
  const output = flags.output;
  if (typeof output !== 'string') return;
  const eq = output.indexOf('=');
  const format = eq >= 0 ? output.slice(0, eq) : output;
  const kind = { 'go-template-file': 'go-template', templatefile: 'go-template', 'jsonpath-file': 'jsonpath' }[format];
  const template = typeof flags.template === 'string' ? flags.template : '';
  const path = template || (eq >= 0 ? output.slice(eq + 1) : '');
  if (!kind || !path) return;
  const type = await files?.stat(path);
  if (type === 'dir') throw new Error(`error reading --template ${path}, read ${path}: is a directory\n`);
  if (type !== 'file' || !files) throw new Error(`error reading --template ${path}, open ${path}: no such file or directory\n`);
  flags.output = kind;
  flags.template = await files.read(path);
}

/** Parses a Go template as GoTemplatePrintFlags.ToPrinter does, with its error text. */
function parseGoTemplate(template: string): GoTemplate {
  try {
    return new GoTemplate(template);
  } catch (error) {
    if (!(error instanceof TemplateParseError)) throw error;
    throw new Error(`error parsing template ${template}, ${error.message}\n`);
  }
}

/**
 * A printer failure after part of the output was written (a Go template that
 * fails midway prints what it had, then debugging help, to stdout).
 */
export class PrintError extends Error {
  constructor(message: string, readonly stdout: string) {
    super(message);
  }
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
  private template?: GoTemplate;

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
      case 'go-template': return this.goTemplate(obj);
      default: throw new Error(`${this.spec.kind} output is not supported in Statecraft yet`);
    }
  }

  private jsonpath(obj: KObject): string {
    const template = this.spec.template ?? '';
    let jp: JsonPath;
    try {
      jp = new JsonPath(template, this.spec.allowMissingKeys ?? true, this.spec.kind === 'jsonpath-as-json');
    } catch (error) {
      throw new Error(`error parsing jsonpath ${template}, ${(error as Error).message}\n`);
    }
    try {
      return jp.execute(obj);
    } catch (error) {
      if (!(error instanceof JsonPathError)) throw error;
      throw new Error(`error executing jsonpath ${JSON.stringify(template)}: Error executing template: ${error.message}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${template}\n\tobject given to jsonpath engine was:\n\t\t${goSyntax(JSON.parse(goJson(obj)) as GoValue)}\n\n\n`);
    }
  }

  /** GoTemplatePrinter.PrintObj: the object as JSON decoded into map[string]interface{}. */
  private goTemplate(obj: KObject): string {
    const template = this.spec.template ?? '';
    this.template ??= parseGoTemplate(template);
    const raw = goJson(obj);
    const data = JSON.parse(raw) as GoValue;
    let out = '';
    try {
      this.template.execute(data, (text) => (out += text), { missingKeyError: this.spec.allowMissingKeys === false });
    } catch (error) {
      if (!(error instanceof TemplateExecError)) throw error;
      out += `Error executing template: ${error.message}. Printing more information for debugging the template:\n`;
      out += `\ttemplate was:\n\t\t${template}\n\traw data was:\n\t\t${raw}\n\tobject given to template engine was:\n\t\t${sprint([data])}\n\n`;
      throw new PrintError(`error executing template ${goQuote(template)}: ${error.message}`, out);
    }
    return out;
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

/** encoding/json.Marshal of a decoded object: compact, keys sorted, <>& escaped. */
function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
