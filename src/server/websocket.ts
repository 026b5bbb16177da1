/**
 * An exec or attach stream over a WebSocket, framed with the remote command channel
 * protocol (channel.ts). The API layer decides what runs and what the final
 * Status is; this module only moves bytes: stdin in, stdout/stderr out, the
 * Status on the error channel, then a normal close, which client-go reads as
 * end of every stream.
 */
import type { WebSocket } from 'ws';
import type { ApiStream, StreamStatus } from '../api/types.ts';
import { ERROR, frame, parseFrame, STDERR, STDIN, STDOUT } from './channel.ts';

/** WebSocket close code for a normal closure (RFC 6455 §7.4.1). */
const NORMAL_CLOSURE = 1000;

export interface ChannelSessionOptions {
  /** Called after input reaches the process, so the cluster can run what it set off. */
  afterInput?: () => void;
}

/** Runs `stream` over an open WebSocket until the process ends or the client hangs up. */
export function runChannelSession(ws: WebSocket, stream: ApiStream, options: ChannelSessionOptions = {}): void {
  const { channels } = stream;
  let finished = false;
  // The API server's translator sends an empty message on the lowest channel it
  // will write, so the client knows the streams are up.
  const first = channels.stdout ? STDOUT : channels.stderr ? STDERR : ERROR;
  ws.send(frame(first), { binary: true });

  const session = stream.start({
    write(which, data) {
      if (finished || data === '') return;
      ws.send(frame(which === 'stderr' ? STDERR : STDOUT, data), { binary: true });
    },
    end(status?: StreamStatus) {
      if (finished) return;
      finished = true;
      if (status !== undefined) ws.send(frame(ERROR, JSON.stringify(status)), { binary: true });
      ws.close(NORMAL_CLOSURE);
    },
  });

  // Stdin arrives as arbitrary byte chunks; a UTF-8 character may straddle two.
  const decoder = new TextDecoder('utf-8');
  let stdinOpen = channels.stdin;
  const closeStdin = (): void => {
    if (!stdinOpen) return;
    stdinOpen = false;
    const rest = decoder.decode();
    if (rest !== '') session.stdin(rest);
    session.stdin(null);
  };

  ws.on('message', (data, isBinary) => {
    if (finished || !isBinary) return;
    const message = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    const incoming = parseFrame(message);
    if (incoming.type === 'stdin') {
      if (!stdinOpen) return;
      const text = decoder.decode(incoming.data, { stream: true });
      if (text !== '') session.stdin(text);
    } else if (incoming.type === 'close') {
      if (incoming.channel === STDIN) closeStdin();
    } else if (incoming.type === 'resize') {
      session.resize({ width: incoming.width, height: incoming.height });
    }
    options.afterInput?.();
  });

  ws.on('close', () => {
    if (finished) return;
    finished = true;
    session.close();
  });
  ws.on('error', () => ws.terminate());
}
