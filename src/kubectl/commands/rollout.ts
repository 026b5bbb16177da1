/**
 * `kubectl rollout status|history|undo|restart|pause|resume`
 * (K:staging/src/k8s.io/kubectl/pkg/cmd/rollout, polymorphichelpers history.go,
 * rollback.go, objectrestarter.go, objectpauser.go, objectresumer.go).
 */
import type { WatchEvent } from '../../api/types.ts';
import { resolve, type Info } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, int, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import { describePodTemplate } from '../describe/pod.ts';
import { PrefixWriter, selectorString, type Obj } from '../describe/writer.ts';
import { kindPrefix } from '../discovery.ts';
import { AggregateError, ExitError } from '../errors.ts';
import { fetchInfos } from '../fetch.ts';
import { parseDuration } from '../flags.ts';
import { dryRunOf } from '../mutate.ts';
import { TabWriter } from '../printers/tabwriter.ts';
import { rolloutStatus } from './rollout-status.ts';

const COMMON = [...FILENAME_FLAGS, ...PRINT_FLAGS, { name: 'selector', short: 'l', type: 'string' as const }];

async function infosFor(inv: Invocation, single = false): Promise<Info[]> {
  const plan = await resolve({
    discovery: inv.discovery(), files: inv.ctx.files, stdin: inv.io.stdin?.bind(inv.io),
    namespace: inv.namespace, enforceNamespace: inv.explicitNamespace,
    filenames: list(inv.flags, 'filename'), recursive: bool(inv.flags, 'recursive'),
    labelSelector: str(inv.flags, 'selector'), args: inv.args, singleResourceType: single,
  });
  const { infos, errors } = await fetchInfos(inv.client(), plan, { continueOnError: false, flatten: true });
  if (errors.length > 0) throw new AggregateError(errors);
  return infos;
}

function requireResource(inv: Invocation): void {
  if (inv.args.length === 0 && list(inv.flags, 'filename').length === 0 && !str(inv.flags, 'kustomize')) throw new Error('required resource not specified');
}

const name = (info: Info) => `${kindPrefix(info.mapping)}/${info.name}`;

// ---- status -------------------------------------------------------------------

const statusCommand: Command = {
  name: 'status',
  flags: [...FILENAME_FLAGS, { name: 'selector', short: 'l', type: 'string' }, { name: 'revision', type: 'int' }, { name: 'timeout', type: 'duration' }, { name: 'watch', short: 'w', type: 'bool' }],
  async run(inv) {
    requireResource(inv);
    const infos = await infosFor(inv, true);
    if (infos.length !== 1) throw new Error(`rollout status is only supported on individual resources and resource collections - ${infos.length} resources were found`);
    const info = infos[0]!;
    const revision = int(inv.flags, 'revision', 0);
    const watching = inv.changed.has('watch') ? bool(inv.flags, 'watch') : true;
    // The viewer is looked up before anything is watched.
    rolloutStatusGuard(info.mapping.kind);
    const timeout = parseDuration(str(inv.flags, 'timeout') || '0') ?? 0;
    return untilDone(inv, info, (obj) => {
      const s = rolloutStatus(info.mapping.kind, obj, revision);
      inv.io.stdout(s.message);
      return s.done || !watching;
    }, timeout);
  },
};

function rolloutStatusGuard(kind: string): void {
  if (!['Deployment', 'DaemonSet', 'StatefulSet'].includes(kind)) throw new Error(`no status viewer has been implemented for ${kind}`);
}

/** watchtools.UntilWithSync on one object: list it, then watch until `check` says done. */
export function untilDone(inv: Invocation, info: Info, check: (obj: Obj) => boolean, timeoutMs: number): Promise<number> {
  const client = inv.client();
  const collection = resourcePath(info.mapping, info.mapping.namespaced ? info.namespace : undefined);
  const fieldSelector = `metadata.name=${info.name}`;
  return new Promise<number>((done, fail) => {
    let finished = false;
    let handle: { stop(): void } | undefined;
    const timers = globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown; clearTimeout?: (t: unknown) => void };
    let timeout: unknown;
    const finish = (code: number, error?: unknown) => {
      if (finished) return;
      finished = true;
      handle?.stop();
      if (timeout !== undefined) timers.clearTimeout?.(timeout);
      if (error) fail(error);
      else done(code);
    };
    const evaluate = (obj: Obj) => {
      try {
        if (check(obj)) finish(0);
      } catch (error) {
        finish(1, error);
      }
    };
    void client.call('GET', collection, { query: { fieldSelector } }).then((body) => {
      const listed = body as KObject;
      for (const item of (listed.items as Obj[]) ?? []) evaluate(item);
      if (finished) return;
      handle = client.watch(collection, { fieldSelector, resourceVersion: String((listed.metadata as Obj | undefined)?.resourceVersion ?? '') }, undefined, (event: WatchEvent) => {
        if (finished) return;
        if (event.type === 'ADDED' || event.type === 'MODIFIED') evaluate(event.object as Obj);
        else if (event.type === 'DELETED') finish(1, new Error('object has been deleted'));
      }, () => undefined);
    }, (error: unknown) => finish(1, error));
    void inv.io.interrupted.then(() => finish(130));
    if (timeoutMs > 0 && !finished) timeout = timers.setTimeout?.(() => finish(1, new Error('timed out waiting for the condition')), timeoutMs);
  });
}

// ---- history ------------------------------------------------------------------

interface Revision {
  revision: number;
  template: Obj;
  changeCause: string;
  source: Obj;
}

/** The revisions of a workload: its ReplicaSets (Deployments) or ControllerRevisions (StatefulSets, DaemonSets). */
async function revisionsOf(inv: Invocation, info: Info, obj: Obj): Promise<Revision[]> {
  const client = inv.client();
  const owned = (o: Obj) => ((o.metadata?.ownerReferences ?? []) as Obj[]).some((r) => r.controller === true && r.uid === obj.metadata.uid);
  const byRevision = new Map<number, Revision>();
  if (info.mapping.kind === 'Deployment') {
    const rss = ((await client.call('GET', resourcePath({ group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true }, info.namespace), { query: { labelSelector: selectorString(obj.spec?.selector) } })) as KObject).items as Obj[];
    for (const rs of rss.filter(owned)) {
      const v = Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 'x');
      if (Number.isNaN(v)) continue;
      byRevision.set(v, { revision: v, template: rs.spec?.template ?? {}, changeCause: rs.metadata?.annotations?.['kubernetes.io/change-cause'] ?? '', source: rs });
    }
  } else if (info.mapping.kind === 'StatefulSet' || info.mapping.kind === 'DaemonSet') {
    const crs = ((await client.call('GET', resourcePath({ group: 'apps', version: 'v1', resource: 'controllerrevisions', namespaced: true }, info.namespace), { query: { labelSelector: selectorString(obj.spec?.selector) } })) as KObject).items as Obj[];
    for (const cr of crs.filter(owned)) {
      const template = { ...(cr.data?.spec?.template ?? {}) };
      delete template.$patch;
      byRevision.set(cr.revision, { revision: cr.revision, template, changeCause: cr.metadata?.annotations?.['kubernetes.io/change-cause'] ?? '', source: cr });
    }
  } else throw new Error(`no history viewer has been implemented for ${info.mapping.kind}`);
  return [...byRevision.values()].sort((a, b) => a.revision - b.revision);
}

function printTemplate(template: Obj): string {
  const w = new PrefixWriter(true);
  describePodTemplate(template, w);
  return w.done();
}

const historyCommand: Command = {
  name: 'history',
  flags: [...COMMON, { name: 'revision', type: 'int' }],
  async run(inv) {
    requireResource(inv);
    const revision = int(inv.flags, 'revision', 0);
    for (const info of await infosFor(inv)) {
      const revisions = await revisionsOf(inv, info, info.object as Obj);
      let text: string;
      if (revisions.length === 0) text = 'No rollout history found.';
      else if (revision > 0) {
        const r = revisions.find((x) => x.revision === revision);
        if (!r) throw new Error('unable to find the specified revision');
        text = printTemplate(r.template);
      } else {
        let out = '';
        const tw = new TabWriter((t) => (out += t), 0, 2, false);
        tw.write('REVISION\tCHANGE-CAUSE\n');
        for (const r of revisions) tw.write(`${r.revision}\t${r.changeCause || '<none>'}\n`);
        tw.flush();
        text = out;
      }
      inv.io.stdout(`${name(info)} ${revision > 0 ? `with revision #${revision}` : ''}\n${text}\n`);
    }
    return 0;
  },
};

// ---- undo ---------------------------------------------------------------------

const SKIP_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision', 'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to',
]);

function withoutHash(template: Obj): Obj {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels['pod-template-hash'];
  return { ...template, metadata: { ...(template.metadata ?? {}), labels } };
}

function canonical(v: unknown): string {
  const sort = (x: unknown): unknown => (Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().filter((k) => k !== 'creationTimestamp').map((k) => [k, sort((x as Obj)[k])])) : x);
  return JSON.stringify(sort(v));
}

const undoCommand: Command = {
  name: 'undo',
  flags: [...COMMON, DRY_RUN_FLAG, { name: 'to-revision', type: 'int' }],
  async run(inv) {
    requireResource(inv);
    const toRevision = int(inv.flags, 'to-revision', 0);
    const dryRun = dryRunOf(inv);
    const client = inv.client();
    for (const info of await infosFor(inv)) {
      const obj = info.object as Obj;
      if (toRevision < 0) throw new Error(`unable to find specified revision ${toRevision} in history`);
      const kind = info.mapping.kind;
      if (kind === 'Deployment' && obj.spec?.paused) throw new Error("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
      const revisions = await revisionsOf(inv, info, obj);
      let target: Revision | undefined;
      if (toRevision > 0) {
        target = revisions.find((r) => r.revision === toRevision);
        if (!target) throw new Error(`unable to find specified revision ${toRevision} in history`);
      } else {
        target = revisions.length >= 2 ? revisions[revisions.length - 2] : undefined;
        if (!target) throw new Error(kind === 'Deployment' ? `no rollout history found for deployment ${JSON.stringify(obj.metadata.name)}` : 'no last revision to roll back to');
      }
      const suffix = dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
      if (dryRun === 'client') {
        inv.io.stdout(`${name(info)} ${kind === 'Deployment' ? '' : 'will roll back to '}${printTemplate(target.template)} (dry run)\n`);
        continue;
      }
      if (canonical(withoutHash(target.template)) === canonical(withoutHash(obj.spec?.template ?? {}))) {
        inv.io.stdout(`${name(info)} skipped rollback (current template already matches revision ${target.revision})${suffix}\n`);
        continue;
      }
      const query: Record<string, string> = dryRun === 'server' ? { dryRun: 'All' } : {};
      if (kind === 'Deployment') {
        const annotations: Record<string, string> = {};
        for (const [k, v] of Object.entries((obj.metadata?.annotations ?? {}) as Record<string, string>)) if (SKIP_ANNOTATIONS.has(k)) annotations[k] = v;
        for (const [k, v] of Object.entries((target.source.metadata?.annotations ?? {}) as Record<string, string>)) if (!SKIP_ANNOTATIONS.has(k)) annotations[k] = v;
        const patch = [
          { op: 'replace', path: '/spec/template', value: withoutHash(target.template) },
          { op: 'replace', path: '/metadata/annotations', value: annotations },
        ];
        try {
          await client.call('PATCH', resourcePath(info.mapping, info.namespace, info.name), { query, body: patch, contentType: 'application/json-patch+json' });
        } catch (error) {
          throw new Error(`failed restoring revision ${target.revision}: ${(error as Error).message}`);
        }
      } else {
        await client.call('PATCH', resourcePath(info.mapping, info.namespace, info.name), { query, body: target.source.data, contentType: 'application/strategic-merge-patch+json' });
      }
      inv.io.stdout(`${name(info)} rolled back${suffix}\n`);
    }
    return 0;
  },
};

// ---- restart, pause, resume ---------------------------------------------------

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// 1.32's restart has no --dry-run.
const restartCommand: Command = {
  name: 'restart',
  flags: [...COMMON],
  async run(inv) {
    requireResource(inv);
    const now = rfc3339(inv.ctx.now?.() ?? Date.now());
    const errors: Error[] = [];
    for (const info of await infosFor(inv)) {
      const obj = info.object as Obj;
      const kind = info.mapping.kind;
      const resource = `${info.mapping.group ? `${info.mapping.resource}.${info.mapping.group}` : info.mapping.resource} ${JSON.stringify(info.name)}`;
      if (!['Deployment', 'DaemonSet', 'StatefulSet'].includes(kind)) {
        errors.push(new Error(`${resource} restarting is not supported`));
        continue;
      }
      if (kind === 'Deployment' && obj.spec?.paused) {
        errors.push(new Error(`${resource} can't restart paused deployment (run rollout resume first)`));
        continue;
      }
      if (obj.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'] === now) {
        errors.push(new Error(`failed to create patch for ${info.name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`));
        continue;
      }
      await inv.client().call('PATCH', resourcePath(info.mapping, info.namespace, info.name), {
        body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now } } } } },
        contentType: 'application/strategic-merge-patch+json',
      });
      inv.io.stdout(`${name(info)} restarted\n`);
    }
    if (errors.length > 0) throw new AggregateError(errors);
    return 0;
  },
};

function pauser(verb: 'pause' | 'resume'): Command {
  return {
    name: verb,
    flags: [...COMMON],
    async run(inv) {
      requireResource(inv);
      const errors: Error[] = [];
      for (const info of await infosFor(inv)) {
        const obj = info.object as Obj;
        const resource = info.mapping.group ? `${info.mapping.resource}.${info.mapping.group}` : info.mapping.resource;
        if (info.mapping.kind !== 'Deployment') {
          errors.push(new Error(`${resource} ${JSON.stringify(info.name)} ${verb === 'pause' ? 'pausing' : 'resuming'} is not supported`));
          continue;
        }
        const paused = obj.spec?.paused === true;
        if (verb === 'pause' && paused) {
          errors.push(new Error(`${resource} ${JSON.stringify(info.name)} is already paused`));
          continue;
        }
        if (verb === 'resume' && !paused) {
          errors.push(new Error(`${resource} ${JSON.stringify(info.name)} is not paused`));
          continue;
        }
        await inv.client().call('PATCH', resourcePath(info.mapping, info.namespace, info.name), { body: { spec: { paused: verb === 'pause' } }, contentType: 'application/strategic-merge-patch+json' });
        inv.io.stdout(`${name(info)} ${verb === 'pause' ? 'paused' : 'resumed'}\n`);
      }
      if (errors.length > 0) throw new AggregateError(errors);
      return 0;
    },
  };
}

const HELP = `Manage the rollout of one or many resources.
        
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc
  
  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo
  
  # Restart a deployment
  kubectl rollout restart deployment/abc
  
  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use "kubectl rollout <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const rolloutCommand: Command = {
  name: 'rollout',
  flags: [],
  async run(inv) {
    inv.io.stdout(HELP);
    throw new ExitError('', 1);
  },
  subcommands: [historyCommand, pauser('pause'), restartCommand, pauser('resume'), statusCommand, undoCommand],
};
