/**
 * <sc-editor>: the light part of the editor island. It restores the learner's
 * draft, wires Format/Reset, and swaps the textarea for Monaco only when the
 * element nears the viewport on a device with a fine pointer. Nothing of Monaco
 * (code or CSS) is fetched before that.
 */
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
}

/** Monaco needs a mouse-class pointer and room; phones and tablets get the textarea. */
function wantsMonaco(): boolean {
  return matchMedia('(pointer: fine)').matches && innerWidth >= 700;
}

class TextareaBackend implements EditorBackend {
  constructor(private readonly textarea: HTMLTextAreaElement) {}
  getValue() { return this.textarea.value; }
  setValue(text: string) { this.textarea.value = text; }
  async format() { /* plain text: nothing to format */ }
  onChange(listener: (text: string) => void) {
    this.textarea.addEventListener('input', () => listener(this.textarea.value));
  }
}

class StatecraftEditor extends HTMLElement {
  backend?: EditorBackend;
  private initial = '';
  /** The cluster is in use (an Apply or a Diff ran): from then on, idle edits are validated too. */
  private connected = false;
  private idleTimer?: ReturnType<typeof setTimeout>;
  private busy = false;

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
      const backend = await createMonacoEditor(surface, textarea.value, file, (problems) => {
        if (status) status.textContent = problems === 0 ? '' : `${problems} problem${problems === 1 ? '' : 's'}`;
      });
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
