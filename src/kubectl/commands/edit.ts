/**
 * `kubectl edit (TYPE NAME | TYPE/NAME | -f FILE)`
 * (K:staging/src/k8s.io/kubectl/pkg/cmd/util/editor/editoptions.go, NormalEditMode):
 * the objects, fetched fresh, go to the editor as YAML (a `List` when there are
 * several) under a comment header; on save, nothing changed → "Edit cancelled,
 * no changes made."; an empty file → "Edit cancelled, saved file was empty.";
 * otherwise each changed object gets a two-way patch (strategic merge for
 * built-in kinds, JSON merge for custom resources). Objects the API server
 * finds invalid reopen the editor with its causes as comments; saving that
 * unchanged gives up, keeping the file.
 */
import { AggregateError, ExitError, StatusError } from '../errors.ts';
import { resolve, type Info } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, FILENAME_FLAGS, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import { fetchInfos } from '../fetch.ts';
import type { EditorIO } from '../io.ts';
import { decodeManifests, flatten, yamlToJson } from '../manifests.ts';
import { ResultPrinter, VALIDATE_FLAG, validationOf, writeQuery } from '../mutate.ts';
import { omitManagedFields } from '../printers/index.ts';
import { toJson } from '../printers/json.ts';
import { toYaml } from '../printers/yaml.ts';
import { schemaForKind, supportsStrategicMergePatch } from '../../api/patch/index.ts';
import { twoWayJsonMergePatch, twoWayStrategicPatch, type JsonMap } from '../apply/three-way.ts';
import { encodeObject, withLastApplied } from './apply.ts';

export const EDIT_HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

export const editCommand: Command = {
  name: 'edit',
  flags: [
    ...PRINT_FLAGS, ...FILENAME_FLAGS, VALIDATE_FLAG,
    { name: 'field-manager', type: 'string' },
    { name: 'output-patch', type: 'bool' },
    { name: 'record', type: 'bool' },
    { name: 'save-config', type: 'bool' },
    { name: 'subresource', type: 'string' },
    { name: 'windows-line-endings', type: 'bool' },
  ],
  run,
};

/** Why the file reopens: a head line and its causes (editReason). */
interface Reason {
  head: string;
  other: string[];
}

/** What one round of patching left (editResults). */
interface Results {
  reasons: Reason[];
  retryable: number;
  notfound: number;
  edit: number;
  file: string;
}

const newResults = (file = ''): Results => ({ reasons: [], retryable: 0, notfound: 0, edit: 0, file });

class Cancelled extends Error {}

async function run(inv: Invocation): Promise<number> {
  const { flags, io } = inv;
  const output = str(flags, 'output') || 'yaml';
  if (output !== 'yaml' && output !== 'json') {
    throw new Error(`unable to match a printer suitable for the output format ${JSON.stringify(output)}, allowed formats are: json,yaml`);
  }
  const validation = validationOf(inv);
  const subresource = str(flags, 'subresource') || undefined;
  const plan = await resolve({
    discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
    namespace: inv.namespace, enforceNamespace: inv.explicitNamespace,
    filenames: list(flags, 'filename'), recursive: bool(flags, 'recursive'), args: inv.args, allowEmptySelector: true,
  });
  const client = inv.client();
  const { infos, errors } = await fetchInfos(client, plan, { continueOnError: true, flatten: true });
  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateError(errors);
  if (subresource) {
    for (const info of infos) info.object = (await client.call('GET', resourcePath(info.mapping, info.namespace, info.name, subresource))) as KObject;
  }
  if (infos.length === 0) throw new Error('edit cancelled, no objects found');
  const editor = inv.ctx.editor;
  if (!editor) throw new Error('there is no editor here for kubectl edit');
  try {
    return await editLoop(inv, editor, infos, output, validation.directive, subresource);
  } catch (error) {
    // Ctrl-C while the editor is open: kubectl's interrupt handler (no final
    // handler of its own) exits 1. K:staging/src/k8s.io/kubectl/pkg/util/interrupt/interrupt.go
    if (error instanceof Cancelled) return 1;
    throw error;
  }
}

async function editLoop(inv: Invocation, editor: EditorIO, infos: Info[], output: 'yaml' | 'json', validation: string, subresource: string | undefined): Promise<number> {
  const { io, flags } = inv;
  const crlf = bool(flags, 'windows-line-endings');
  const ext = output === 'json' ? '.json' : '.yaml';
  const originalObj: KObject = infos.length === 1
    ? omitManagedFields(infos[0]!.object!)
    : { apiVersion: 'v1', items: infos.map((i) => omitManagedFields(i.object!)), kind: 'List', metadata: {} };
  const print = (obj: KObject) => (output === 'json' ? `${toJson(obj)}\n` : toYaml(obj));
  let results = newResults();
  let original = '';
  let edited = '';
  let containsError = false;
  // Preserves the user's file on the way out with an error (preservedFile).
  const keep = (error: Error, file: string): Error => {
    if (file) io.stderr(`A copy of your changes has been stored to ${JSON.stringify(file)}\n`);
    return error;
  };
  for (;;) {
    let buf = output === 'yaml' ? headerText(results.reasons) : '';
    if (!containsError) {
      buf += print(originalObj);
      original = buf;
    } else {
      buf += manualStrip(edited);
    }
    const previous = edited;
    const launched = editor.launch(crlf ? buf.replace(/\r?\n/g, '\r\n') : buf, ext, io.interrupted);
    let file: string;
    try {
      ({ text: edited, path: file } = await Promise.race([launched, io.interrupted.then(() => { throw new Cancelled(); })]));
    } catch (error) {
      if (error instanceof Cancelled) throw error;
      throw keep(error as Error, results.file);
    }
    if (containsError && stripComments(previous) === stripComments(edited)) {
      throw keep(new Error('Edit cancelled, no valid changes were saved.'), file);
    }
    if (results.file) editor.remove(results.file);

    if (stripComments(original) === stripComments(edited)) {
      editor.remove(file);
      io.stderr('Edit cancelled, no changes made.\n');
      return 0;
    }
    if (!hasLines(edited)) {
      editor.remove(file);
      io.stderr('Edit cancelled, saved file was empty.\n');
      return 0;
    }
    results = newResults(file);
    let updated: KObject[];
    try {
      updated = parseEdited(edited);
    } catch (error) {
      containsError = true;
      results.reasons.push({ head: `The edited file had a syntax error: ${(error as Error).message}`, other: [] });
      continue;
    }
    containsError = false;
    try {
      for (const obj of updated) requireNamespace(obj, infos, inv.namespace);
      if (bool(flags, 'save-config')) updated = updated.map(saveConfig);
      await visitToPatch(inv, infos, updated, results, validation, subresource);
    } catch (error) {
      throw keep(error as Error, results.file);
    }
    if (results.retryable > 0) {
      io.stderr(`You can run \`kubectl replace -f ${file}\` to try this update again.\n`);
      throw new ExitError('', 1);
    }
    if (results.notfound > 0) {
      io.stderr(`The edits you made on deleted resources have been saved to ${JSON.stringify(file)}\n`);
      throw new ExitError('', 1);
    }
    if (results.edit === 0) {
      editor.remove(file);
      return 0;
    }
    if (results.reasons.length > 0) containsError = true;
  }
}

async function visitToPatch(inv: Invocation, infos: Info[], updated: KObject[], results: Results, validation: string, subresource: string | undefined): Promise<void> {
  const { io, flags } = inv;
  const client = inv.client();
  const printer = new ResultPrinter(inv, 'none');
  for (const obj of updated) {
    const uid = obj.metadata?.uid;
    const info = infos.find((i) => i.object?.metadata?.uid === uid);
    if (!info) throw new Error(`no original object found for ${toJson(obj, '')}`);
    const before = omitManagedFields(info.object!);
    const after = omitManagedFields(obj);
    if (toJson(before, '') === toJson(after, '')) {
      printer.print(after, 'skipped');
      continue;
    }
    // mergepatch.RequireKeyUnchanged("apiVersion"/"kind"), RequireMetadataKeyUnchanged("name").
    if (before.apiVersion !== after.apiVersion || before.kind !== after.kind || before.metadata?.name !== after.metadata?.name) {
      throw new Error('At least one of apiVersion, kind and name was changed');
    }
    const gvk = { group: info.mapping.group, version: info.mapping.version, kind: info.mapping.kind };
    // kubectl's scheme knows the built-in kinds; anything else (custom resources) gets a JSON merge patch.
    const strategic = supportsStrategicMergePatch(gvk);
    const patch = strategic
      ? twoWayStrategicPatch(before as JsonMap, after as JsonMap, schemaForKind(gvk))
      : twoWayJsonMergePatch(before as JsonMap, after as JsonMap);
    const body = toJson(patch, '');
    if (bool(flags, 'output-patch')) io.stdout(`Patch: ${body}\n`);
    let patched: KObject;
    try {
      patched = (await client.call('PATCH', resourcePath(info.mapping, info.namespace, info.name, subresource), {
        query: writeQuery(str(flags, 'field-manager') || 'kubectl-edit', validation, 'none'),
        body,
        contentType: strategic ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json',
      })) as KObject;
    } catch (error) {
      io.stderr(`${addError(results, error, info)}\n`);
      continue;
    }
    printer.print(patched, 'edited');
  }
}

/** editResults.addError: invalid objects reopen the editor, missing ones end it, the rest suggest `kubectl replace`. */
function addError(results: Results, error: unknown, info: Info): string {
  const resource = info.mapping.group ? `${info.mapping.resource}.${info.mapping.group}` : info.mapping.resource;
  const name = JSON.stringify(info.name);
  if (error instanceof StatusError && error.reason === 'Invalid') {
    results.edit++;
    const causes = error.status.details?.causes ?? [];
    results.reasons.push({ head: `${resource} ${name} was not valid`, other: causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`) });
    return `error: ${resource} ${name} is invalid`;
  }
  if (error instanceof StatusError && error.reason === 'NotFound') {
    results.notfound++;
    return `error: ${resource} ${name} could not be found on the server`;
  }
  results.retryable++;
  return `error: ${resource} ${name} could not be patched: ${(error as Error).message}`;
}

/** The header, then each reason as comments (editHeader.writeTo). */
export function headerText(reasons: Reason[]): string {
  let out = EDIT_HEADER;
  for (const r of reasons) {
    out += r.other.length > 0 ? `# ${hashOnLineBreak(r.head)}:\n` : `# ${hashOnLineBreak(r.head)}\n`;
    for (const o of r.other) out += `# * ${hashOnLineBreak(o)}\n`;
    out += '#\n';
  }
  return out;
}

/** Continues a multi-line message as comments. */
function hashOnLineBreak(s: string): string {
  return s.replace(/\n(?!#)/g, '\n# ');
}

/** cmdutil.StripComments: the text as JSON (comments and layout gone), or without its comment lines when it does not parse. */
function stripComments(text: string): string {
  try {
    return toJson(yamlToJson(text), '');
  } catch {
    return manualStrip(text);
  }
}

/** cmdutil.ManualStrip: drops lines that are comments (but not `#!`). */
function manualStrip(text: string): string {
  return text.split('\n').filter((line) => !(line.trim().startsWith('#') && !line.trim().startsWith('#!'))).join('\n');
}

/** A line that is neither blank nor a comment. */
function hasLines(text: string): boolean {
  return text.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** The objects in the saved file, as the builder reads a stream named "edited-file". */
function parseEdited(text: string): KObject[] {
  const objects = flatten(decodeManifests(text, 'edited-file')) as KObject[];
  for (const obj of objects) {
    if (typeof obj !== 'object' || obj === null || typeof obj.kind !== 'string' || obj.kind === '') {
      throw new Error(`unable to decode "edited-file": Object 'Kind' is missing in '${toJson(obj, '')}'`);
    }
  }
  return objects;
}

/** resource.RequireNamespace: an edited object may not move to another namespace. */
function requireNamespace(obj: KObject, infos: Info[], namespace: string): void {
  const info = infos.find((i) => i.object?.metadata?.uid === obj.metadata?.uid);
  if (info && !info.mapping.namespaced) return;
  const ns = obj.metadata?.namespace ?? '';
  if (ns === '') {
    obj.metadata = { ...(obj.metadata ?? {}), namespace };
    return;
  }
  if (ns !== namespace) {
    throw new Error(`the namespace from the provided object ${JSON.stringify(ns)} does not match the namespace ${JSON.stringify(namespace)}. You must pass '--namespace=${ns}' to perform this operation.`);
  }
}

/** `--save-config`: the edited object recorded as its own last-applied configuration (CreateOrUpdateAnnotation). */
function saveConfig(obj: KObject): KObject {
  return withLastApplied(obj, encodeObject(withLastApplied(obj, undefined)));
}
