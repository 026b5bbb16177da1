/**
 * `kubectl delete` (K:…/kubectl/pkg/cmd/delete/delete.go): by name, type/name,
 * `-f`, `-l`, `--field-selector` or `--all`; `--grace-period`, `--now`,
 * `--force` (with kubectl's warning), `--cascade`; then, as kubectl does by
 * default (`--wait`), waiting for each object to be gone by watching it.
 */
import { AggregateError, isNotFound, StatusError } from '../errors.ts';
import { resolve, type Info } from '../builder.ts';
import { resourcePath, type KObject, type RestClient } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, int, list, str, type Command, type Invocation } from '../command.ts';
import { kindPrefix } from '../discovery.ts';
import { fetchInfos } from '../fetch.ts';
import { parseBool, parseDuration } from '../flags.ts';
import { addSourceToErr, dryRunOf } from '../mutate.ts';

export const deleteCommand: Command = {
  name: 'delete',
  flags: [
    ...FILENAME_FLAGS, DRY_RUN_FLAG,
    { name: 'all', type: 'bool' },
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'cascade', type: 'string', noOptDefault: 'background' },
    { name: 'field-selector', type: 'string' },
    { name: 'force', type: 'bool' },
    { name: 'grace-period', type: 'int' },
    { name: 'ignore-not-found', type: 'bool' },
    { name: 'interactive', short: 'i', type: 'bool' },
    { name: 'now', type: 'bool' },
    { name: 'output', short: 'o', type: 'string' },
    { name: 'raw', type: 'string' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'timeout', type: 'duration' },
    { name: 'wait', type: 'bool' },
  ],
  run,
};

/** cmdutil.GetCascadingStrategy. */
export function cascadeOf(inv: Invocation): 'Background' | 'Foreground' | 'Orphan' {
  const value = inv.changed.has('cascade') ? str(inv.flags, 'cascade') : 'background';
  const b = parseBool(value);
  if (b === undefined) {
    if (value === 'orphan') return 'Orphan';
    if (value === 'foreground') return 'Foreground';
    if (value === 'background') return 'Background';
    throw new Error(`invalid cascade value (${value}). Must be "background", "foreground", or "orphan"`);
  }
  inv.io.stderr(`warning: --cascade=${value} is deprecated (boolean value) and can be replaced with --cascade=${b ? 'background' : 'orphan'}.\n`);
  return b ? 'Background' : 'Orphan';
}

async function run(inv: Invocation): Promise<number> {
  const { flags, io } = inv;
  if (str(flags, 'raw')) throw new Error('--raw is not available in Statecraft');
  if (bool(flags, 'interactive')) throw new Error('--interactive is not available in Statecraft');
  const cascade = cascadeOf(inv);
  const all = bool(flags, 'all');
  const labelSelector = str(flags, 'selector');
  const fieldSelector = str(flags, 'field-selector');
  let ignoreNotFound = bool(flags, 'ignore-not-found');
  if ((all || labelSelector || fieldSelector) && !inv.changed.has('ignore-not-found')) ignoreNotFound = true;
  let grace = inv.changed.has('grace-period') ? int(flags, 'grace-period', -1) : -1;
  const force = bool(flags, 'force');
  if (bool(flags, 'now')) {
    if (grace !== -1) throw new Error('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !force) grace = 1;
  if (force && grace < 0) grace = 0;
  const dryRun = dryRunOf(inv);
  const allNamespaces = bool(flags, 'all-namespaces');
  const plan = await resolve({
    discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
    namespace: allNamespaces ? '' : inv.namespace, enforceNamespace: inv.explicitNamespace, allNamespaces,
    filenames: list(flags, 'filename'), recursive: bool(flags, 'recursive'),
    labelSelector, fieldSelector, selectAll: all, args: inv.args,
  });
  const output = str(flags, 'output');
  if (output !== '' && output !== 'name') throw new Error(`unexpected -o output mode: ${output}. We only support '-o name'`);
  if (all && labelSelector) throw new Error('cannot set --all and --selector at the same time');
  if (all && fieldSelector) throw new Error('cannot set --all and --field-selector at the same time');
  if (grace === 0 && force) io.stderr('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  else if (grace > 0 && force) throw new Error('--force and --grace-period greater than 0 cannot be specified together');

  const client = inv.client();
  const { infos, errors: found } = plan.type === 'selector'
    ? await fetchInfos(client, plan, { continueOnError: true, flatten: true, chunkSize: 500 })
    : { infos: plan.infos, errors: plan.errors };
  const errors: Error[] = [];
  const consider = (e: Error) => {
    if (!(ignoreNotFound && isNotFound(e))) errors.push(e);
  };
  found.forEach(consider);
  let warnClusterScope = inv.explicitNamespace && !allNamespaces;
  const deleted: { info: Info; uid?: string }[] = [];
  let count = 0;
  for (const info of infos) {
    if (warnClusterScope && !info.mapping.namespaced) {
      io.stderr('Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n');
      warnClusterScope = false;
    }
    const kind = kindPrefix(info.mapping);
    let operation = grace === 0 ? 'force deleted' : 'deleted';
    if (dryRun === 'client') operation += ' (dry run)';
    if (dryRun === 'server') operation += ' (server dry run)';
    const print = () => io.stdout(output === 'name' ? `${kind}/${info.name}\n` : `${kind} "${info.name}" ${operation}\n`);
    count++;
    if (dryRun === 'client') {
      print();
      continue;
    }
    const body: Record<string, unknown> = { kind: 'DeleteOptions', apiVersion: 'v1' };
    if (grace >= 0) body.gracePeriodSeconds = grace;
    body.propagationPolicy = cascade;
    try {
      const response = (await client.call('DELETE', resourcePath(info.mapping, info.namespace, info.name), {
        ...(dryRun === 'server' ? { query: { dryRun: 'All' } } : {}),
        body,
      })) as KObject & { details?: { uid?: string } };
      print();
      const uid = response.kind === 'Status' ? response.details?.uid : response.metadata?.uid;
      deleted.push({ info, ...(uid ? { uid } : {}) });
    } catch (error) {
      consider(addSourceToErr('deleting', info.source, error));
    }
  }
  if (errors.length > 0) throw new AggregateError(errors);
  if (count === 0) {
    io.stdout('No resources found\n');
    return 0;
  }
  const wait = inv.changed.has('wait') ? bool(flags, 'wait') : true;
  if (wait && dryRun === 'none') {
    const timeout = inv.changed.has('timeout') ? (parseDuration(str(flags, 'timeout')) ?? 0) : 0;
    await waitForDeletion(inv, client, deleted, timeout);
  }
  return 0;
}

/** cmdwait.IsDeleted for each deleted object: gone, or replaced by one with another UID. */
async function waitForDeletion(inv: Invocation, client: RestClient, deleted: { info: Info; uid?: string }[], timeoutMs: number): Promise<void> {
  for (const { info, uid } of deleted) {
    const path = resourcePath(info.mapping, info.namespace, info.name);
    let current: KObject;
    try {
      current = (await client.call('GET', path)) as KObject;
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    if (uid && current.metadata?.uid !== uid) continue;
    const gone = await watchUntilGone(inv, client, info, uid, current.metadata?.resourceVersion ?? '', timeoutMs);
    if (!gone) throw new Error(`timed out waiting for the condition on ${info.mapping.resource}/${info.name}`);
  }
}

function watchUntilGone(inv: Invocation, client: RestClient, info: Info, uid: string | undefined, resourceVersion: string, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    let finished = false;
    let handle: { stop(): void } | undefined;
    const timers = globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown; clearTimeout?: (t: unknown) => void };
    let timeout: unknown;
    const finish = (ok: boolean) => {
      if (finished) return;
      finished = true;
      handle?.stop();
      if (timeout !== undefined) timers.clearTimeout?.(timeout);
      done(ok);
    };
    const collection = resourcePath(info.mapping, info.mapping.namespaced ? info.namespace : undefined);
    handle = client.watch(collection, { fieldSelector: `metadata.name=${info.name}`, resourceVersion, allowWatchBookmarks: 'true' }, undefined, (event) => {
      const obj = event.object as KObject;
      if (event.type === 'DELETED' || (event.type !== 'BOOKMARK' && event.type !== 'ERROR' && uid && obj.metadata?.uid !== uid)) finish(true);
      if (event.type === 'ERROR') {
        const status = event.object as { code?: number };
        if (status.code !== 410) finish(true);
      }
    }, () => {
      // The server ended the watch: look again.
      if (finished) return;
      void client.call('GET', resourcePath(info.mapping, info.namespace, info.name)).then(
        () => { finished = true; done(false); },
        (error: unknown) => finish(error instanceof StatusError && error.reason === 'NotFound'),
      );
    });
    void inv.io.interrupted.then(() => finish(true));
    if (timeoutMs > 0 && !finished) timeout = timers.setTimeout?.(() => finish(false), timeoutMs);
  });
}
