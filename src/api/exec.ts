/**
 * `pods/{name}/exec` and `pods/{name}/attach` as kube-apiserver 1.32 and the
 * kubelet answer them. Errors found before the connection is upgraded are
 * ordinary Status responses (K:pkg/registry/core/pod/strategy.go
 * streamLocation); once the stream runs, the outcome travels as a
 * metav1.Status on the error channel, worded as the API server's stream
 * translator writes it (K:staging/src/k8s.io/apiserver/pkg/util/proxy/streamtranslator.go),
 * which client-go's remotecommand turns into kubectl's exit code
 * (K:staging/src/k8s.io/client-go/tools/remotecommand/v4.go errorDecoderV4).
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { ProcessHandle, ProcessIO } from '../shim/container/types.ts';
import { badRequest, type KObject } from '../shim/index.ts';
import type { ApiStream, StreamSession, StreamStatus } from './types.ts';

/**
 * Starts `argv` in a running container, with an open stdin (`-i`) and a
 * terminal (`-t`) as asked; `undefined` when that container is not running.
 */
export type ExecHook = (namespace: string, pod: string, container: string, argv: string[], io: ProcessIO, stdio: { stdin: boolean; tty: boolean }) => ProcessHandle | undefined;

/** A client attached to a container's main process. */
export interface Attached {
  /** Input for the main process; `null` is the client closing stdin. */
  write(data: string | null): void;
  /** The main process exited. */
  onEnd(listener: () => void): void;
  detach(): void;
}

/** Attaches to a running container's main process; `undefined` when it is not running. */
export type AttachHook = (namespace: string, pod: string, container: string, io: ProcessIO) => Attached | undefined;

export interface ExecRequest {
  namespace: string;
  pod: KObject;
  query: Record<string, string>;
  /** Every `command` parameter, in order. */
  command: string[];
}

type Channels = ApiStream['channels'];

/** Booleans in PodExecOptions: client-go sends `true`, the kubelet's own form is `1`. */
function flag(query: Record<string, string>, name: string): boolean {
  return query[name] === 'true' || query[name] === '1';
}

/** The streams the client asked for; a TTY has no separate stderr. */
export function execChannels(query: Record<string, string>): Channels {
  const tty = flag(query, 'tty');
  const channels = { stdin: flag(query, 'stdin'), stdout: flag(query, 'stdout'), stderr: flag(query, 'stderr') && !tty, tty };
  if (!channels.stdin && !channels.stdout && !channels.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  return channels;
}

/**
 * Which container a log, exec or attach request means: the one named, or the
 * only one. Upstream validates against every container kind the pod has.
 */
export function pickContainer(pod: KObject, container: string | undefined): string {
  const spec = (pod as Pod).spec;
  const name = pod.metadata?.name ?? '';
  const apps = (spec?.containers ?? []).map((c) => c.name);
  if (container === undefined || container === '') {
    if (apps.length === 1) return apps[0]!;
    if (apps.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    const inits = (spec?.initContainers ?? []).map((c) => c.name);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${apps.join(' ')}]${inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
  }
  const others = [...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!apps.includes(container) && !others.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/** A node has taken the pod: there is a kubelet to ask for logs, exec and attach. */
export function isScheduled(pod: KObject): boolean {
  return ((pod as Pod).spec?.nodeName ?? '') !== '';
}

export const SUCCESS: StreamStatus = { metadata: {}, status: 'Success' };

/** A non-zero exit: client-go reads the code from the `ExitCode` cause (0–255). */
export function exitStatus(code: number): StreamStatus {
  const rc = code & 0xff;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command terminated with exit code ${rc}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(rc) }] },
  };
}

/** apierrors.NewInternalError, as the translator sends errors from the kubelet side. */
export function internalErrorStatus(message: string): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

/** What runs behind a remote command stream: an exec'd process or an attachment. */
interface Running {
  write(data: string | null): void;
  /** `code` is the exit code of an exec'd process; attachments end without one. */
  onEnd(listener: (code?: number) => void): void;
  stop(): void;
}

/**
 * Validates an exec or attach request the way the API server does before it
 * upgrades the connection, and returns the stream that runs it.
 */
function remoteCommand(kind: 'exec' | 'attach', req: ExecRequest, run: (container: string, io: ProcessIO, channels: Channels) => Running | undefined): ApiStream {
  const pod = req.pod;
  const podName = pod.metadata?.name ?? '';
  const container = pickContainer(pod, req.query.container);
  if (!isScheduled(pod)) throw badRequest(`pod ${podName} does not have a host assigned`);
  const channels = execChannels(req.query);
  return {
    kind,
    headers: {},
    channels,
    start(sink): StreamSession {
      const io: ProcessIO = {
        stdout: (text) => {
          if (channels.stdout) sink.write('stdout', text);
        },
        // With a TTY both streams go to the terminal, which is stdout.
        stderr: (text) => {
          if (channels.stderr) sink.write('stderr', text);
          else if (channels.tty && channels.stdout) sink.write('stdout', text);
        },
      };
      let done = false;
      const finish = (status: StreamStatus): void => {
        if (done) return;
        done = true;
        sink.end(status);
      };
      const running = run(container, io, channels);
      if (running === undefined) {
        // The kubelet finds no running container (not started yet, exited, crash
        // looping) and answers the upgraded request with this text.
        finish(internalErrorStatus(`unable to upgrade connection: container not found ("${container}")`));
        return { stdin: () => undefined, resize: () => undefined, close: () => undefined };
      }
      running.onEnd((code) => finish(code === undefined || code === 0 ? SUCCESS : exitStatus(code)));
      return {
        stdin: (data) => {
          if (!done) running.write(data);
        },
        // The simulated processes draw no screen, so the size has nowhere to go yet.
        resize: () => undefined,
        close: () => {
          if (done) return;
          done = true;
          running.stop();
        },
      };
    },
  };
}

/** `pods/exec`: a new process in the container; a hang-up kills it. */
export function execStream(req: ExecRequest, hook: ExecHook | undefined): ApiStream {
  return remoteCommand('exec', req, (container, io, channels) => {
    const handle = hook?.(req.namespace, req.pod.metadata?.name ?? '', container, req.command, io, { stdin: channels.stdin, tty: channels.tty });
    if (handle === undefined) return undefined;
    if (!channels.stdin) handle.write(null);
    return { write: (data) => handle.write(data), onEnd: (listener) => handle.onExit(listener), stop: () => handle.kill(9) };
  });
}

/** `pods/attach`: the main process's output from now on; a hang-up only detaches. */
export function attachStream(req: ExecRequest, hook: AttachHook | undefined): ApiStream {
  return remoteCommand('attach', req, (container, io) => {
    const attached = hook?.(req.namespace, req.pod.metadata?.name ?? '', container, io);
    if (attached === undefined) return undefined;
    return { write: (data) => attached.write(data), onEnd: (listener) => attached.onEnd(() => listener()), stop: () => attached.detach() };
  });
}
