/**
 * <sc-editor>: the light part of the editor island. It restores the learner's
 * draft, wires Format/Reset, and swaps the textarea for Monaco only when the
 * element nears the viewport on a device with a fine pointer. Nothing of Monaco
 * (code or CSS) is fetched before that.
 */
import { registerWorkspaceFile } from '../cluster/files.ts';
import { loadDraft, saveDraft } from './storage.ts';

export interface EditorBackend {
  getValue(): string;
  setValue(text: string): void;
  format(): Promise<void>;
  onChange(listener: (text: string) => void): void;
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
    backend.onChange((text) => saveDraft(file, text, initial));
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
