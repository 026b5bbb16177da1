/**
 * Streaming subresources (`logs -f`, `exec`) through the transport's stream
 * door: the session once it runs, or the server's refusal as a StatusError.
 */
import type { ApiRequest, StreamSession, StreamSink } from '../api/types.ts';
import type { Invocation } from './command.ts';
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
