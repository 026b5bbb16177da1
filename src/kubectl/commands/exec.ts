/**
 * `kubectl exec POD|TYPE/NAME [-c C] [-i] [-t] -- CMD…` (K:staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go):
 * the command runs in the container through `pods/exec`; its stdout and
 * stderr come back as they are written; a non-zero exit becomes
 * `command terminated with exit code N` and kubectl's own exit code N.
 * With `-i` the input is the terminal's keys (or stdin, read whole, when
 * there is no terminal); with `-t` and a terminal the session is a TTY whose
 * size follows the terminal's.
 */
import type { StreamStatus } from '../../api/types.ts';
import { bool, str, type Command, type Invocation } from '../command.ts';
import { resourcePath } from '../client.ts';
import { ExitError, usageError } from '../errors.ts';
import type { Obj } from '../describe/writer.ts';
import { feedStdin, openStream } from '../stream.ts';
import { attachablePod, defaultContainer } from './pod-for.ts';

export const execCommand: Command = {
  name: 'exec',
  flags: [
    { name: 'container', short: 'c', type: 'string' },
    { name: 'filename', short: 'f', type: 'stringSlice' },
    { name: 'pod-running-timeout', type: 'string' },
    { name: 'quiet', short: 'q', type: 'bool' },
    { name: 'stdin', short: 'i', type: 'bool' },
    { name: 'tty', short: 't', type: 'bool' },
  ],
  run,
};

async function run(inv: Invocation): Promise<number> {
  const { io, flags } = inv;
  const args = inv.args;
  const dash = inv.dashAt;
  if (args.length === 0 || dash === 0) throw new Error('pod, type/name or --filename must be specified');
  const target = args[0]!;
  if (dash < 0 && args.length > 1) throw usageError(inv.path, 'exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead');
  const command = dash > 0 ? args.slice(dash) : [];
  if (command.length === 0) throw new Error('you must specify at least one command for the container');
  const quiet = bool(flags, 'quiet');
  const stdin = bool(flags, 'stdin');
  let tty = bool(flags, 'tty');
  const terminal = io.terminal;
  if (tty && !(stdin && terminal?.isTTY)) {
    if (stdin && !quiet) io.stderr('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    tty = false;
  }

  const pod: Obj = target.includes('/')
    ? await attachablePod(inv, target, false)
    : ((await inv.client().call('GET', resourcePath({ group: '', version: 'v1', resource: 'pods', namespaced: true }, inv.namespace, target))) as Obj);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new Error(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = str(flags, 'container') || defaultContainer(quiet ? { ...inv, io: { ...io, stderr: () => undefined } } : inv, pod, '');

  const query: Record<string, string> = { container, stdout: 'true' };
  if (stdin) query.stdin = 'true';
  if (tty) query.tty = 'true';
  else query.stderr = 'true';
  let finish!: (status?: StreamStatus) => void;
  const ended = new Promise<StreamStatus | undefined>((resolve) => (finish = resolve));
  const session = await openStream(inv, {
    method: 'POST',
    path: resourcePath({ group: '', version: 'v1', resource: 'pods', namespaced: true }, pod.metadata.namespace, pod.metadata.name, 'exec'),
    query: { ...query, command: command[command.length - 1]! },
    queryValues: { command },
  }, {
    write: (stream, data) => (stream === 'stderr' ? io.stderr(data) : io.stdout(data)),
    end: (status) => finish(status),
  });

  const stopFeeding = stdin ? await feedStdin(session, io, tty) : () => undefined;
  // Without a TTY, Ctrl-C ends kubectl (and with it the stream); with one it is a key for the process.
  let interrupted = false;
  if (!tty) void io.interrupted.then(() => { interrupted = true; session.close(); finish(undefined); });
  const status = await ended;
  stopFeeding();
  if (interrupted) return 130;
  return exitFor(status);
}

/** client-go's errorDecoderV4: the exit code from a NonZeroExitCode status, any other failure as an error. */
export function exitFor(status: StreamStatus | undefined): number {
  if (!status || status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message ?? 1);
    throw new ExitError(`command terminated with exit code ${code}`, code);
  }
  throw new Error(status.message ?? 'error executing remote command');
}
