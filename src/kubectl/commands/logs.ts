/**
 * `kubectl logs` (K:staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go and
 * polymorphichelpers/logsforobject.go): a pod's container (defaulted, with a
 * notice, when there are several), every container (`--all-containers`), the
 * best pod of a workload (`deploy/web`), or every pod a selector matches;
 * `--prefix`, `--tail`, `--timestamps`, `--previous`, `--since`, and `-f`,
 * which follows until the containers end or Ctrl-C.
 */
import { bool, int, str, type Command, type Invocation } from '../command.ts';
import { resourcePath, type KObject } from '../client.ts';
import { isNotFound, StatusError, usageError } from '../errors.ts';
import { parseDuration } from '../flags.ts';
import type { Obj } from '../describe/writer.ts';
import { openStream } from '../stream.ts';
import { defaultContainer, hasContainer, objectFor, podsFor } from './pod-for.ts';

export const logsCommand: Command = {
  name: 'logs',
  flags: [
    { name: 'all-containers', type: 'bool' },
    { name: 'all-pods', type: 'bool' },
    { name: 'container', short: 'c', type: 'string' },
    { name: 'follow', short: 'f', type: 'bool' },
    { name: 'ignore-errors', type: 'bool' },
    { name: 'insecure-skip-tls-verify-backend', type: 'bool' },
    { name: 'limit-bytes', type: 'int' },
    { name: 'max-log-requests', type: 'int' },
    { name: 'pod-running-timeout', type: 'string' },
    { name: 'prefix', type: 'bool' },
    { name: 'previous', short: 'p', type: 'bool' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'since', type: 'duration' },
    { name: 'since-time', type: 'string' },
    { name: 'tail', type: 'int' },
    { name: 'timestamps', type: 'bool' },
  ],
  run,
};

const USAGE = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

interface LogRequest {
  pod: Obj;
  container: string;
}

async function run(inv: Invocation): Promise<number> {
  const { flags, io, args } = inv;
  const selector = str(flags, 'selector');
  let container = str(flags, 'container');
  if (args.length === 0 && !selector) throw usageError(inv.path, USAGE);
  if (args.length === 1 && selector) throw usageError(inv.path, 'only a selector (-l) or a POD name is allowed');
  if (args.length === 2) container = args[1]!;
  if (args.length > 2) throw usageError(inv.path, USAGE);
  const allContainers = bool(flags, 'all-containers');
  if (allContainers && container) throw usageError(inv.path, '--container cannot be used with --all-containers');
  if (inv.changed.has('since') && inv.changed.has('since-time')) throw usageError(inv.path, 'at most one of `sinceTime` or `sinceSeconds` may be specified');
  const follow = bool(flags, 'follow');
  const maxRequests = int(flags, 'max-log-requests', 5);

  let pods: Obj[];
  if (selector) {
    const list = (await inv.client().call('GET', resourcePath({ group: '', version: 'v1', resource: 'pods', namespaced: true }, inv.namespace), { query: { labelSelector: selector } })) as KObject;
    pods = (list.items as Obj[]) ?? [];
    if (pods.length === 0) {
      io.stderr(`No resources found in ${inv.namespace} namespace.\n`);
      return 0;
    }
  } else {
    // logs words a missing object its own way (exec and attach print the API error as it is).
    const target = await objectFor(inv, args[0]!).catch((error: unknown) => {
      throw isNotFound(error) ? new Error(`error from server (NotFound): ${(error as StatusError).message} in namespace "${inv.namespace}"`) : error;
    });
    pods = await podsFor(inv, target);
    if (pods.length === 0) throw new Error('timed out waiting for the condition');
    if (target.kind !== 'Pod') {
      if (pods.length > 1 && !bool(flags, 'all-pods')) io.stderr(`Found ${pods.length} pods, using pod/${pods[0]!.metadata.name}\n`);
      if (!bool(flags, 'all-pods')) pods = [pods[0]!];
    }
  }

  const requests: LogRequest[] = [];
  for (const pod of pods) {
    if (allContainers) {
      const spec = pod.spec ?? {};
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])] as Obj[]) requests.push({ pod, container: c.name });
      continue;
    }
    const name = defaultContainer(inv, pod, container);
    if (!hasContainer(pod, name)) throw new Error(`container ${name} is not valid for pod ${pod.metadata.name}`);
    requests.push({ pod, container: name });
  }

  const query = logQuery(inv);
  if (follow && requests.length > 1) {
    if (requests.length > maxRequests) throw new Error(`you are attempting to follow ${requests.length} log streams, but maximum allowed concurrency is ${maxRequests}, use --max-log-requests to increase the limit`);
    return followAll(inv, requests, query);
  }
  if (follow) return followAll(inv, requests, query);
  for (const r of requests) {
    const text = (await inv.client().call('GET', logPath(r), { query: { ...query, container: r.container } })) as unknown;
    write(inv, r, typeof text === 'string' ? text : JSON.stringify(text));
  }
  return 0;
}

function logPath(r: LogRequest): string {
  return resourcePath({ group: '', version: 'v1', resource: 'pods', namespaced: true }, r.pod.metadata.namespace, r.pod.metadata.name, 'log');
}

function logQuery(inv: Invocation): Record<string, string> {
  const { flags } = inv;
  const q: Record<string, string> = {};
  if (bool(flags, 'previous')) q.previous = 'true';
  if (bool(flags, 'timestamps')) q.timestamps = 'true';
  if (inv.changed.has('tail') && int(flags, 'tail', -1) >= 0) q.tailLines = String(int(flags, 'tail', -1));
  else if (str(flags, 'selector') && !inv.changed.has('tail')) q.tailLines = '10';
  if (inv.changed.has('limit-bytes')) q.limitBytes = String(int(flags, 'limit-bytes', 0));
  if (inv.changed.has('since')) q.sinceSeconds = String(Math.ceil((parseDuration(str(flags, 'since')) ?? 0) / 1000));
  if (str(flags, 'since-time')) q.sinceTime = str(flags, 'since-time');
  return q;
}

/** Writes log text, each line prefixed `[pod/NAME/CONTAINER] ` with `--prefix`. */
function write(inv: Invocation, r: LogRequest, text: string): void {
  if (!inv.flags.prefix || text === '') return inv.io.stdout(text);
  const prefix = `[pod/${r.pod.metadata.name}/${r.container}] `;
  const lines = text.split('\n');
  const last = lines.pop();
  inv.io.stdout(lines.map((l) => `${prefix}${l}\n`).join('') + (last ? `${prefix}${last}` : ''));
}

/** Follows every stream at once until all end (exit 0) or Ctrl-C. */
async function followAll(inv: Invocation, requests: LogRequest[], query: Record<string, string>): Promise<number> {
  const sessions: { close(): void }[] = [];
  let open = requests.length;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  for (const r of requests) {
    let partial = '';
    const session = await openStream(inv, { method: 'GET', path: logPath(r), query: { ...query, container: r.container, follow: 'true' } }, {
      write: (_stream, data) => {
        // Whole lines only, so that streams interleave line by line.
        partial += data;
        const nl = partial.lastIndexOf('\n');
        if (nl < 0) return;
        write(inv, r, partial.slice(0, nl + 1));
        partial = partial.slice(nl + 1);
      },
      end: () => {
        if (partial) write(inv, r, partial);
        partial = '';
        if (--open === 0) finish(0);
      },
    });
    sessions.push(session);
  }
  void inv.io.interrupted.then(() => finish(130));
  const code = await done;
  for (const s of sessions) s.close();
  return code;
}

