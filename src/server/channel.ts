/**
 * The remote command channel protocol that `kubectl exec` speaks over a
 * WebSocket: every binary message starts with one byte naming the channel,
 * the rest is that channel's data. Version 5 adds a CLOSE message (255,
 * channel) so a client can end stdin without closing the connection.
 * Upstream: K:staging/src/k8s.io/apimachinery/pkg/util/remotecommand/constants.go,
 * K:staging/src/k8s.io/client-go/tools/remotecommand/websocket.go.
 */

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** Carries the final metav1.Status (exit code or error), then the connection closes. */
export const ERROR = 3;
/** TTY size as JSON `{"Width":80,"Height":24}`. */
export const RESIZE = 4;
/** v5: `[255, channel]` half-closes that channel. */
export const CLOSE = 255;

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';

/** Sub-protocols served, most capable first. */
export const PROTOCOLS: readonly string[] = [V5, V4];

/**
 * The sub-protocol to answer with: the first one the client offers that we
 * speak (kubectl 1.32 offers only v5; client-node offers v5, v4, …).
 */
export function selectProtocol(offered: string | undefined): string | undefined {
  const list = (offered ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  return list.find((p) => PROTOCOLS.includes(p));
}

/** One outgoing message: the channel byte, then the data as UTF-8. */
export function frame(channel: number, data: string | Uint8Array = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return Buffer.concat([Buffer.from([channel]), body]);
}

export type Incoming =
  | { type: 'stdin'; data: Uint8Array }
  | { type: 'close'; channel: number }
  | { type: 'resize'; width: number; height: number }
  | { type: 'ignored'; reason: string };

/** Reads one message from the client. */
export function parseFrame(message: Uint8Array): Incoming {
  if (message.length === 0) return { type: 'ignored', reason: 'empty message' };
  const channel = message[0]!;
  const data = message.subarray(1);
  if (channel === STDIN) return { type: 'stdin', data };
  if (channel === CLOSE) {
    if (data.length !== 1) return { type: 'ignored', reason: 'malformed close signal' };
    return { type: 'close', channel: data[0]! };
  }
  if (channel === RESIZE) {
    try {
      const size = JSON.parse(Buffer.from(data).toString('utf8')) as { Width?: unknown; Height?: unknown };
      if (typeof size.Width === 'number' && typeof size.Height === 'number') return { type: 'resize', width: size.Width, height: size.Height };
    } catch {
      // fall through: a malformed size is ignored, as the kubelet logs and ignores it
    }
    return { type: 'ignored', reason: 'malformed terminal size' };
  }
  return { type: 'ignored', reason: `channel ${channel} is not written by clients` };
}
