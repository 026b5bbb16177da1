/**
 * `kubectl label` and `kubectl annotate` (K:…/kubectl/pkg/cmd/label,
 * …/annotate): `key=value` to set, `key-` to remove, `--overwrite` to change
 * an existing value (else kubectl's error), sent as a JSON merge patch.
 */
import { AggregateError } from '../errors.ts';
import { resolve } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import { fetchInfos } from '../fetch.ts';
import { dryRunOf, ResultPrinter, writeQuery } from '../mutate.ts';
import { toJson } from '../printers/json.ts';
import { isValidLabelValue } from '../../shim/validation.ts';

const FLAGS = [
  ...PRINT_FLAGS, ...FILENAME_FLAGS, DRY_RUN_FLAG,
  { name: 'all', type: 'bool' as const },
  { name: 'all-namespaces', short: 'A', type: 'bool' as const },
  { name: 'field-manager', type: 'string' as const },
  { name: 'field-selector', type: 'string' as const },
  { name: 'list', type: 'bool' as const },
  { name: 'local', type: 'bool' as const },
  { name: 'overwrite', type: 'bool' as const },
  { name: 'resource-version', type: 'string' as const },
  { name: 'selector', short: 'l', type: 'string' as const },
];

/** cmdutil.GetResourcesAndPairs: resources first, then `k=v`/`k-` pairs. */
function resourcesAndPairs(args: string[], pairType: string): [string[], string[]] {
  const resources: string[] = [];
  const pairs: string[] = [];
  for (const s of args) {
    const pair = (s.includes('=') && s[0] !== '=') || (s.endsWith('-') && s !== '-');
    if (pair) pairs.push(s);
    else if (pairs.length > 0) throw new Error(`all resources must be specified before ${pairType} changes: ${s}`);
    else resources.push(s);
  }
  return [resources, pairs];
}

function parseLabels(specs: string[]): [Record<string, string>, string[]] {
  const labels: Record<string, string> = {};
  const remove: string[] = [];
  for (const spec of specs) {
    if (spec.includes('=')) {
      const parts = spec.split('=');
      if (parts.length !== 2) throw new Error(`invalid label spec: ${spec}`);
      const errs = isValidLabelValue(parts[1]!);
      if (errs.length > 0) throw new Error(`invalid label value: ${JSON.stringify(spec)}: ${errs.join(';')}`);
      labels[parts[0]!] = parts[1]!;
    } else if (spec.endsWith('-')) remove.push(spec.slice(0, -1));
    else throw new Error(`unknown label spec: ${spec}`);
  }
  if (remove.some((r) => r in labels)) throw new Error('can not both modify and remove a label in the same command');
  return [labels, remove];
}

function parseAnnotations(specs: string[]): [Record<string, string>, string[]] {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq >= 0) {
      if (eq === 0) invalid.push(spec);
      else set[spec.slice(0, eq)] = spec.slice(eq + 1);
    } else if (spec.endsWith('-')) remove.push(spec.slice(0, -1));
    else invalid.push(spec);
  }
  if (invalid.length > 0) throw new Error(`invalid annotation format: ${invalid.join(', ')}`);
  const both = remove.filter((r) => r in set);
  if (both.length > 0) throw new Error(`can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`);
  return [set, remove];
}

function makeCommand(kind: 'label' | 'annotate'): Command {
  const field = kind === 'label' ? 'labels' : 'annotations';
  return {
    name: kind,
    flags: FLAGS,
    async run(inv: Invocation) {
      const { flags, io } = inv;
      const [resources, pairs] = resourcesAndPairs(inv.args, kind === 'label' ? 'label' : 'annotation');
      const filenames = list(flags, 'filename');
      if (resources.length < 1 && filenames.length === 0) throw new Error('one or more resources must be specified as <resource> <name> or <resource>/<name>');
      const [set, remove] = kind === 'label' ? parseLabels(pairs) : parseAnnotations(pairs);
      if (Object.keys(set).length < 1 && remove.length < 1 && !bool(flags, 'list')) throw new Error(`at least one ${kind === 'label' ? 'label' : 'annotation'} update is required`);
      const dryRun = dryRunOf(inv);
      const overwrite = bool(flags, 'overwrite');
      const printer = new ResultPrinter(inv, dryRun);
      const allNamespaces = bool(flags, 'all-namespaces');
      const plan = await resolve({
        discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
        namespace: allNamespaces ? '' : inv.namespace, enforceNamespace: inv.explicitNamespace, allNamespaces,
        filenames, recursive: bool(flags, 'recursive'), labelSelector: str(flags, 'selector'), fieldSelector: str(flags, 'field-selector'),
        selectAll: bool(flags, 'all'), args: resources, allowEmptySelector: bool(flags, 'all'),
      });
      const client = inv.client();
      const { infos, errors } = await fetchInfos(client, plan, { continueOnError: true, flatten: true });
      for (const info of infos) {
        try {
          const obj = info.object!;
          const current = { ...((obj.metadata?.[field] as Record<string, string> | undefined) ?? {}) };
          if (bool(flags, 'list')) {
            for (const k of Object.keys(current).sort()) io.stdout(`${k}=${current[k]}\n`);
            continue;
          }
          if (!overwrite) {
            const conflicts = Object.entries(set).filter(([k, v]) => k in current && current[k] !== v && k !== 'kubernetes.io/change-cause');
            if (conflicts.length > 0) {
              if (kind === 'label') throw new AggregateError(conflicts.map(([k]) => new Error(`'${k}' already has a value (${current[k]}), and --overwrite is false`)));
              throw new Error(`--overwrite is false but found the following declared annotation(s): ${conflicts.map(([k]) => `'${k}' already has a value (${current[k]})`).join('; ')}`);
            }
          }
          if (kind === 'label' && dryRun === 'none') {
            for (const r of remove) if (!(r in current)) io.stdout(`label ${JSON.stringify(r)} not found.\n`);
          }
          const updated = { ...current, ...set };
          for (const r of remove) delete updated[r];
          const newObj: KObject = { ...obj, metadata: { ...obj.metadata, [field]: updated } };
          const oldText = toJson(obj, '');
          const newText = toJson(newObj, '');
          let operation = kind === 'label' ? 'labeled' : 'annotated';
          if (kind === 'label') {
            if (oldText === newText) operation = 'not labeled';
            else if (!overwrite && newText.length < oldText.length) operation = 'unlabeled';
          }
          let out = newObj;
          if (dryRun !== 'client') {
            const patch: Record<string, unknown> = { metadata: { [field]: mergePatchOf(current, updated, obj.metadata?.[field] === undefined) } };
            if (str(flags, 'resource-version')) (patch.metadata as Record<string, unknown>).resourceVersion = str(flags, 'resource-version');
            out = (await client.call('PATCH', resourcePath(info.mapping, info.namespace, info.name), {
              query: writeQuery(str(flags, 'field-manager') || `kubectl-${kind}`, undefined, dryRun),
              body: oldText === newText ? '{}' : toJson(patch, ''),
              contentType: 'application/merge-patch+json',
            })) as KObject;
          }
          printer.print(out, operation);
        } catch (error) {
          errors.push(error as Error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors);
      return 0;
    },
  };
}

/** The merge patch from one label map to another (evanphx CreateMergePatch on the objects). */
function mergePatchOf(before: Record<string, string>, after: Record<string, string>, wasAbsent: boolean): Record<string, string | null> {
  if (wasAbsent) return after;
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) patch[k] = v;
  for (const k of Object.keys(before)) if (!(k in after)) patch[k] = null;
  return patch;
}

export const labelCommand = makeCommand('label');
export const annotateCommand = makeCommand('annotate');
