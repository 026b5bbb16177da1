/**
 * Streaming subresources (`logs -f`, `exec`) through the transport's stream
 * door: the session once it runs, or the server's refusal as a StatusError.
 */
import type { ApiRequest, StreamSession, StreamSink } from '../api/types.ts';
import type { Invocation } from './command.ts';
import type { CommandIO } from './io.ts';
import { NoClusterError } from './command.ts';
import { StatusError } from './errors.ts';
import { toStatus } from './client.ts';

export async function openStream(inv: Invocation, req: ApiRequest, sink: StreamSink): Promise<StreamSession> {
  const transport = inv.ctx.transport;
  if (!transport) throw new NoClusterError();
  if (!transport.stream) throw new Error('this connection cannot stream (follow logs, exec) yet');
  const opened = await transport.stream(req, sink);
  if ('response' in opened) throw new StatusError(toStatus(opened.response.status, opened.response.body));
  return opened.session;
}

/**
 * Feeds a stream's stdin, as `exec -i` and `run -i` do: the terminal's keys as they are
 * typed (and its size, for a TTY), or without a terminal the whole of stdin, then EOF.
 * Returns what stops the feeding.
 */
export async function feedStdin(session: StreamSession, io: CommandIO, tty: boolean): Promise<() => void> {
  const terminal = io.terminal;
  if (terminal === undefined) {
    const text = (await io.stdin?.()) ?? '';
    if (text) session.stdin(text);
    session.stdin(null);
    return () => undefined;
  }
  const cleanups = [terminal.onData((d) => session.stdin(d)), terminal.onEnd(() => session.stdin(null))];
  if (tty) {
    session.resize(terminal.size());
    cleanups.push(terminal.onResize((size) => session.resize(size)));
  }
  return () => { for (const c of cleanups) c(); };
}
