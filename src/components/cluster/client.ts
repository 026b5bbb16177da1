/**
 * The page's one connection to its cluster: a single Web Worker shared by every
 * island on the page (editors, terminals, labs), started on first use. It
 * speaks the protocol in src/worker/protocol.ts.
 */
import type { ApiRequest, ApiResponse, ApiTransport, WatchEvent, WatchHandle } from '../../api/types.ts';
import type { StepResult } from '../../runner/grade.ts';
import type { TextFile } from '../../runner/manifests.ts';
import type { Lab, LabTopology } from '../../schemas/lab.ts';
import type { EditorAction, EditorResult } from '../../worker/editor.ts';
import type { FromWorker, ToWorker } from '../../worker/protocol.ts';
import { workspaceFiles } from './files.ts';

type TermListener = { output(data: string): void; exit(code: number, more?: boolean): void };
type LabReply = Extract<FromWorker, { type: 'lab.ready' | 'lab.checked' | 'lab.applied' | 'lab.error' }>;

/** What `statecraft:edit` carries: the temporary file's path and text, and where the saved text goes. */
export interface EditRequest {
  request: number;
  path: string;
  yaml: string;
  reply(text: string): void;
}

/** A lab request the worker refused (no lab open, no such step). */
export class LabError extends Error {}

export class ClusterConnection implements ApiTransport {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (response: ApiResponse) => void>();
  private readonly watches = new Map<number, { onEvent(e: WatchEvent): void; onEnd?(reason?: unknown): void }>();
  private readonly completions = new Map<number, (result: { start: number; candidates: string[] }) => void>();
  private readonly terms = new Map<string, TermListener>();
  private readonly labReplies = new Map<number, (reply: LabReply) => void>();
  private readonly editorReplies = new Map<number, (result: EditorResult) => void>();
  readonly ready: Promise<{ kubernetesVersion: string }>;

  constructor() {
    this.worker = new Worker(new URL('../../worker/cluster.worker.ts', import.meta.url), { type: 'module', name: 'statecraft-cluster' });
    let resolveReady!: (v: { kubernetesVersion: string }) => void;
    this.ready = new Promise((resolve) => (resolveReady = resolve));
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const msg = event.data;
      switch (msg.type) {
        case 'ready': resolveReady({ kubernetesVersion: msg.kubernetesVersion }); break;
        case 'api.response': this.pending.get(msg.id)?.(msg.response); this.pending.delete(msg.id); break;
        case 'watch.event': this.watches.get(msg.id)?.onEvent(msg.event); break;
        case 'watch.end': this.watches.get(msg.id)?.onEnd?.(msg.reason); this.watches.delete(msg.id); break;
        case 'term.output': this.terms.get(msg.term)?.output(msg.data); break;
        case 'term.exit': this.terms.get(msg.term)?.exit(msg.code, msg.more); break;
        case 'term.completions': this.completions.get(msg.id)?.(msg); this.completions.delete(msg.id); break;
        case 'ui.edit': this.openEdit(msg); break;
        case 'ui.edit.end': window.dispatchEvent(new CustomEvent('statecraft:edit-end', { detail: { request: msg.request } })); break;
        case 'fatal': console.error('cluster worker:', msg.message); break;
        case 'editor.result': this.editorReplies.get(msg.id)?.(msg); this.editorReplies.delete(msg.id); break;
        case 'lab.ready': case 'lab.checked': case 'lab.applied': case 'lab.error':
          this.labReplies.get(msg.id)?.(msg); this.labReplies.delete(msg.id); break;
      }
    };
    // A lesson that asks for more than plain kind (frontmatter `cluster:`) says so on its terminal.
    const topology = document.querySelector<HTMLElement>('[data-cluster-topology]')?.dataset.clusterTopology;
    if (topology) this.post({ type: 'cluster.topology', topology: JSON.parse(topology) as LabTopology });
  }

  /**
   * `kubectl edit` asks for the editor panel: an editor on the page takes the
   * request (it cancels the event) and calls `reply` with the saved text.
   */
  private openEdit(msg: Extract<FromWorker, { type: 'ui.edit' }>): void {
    const reply = (text: string | undefined, error?: string) =>
      this.post({ type: 'ui.edit.done', request: msg.request, ...(error !== undefined ? { error } : { text }) });
    const detail: EditRequest = { request: msg.request, path: msg.path, yaml: msg.yaml, reply: (text) => reply(text) };
    const taken = !window.dispatchEvent(new CustomEvent('statecraft:edit', { detail, cancelable: true }));
    if (!taken) reply(undefined, 'this page has no editor panel for kubectl edit');
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Runs the cluster's clock `speed` times faster than the wall clock (one of CLOCK_SPEEDS). */
  setSpeed(speed: number): void {
    this.post({ type: 'cluster.speed', speed });
  }

  request(request: ApiRequest): Promise<ApiResponse> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.post({ type: 'api', id, request });
    });
  }

  watch(request: ApiRequest, onEvent: (e: WatchEvent) => void, onEnd?: (reason?: unknown) => void): WatchHandle {
    const id = this.nextId++;
    this.watches.set(id, { onEvent, onEnd });
    this.post({ type: 'watch', id, request });
    return { stop: () => { this.watches.delete(id); this.post({ type: 'cancel', id }); } };
  }

  private labRequest<T extends LabReply['type']>(message: ToWorker & { id: number }, expect: T): Promise<Extract<LabReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.labReplies.set(message.id, (reply) => {
        if (reply.type === expect) resolve(reply as Extract<LabReply, { type: T }>);
        else reject(new LabError(reply.type === 'lab.error' ? reply.message : `unexpected ${reply.type}`));
      });
      this.post(message);
    });
  }

  /** A fresh cluster with the lab's topology and setup (also "Reset lab"); resolves with the setup's problems. */
  async openLab(lab: Lab, setupFiles: TextFile[]): Promise<string[]> {
    return (await this.labRequest({ type: 'lab.open', id: this.nextId++, lab, setupFiles }, 'lab.ready')).problems;
  }

  /** Runs one step's checks (0-based) against the page's cluster. */
  async checkStep(step: number): Promise<StepResult> {
    return (await this.labRequest({ type: 'lab.check', id: this.nextId++, step }, 'lab.checked')).result;
  }

  /** Applies manifests, then a commands.sh, as grading applies a submission. */
  async applyFiles(manifests: TextFile[], commands?: TextFile): Promise<{ problems: string[]; notes: string[] }> {
    const { problems, notes } = await this.labRequest({ type: 'lab.apply', id: this.nextId++, manifests, ...(commands ? { commands } : {}) }, 'lab.applied');
    return { problems, notes };
  }

  /** The editor's Apply / Diff / validation of one file, as `kubectl apply|diff -f FILE` sees it. */
  runEditor(action: EditorAction, file: TextFile): Promise<EditorResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.editorReplies.set(id, resolve);
      this.post({ type: 'editor.run', id, action, file });
    });
  }

  /** Opens a terminal session; the worker keeps its shell state (variables, history of exit codes). */
  openTerminal(term: string, listener: TermListener, cols: number, rows: number) {
    this.terms.set(term, listener);
    this.post({ type: 'term.open', term, cols, rows });
    return {
      run: (line: string) => {
        // The editor's current text, so `kubectl apply -f NAME` applies what the learner sees.
        const files = workspaceFiles();
        if (files.length > 0) this.post({ type: 'files.write', files });
        this.post({ type: 'term.run', term, line });
      },
      input: (data: string) => this.post({ type: 'term.input', term, data }),
      interrupt: () => this.post({ type: 'term.signal', term, signal: 'SIGINT' }),
      resize: (c: number, r: number) => this.post({ type: 'term.resize', term, cols: c, rows: r }),
      complete: (line: string, cursor: number) => {
        const id = this.nextId++;
        return new Promise<{ start: number; candidates: string[] }>((resolve) => {
          this.completions.set(id, resolve);
          this.post({ type: 'term.complete', id, term, line, cursor });
        });
      },
      close: () => { this.terms.delete(term); this.post({ type: 'term.close', term }); },
    };
  }
}

let connection: ClusterConnection | undefined;

/** The page's cluster; the worker starts on the first call. */
export function cluster(): ClusterConnection {
  connection ??= new ClusterConnection();
  return connection;
}
