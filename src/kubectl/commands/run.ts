/**
 * `kubectl run NAME --image=I` (K:staging/src/k8s.io/kubectl/pkg/cmd/run/run.go,
 * generate/versioned/run.go BasicPod): the Pod kubectl builds (label
 * `run=NAME` unless `--labels`, args or `--command`, `--env`, `--port`,
 * `--restart`), created or printed (`--dry-run`, `-o`); with `-i`/`-t`/`--attach`
 * it waits for the pod to run and attaches, and `--rm` deletes it afterwards.
 */
import { resourcePath, type KObject } from '../client.ts';
import { bool, DRY_RUN_FLAG, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import type { Obj } from '../describe/writer.ts';
import { ExitError, usageError } from '../errors.ts';
import { dryRunOf, ResultPrinter } from '../mutate.ts';
import { feedStdin, openStream } from '../stream.ts';
import { toJson } from '../printers/json.ts';
import type { StreamStatus } from '../../api/types.ts';

export const runCommand: Command = {
  name: 'run',
  flags: [
    ...PRINT_FLAGS, DRY_RUN_FLAG,
    { name: 'annotations', type: 'stringArray' },
    { name: 'attach', type: 'bool' },
    { name: 'command', type: 'bool' },
    { name: 'env', type: 'stringArray' },
    { name: 'expose', type: 'bool' },
    { name: 'field-manager', type: 'string' },
    { name: 'image', type: 'string' },
    { name: 'image-pull-policy', type: 'string' },
    { name: 'labels', short: 'l', type: 'string' },
    { name: 'leave-stdin-open', type: 'bool' },
    { name: 'override-type', type: 'string' },
    { name: 'overrides', type: 'string' },
    { name: 'pod-running-timeout', type: 'string' },
    { name: 'port', type: 'string' },
    { name: 'privileged', type: 'bool' },
    { name: 'quiet', short: 'q', type: 'bool' },
    { name: 'restart', type: 'string' },
    { name: 'rm', type: 'bool' },
    { name: 'save-config', type: 'bool' },
    { name: 'stdin', short: 'i', type: 'bool' },
    { name: 'tty', short: 't', type: 'bool' },
  ],
  run,
};

const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true };

async function run(inv: Invocation): Promise<number> {
  const { flags, io } = inv;
  if (!inv.changed.has('image')) throw new ExitError('error: required flag(s) "image" not set');
  const name = inv.args[0];
  if (!name || inv.dashAt === 0) throw usageError(inv.path, 'NAME is required for run');
  const image = str(flags, 'image');
  const stdin = bool(flags, 'stdin');
  const tty = bool(flags, 'tty');
  const attach = bool(flags, 'attach') || stdin;
  const restart = str(flags, 'restart') || 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw usageError(inv.path, `invalid restart policy: ${restart}`);
  if (bool(flags, 'rm') && !attach) throw usageError(inv.path, '--rm should only be used for attached containers');
  const dryRun = dryRunOf(inv);
  if (dryRun !== 'none' && (attach || tty)) throw usageError(inv.path, "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
  if (tty && !stdin) throw usageError(inv.path, '-i/--stdin is required for containers with -t/--tty=true');

  const pod = buildPod(inv, name, image, restart);
  const printer = new ResultPrinter(inv, dryRun);
  if (dryRun === 'client') {
    // A typed object prints its fields in the Go struct's order, not sorted.
    if (str(flags, 'output') === 'json') io.stdout(`${toJson(pod, '    ', false)}\n`);
    else printer.print(pod as KObject, 'created');
    return 0;
  }
  const created = (await inv.client().call('POST', resourcePath(PODS, inv.namespace), { query: dryRun === 'server' ? { dryRun: 'All' } : {}, body: pod })) as KObject;
  if (!attach) {
    printer.print(created, 'created');
    return 0;
  }
  return attachTo(inv, name, stdin, tty);
}

/** BasicPod.Generate, with fields in the Go structs' order so `-o json` matches. */
function buildPod(inv: Invocation, name: string, image: string, restart: string): Obj {
  const { flags } = inv;
  const labels: Record<string, string> = {};
  const labelText = str(flags, 'labels');
  if (labelText) {
    for (const pair of labelText.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`invalid label spec: ${pair}`);
      labels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  } else labels.run = name;
  const annotations: Record<string, string> = {};
  for (const a of list(flags, 'annotations')) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`invalid annotation spec: ${a}`);
    annotations[a.slice(0, eq)] = a.slice(eq + 1);
  }
  const container: Obj = { name, image };
  const after = inv.dashAt >= 0 ? inv.args.slice(inv.dashAt) : inv.args.slice(1);
  if (after.length > 0) container[bool(flags, 'command') ? 'command' : 'args'] = after;
  const port = str(flags, 'port');
  if (port) {
    if (!/^[+-]?\d+$/.test(port)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
    container.ports = [{ containerPort: Number(port) }];
  }
  const env = list(flags, 'env');
  if (env.length > 0) {
    container.env = env.map((e) => {
      const eq = e.indexOf('=');
      if (eq <= 0) throw new Error(`invalid env: ${e}`);
      return { name: e.slice(0, eq), value: e.slice(eq + 1) };
    });
  }
  container.resources = {};
  if (str(flags, 'image-pull-policy')) container.imagePullPolicy = str(flags, 'image-pull-policy');
  if (bool(flags, 'privileged')) container.securityContext = { privileged: true };
  if (bool(flags, 'stdin')) {
    container.stdin = true;
    if (!bool(flags, 'leave-stdin-open')) container.stdinOnce = true;
  }
  if (bool(flags, 'tty')) container.tty = true;
  const metadata: Obj = { name, creationTimestamp: null, labels };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { kind: 'Pod', apiVersion: 'v1', metadata, spec: { containers: [container], restartPolicy: restart, dnsPolicy: 'ClusterFirst' }, status: {} };
}

/**
 * Waits for the pod to run, attaches to it (falling back to its logs when
 * the container has already gone, as kubectl does), deletes it with `--rm`,
 * and for `--restart=Never|OnFailure` ends with the container's exit code.
 */
async function attachTo(inv: Invocation, name: string, stdin: boolean, tty: boolean): Promise<number> {
  const { io } = inv;
  const client = inv.client();
  const path = resourcePath(PODS, inv.namespace, name);
  const terminal = io.terminal;
  const quiet = bool(inv.flags, 'quiet');
  const useTTY = tty && terminal?.isTTY === true;
  if (tty && !useTTY && !quiet) io.stderr('Unable to use a TTY - input is not a terminal or the right kind of file\n');
  await untilPod(inv, name, (phase) => phase !== 'Pending');
  if (stdin && !quiet) io.stderr("If you don't see a command prompt, try pressing enter.\n");
  let finish!: (s?: StreamStatus) => void;
  const ended = new Promise<StreamStatus | undefined>((resolve) => (finish = resolve));
  const query: Record<string, string> = { container: name, stdout: 'true' };
  if (stdin) query.stdin = 'true';
  if (useTTY) query.tty = 'true';
  else query.stderr = 'true';
  const session = await openStream(inv, { method: 'POST', path: `${path}/attach`, query }, {
    write: (stream, data) => (stream === 'stderr' ? io.stderr(data) : io.stdout(data)),
    end: (status) => finish(status),
  });
  const stopFeeding = stdin ? await feedStdin(session, io, useTTY) : () => undefined;
  void io.interrupted.then(() => { session.close(); finish(undefined); });
  const status = await ended;
  stopFeeding();
  if (status && status.status === 'Failure') {
    io.stderr(`warning: couldn't attach to pod/${name}, falling back to streaming logs: ${status.message ?? ''}\n`);
    const logs = await client.call('GET', `${path}/log`, { query: { container: name } });
    io.stdout(typeof logs === 'string' ? logs : '');
  }
  const restart = str(inv.flags, 'restart') || 'Always';
  const waitForExit = !bool(inv.flags, 'leave-stdin-open') && (restart === 'Never' || restart === 'OnFailure');
  let pod: Obj | undefined;
  try {
    if (waitForExit) pod = await untilPod(inv, name, (phase) => phase === 'Succeeded' || (restart === 'Never' && phase === 'Failed'));
  } finally {
    if (bool(inv.flags, 'rm')) {
      await client.call('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
      io.stdout(`pod "${name}" deleted\n`);
    }
  }
  if (!pod || pod.status?.phase !== 'Failed') return 0;
  const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
  const unknown = `pod ${pod.metadata.namespace}/${name} failed with unknown exit code`;
  if (!terminated || !terminated.exitCode) throw new Error(unknown);
  throw new ExitError(`pod ${pod.metadata.namespace}/${name} terminated (${terminated.reason ?? ''})\n${terminated.message ?? ''}`, terminated.exitCode);
}

/** Watches the pod until its phase satisfies `ok`; resolves with it. */
function untilPod(inv: Invocation, name: string, ok: (phase: string) => boolean): Promise<Obj> {
  const client = inv.client();
  const collection = resourcePath(PODS, inv.namespace);
  const fieldSelector = `metadata.name=${name}`;
  return new Promise((resolve, reject) => {
    let handle: { stop(): void } | undefined;
    let done = false;
    const check = (pod: Obj | undefined) => {
      const phase = pod?.status?.phase;
      if (done || !phase || !ok(phase)) return;
      done = true;
      handle?.stop();
      resolve(pod!);
    };
    void client.call('GET', collection, { query: { fieldSelector } }).then((body) => {
      const listed = body as Obj;
      check((listed.items as Obj[] | undefined)?.[0]);
      if (done) return;
      handle = client.watch(collection, { fieldSelector, resourceVersion: String(listed.metadata?.resourceVersion ?? '') }, undefined, (e) => check(e.object as Obj), () => undefined);
    }, reject);
    void inv.io.interrupted.then(() => { if (!done) { done = true; handle?.stop(); reject(new ExitError('', 130)); } });
  });
}
