/**
 * The worker side of the page protocol, free of worker globals so tests drive
 * it directly: it routes API requests and watches to the cluster's transport
 * and runs one TerminalSession per terminal on the page.
 */
import type { InProcessTransport } from '../api/transport.ts';
import type { ApiTransport, WatchHandle } from '../api/types.ts';
import type { FileSource } from '../kubectl/io.ts';
import type { TextFile } from '../runner/manifests.ts';
import { fileSource } from '../runner/shim-commands.ts';
import type { Lab, LabTopology } from '../schemas/lab.ts';
import { PageTerminal } from '../terminal/page-terminal.ts';
import { TerminalSession } from '../terminal/session.ts';
import { EditorService } from './editor.ts';
import { LabSession, type WallClock } from './lab.ts';
import { CLOCK_SPEEDS, PROTOCOL_VERSION, type FromWorker, type ToWorker } from './protocol.ts';

export const KUBERNETES_VERSION = 'v1.32';

export interface WorkerHostOptions {
  /** The page's cluster when no lab asks for one of its own; built on first use (a lab page never needs it). */
  defaultCluster?(topology?: LabTopology): ApiTransport;
  /** A new cluster for a lab (its topology), kept in step with the wall clock by the caller. */
  newCluster?(lab: Lab): InProcessTransport;
  /** Wall time, for checks that wait until the cluster is quiet. */
  clock?: WallClock;
  /** Sets how fast the page's cluster clock runs against the wall clock (this cluster's and the next ones'). */
  setSpeed?(speed: number): void;
}

export class WorkerHost {
  private readonly sessions = new Map<string, TerminalSession>();
  /** Each page terminal's keys and size, for interactive commands (`kubectl exec -it`). */
  private readonly terminals = new Map<string, PageTerminal>();
  private readonly watches = new Map<number, WatchHandle>();
  private lab?: LabSession;
  /** The lesson page's cluster, for the default cluster built on first use. */
  private topology?: LabTopology;
  /** Requests wait while a lab's cluster is being built, so none lands on the old one. */
  private opening: Promise<void> = Promise.resolve();
  private workspace: TextFile[] = [];
  /** `kubectl edit`s waiting for the editor panel, by request id. */
  private readonly edits = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  private nextEdit = 1;
  private readonly editor = new EditorService(() => this.cluster());
  /** The editor's files as the terminal's kubectl sees them (`-f app.yaml`). */
  private readonly files: FileSource = {
    stat: (p) => fileSource(this.workspace).stat(p),
    read: (p) => fileSource(this.workspace).read(p),
    list: (p) => fileSource(this.workspace).list(p),
  };

  constructor(
    private readonly post: (message: FromWorker) => void,
    private transport?: ApiTransport,
    private readonly options: WorkerHostOptions = {},
  ) {}

  start(): void {
    this.post({ type: 'ready', protocol: PROTOCOL_VERSION, kubernetesVersion: KUBERNETES_VERSION });
  }

  async handle(msg: ToWorker): Promise<void> {
    if (msg.type === 'lab.open') {
      const opened = this.opening.then(() => this.openLab(msg.id, msg.lab, msg.setupFiles));
      this.opening = opened.catch(() => undefined);
      return opened;
    }
    await this.opening;
    switch (msg.type) {
      case 'api': {
        const transport = this.cluster();
        const response = transport
          ? await transport.request(msg.request)
          : { status: 503, headers: { 'content-type': 'application/json' }, body: unavailable() };
        this.post({ type: 'api.response', id: msg.id, response });
        break;
      }
      case 'watch': {
        const transport = this.cluster();
        if (!transport) {
          this.post({ type: 'watch.end', id: msg.id, reason: 'no cluster in this build' });
          break;
        }
        const handle = transport.watch(
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
        this.terminals.set(msg.term, new PageTerminal(msg.cols, msg.rows));
        this.sessions.set(msg.term, this.newSession(msg.term));
        break;
      case 'term.run': {
        const session = this.session(msg.term);
        const code = await session.run(msg.line, { write: (data) => this.post({ type: 'term.output', term: msg.term, data }) });
        this.post({ type: 'term.exit', term: msg.term, code, ...(session.continuing ? { more: true } : {}) });
        break;
      }
      case 'term.signal':
        this.sessions.get(msg.term)?.interrupt();
        break;
      case 'term.input':
        this.terminals.get(msg.term)?.input(msg.data);
        break;
      case 'term.resize':
        this.terminals.get(msg.term)?.resize(msg.cols, msg.rows);
        break;
      case 'term.complete': {
        const { start, candidates } = await this.session(msg.term).complete(msg.line, msg.cursor);
        this.post({ type: 'term.completions', id: msg.id, start, candidates });
        break;
      }
      case 'term.close':
        this.sessions.get(msg.term)?.interrupt();
        this.sessions.delete(msg.term);
        this.terminals.delete(msg.term);
        break;
      case 'cluster.topology':
        this.topology = msg.topology;
        break;
      case 'cluster.speed':
        // The page offers a fixed set; anything else (a stale page, a hand-made message) is ignored.
        if ((CLOCK_SPEEDS as readonly number[]).includes(msg.speed)) this.options.setSpeed?.(msg.speed);
        break;
      case 'files.write':
        this.workspace = msg.files;
        break;
      case 'lab.check':
      case 'lab.apply':
        await this.labRequest(msg);
        break;
      case 'ui.edit.done': {
        const edit = this.edits.get(msg.request);
        this.edits.delete(msg.request);
        if (msg.error !== undefined) edit?.reject(new Error(msg.error));
        else edit?.resolve(msg.text ?? '');
        break;
      }
      case 'editor.run':
        this.post({ type: 'editor.result', id: msg.id, ...(await this.editor.run(msg.action, msg.file)) });
        break;
    }
  }

  private cluster(): ApiTransport | undefined {
    this.transport ??= this.options.defaultCluster?.(this.topology);
    return this.transport;
  }

  private newSession(term: string): TerminalSession {
    return new TerminalSession(this.cluster(), this.files, {
      terminal: () => this.terminals.get(term),
      openEditor: (path, yaml, interrupted) => this.openEditor(term, path, yaml, interrupted),
    });
  }

  /** Asks the page to open `kubectl edit`'s file in its editor panel; Ctrl-C closes the panel again. */
  private openEditor(term: string, path: string, yaml: string, interrupted: Promise<void>): Promise<string> {
    const request = this.nextEdit++;
    void interrupted.then(() => {
      if (!this.edits.delete(request)) return;
      this.post({ type: 'ui.edit.end', request });
    });
    return new Promise((resolve, reject) => {
      this.edits.set(request, { resolve, reject });
      this.post({ type: 'ui.edit', term, request, path, yaml });
    });
  }

  /** A fresh cluster for the lab, then its setup; what ran on the old cluster ends. */
  private async openLab(id: number, lab: Lab, setupFiles: TextFile[]): Promise<void> {
    if (!this.options.newCluster || !this.options.clock) {
      this.post({ type: 'lab.error', id, message: 'this build has no in-browser cluster for labs' });
      return;
    }
    for (const [wid, handle] of this.watches) {
      this.watches.delete(wid);
      handle.stop();
    }
    const transport = this.options.newCluster(lab);
    this.transport = transport;
    this.lab = new LabSession(lab, transport, this.options.clock);
    // Running commands (a `kubectl get -w`) end as if interrupted; each terminal keeps its screen and gets a new shell.
    for (const [term, session] of this.sessions) {
      session.interrupt();
      this.sessions.set(term, this.newSession(term));
    }
    try {
      this.post({ type: 'lab.ready', id, problems: await this.lab.prepare(setupFiles) });
    } catch (error) {
      this.post({ type: 'lab.error', id, message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async labRequest(msg: Extract<ToWorker, { type: 'lab.check' | 'lab.apply' }>): Promise<void> {
    if (!this.lab) {
      this.post({ type: 'lab.error', id: msg.id, message: 'no lab is open on this page' });
      return;
    }
    try {
      if (msg.type === 'lab.check') {
        this.post({ type: 'lab.checked', id: msg.id, result: await this.lab.check(msg.step) });
      } else {
        this.post({ type: 'lab.applied', id: msg.id, ...(await this.lab.apply(msg.manifests, msg.commands)) });
      }
    } catch (error) {
      this.post({ type: 'lab.error', id: msg.id, message: error instanceof Error ? error.message : String(error) });
    }
  }

  private session(term: string): TerminalSession {
    let session = this.sessions.get(term);
    if (!session) this.sessions.set(term, (session = this.newSession(term)));
    return session;
  }
}

function unavailable() {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 503, reason: 'ServiceUnavailable',
    message: 'the in-browser cluster is not part of this build yet',
  };
}
