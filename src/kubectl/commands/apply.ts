/**
 * `kubectl apply -f` (K:staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go):
 * client-side apply by default — the manifest is recorded in the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation, a missing
 * object is created, an existing one gets the three-way patch (nothing sent
 * when it is empty: `unchanged`) — and `--server-side` apply.
 */
import { AggregateError, isNotFound, StatusError } from '../errors.ts';
import { resolve, type Info } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import { schemaForKind, supportsStrategicMergePatch } from '../../api/patch/index.ts';
import { addSourceToErr, dryRunOf, infoString, ResultPrinter, VALIDATE_FLAG, validationOf, writeQuery, type DryRun } from '../mutate.ts';
import { toJson } from '../printers/json.ts';
import { threeWayJsonMergePatch, threeWayStrategicPatch, type JsonMap } from '../apply/three-way.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export const applyCommand: Command = {
  name: 'apply',
  flags: [
    ...PRINT_FLAGS, ...FILENAME_FLAGS, DRY_RUN_FLAG, VALIDATE_FLAG,
    { name: 'all', type: 'bool' },
    { name: 'cascade', type: 'string', noOptDefault: 'background' },
    { name: 'field-manager', type: 'string' },
    { name: 'force', type: 'bool' },
    { name: 'force-conflicts', type: 'bool' },
    { name: 'grace-period', type: 'int' },
    { name: 'openapi-patch', type: 'bool' },
    { name: 'overwrite', type: 'bool' },
    { name: 'prune', type: 'bool' },
    { name: 'prune-allowlist', type: 'stringArray' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'server-side', type: 'bool' },
    { name: 'subresource', type: 'string' },
    { name: 'timeout', type: 'duration' },
    { name: 'wait', type: 'bool' },
  ],
  run,
};

/** GetModifiedConfiguration's encoding: compact, sorted, HTML-escaped JSON plus a newline. */
export function encodeObject(obj: unknown): string {
  return `${toJson(obj, '')}\n`;
}

/** The object with `annotations` as kubectl sets them: the last-applied one removed (or set to `value`). */
export function withLastApplied(obj: KObject, value: string | undefined): KObject {
  const annotations: Record<string, string> = { ...(obj.metadata?.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  if (value !== undefined) annotations[LAST_APPLIED] = value;
  return { ...obj, metadata: { ...(obj.metadata ?? {}), annotations } };
}

async function run(inv: Invocation): Promise<number> {
  const { flags } = inv;
  const filenames = list(flags, 'filename');
  if (filenames.length === 0 && !str(flags, 'kustomize')) throw new Error('must specify one of -f and -k');
  if (str(flags, 'kustomize')) throw new Error('kustomize (-k) is not available in Statecraft');
  if (bool(flags, 'prune')) throw new Error('--prune is not available in Statecraft');
  const dryRun = dryRunOf(inv);
  const validation = validationOf(inv);
  const serverSide = bool(flags, 'server-side');
  const printer = new ResultPrinter(inv, dryRun);
  const plan = await resolve({
    discovery: inv.discovery(), files: inv.ctx.files, stdin: inv.io.stdin?.bind(inv.io),
    namespace: inv.namespace, enforceNamespace: inv.explicitNamespace, filenames, recursive: bool(flags, 'recursive'),
    labelSelector: str(flags, 'selector'), validate: validation.directive !== 'Ignore',
  });
  if (plan.type !== 'items') throw new Error('must specify one of -f and -k');
  const errors: Error[] = [...plan.errors];
  if (plan.infos.length === 0 && errors.length === 0) throw new Error('no objects passed to apply');
  for (const info of plan.infos) {
    try {
      if (serverSide) await applyServerSide(inv, info, dryRun, validation.directive, printer);
      else await applyOne(inv, info, dryRun, validation.directive, printer);
    } catch (error) {
      errors.push(error as Error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors);
  return 0;
}

async function applyOne(inv: Invocation, info: Info, dryRun: DryRun, validation: string, printer: ResultPrinter): Promise<void> {
  const client = inv.client();
  const obj = info.object!;
  if (!info.name) {
    const generateName = obj.metadata?.generateName;
    if (generateName) throw new Error(`from ${generateName}: cannot use generate name with apply`);
  }
  const lastApplied = encodeObject(withLastApplied(obj, undefined));
  const modified = withLastApplied(obj, lastApplied);
  const fieldManager = str(inv.flags, 'field-manager') || 'kubectl-client-side-apply';
  const path = resourcePath(info.mapping, info.namespace, info.name);
  let current: KObject;
  try {
    current = (await client.call('GET', path)) as KObject;
  } catch (error) {
    if (!isNotFound(error)) throw addSourceToErr(`retrieving current configuration of:\n${infoString(info)}\nfrom server for:`, info.source, error);
    let created = modified;
    if (dryRun !== 'client') {
      try {
        created = (await client.call('POST', resourcePath(info.mapping, info.namespace), { query: writeQuery(fieldManager, validation, dryRun), body: modified })) as KObject;
      } catch (e) {
        throw addSourceToErr('creating', info.source, e);
      }
    }
    printer.print(created, 'created');
    return;
  }
  if (dryRun === 'client') {
    printer.print(modified, 'configured');
    return;
  }
  const annotations = current.metadata?.annotations ?? {};
  if (!(LAST_APPLIED in annotations)) {
    inv.io.stderr(`Warning: resource ${info.mapping.resource}/${info.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`);
  }
  const original = annotations[LAST_APPLIED] ? (JSON.parse(annotations[LAST_APPLIED]) as JsonMap) : {};
  const gvk = { group: info.mapping.group, version: info.mapping.version, kind: info.mapping.kind };
  const strategic = supportsStrategicMergePatch(gvk);
  const patch = strategic
    ? threeWayStrategicPatch(original, modified as JsonMap, current as JsonMap, schemaForKind(gvk))
    : threeWayJsonMergePatch(original, modified as JsonMap, current as JsonMap);
  if (Object.keys(patch).length === 0) {
    printer.print(current, 'unchanged');
    return;
  }
  let patched: KObject;
  try {
    patched = (await client.call('PATCH', path, {
      query: writeQuery(fieldManager, validation, dryRun),
      body: toJson(patch, ''),
      contentType: strategic ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json',
    })) as KObject;
  } catch (error) {
    const message = `applying patch:\n${toJson(patch, '')}\nto:\n${infoString(info)}\nfor:`;
    if (error instanceof StatusError) throw addSourceToErr(message, info.source, new StatusError({ ...error.status, message: `error when patching ${JSON.stringify(info.source ?? '')}: ${error.message}` }));
    throw addSourceToErr(message, info.source, error);
  }
  printer.print(patched, 'configured');
}

async function applyServerSide(inv: Invocation, info: Info, dryRun: DryRun, validation: string, printer: ResultPrinter): Promise<void> {
  if (dryRun === 'client') throw new Error('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
  const client = inv.client();
  const query = writeQuery(str(inv.flags, 'field-manager') || 'kubectl', validation, dryRun);
  query.force = bool(inv.flags, 'force-conflicts') ? 'true' : 'false';
  const obj = (await client.call('PATCH', resourcePath(info.mapping, info.namespace, info.name), {
    query, body: toJson(info.object, ''), contentType: 'application/apply-patch+yaml',
  })) as KObject;
  printer.print(obj, 'serverside-applied');
}
