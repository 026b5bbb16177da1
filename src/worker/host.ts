/**
 * The worker side of the page protocol, free of worker globals so tests drive
 * it directly: it routes API requests and watches to the cluster's transport
 * and runs one TerminalSession per terminal on the page.
 */
import type { ApiTransport, WatchHandle } from '../api/types.ts';
import { TerminalSession } from '../terminal/session.ts';
import { PROTOCOL_VERSION, type FromWorker, type ToWorker } from './protocol.ts';

export const KUBERNETES_VERSION = 'v1.32';

export class WorkerHost {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly watches = new Map<number, WatchHandle>();

  constructor(private readonly post: (message: FromWorker) => void, private readonly transport?: ApiTransport) {}

  start(): void {
    this.post({ type: 'ready', protocol: PROTOCOL_VERSION, kubernetesVersion: KUBERNETES_VERSION });
  }

  async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'api': {
        const response = this.transport
          ? await this.transport.request(msg.request)
          : { status: 503, headers: { 'content-type': 'application/json' }, body: unavailable() };
        this.post({ type: 'api.response', id: msg.id, response });
        break;
      }
      case 'watch': {
        if (!this.transport) {
          this.post({ type: 'watch.end', id: msg.id, reason: 'no cluster in this build' });
          break;
        }
        const handle = this.transport.watch(
          msg.request,
          (event) => this.post({ type: 'watch.event', id: msg.id, event }),
          (reason) => { this.watches.delete(msg.id); this.post({ type: 'watch.end', id: msg.id, reason: reason === undefined ? undefined : String(reason) }); },
        );
        this.watches.set(msg.id, handle);
        break;
      }
      case 'cancel':
        this.watches.get(msg.id)?.stop();
        this.watches.delete(msg.id);
        break;
      case 'term.open':
        this.sessions.set(msg.term, new TerminalSession(this.transport));
        break;
      case 'term.run': {
        const session = this.session(msg.term);
        const code = await session.run(msg.line, { write: (data) => this.post({ type: 'term.output', term: msg.term, data }) });
        this.post({ type: 'term.exit', term: msg.term, code });
        break;
      }
      case 'term.signal':
        this.sessions.get(msg.term)?.interrupt();
        break;
      case 'term.input':
      case 'term.resize':
        break; // consumed by interactive commands (exec -it) once they exist
      case 'term.complete': {
        const { start, candidates } = this.session(msg.term).complete(msg.line, msg.cursor);
        this.post({ type: 'term.completions', id: msg.id, start, candidates });
        break;
      }
      case 'term.close':
        this.sessions.get(msg.term)?.interrupt();
        this.sessions.delete(msg.term);
        break;
    }
  }

  private session(term: string): TerminalSession {
    let session = this.sessions.get(term);
    if (!session) this.sessions.set(term, (session = new TerminalSession(this.transport)));
    return session;
  }
}

function unavailable() {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable',
    message: 'the in-browser cluster is not part of this build yet',
  };
}
