import { describe, expect, it } from 'vitest';
import type { ProcessHandle, ProcessIO } from '../shim/container/types.ts';
import { StatusError } from '../shim/index.ts';
import { ApiServer } from './handler.ts';
import { createShimApi } from './index.ts';
import type { ApiRequest, ApiStream, StreamStatus } from './types.ts';

const POD = (name: string, containers: object[], extra: object = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers, ...extra } });
const busybox = (name: string, script: string) => ({ name, image: 'busybox:1.36', command: ['sh', '-c', script] });

function cluster() {
  const transport = createShimApi({ seed: 'exec' });
  const create = (body: string) => {
    const r = transport.requestSync({ method: 'POST', path: '/api/v1/namespaces/default/pods', body });
    expect(r.status).toBe(201);
  };
  const runFor = (ms: number) => transport.cluster.runUntil(transport.cluster.clock.now() + ms);
  /** Runs until the container has printed something (it has just started). */
  const runUntilLogged = (pod: string) => {
    const path = `/api/v1/namespaces/default/pods/${pod}/log`;
    for (let i = 0; i < 100; i++) {
      const r = transport.requestSync({ method: 'GET', path });
      if (r.status === 200 && r.body !== '') return;
      runFor(50);
    }
    throw new Error(`${pod} printed nothing`);
  };
  return { transport, server: transport.server, create, runFor, runUntilLogged };
}

function execRequest(pod: string, command: string[], query: Record<string, string> = {}): ApiRequest {
  const q = { stdout: 'true', stderr: 'true', ...query };
  return { method: 'GET', path: `/api/v1/namespaces/default/pods/${pod}/exec`, query: { ...q, command: command.at(-1)! }, queryValues: { command } };
}

/** Starts a stream and records what the transport would frame. */
function record(stream: ApiStream) {
  const out: string[] = [];
  let status: StreamStatus | undefined;
  let ended = false;
  const session = stream.start({
    write: (which, data) => out.push(`${which}:${data}`),
    end: (s) => {
      ended = true;
      status = s;
    },
  });
  return { out, session, get status() { return status; }, get ended() { return ended; } };
}

function statusOf(fn: () => unknown): { code?: number; reason?: string; message?: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('expected a StatusError');
}

describe('pods/exec through the API', () => {
  const c = cluster();
  c.create(POD('bb', [busybox('bb', 'echo started; sleep 3600')]));
  c.create(POD('two', [busybox('a', 'sleep 3600'), busybox('b', 'sleep 3600')], { initContainers: [busybox('setup', 'true')] }));
  c.runFor(10_000);

  it('runs a command and ends with a Success status', () => {
    const r = record(c.server.stream(execRequest('bb', ['sh', '-c', 'echo hi'])));
    expect(r.out).toEqual(['stdout:hi\n']);
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
  });

  it('reports a non-zero exit as client-go expects it', () => {
    const r = record(c.server.stream(execRequest('bb', ['sh', '-c', 'exit 3'])));
    expect(r.status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: command terminated with exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('keeps output that arrives later, as virtual time passes', () => {
    const r = record(c.server.stream(execRequest('bb', ['sh', '-c', 'echo one; sleep 2; echo two'])));
    expect(r.out).toEqual(['stdout:one\n']);
    expect(r.ended).toBe(false);
    c.runFor(2_000);
    expect(r.out).toEqual(['stdout:one\n', 'stdout:two\n']);
    expect(r.status?.status).toBe('Success');
  });

  it('drops a stream the client did not ask for', () => {
    const r = record(c.server.stream(execRequest('bb', ['sh', '-c', 'echo hi'], { stdout: 'false' })));
    expect(r.out).toEqual([]);
  });

  it('refuses before upgrading: no pod, no such container, no container named, no streams', () => {
    expect(statusOf(() => c.server.stream(execRequest('nope', ['true'])))).toMatchObject({ code: 404, message: 'pods "nope" not found' });
    expect(statusOf(() => c.server.stream(execRequest('bb', ['true'], { container: 'x' })))).toMatchObject({ code: 400, reason: 'BadRequest', message: 'container x is not valid for pod bb' });
    expect(statusOf(() => c.server.stream(execRequest('two', ['true'])))).toMatchObject({
      code: 400, message: 'a container name must be specified for pod two, choose one of: [a b] or one of the init containers: [setup]',
    });
    expect(statusOf(() => c.server.stream(execRequest('bb', ['true'], { stdout: 'false', stderr: 'false' })))).toMatchObject({
      code: 400, message: 'you must specify at least 1 of stdin, stdout, stderr',
    });
  });

  it('answers the kubelet\'s error on the stream when the container is not running', () => {
    c.create(POD('slow', [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }]));
    const r = record(c.server.stream(execRequest('slow', ['true'])));
    expect(r.status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: unable to upgrade connection: container not found ("app")',
      reason: 'InternalError',
      details: { causes: [{ message: 'unable to upgrade connection: container not found ("app")' }] },
      code: 500,
    });
  });

  it('ends a running exec with SIGKILL when its container stops', () => {
    c.create(POD('doomed', [busybox('app', 'sleep 3600')]));
    c.runFor(10_000);
    const r = record(c.server.stream(execRequest('doomed', ['sh', '-c', 'sleep 600'])));
    expect(r.ended).toBe(false);
    expect(c.transport.requestSync({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/doomed' }).status).toBe(200);
    // PID 1 (`sleep`) ignores SIGTERM, as on Linux: the kill comes when the 30 s grace period ends.
    c.runFor(29_000);
    expect(r.ended).toBe(false);
    c.runFor(2_000);
    expect(r.status?.details?.causes?.[0]?.message).toBe('137');
  });

  it('says "pod does not have a host assigned" for an unscheduled pod', () => {
    c.create(POD('nowhere', [busybox('app', 'true')], { nodeSelector: { missing: 'label' } }));
    c.runFor(1_000);
    expect(statusOf(() => c.server.stream(execRequest('nowhere', ['true'])))).toMatchObject({ code: 400, message: 'pod nowhere does not have a host assigned' });
  });

  it('answers a request that did not upgrade as the API server does', () => {
    const plain = c.server.handle(execRequest('bb', ['true']));
    expect(plain.status).toBe(400);
    expect(plain.body).toMatchObject({ reason: 'BadRequest', message: 'Upgrade request required' });
    expect(c.server.handle(execRequest('nope', ['true'])).status).toBe(404);
  });

  it('knows which requests stream', () => {
    const log = (q: Record<string, string>): ApiRequest => ({ method: 'GET', path: '/api/v1/namespaces/default/pods/bb/log', query: q });
    expect(ApiServer.streamKind(execRequest('bb', ['true']))).toBe('exec');
    expect(ApiServer.streamKind(log({ follow: 'true' }))).toBe('log');
    expect(ApiServer.streamKind(log({}))).toBeUndefined();
    expect(ApiServer.streamKind({ method: 'GET', path: '/api/v1/namespaces/default/pods/bb' })).toBeUndefined();
  });
});

describe('pods/exec stdin and hang-up', () => {
  /** A process that upper-cases its input and exits 0 at end of input. */
  function fakeProcess(io: ProcessIO): ProcessHandle & { killed?: number } {
    const listeners: Array<(code: number) => void> = [];
    const p: ProcessHandle & { killed?: number; code?: number } = {
      pid: 7,
      get exitCode() { return p.code; },
      onExit: (l) => listeners.push(l),
      write: (data) => {
        if (data === null) {
          p.code = 0;
          for (const l of listeners) l(0);
        } else io.stdout(data.toUpperCase());
      },
      kill: (signal) => {
        p.killed = signal;
      },
    };
    return p;
  }

  it('passes stdin through and ends when the client closes it', () => {
    const c = cluster();
    c.create(POD('bb', [busybox('bb', 'sleep 3600')]));
    c.runFor(10_000);
    let proc: (ProcessHandle & { killed?: number }) | undefined;
    let seen: string[] = [];
    const server = new ApiServer(c.transport.cluster, {
      exec: (_ns, _pod, container, argv, io) => {
        seen = [container, ...argv];
        proc = fakeProcess(io);
        return proc;
      },
    });
    const r = record(server.stream(execRequest('bb', ['cat'], { stdin: 'true' })));
    expect(seen).toEqual(['bb', 'cat']);
    r.session.stdin('hello\n');
    expect(r.out).toEqual(['stdout:HELLO\n']);
    r.session.stdin(null);
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });

    const hangup = record(server.stream(execRequest('bb', ['cat'], { stdin: 'true' })));
    hangup.session.close();
    expect(proc?.killed).toBe(9);
    expect(hangup.ended).toBe(false);
  });

  it('merges stderr into stdout on a TTY', () => {
    const c = cluster();
    c.create(POD('bb', [busybox('bb', 'sleep 3600')]));
    c.runFor(10_000);
    const r = record(c.server.stream(execRequest('bb', ['sh', '-c', 'nosuchcommand'], { tty: 'true', stdin: 'true' })));
    // A terminal turns \n into \r\n.
    expect(r.out.join('')).toBe('stdout:sh: nosuchcommand: not found\r\n');
    expect(r.status?.details?.causes?.[0]?.message).toBe('127');
  });
});

describe('pods/attach through the API', () => {
  const attachRequest = (pod: string, query: Record<string, string> = {}): ApiRequest =>
    ({ method: 'GET', path: `/api/v1/namespaces/default/pods/${pod}/attach`, query: { stdout: 'true', stderr: 'true', ...query } });

  it('streams the main process\'s output from now on and ends with Success when it exits', () => {
    const c = cluster();
    c.create(POD('talker', [busybox('t', 'echo hello; sleep 1; echo later; sleep 1; exit 5')], { restartPolicy: 'Never' }));
    c.runUntilLogged('talker');
    const r = record(c.server.stream(attachRequest('talker')));
    expect(r.out).toEqual([]);
    c.runFor(1_000);
    expect(r.out).toEqual(['stdout:later\n']);
    c.runFor(1_000);
    // Attach carries no exit code: kubectl run reads it from the pod status.
    expect(r.status).toEqual({ metadata: {}, status: 'Success' });
    expect(ApiServer.streamKind(attachRequest('talker'))).toBe('attach');
    expect(c.server.handle(attachRequest('talker'))).toMatchObject({ status: 400, body: { message: 'Upgrade request required' } });
  });

  it('detaches without stopping the container, and refuses a container that is not running', () => {
    const c = cluster();
    c.create(POD('talker', [busybox('t', 'echo hello; sleep 1; echo later; sleep 3600')]));
    c.runUntilLogged('talker');
    const r = record(c.server.stream(attachRequest('talker')));
    r.session.close();
    c.runFor(1_000);
    expect(r.out).toEqual([]);
    const later = c.transport.requestSync({ method: 'GET', path: '/api/v1/namespaces/default/pods/talker/log' });
    expect(later.body).toBe('hello\nlater\n');
    c.create(POD('gone', [busybox('g', 'true')], { restartPolicy: 'Never' }));
    c.runUntilLogged('talker');
    c.runFor(3_000);
    expect(record(c.server.stream(attachRequest('gone'))).status?.message).toBe('Internal error occurred: unable to upgrade connection: container not found ("g")');
  });
});

describe('pods/log with follow', () => {
  const logRequest = (pod: string, query: Record<string, string>): ApiRequest => ({ method: 'GET', path: `/api/v1/namespaces/default/pods/${pod}/log`, query: { follow: 'true', ...query } });

  it('streams what is there, then each new line, and ends when the container exits', () => {
    const c = cluster();
    c.create(POD('counter', [busybox('c', 'echo one; sleep 1; echo two; sleep 1; echo three')], { restartPolicy: 'Never' }));
    c.runUntilLogged('counter');
    const stream = c.server.stream(logRequest('counter', {}));
    expect(stream.headers['content-type']).toBe('text/plain');
    const r = record(stream);
    expect(r.out.join('')).toBe('stdout:one\n');
    c.runFor(1_000);
    expect(r.out.join('')).toBe('stdout:one\nstdout:two\n');
    expect(r.ended).toBe(false);
    c.runFor(1_000);
    expect(r.out.join('')).toBe('stdout:one\nstdout:two\nstdout:three\n');
    expect(r.ended).toBe(true);
    // Once the container has exited, a follow returns at once.
    const again = record(c.server.stream(logRequest('counter', { tailLines: '1' })));
    expect(again.out).toEqual(['stdout:three\n']);
    expect(again.ended).toBe(true);
  });

  it('stops following when the client goes away, and honours limitBytes', () => {
    const c = cluster();
    c.create(POD('ticker', [busybox('t', 'echo a; sleep 1; echo bb; sleep 1; echo ccc; sleep 3600')]));
    c.runUntilLogged('ticker');
    const gone = record(c.server.stream(logRequest('ticker', {})));
    gone.session.close();
    const limited = record(c.server.stream(logRequest('ticker', { limitBytes: '4' })));
    c.runFor(2_000);
    expect(gone.out.join('')).toBe('stdout:a\n');
    expect(limited.out.join('')).toBe('stdout:a\nstdout:bb');
    expect(limited.ended).toBe(true);
  });

  it('refuses like the plain log request does', () => {
    const c = cluster();
    c.create(POD('two', [busybox('a', 'sleep 3600'), busybox('b', 'sleep 3600')]));
    expect(statusOf(() => c.server.stream(logRequest('two', {})))).toMatchObject({ code: 400, message: 'a container name must be specified for pod two, choose one of: [a b]' });
    expect(statusOf(() => c.server.stream(logRequest('two', { container: 'z' })))).toMatchObject({ code: 400, message: 'container z is not valid for pod two' });
    c.runFor(300);
    expect(statusOf(() => c.server.stream(logRequest('two', { container: 'a' })))).toMatchObject({ code: 400, message: 'container "a" in pod "two" is waiting to start: ContainerCreating' });
  });
});
