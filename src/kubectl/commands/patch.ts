/**
 * `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`
 * (K:…/kubectl/pkg/cmd/patch/patch.go): the patch may be YAML or JSON;
 * `patched`, or `patched (no change)` when the object came back unchanged.
 */
import { AggregateError, StatusError } from '../errors.ts';
import { resolve } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, list, PRINT_FLAGS, str, type Command } from '../command.ts';
import { groupVersion } from '../discovery.ts';
import { fetchInfos } from '../fetch.ts';
import { yamlToJson } from '../manifests.ts';
import { dryRunOf, ResultPrinter, writeQuery } from '../mutate.ts';
import { toJson } from '../printers/json.ts';
import { applyPatch, schemaForKind } from '../../api/patch/index.ts';

const PATCH_TYPES: Record<string, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export const patchCommand: Command = {
  name: 'patch',
  flags: [
    ...PRINT_FLAGS, ...FILENAME_FLAGS, DRY_RUN_FLAG,
    { name: 'field-manager', type: 'string' },
    { name: 'local', type: 'bool' },
    { name: 'patch', short: 'p', type: 'string' },
    { name: 'patch-file', type: 'string' },
    { name: 'subresource', type: 'string' },
    { name: 'type', type: 'string' },
  ],
  async run(inv) {
    const { flags, io } = inv;
    const dryRun = dryRunOf(inv);
    const type = str(flags, 'type') || 'strategic';
    const contentType = PATCH_TYPES[type];
    if (!contentType) throw new Error(`--type must be one of [json merge strategic], not ${JSON.stringify(type)}`);
    let text = str(flags, 'patch');
    const patchFile = str(flags, 'patch-file');
    if (!text && !patchFile) throw new Error('must specify --patch or --patch-file containing the contents of the patch');
    if (text && patchFile) throw new Error('--patch and --patch-file are mutually exclusive');
    if (patchFile) {
      if (!inv.ctx.files || (await inv.ctx.files.stat(patchFile)) !== 'file') throw new Error(`unable to read patch file: open ${patchFile}: no such file or directory`);
      text = await inv.ctx.files.read(patchFile);
    }
    let body: string;
    try {
      body = toJson(yamlToJson(text), '');
    } catch (error) {
      throw new Error(`unable to parse ${JSON.stringify(text)}: ${(error as Error).message.replace(/^error converting YAML to JSON: /, '')}`);
    }
    if (bool(flags, 'local')) throw new Error('--local is not available in Statecraft');
    // Upstream's patch prints `patched` even for a dry run: its print flags are not given the dry-run strategy.
    const printer = new ResultPrinter(inv, 'none');
    const plan = await resolve({
      discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
      namespace: inv.namespace, enforceNamespace: inv.explicitNamespace,
      filenames: list(flags, 'filename'), recursive: bool(flags, 'recursive'), args: inv.args,
    });
    const client = inv.client();
    const { infos, errors } = await fetchInfos(client, plan, { continueOnError: true, flatten: true });
    let count = errors.length;
    for (const info of infos) {
      count++;
      try {
        const before = info.object!;
        const subresource = str(flags, 'subresource') || undefined;
        // A client dry run patches the fetched object here and sends nothing (upstream's getPatchedJSON).
        const patched = dryRun === 'client'
          ? patchLocally(before, body, contentType, { group: info.mapping.group, version: info.mapping.version, kind: info.mapping.kind })
          : ((await client.call('PATCH', resourcePath(info.mapping, info.namespace, info.name, subresource), {
            query: writeQuery(str(flags, 'field-manager') || 'kubectl-patch', undefined, dryRun),
            body,
            contentType,
          })) as KObject);
        const changed = toJson(before, '') !== toJson(patched, '');
        printer.print(patched, changed ? 'patched' : 'patched (no change)');
      } catch (error) {
        if (error instanceof StatusError && error.reason === 'UnsupportedMediaType') {
          const gvk = `${groupVersion(info.mapping).includes('/') ? groupVersion(info.mapping) : `/${groupVersion(info.mapping)}`}, Kind=${info.mapping.kind}`;
          errors.push(new Error(`${contentType} is not supported by ${gvk}: ${error.message}`));
        } else errors.push(error as Error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors);
    if (count === 0) throw new Error('no objects passed to patch');
    return 0;
  },
};

function patchLocally(live: KObject, body: string, contentType: string, gvk: { group: string; version: string; kind: string }): KObject {
  if (contentType === PATCH_TYPES.strategic && schemaForKind(gvk) === undefined) {
    throw new Error(`strategic merge patch is not supported for ${gvk.group ? `${gvk.group}/` : ''}${gvk.version}, Kind=${gvk.kind} locally, try --type merge`);
  }
  return applyPatch(contentType, live, body, gvk) as KObject;
}
