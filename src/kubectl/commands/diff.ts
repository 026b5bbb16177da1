/**
 * `kubectl diff -f` (K:staging/src/k8s.io/kubectl/pkg/cmd/diff/diff.go): for
 * each object in the files, the LIVE version (absent when it does not exist)
 * against the MERGED one, which is what the API server answers to the apply
 * done as a dry run (dryRun=All): a create of the file's object, the
 * client-side three-way patch of `kubectl apply`, or `--server-side` apply.
 * Both are dumped as YAML without managedFields and compared with
 * `diff -u -N` over two temporary directories. Exit status: 0 when nothing
 * differs, 1 when something does, above 1 on errors (CheckDiffErr adds one).
 */
import { resolve, type Info } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, FILENAME_FLAGS, list, str, type Command, type Invocation } from '../command.ts';
import { AggregateError, formatError, isNotFound } from '../errors.ts';
import { addSourceToErr, infoString } from '../mutate.ts';
import { schemaForKind, supportsStrategicMergePatch } from '../../api/patch/index.ts';
import { threeWayJsonMergePatch, threeWayStrategicPatch, type JsonMap } from '../apply/three-way.ts';
import { omitManagedFields } from '../printers/index.ts';
import { toJson } from '../printers/json.ts';
import { toYaml } from '../printers/yaml.ts';
import { unifiedDiff } from '../unified-diff.ts';
import { LAST_APPLIED, withLastApplied } from './apply.ts';

export const diffCommand: Command = {
  name: 'diff',
  flags: [
    ...FILENAME_FLAGS,
    { name: 'concurrency', type: 'int' },
    { name: 'field-manager', type: 'string' },
    { name: 'force-conflicts', type: 'bool' },
    { name: 'prune', type: 'bool' },
    { name: 'prune-allowlist', type: 'stringArray' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'server-side', type: 'bool' },
    { name: 'show-managed-fields', type: 'bool' },
  ],
  async run(inv) {
    try {
      return await run(inv);
    } catch (error) {
      // CheckDiffErr: kubectl's message, with the exit code one higher than usual.
      const { text, code } = formatError(error);
      if (text) inv.io.stderr(text);
      return code + 1;
    }
  },
};

/** `apps.v1.StatefulSet.default.web`: the file each version is written to (InfoObject.Name). */
export function diffFileName(info: Pick<Info, 'mapping' | 'namespace' | 'name'>): string {
  const m = info.mapping;
  return `${m.group ? `${m.group}.` : ''}${m.version}.${m.kind}.${info.namespace}.${info.name}`;
}

async function run(inv: Invocation): Promise<number> {
  const { flags } = inv;
  const filenames = list(flags, 'filename');
  if (filenames.length === 0 && !str(flags, 'kustomize')) throw new Error('must specify one of -f and -k');
  if (str(flags, 'kustomize')) throw new Error('kustomize (-k) is not available in Statecraft');
  if (bool(flags, 'prune')) throw new Error('--prune is not available in Statecraft');
  const serverSide = bool(flags, 'server-side');
  if (bool(flags, 'force-conflicts') && !serverSide) throw new Error('--force-conflicts only works with --server-side');
  const plan = await resolve({
    discovery: inv.discovery(), files: inv.ctx.files, stdin: inv.io.stdin?.bind(inv.io),
    namespace: inv.namespace, enforceNamespace: inv.explicitNamespace, filenames, recursive: bool(flags, 'recursive'),
    labelSelector: str(flags, 'selector'), validate: false,
  });
  if (plan.type !== 'items') throw new Error('must specify one of -f and -k');
  // The visitor stops at the first error, after the objects before it were diffed.
  const versions = new Map<string, { live: string; merged: string }>();
  let failure: Error | undefined = plan.errors.length > 1 ? new AggregateError(plan.errors) : plan.errors[0];
  if (!failure) {
    for (const info of plan.infos) {
      try {
        const { live, merged } = await versionsOf(inv, info, serverSide);
        versions.set(diffFileName(info), { live: dump(inv, live), merged: dump(inv, merged) });
      } catch (error) {
        failure = error as Error;
        break;
      }
    }
  }
  if (failure) throw failure;
  const liveDir = `/tmp/LIVE-${tempSuffix()}`;
  const mergedDir = `/tmp/MERGED-${tempSuffix()}`;
  const time = gnuTime(inv.ctx.now?.() ?? Date.now());
  let differs = false;
  // diff walks the two directories in name order.
  for (const name of [...versions.keys()].sort()) {
    const { live, merged } = versions.get(name)!;
    const fromPath = `${liveDir}/${name}`;
    const toPath = `${mergedDir}/${name}`;
    const text = unifiedDiff(live, merged, { fromPath, toPath, fromTime: time, toTime: time });
    if (!text) continue;
    differs = true;
    inv.io.stdout(`diff -u -N ${fromPath} ${toPath}\n${text}`);
  }
  return differs ? 1 : 0;
}

async function versionsOf(inv: Invocation, info: Info, serverSide: boolean): Promise<{ live?: KObject; merged: KObject }> {
  const client = inv.client();
  const local = info.object!;
  const path = resourcePath(info.mapping, info.namespace, info.name);
  const fieldManager = str(inv.flags, 'field-manager') || (serverSide ? 'kubectl' : 'kubectl-client-side-apply');
  let live: KObject | undefined;
  try {
    live = (await client.call('GET', path)) as KObject;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const query = { dryRun: 'All', fieldManager };
  if (serverSide) {
    const merged = (await client.call('PATCH', path, {
      query: { ...query, force: bool(inv.flags, 'force-conflicts') ? 'true' : 'false' },
      body: toJson(local, ''), contentType: 'application/apply-patch+yaml',
    })) as KObject;
    return { ...(live ? { live } : {}), merged };
  }
  if (!live) {
    return { merged: (await client.call('POST', resourcePath(info.mapping, info.namespace), { query, body: local })) as KObject };
  }
  // GetModifiedConfiguration(annotate=false): the file's object without the last-applied annotation.
  const modified = withLastApplied(local, undefined);
  const annotations = live.metadata?.annotations ?? {};
  const original = annotations[LAST_APPLIED] ? (JSON.parse(annotations[LAST_APPLIED]) as JsonMap) : {};
  const gvk = { group: info.mapping.group, version: info.mapping.version, kind: info.mapping.kind };
  const strategic = supportsStrategicMergePatch(gvk);
  const patch = strategic
    ? threeWayStrategicPatch(original, modified as JsonMap, live as JsonMap, schemaForKind(gvk))
    : threeWayJsonMergePatch(original, modified as JsonMap, live as JsonMap);
  // Patcher.patchSimple sends nothing for an empty patch: the live object is the merged one.
  if (Object.keys(patch).length === 0) return { live, merged: live };
  try {
    const merged = (await client.call('PATCH', path, {
      query, body: toJson(patch, ''),
      contentType: strategic ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json',
    })) as KObject;
    return { live, merged };
  } catch (error) {
    throw addSourceToErr(`applying patch:\n${toJson(patch, '')}\nto:\n${infoString(info)}\nfor:`, info.source, error);
  }
}

function dump(inv: Invocation, obj: KObject | undefined): string {
  if (!obj) return '';
  return toYaml(inv.flags['show-managed-fields'] === true ? obj : omitManagedFields(obj));
}

/** os.MkdirTemp's suffix: a random uint32 in decimal. */
function tempSuffix(): string {
  return String(Math.floor(Math.random() * 0x100000000));
}

/** GNU diff's header time: `2024-05-01 10:00:00.000000000 +0000`. */
function gnuTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-05-01T10:00:00.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000 +0000`;
}
