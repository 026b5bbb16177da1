/**
 * What a command line points at, resolved as cli-runtime's resource.Builder
 * does: files (`-f`), selectors (`-l`, `--field-selector`, `--all`, or a bare
 * type as `get pods` has), `type/name` tuples, or a type and names
 * (`get pod a b`, `get pods,svc x` → `pods/x svc/x`), with its error texts.
 * Objects from files get their namespace from `-n` (or the context) when
 * they have none, and must match an explicit `-n`.
 */
import { AggregateError } from './errors.ts';
import type { KObject } from './client.ts';
import type { Discovery, Mapping } from './discovery.ts';
import type { FileSource } from './io.ts';
import { decodeManifests, expandPath, flatten } from './manifests.ts';
import { toJson } from './printers/json.ts';

export interface Info {
  mapping: Mapping;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
  /** The object from a file, or as fetched. */
  object?: KObject;
  source?: string;
}

export interface BuilderInput {
  discovery: Discovery;
  files?: FileSource;
  stdin?: () => Promise<string>;
  namespace: string;
  /** `-n` was given: objects from files must be in it. */
  enforceNamespace: boolean;
  allNamespaces?: boolean;
  filenames?: string[];
  recursive?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
  selectAll?: boolean;
  args?: string[];
  /** `get pods` lists (a bare type is an empty selector). */
  allowEmptySelector?: boolean;
  singleResourceType?: boolean;
  /** Client-side schema checks of file objects (`--validate` not false). */
  validate?: boolean;
}

export type Plan =
  | { type: 'selector'; mappings: Mapping[]; namespace: string; labelSelector: string; fieldSelector: string }
  | { type: 'items'; infos: Info[]; singleItemImplied: boolean; fromFiles: boolean; errors: Error[] };

export const MISSING_RESOURCE = `You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`;

export class MissingResourceError extends Error {
  constructor() {
    super(MISSING_RESOURCE);
  }
}

interface Tuple {
  resource: string;
  name: string;
}

function splitTypes(arg: string): string[] {
  return arg.split(',').filter((s) => s !== '');
}

export async function resolve(input: BuilderInput): Promise<Plan> {
  const errors: Error[] = [];
  const filenames = input.filenames ?? [];
  let args = [...(input.args ?? [])];
  const tuples: Tuple[] = [];
  let types: string[] = [];
  let names: string[] = [];
  let labelSelector = input.labelSelector?.trim() || undefined;
  const fieldSelector = input.fieldSelector?.trim() || undefined;
  if (input.selectAll && (labelSelector || fieldSelector)) errors.push(new Error("setting 'all' parameter but found a non empty selector. "));

  // normalizeMultipleResourcesArgs: `a,b x y` → a/x a/y b/x b/y.
  if (args.length >= 2 && splitTypes(args[0]!).length > 1) {
    const [typesArg, ...rest] = args as [string, ...string[]];
    args = splitTypes(typesArg).flatMap((t) => rest.map((n) => `${t}/${n}`));
  }
  const slashed = args.filter((a) => a.includes('/')).length;
  if (slashed > 0 && slashed !== args.length) {
    errors.push(new Error("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"));
  } else if (slashed > 0) {
    for (const a of args) {
      const seg = a.split('/');
      if (seg.length !== 2) {
        errors.push(new Error('arguments in resource/name form may not have more than one slash'));
        break;
      }
      const [resource, name] = seg as [string, string];
      if (!resource || !name || splitTypes(resource).length !== 1) {
        errors.push(new Error('arguments in resource/name form must have a single resource and name'));
        break;
      }
      tuples.push({ resource, name });
    }
  } else if (args.length > 0) {
    const expanded = await expandAliases(input.discovery, args[0]!);
    types = splitTypes(expanded);
    names = args.slice(1);
    if (args.length === 1 && labelSelector === undefined && input.allowEmptySelector) labelSelector = '';
  }

  // File arguments.
  const paths: { path: string; stdin: boolean }[] = [];
  let dir = false;
  for (const f of filenames) {
    if (f === '-') {
      if (paths.some((p) => p.stdin)) errors.push(new Error('standard input cannot be used for multiple arguments'));
      paths.push({ path: '-', stdin: true });
      continue;
    }
    if (/^https?:\/\//.test(f)) {
      errors.push(new Error(`reading manifests from URLs is not supported in Statecraft: ${f}`));
      continue;
    }
    if (!input.files) {
      errors.push(new Error(`the path ${JSON.stringify(f)} does not exist`));
      continue;
    }
    try {
      const expanded = await expandPath(input.files, f, input.recursive ?? false);
      if (expanded.length === 0) errors.push(new Error(`error reading [${f}]: recognized file extensions are [.json .yaml .yml]`));
      for (const p of expanded) paths.push({ path: p, stdin: false });
      if (expanded.length > 1) dir = true;
    } catch (error) {
      errors.push(error as Error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors);
  if (input.selectAll) labelSelector = '';

  if (paths.length > 0 || filenames.length > 0) {
    if (types.length > 0) throw new Error('when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
    if (names.length > 0) throw new Error('name cannot be provided when a path is specified');
    if (tuples.length > 0) throw new Error('resource/name arguments cannot be provided when a path is specified');
    const fileErrors: Error[] = [];
    const infos = await readInfos(input, paths, fileErrors, labelSelector);
    const stream = paths.some((p) => p.stdin);
    return { type: 'items', infos, singleItemImplied: !dir && !stream && paths.length === 1, fromFiles: true, errors: fileErrors };
  }
  if (labelSelector !== undefined || fieldSelector !== undefined) {
    if (names.length > 0) throw new Error('name cannot be provided when a selector is specified');
    if (tuples.length > 0) throw new Error('selectors and the all flag cannot be used when passing resource/name arguments');
    if (types.length === 0) throw new Error('at least one resource must be specified to use a selector');
    if (types.length > 1 && input.singleResourceType) throw new Error('you may only specify a single resource type');
    const mappings: Mapping[] = [];
    for (const t of types) {
      const m = await input.discovery.mappingFor(t);
      if (!mappings.some((x) => x.group === m.group && x.version === m.version && x.kind === m.kind)) mappings.push(m);
    }
    return { type: 'selector', mappings, namespace: input.allNamespaces ? '' : input.namespace, labelSelector: labelSelector ?? '', fieldSelector: fieldSelector ?? '' };
  }
  if (tuples.length > 0) {
    if (types.length > 0) throw new Error('you may not specify individual resources and bulk resources in the same call');
    const mappings = new Map<string, Mapping>();
    for (const t of tuples) if (!mappings.has(t.resource)) mappings.set(t.resource, await input.discovery.mappingFor(t.resource));
    if (input.singleResourceType && new Set([...mappings.values()].map((m) => `${m.group}/${m.resource}`)).size > 1) throw new Error('you may only specify a single resource type');
    const infos = tuples.map((t) => named(input, mappings.get(t.resource)!, t.name));
    return { type: 'items', infos, singleItemImplied: tuples.length === 1, fromFiles: false, errors: [] };
  }
  if (names.length > 0) {
    if (types.length === 0) throw new Error('you must provide a resource and a resource name together');
    if (types.length > 1) throw new Error('you must specify only one resource');
    const mapping = await input.discovery.mappingFor(types[0]!);
    return { type: 'items', infos: names.map((n) => named(input, mapping, n)), singleItemImplied: names.length === 1, fromFiles: false, errors: [] };
  }
  if (types.length > 0) {
    for (const t of types) await input.discovery.mappingFor(t);
    throw new Error('resource(s) were provided, but no name was specified');
  }
  throw new MissingResourceError();
}

function named(input: BuilderInput, mapping: Mapping, name: string): Info {
  if (!mapping.namespaced) return { mapping, namespace: '', name };
  if (input.allNamespaces) throw new Error('a resource cannot be retrieved by name across all namespaces');
  if (!input.namespace) throw new Error('namespace may not be empty when retrieving a resource by name');
  return { mapping, namespace: input.namespace, name };
}

/** `all` (a category) becomes its member types (Builder.ReplaceAliases). */
async function expandAliases(discovery: Discovery, arg: string): Promise<string> {
  const out: string[] = [];
  for (const part of arg.split(',')) {
    const members = await discovery.expandCategory(part);
    out.push(members ? members.join(',') : part);
  }
  return out.join(',');
}

async function readInfos(input: BuilderInput, paths: { path: string; stdin: boolean }[], errors: Error[], labelSelector: string | undefined): Promise<Info[]> {
  const infos: Info[] = [];
  for (const p of paths) {
    const source = p.stdin ? 'STDIN' : p.path;
    let text: string;
    try {
      text = p.stdin ? ((await input.stdin?.()) ?? '') : await input.files!.read(p.path);
    } catch (error) {
      errors.push(new Error(`error reading ${JSON.stringify(source)}: ${(error as Error).message}`));
      continue;
    }
    let docs: unknown[];
    try {
      docs = decodeManifests(text, source);
    } catch (error) {
      errors.push(error as Error);
      continue;
    }
    for (const doc of docs) {
      try {
        if (input.validate) validateKind(doc, source);
        for (const item of flatten([doc])) infos.push(await infoFor(input, item, source));
      } catch (error) {
        errors.push(error as Error);
      }
    }
  }
  if (labelSelector) return infos.filter((i) => matchesSelector(i.object?.metadata?.labels ?? {}, labelSelector));
  return infos;
}

/** The client-side check `--validate` does before anything else (getObjectKind). */
function validateKind(doc: unknown, source: string): void {
  const problems: string[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) problems.push('error decoding object');
  else {
    const o = doc as Record<string, unknown>;
    if (o.apiVersion === undefined || o.apiVersion === null) problems.push('apiVersion not set');
    else if (typeof o.apiVersion !== 'string') problems.push("apiVersion isn't string type");
    if (o.kind === undefined || o.kind === null) problems.push('kind not set');
    else if (typeof o.kind !== 'string') problems.push("kind isn't string type");
  }
  if (problems.length === 0) return;
  const text = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
  throw new Error(`error validating ${JSON.stringify(source)}: error validating data: ${text}; if you choose to ignore these errors, turn validation off with --validate=false`);
}

async function infoFor(input: BuilderInput, doc: unknown, source: string): Promise<Info> {
  const obj = doc as KObject;
  if (typeof obj !== 'object' || obj === null || typeof obj.kind !== 'string' || obj.kind === '') {
    throw new Error(`unable to decode ${JSON.stringify(source)}: Object 'Kind' is missing in '${toJson(doc, '')}'`);
  }
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace ?? '';
  const find = async () => (await input.discovery.resources()).find((r) => r.kind === obj.kind && r.group === group && r.version === version);
  let mapping = await find();
  if (!mapping) {
    // The kind may be new (a CRD applied a moment ago): the RESTMapper discovers again once.
    input.discovery.invalidate();
    mapping = await find();
  }
  if (!mapping) {
    throw new Error(`resource mapping not found for name: ${JSON.stringify(name)} namespace: ${JSON.stringify(namespace)} from ${JSON.stringify(source)}: no matches for kind ${JSON.stringify(obj.kind)} in version ${JSON.stringify(apiVersion)}\nensure CRDs are installed first`);
  }
  let ns = namespace;
  if (mapping.namespaced) {
    if (ns === '') {
      ns = input.namespace;
      obj.metadata = { ...(obj.metadata ?? {}), namespace: ns };
    } else if (input.enforceNamespace && ns !== input.namespace) {
      throw new Error(`the namespace from the provided object ${JSON.stringify(ns)} does not match the namespace ${JSON.stringify(input.namespace)}. You must pass '--namespace=${ns}' to perform this operation.`);
    }
  }
  return { mapping, namespace: mapping.namespaced ? ns : '', name, object: obj, source };
}

/** Equality-based label selectors for objects from files (`-l` with `-f`). */
function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  return selector.split(',').every((req) => {
    const r = req.trim();
    const ne = /^([^!=]+)!=(.*)$/.exec(r);
    if (ne) return labels[ne[1]!.trim()] !== ne[2]!.trim();
    const eq = /^([^=]+)==?(.*)$/.exec(r);
    if (eq) return labels[eq[1]!.trim()] === eq[2]!.trim();
    if (r.startsWith('!')) return !(r.slice(1) in labels);
    return r === '' || r in labels;
  });
}
