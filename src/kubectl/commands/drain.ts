/**
 * `kubectl cordon`, `uncordon` and `drain` (K:staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go,
 * K:staging/src/k8s.io/kubectl/pkg/drain/{drain,filters,cordon}.go). All client-side:
 * a strategic merge patch of `spec.unschedulable`; then, for drain, the node's pods
 * (field selector `spec.nodeName`), kubectl's filters (DaemonSet, mirror, emptyDir,
 * unmanaged), an Eviction per pod retried every 5 s on 429, and a 1 s poll until each
 * pod is gone. kubectl evicts a node's pods concurrently; so do these promises.
 */
import { resourcePath, type KObject, type RestClient } from '../client.ts';
import { bool, DRY_RUN_FLAG, int, str, type Command, type Invocation } from '../command.ts';
import { AggregateError, ExitError, isNotFound, StatusError, usageError } from '../errors.ts';
import { parseDuration } from '../flags.ts';
import { dryRunOf, type DryRun } from '../mutate.ts';
import { nameLine } from '../printers/index.ts';

const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const RETRY_MS = 5_000;
const POLL_MS = 1_000;

const SELECTOR_FLAG = { name: 'selector', short: 'l', type: 'string' as const };

const CHUNK_SIZE_FLAG = { name: 'chunk-size', type: 'int' as const };

export const cordonCommand: Command = { name: 'cordon', flags: [DRY_RUN_FLAG, SELECTOR_FLAG, CHUNK_SIZE_FLAG], run: (inv) => cordonRun(inv, true) };
export const uncordonCommand: Command = { name: 'uncordon', flags: [DRY_RUN_FLAG, SELECTOR_FLAG, CHUNK_SIZE_FLAG], run: (inv) => cordonRun(inv, false) };

export const drainCommand: Command = {
  name: 'drain',
  flags: [
    DRY_RUN_FLAG, SELECTOR_FLAG, CHUNK_SIZE_FLAG,
    { name: 'delete-emptydir-data', type: 'bool' },
    { name: 'disable-eviction', type: 'bool' },
    { name: 'force', type: 'bool' },
    { name: 'grace-period', type: 'int' },
    { name: 'ignore-daemonsets', type: 'bool' },
    { name: 'ignore-errors', type: 'bool' },
    { name: 'pod-selector', type: 'string' },
    { name: 'skip-wait-for-delete-timeout', type: 'int' },
    { name: 'timeout', type: 'duration' },
  ],
  run: drainRun,
};

type Pod = KObject & {
  spec?: { volumes?: { emptyDir?: unknown }[] };
  status?: { phase?: string };
  metadata?: KObject['metadata'] & { ownerReferences?: { kind?: string; name?: string; controller?: boolean }[]; deletionTimestamp?: string };
};

/** The cluster's clock in the browser (a sleep there lets virtual time pass), the wall clock elsewhere. */
function clock(inv: Invocation): { now(): number; sleep(ms: number): Promise<void> } {
  const timers = globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown };
  return {
    now: inv.ctx.now ?? (() => Date.now()),
    sleep: inv.ctx.sleep ?? ((ms) => new Promise((resolve) => (timers.setTimeout ? timers.setTimeout(resolve, ms) : resolve()))),
  };
}

/** Complete(): nodes by name or `--selector`, fetched before anything changes. */
async function nodesOf(inv: Invocation, use: string): Promise<KObject[]> {
  const selector = str(inv.flags, 'selector');
  if (inv.args.length === 0 && !inv.changed.has('selector')) throw usageError(inv.path, `error: USAGE: ${use} [flags]`);
  if (inv.args.length > 0 && selector !== '') throw usageError(inv.path, 'error: cannot specify both a node name and a --selector option');
  const client = inv.client();
  if (inv.args.length > 0) {
    const out: KObject[] = [];
    for (const name of inv.args) out.push((await client.call('GET', resourcePath(NODES, undefined, name))) as KObject);
    return out;
  }
  const list = (await client.call('GET', resourcePath(NODES), { query: { labelSelector: selector, limit: '500' } })) as { items?: KObject[] };
  return (list.items ?? []).map((n) => ({ ...n, apiVersion: 'v1', kind: 'Node' }));
}

const suffix = (dryRun: DryRun): string => (dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '');

/** RunCordonOrUncordon: patch only what needs it; errors are printed, not fatal. */
async function cordonNodes(inv: Invocation, nodes: KObject[], desired: boolean, dryRun: DryRun): Promise<void> {
  const verb = desired ? 'cordon' : 'uncordon';
  for (const node of nodes) {
    const current = (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
    if (current === desired) {
      inv.io.stdout(nameLine(node, `already ${verb}ed${suffix(dryRun)}`));
      continue;
    }
    if (dryRun !== 'client') {
      try {
        await inv.client().call('PATCH', resourcePath(NODES, undefined, node.metadata?.name ?? ''), {
          ...(dryRun === 'server' ? { query: { dryRun: 'All' } } : {}),
          body: { spec: { unschedulable: desired ? true : null } },
          contentType: 'application/strategic-merge-patch+json',
        });
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        inv.io.stderr(`error: unable to ${verb} node ${JSON.stringify(node.metadata?.name ?? '')}: ${error.message}\n`);
        continue;
      }
    }
    inv.io.stdout(nameLine(node, `${verb}ed${suffix(dryRun)}`));
  }
}

async function cordonRun(inv: Invocation, desired: boolean): Promise<number> {
  const dryRun = dryRunOf(inv);
  const nodes = await nodesOf(inv, desired ? 'cordon NODE' : 'uncordon NODE');
  await cordonNodes(inv, nodes, desired, dryRun);
  return 0;
}

interface Options {
  dryRun: DryRun;
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDir: boolean;
  disableEviction: boolean;
  gracePeriod: number;
  podSelector: string;
  timeoutMs: number;
  skipWaitSeconds: number;
  now: () => number;
}

interface Verdict {
  pod: Pod;
  remove: boolean;
  reason: 'Okay' | 'Skip' | 'Warning' | 'Error';
  message: string;
}

async function drainRun(inv: Invocation): Promise<number> {
  const dryRun = dryRunOf(inv);
  const timeout = inv.changed.has('timeout') ? parseDuration(str(inv.flags, 'timeout')) ?? 0 : 0;
  const o: Options = {
    dryRun,
    force: bool(inv.flags, 'force'),
    ignoreDaemonSets: bool(inv.flags, 'ignore-daemonsets'),
    deleteEmptyDir: bool(inv.flags, 'delete-emptydir-data'),
    disableEviction: bool(inv.flags, 'disable-eviction'),
    gracePeriod: inv.changed.has('grace-period') ? int(inv.flags, 'grace-period', -1) : -1,
    podSelector: str(inv.flags, 'pod-selector'),
    timeoutMs: timeout,
    skipWaitSeconds: inv.changed.has('skip-wait-for-delete-timeout') ? int(inv.flags, 'skip-wait-for-delete-timeout', 0) : 0,
    now: clock(inv).now,
  };
  const nodes = await nodesOf(inv, 'drain NODE');
  await cordonNodes(inv, nodes, true, dryRun);
  const fatal: Error[] = [];
  const remaining: string[] = [];
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    try {
      await drainNode(inv, name, o);
      inv.io.stdout(nameLine(node, `drained${suffix(dryRun)}`));
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      inv.io.stderr(`error: unable to drain node ${JSON.stringify(name)} due to error: ${aggregateText(error)}, continuing command...\n`);
      fatal.push(error);
      remaining.push(name);
    }
  }
  if (remaining.length > 0) inv.io.stderr(`There are pending nodes to be drained:\n${remaining.map((n) => ` ${n}\n`).join('')}`);
  // CheckErr prints an aggregate one error per line, without `error: `.
  if (fatal.length > 0) throw new ExitError(flatten(fatal).map((e) => messageOf(e)).join('\n'));
  return 0;
}

/** deleteOrEvictPodsSimple. */
async function drainNode(inv: Invocation, node: string, o: Options): Promise<void> {
  const { verdicts, errors } = await podsForDeletion(inv.client(), node, o);
  if (errors.length > 0) throw new AggregateError(errors);
  const warnings = warningsOf(verdicts);
  if (warnings !== '') inv.io.stderr(`Warning: ${warnings}\n`);
  const pods = verdicts.filter((v) => v.remove).map((v) => v.pod);
  if (o.dryRun === 'client') {
    for (const pod of pods) inv.io.stdout(`evicting pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} (dry run)\n`);
    return;
  }
  try {
    await deleteOrEvict(inv, pods, o);
  } catch (error) {
    let pending: Verdict[] | undefined;
    let listErrors: Error[] = [];
    try {
      const again = await podsForDeletion(inv.client(), node, o);
      pending = again.verdicts;
      listErrors = again.errors;
    } catch (e) {
      listErrors = [e as Error];
    }
    const left = (pending ?? []).filter((v) => v.remove);
    if (left.length > 0) {
      inv.io.stderr(`There are pending pods in node ${JSON.stringify(node)} when an error occurred: ${aggregateText(error as Error)}\n`);
      for (const v of left) inv.io.stderr(`pod/${v.pod.metadata?.name ?? ''}\n`);
    }
    if (listErrors.length > 0) inv.io.stderr(`Following errors occurred while getting the list of pods to delete:\n${aggregateText(new AggregateError(listErrors))}`);
    throw error;
  }
}

/** GetPodsForDeletion: every pod bound to the node, through the filters in kubectl's order. */
async function podsForDeletion(client: RestClient, node: string, o: Options): Promise<{ verdicts: Verdict[]; errors: Error[] }> {
  const query: Record<string, string> = { fieldSelector: `spec.nodeName=${node}` };
  if (o.podSelector !== '') query.labelSelector = o.podSelector;
  const list = (await client.call('GET', resourcePath(PODS), { query })) as { items?: Pod[] };
  const verdicts: Verdict[] = [];
  for (const pod of list.items ?? []) {
    let v: Verdict = { pod, remove: true, reason: 'Okay', message: '' };
    for (const filter of FILTERS) {
      v = await filter(client, pod, o);
      if (!v.remove) break;
    }
    verdicts.push(v);
  }
  // errors(): one per message (Go ranges over a map, so kubectl's order varies; ours is first-seen).
  const failed = new Map<string, string[]>();
  for (const v of verdicts) {
    if (v.reason !== 'Error') continue;
    const msg = v.message === '' ? 'unexpected error' : v.message;
    failed.set(msg, [...(failed.get(msg) ?? []), `${v.pod.metadata?.namespace ?? ''}/${v.pod.metadata?.name ?? ''}`]);
  }
  const errors = [...failed].map(([msg, pods]) => new Error(`cannot delete ${msg}: ${pods.join(', ')}`));
  return { verdicts, errors };
}

type Filter = (client: RestClient, pod: Pod, o: Options) => Promise<Verdict>;
const okay = (pod: Pod): Verdict => ({ pod, remove: true, reason: 'Okay', message: '' });
const finished = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const controllerOf = (pod: Pod) => pod.metadata?.ownerReferences?.find((r) => r.controller === true);

const FILTERS: Filter[] = [
  async (_c, pod, o) => (shouldSkip(pod, o.skipWaitSeconds, o.now()) ? { pod, remove: false, reason: 'Skip', message: '' } : okay(pod)),
  async (client, pod, o) => {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'DaemonSet' || finished(pod)) return okay(pod);
    try {
      await client.call('GET', resourcePath({ group: 'apps', version: 'v1', resource: 'daemonsets', namespaced: true }, pod.metadata?.namespace, ref.name ?? ''));
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      if (isNotFound(error) && o.force) return { pod, remove: true, reason: 'Warning', message: error.message };
      return { pod, remove: false, reason: 'Error', message: error.message };
    }
    if (!o.ignoreDaemonSets) return { pod, remove: false, reason: 'Error', message: 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)' };
    return { pod, remove: false, reason: 'Warning', message: 'ignoring DaemonSet-managed Pods' };
  },
  async (_c, pod) => (pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined ? { pod, remove: false, reason: 'Skip', message: '' } : okay(pod)),
  async (_c, pod, o) => {
    if (!(pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined && v.emptyDir !== null) || finished(pod)) return okay(pod);
    if (!o.deleteEmptyDir) return { pod, remove: false, reason: 'Error', message: 'Pods with local storage (use --delete-emptydir-data to override)' };
    return { pod, remove: true, reason: 'Warning', message: 'deleting Pods with local storage' };
  },
  async (_c, pod, o) => {
    if (finished(pod) || controllerOf(pod) !== undefined) return okay(pod);
    // 1.32's constant already starts with "cannot delete", and errors() adds it again.
    if (o.force) return { pod, remove: true, reason: 'Warning', message: 'deleting Pods that declare no controller' };
    return { pod, remove: false, reason: 'Error', message: 'cannot delete Pods that declare no controller (use --force to override)' };
  },
];

function shouldSkip(pod: Pod, skipSeconds: number, now: number): boolean {
  const ts = pod.metadata?.deletionTimestamp;
  return skipSeconds > 0 && ts !== undefined && Math.floor((now - Date.parse(ts)) / 1000) > skipSeconds;
}

/** Warnings(): `message: ns/a, ns/b` joined with `; `. */
function warningsOf(verdicts: Verdict[]): string {
  const by = new Map<string, string[]>();
  for (const v of verdicts) {
    if (v.reason === 'Warning') by.set(v.message, [...(by.get(v.message) ?? []), `${v.pod.metadata?.namespace ?? ''}/${v.pod.metadata?.name ?? ''}`]);
  }
  return [...by].map(([msg, pods]) => `${msg}: ${pods.join(', ')}`).join('; ');
}

function deleteOptions(o: Options): Record<string, unknown> {
  return {
    ...(o.gracePeriod >= 0 ? { gracePeriodSeconds: o.gracePeriod } : {}),
    ...(o.dryRun === 'server' ? { dryRun: ['All'] } : {}),
  };
}

/** DeleteOrEvictPods: evictions (each its own retry loop), or plain deletes with --disable-eviction. */
async function deleteOrEvict(inv: Invocation, pods: Pod[], o: Options): Promise<void> {
  if (pods.length === 0) return;
  const client = inv.client();
  const time = clock(inv);
  const deadline = o.timeoutMs > 0 ? time.now() + o.timeoutMs : Infinity;
  const timeoutText = formatDuration(o.timeoutMs);
  const ref = (p: Pod) => ({ ns: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' });
  const getPod = async (p: Pod): Promise<Pod | undefined> => {
    try {
      return (await client.call('GET', resourcePath(PODS, ref(p).ns, ref(p).name))) as Pod;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  /** waitForDelete: poll every second until the pod (that UID) is gone; the global timeout ends it. */
  const waitGone = async (pod: Pod, verb: string): Promise<void> => {
    for (;;) {
      const p = await getPod(pod);
      if (p === undefined || p.metadata?.uid !== pod.metadata?.uid) {
        inv.io.stdout(`pod/${ref(pod).name} ${verb}\n`);
        return;
      }
      if (shouldSkip(p, o.skipWaitSeconds, time.now())) {
        inv.io.stdout(`pod ${ref(pod).name} was not deleted after ${o.skipWaitSeconds} seconds, skipping\n`);
        return;
      }
      if (time.now() >= deadline) throw new Error(`global timeout reached: ${timeoutText}`);
      await time.sleep(POLL_MS);
    }
  };

  if (o.disableEviction) {
    for (const pod of pods) {
      try {
        await client.call('DELETE', resourcePath(PODS, ref(pod).ns, ref(pod).name), { body: { kind: 'DeleteOptions', apiVersion: 'v1', ...deleteOptions(o) } });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    const errors: Error[] = [];
    for (const pod of pods) {
      try {
        await waitGone(pod, 'deleted');
      } catch (error) {
        errors.push(error as Error);
        break;
      }
    }
    if (errors.length > 0) throw errors[0];
    return;
  }

  const evictOne = async (pod: Pod): Promise<Error | undefined> => {
    const { ns, name } = ref(pod);
    for (;;) {
      inv.io.stdout(`evicting pod ${ns}/${name}${o.dryRun === 'server' ? ' (server dry run)' : ''}\n`);
      if (time.now() >= deadline) return new Error(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)}: global timeout reached: ${timeoutText}`);
      try {
        await client.call('POST', resourcePath(PODS, ns, name, 'eviction'), {
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns }, deleteOptions: deleteOptions(o) },
        });
        break;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        if (!(error instanceof StatusError)) throw error;
        const terminatingNs = error.reason === 'Forbidden' && (error.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
        if (error.reason === 'TooManyRequests') {
          inv.io.stderr(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)} (will retry after 5s): ${error.message}\n`);
          await time.sleep(RETRY_MS);
        } else if (terminatingNs && pod.metadata?.deletionTimestamp !== undefined) {
          break;
        } else if (terminatingNs) {
          inv.io.stderr(`error when evicting pod ${JSON.stringify(name)} from terminating namespace ${JSON.stringify(ns)} (will retry after 5s): ${error.message}\n`);
          await time.sleep(RETRY_MS);
        } else {
          return new Error(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(ns)}: ${error.message}`);
        }
      }
    }
    if (o.dryRun === 'server') return undefined;
    try {
      await waitGone(pod, 'evicted');
      return undefined;
    } catch (error) {
      return new Error(`error waiting for pod ${JSON.stringify(name)} to terminate: ${(error as Error).message}`);
    }
  };
  const errors = (await Promise.all(pods.map(evictOne))).filter((e): e is Error => e !== undefined);
  if (errors.length > 0) throw new AggregateError(errors);
}

/** Go's time.Duration String(): `7s`, `1m30s`, `500ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = Number.isInteger(s) ? String(s) : String(Number(s.toFixed(9)));
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

function flatten(errors: Error[]): Error[] {
  return errors.flatMap((e) => (e instanceof AggregateError ? flatten(e.errors) : [e]));
}

function messageOf(e: Error): string {
  if (e instanceof StatusError) return e.status.reason ? `Error from server (${e.status.reason}): ${e.message}` : `Error from server: ${e.message}`;
  return e.message;
}

/** `%s` of an error: an aggregate of one is its message, of several `[a, b]`. */
function aggregateText(e: Error): string {
  if (!(e instanceof AggregateError)) return e.message;
  const flat = flatten(e.errors);
  return flat.length === 1 ? flat[0]!.message : `[${flat.map((x) => x.message).join(', ')}]`;
}
