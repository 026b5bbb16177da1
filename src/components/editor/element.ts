/**
 * <sc-editor>: the light part of the editor island. It restores the learner's
 * draft, wires Format/Reset, and swaps the textarea for Monaco only when the
 * element nears the viewport on a device with a fine pointer. Nothing of Monaco
 * (code or CSS) is fetched before that.
 */
import type { EditRequest } from '../cluster/client.ts';
import { registerWorkspaceFile } from '../cluster/files.ts';
import type { EditorAction, EditorMarker } from '../../worker/editor.ts';
import { outputLines } from './output.ts';
import { loadDraft, saveDraft } from './storage.ts';

/** Quiet time after typing before the text is checked against the cluster again. */
const IDLE_VALIDATION_MS = 1500;

export interface EditorBackend {
  getValue(): string;
  setValue(text: string): void;
  format(): Promise<void>;
  onChange(listener: (text: string) => void): void;
  /** Shows the cluster's complaints at their lines (Monaco only; the output panel lists them too). */
  setMarkers?(markers: EditorMarker[]): void;
  /**
   * Shows another file (`kubectl edit`'s) in place of the lesson's until `close`:
   * meanwhile getValue/setValue/onChange keep meaning the lesson's file.
   */
  openDocument(path: string, text: string): OpenDocument;
}

export interface OpenDocument {
  getValue(): string;
  close(): void;
}

/** Monaco needs a mouse-class pointer and room; phones and tablets get the textarea. */
function wantsMonaco(): boolean {
  return matchMedia('(pointer: fine)').matches && innerWidth >= 700;
}

class TextareaBackend implements EditorBackend {
  /** The lesson file's text while another document fills the textarea. */
  private lesson?: string;
  constructor(private readonly textarea: HTMLTextAreaElement) {}
  getValue() { return this.lesson ?? this.textarea.value; }
  setValue(text: string) {
    if (this.lesson !== undefined) this.lesson = text;
    else this.textarea.value = text;
  }
  async format() { /* plain text: nothing to format */ }
  onChange(listener: (text: string) => void) {
    this.textarea.addEventListener('input', () => { if (this.lesson === undefined) listener(this.textarea.value); });
  }
  openDocument(_path: string, text: string): OpenDocument {
    this.lesson = this.textarea.value;
    this.textarea.value = text;
    this.textarea.focus();
    return {
      getValue: () => this.textarea.value,
      close: () => {
        this.textarea.value = this.lesson ?? '';
        this.lesson = undefined;
      },
    };
  }
}

class StatecraftEditor extends HTMLElement {
  backend?: EditorBackend;
  private initial = '';
  /** The cluster is in use (an Apply or a Diff ran): from then on, idle edits are validated too. */
  private connected = false;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private busy = false;
  /** A `kubectl edit` holds the editor: its file shows in place of the lesson's until it ends. */
  private editing?: { request: number; path: string; original: string; reply(text: string): void; from?: HTMLElement; doc: OpenDocument };

  /** Replaces the text (the lab's Reset and "Open in the editor"), keeping the draft in step. */
  replaceText(text: string): void {
    this.backend?.setValue(text);
    saveDraft(this.dataset.file ?? 'manifest.yaml', text, this.initial);
  }

  /** Back to the lesson's starting file. */
  reset(): void {
    this.replaceText(this.initial);
  }

  connectedCallback(): void {
    if (this.backend) return;
    const file = this.dataset.file ?? 'manifest.yaml';
    const initial = this.querySelector('template')?.innerHTML ? decode(this.querySelector('template')!.innerHTML) : '';
    this.initial = initial;
    const textarea = this.querySelector('textarea')!;
    const draft = loadDraft(file);
    if (draft !== null) textarea.value = draft;
    this.use(new TextareaBackend(textarea), file, initial);
    // The terminal's `kubectl apply -f <file>` reads what this editor holds.
    registerWorkspaceFile(file, () => this.backend?.getValue() ?? textarea.value);
    this.listenForKubectlEdit();

    this.querySelector('[data-action="reset"]')?.addEventListener('click', () => this.reset());
    this.querySelector('[data-action="format"]')?.addEventListener('click', () => void this.backend?.format());
    this.querySelector('[data-action="apply"]')?.addEventListener('click', () => void this.runAction('apply'));
    this.querySelector('[data-action="diff"]')?.addEventListener('click', () => void this.runAction('diff'));

    if (!wantsMonaco()) {
      this.querySelector('[data-action="format"]')?.setAttribute('hidden', '');
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      void this.upgrade(file, initial, textarea);
    }, { rootMargin: '300px 0px' });
    observer.observe(this);
  }

  private use(backend: EditorBackend, file: string, initial: string): void {
    this.backend = backend;
    backend.onChange((text) => {
      saveDraft(file, text, initial);
      this.scheduleValidation();
    });
  }

  /**
   * `kubectl edit` in a terminal opens its file here (the first editor on the
   * page takes it) in place of the lesson's, which keeps its text, draft and
   * undo history: Save (or Ctrl-S) sends the text back, Cancel sends back what
   * it was given (kubectl then finds no change), Ctrl-C in the terminal just
   * closes it.
   */
  private listenForKubectlEdit(): void {
    window.addEventListener('statecraft:edit', (event) => {
      const { detail } = event as CustomEvent<EditRequest>;
      if (event.defaultPrevented || this.editing || !this.isConnected || !this.backend) return;
      event.preventDefault();
      // Where the learner typed `kubectl edit` (the terminal): focus goes back there afterwards.
      const from = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
      this.editing = { request: detail.request, path: detail.path, original: detail.yaml, reply: detail.reply, from, doc: this.backend.openDocument(detail.path, detail.yaml) };
      this.dataset.editing = detail.path;
      this.setFileLabel(detail.path);
      this.scrollIntoView({ block: 'nearest' });
    });
    window.addEventListener('statecraft:edit-end', (event) => {
      if (this.editing?.request === (event as CustomEvent<{ request: number }>).detail.request) this.endEdit();
    });
    this.querySelector('[data-action="edit-save"]')?.addEventListener('click', () => this.finishEdit(true));
    this.querySelector('[data-action="edit-cancel"]')?.addEventListener('click', () => this.finishEdit(false));
    this.addEventListener('keydown', (event) => {
      if (!this.editing || !(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 's') return;
      event.preventDefault();
      event.stopPropagation();
      this.finishEdit(true);
    }, true);
  }

  private finishEdit(save: boolean): void {
    const edit = this.editing;
    if (!edit) return;
    const text = save ? edit.doc.getValue() : edit.original;
    this.endEdit();
    edit.reply(text);
  }

  private endEdit(): void {
    const edit = this.editing;
    if (!edit) return;
    edit.doc.close();
    this.editing = undefined;
    delete this.dataset.editing;
    this.setFileLabel(this.dataset.file ?? 'manifest.yaml');
    if (edit.from?.isConnected && !edit.from.contains(document.activeElement) && !this.contains(edit.from)) {
      edit.from.focus({ preventScroll: true });
      edit.from.closest('sc-terminal')?.scrollIntoView({ block: 'nearest' });
    }
  }

  private setFileLabel(text: string): void {
    const label = this.querySelector<HTMLElement>('.sc-editor__file');
    if (!label) return;
    label.textContent = text;
    label.title = text;
  }

  /** Apply or Diff: our kubectl in the page's cluster worker, its output under the editor. */
  async runAction(action: Extract<EditorAction, 'apply' | 'diff'>): Promise<void> {
    if (this.busy || !this.backend) return;
    const file = this.dataset.file ?? 'manifest.yaml';
    const button = this.querySelector<HTMLElement>(`[data-action="${action}"]`);
    this.busy = true;
    button?.setAttribute('aria-busy', 'true');
    clearTimeout(this.idleTimer);
    try {
      // The cluster client (and its worker) load on the first click, not with the page.
      const { cluster } = await import('../cluster/client.ts');
      this.connected = true;
      const result = await cluster().runEditor(action, { path: file, text: this.backend.getValue() });
      this.backend.setMarkers?.(result.markers);
      const shown = action === 'diff' && result.code === 0 ? 'No differences: the cluster already matches this file.\n' : result.output;
      this.showOutput(`$ kubectl ${action} -f ${file}`, shown, action === 'diff', file, result.markers);
      this.dataset.lastResult = `${action}:${result.code}`;
    } catch (error) {
      this.showOutput(`$ kubectl ${action} -f ${file}`, `error: ${(error as Error).message}\n`, false, file, []);
    } finally {
      this.busy = false;
      button?.removeAttribute('aria-busy');
    }
  }

  private showOutput(command: string, output: string, isDiff: boolean, file: string, markers: EditorMarker[]): void {
    const panel = this.querySelector<HTMLElement>('.sc-editor__output');
    if (!panel) return;
    const rows = [{ kind: 'header', text: command }, ...outputLines(output, isDiff, file, markers)];
    panel.replaceChildren(...rows.map(({ kind, text }) => {
      const row = document.createElement('div');
      row.className = kind;
      row.textContent = text;
      return row;
    }));
    panel.hidden = false;
  }

  /** Once the learner has used the cluster, a pause in typing re-checks the text (markers only). */
  private scheduleValidation(): void {
    if (!this.connected || !this.backend?.setMarkers) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.validateNow(), IDLE_VALIDATION_MS);
  }

  private async validateNow(): Promise<void> {
    if (this.busy || !this.backend) return;
    const { cluster } = await import('../cluster/client.ts');
    const text = this.backend.getValue();
    const result = await cluster().runEditor('validate', { path: this.dataset.file ?? 'manifest.yaml', text });
    // Typing went on meanwhile: these markers belong to older text.
    if (this.backend.getValue() === text) this.backend.setMarkers?.(result.markers);
  }

  private async upgrade(file: string, initial: string, textarea: HTMLTextAreaElement): Promise<void> {
    const status = this.querySelector<HTMLElement>('.sc-editor__status');
    if (status) status.textContent = 'Loading editor…';
    try {
      const { createMonacoEditor } = await import('./monaco-editor.ts');
      const surface = this.querySelector<HTMLElement>('.sc-editor__surface')!;
      const backend = await createMonacoEditor(surface, this.backend?.getValue() ?? textarea.value, file, (problems) => {
        if (status) status.textContent = problems === 0 ? '' : `${problems} problem${problems === 1 ? '' : 's'}`;
      });
      // A `kubectl edit` that opened in the textarea moves over, with what was typed into it.
      const edit = this.editing;
      if (edit) {
        const text = edit.doc.getValue();
        edit.doc.close();
        edit.doc = backend.openDocument(edit.path, text);
      }
      textarea.hidden = true;
      this.use(backend, file, initial);
      this.dataset.ready = 'monaco';
      if (status && status.textContent === 'Loading editor…') status.textContent = '';
    } catch (error) {
      // The textarea keeps working; say why the rich editor is missing.
      if (status) status.textContent = 'Plain editor (the rich editor failed to load)';
      console.error(error);
    }
  }
}

function decode(html: string): string {
  const el = document.createElement('textarea');
  el.innerHTML = html;
  return el.value;
}

export function defineEditorElement(): void {
  if (!customElements.get('sc-editor')) customElements.define('sc-editor', StatecraftEditor);
}
