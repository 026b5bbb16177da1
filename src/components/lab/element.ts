/**
 * <sc-lab>: the lab island. It opens the lab on the page's cluster (topology
 * and setup, in the worker), runs a step's checks when the learner presses
 * Check and shows what the grader found, keeps progress, and offers the
 * solution and a reset behind a confirmation. The grading engine runs in the
 * worker; this file only renders and forwards.
 */
import type { StepResult } from '../../runner/grade.ts';
import type { Progress } from '../../schemas/progress.ts';
import { cluster } from '../cluster/client.ts';
import type { LabPageData } from './data.ts';
import { renderStepResult } from './result.ts';

type ProgressModule = typeof import('./progress.ts');

interface EditorElement extends HTMLElement {
  replaceText?(text: string): void;
  reset?(): void;
}

class StatecraftLab extends HTMLElement {
  private data!: LabPageData;
  /** Settles when the lab's cluster is ready; checks wait for it. */
  private opened: Promise<unknown> = Promise.resolve();
  private progressModule?: Promise<ProgressModule>;
  private progress?: Progress;

  connectedCallback(): void {
    if (this.data) return;
    this.data = JSON.parse(this.querySelector('script[data-lab-data]')!.textContent ?? '{}') as LabPageData;
    this.openCluster('Starting the cluster…');
    // Progress needs the schema (zod): fetched after the first paint, never by lesson pages.
    this.progressModule = import('./progress.ts');
    void this.progressModule.then((m) => {
      this.progress = m.loadProgress(localStorage);
      this.showProgress(m);
    });

    this.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
      if (!button || !this.contains(button)) return;
      switch (button.dataset.action) {
        case 'check': void this.check(Number(button.dataset.step), button); break;
        case 'reset': void this.reset(); break;
        case 'solution': void this.toggleSolution(button); break;
        case 'solution-editor': this.solutionToEditor(); break;
        case 'solution-apply': void this.applySolution(button); break;
        case 'export': void this.exportProgress(); break;
        case 'import': this.querySelector<HTMLInputElement>('input[data-import]')?.click(); break;
      }
    });
    this.querySelector<HTMLInputElement>('input[data-import]')?.addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      input.value = '';
      if (file) void this.importProgress(file);
    });
  }

  private openCluster(message: string): void {
    const status = this.querySelector<HTMLElement>('[data-cluster-status]')!;
    status.textContent = message;
    status.dataset.state = 'busy';
    this.opened = cluster().openLab(this.data.lab, this.data.setupFiles).then(
      (problems) => {
        status.dataset.state = problems.length > 0 ? 'error' : 'ready';
        status.textContent = problems.length > 0
          ? `The lab's setup had problems: ${problems.join('; ')}`
          : `Cluster ready: ${nodesText(this.data.lab.topology?.workers ?? 2)}.`;
      },
      (error: unknown) => {
        status.dataset.state = 'error';
        status.textContent = `The cluster could not start: ${(error as Error).message}`;
      },
    );
  }

  private async check(index: number, button: HTMLButtonElement): Promise<void> {
    const step = this.querySelector<HTMLElement>(`.ws-step[data-step="${index}"]`)!;
    const out = step.querySelector<HTMLElement>('[data-result]')!;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    out.dataset.state = 'busy';
    out.textContent = 'Checking…';
    let result: StepResult;
    try {
      await this.opened;
      result = await cluster().checkStep(index);
    } catch (error) {
      out.dataset.state = 'error';
      out.textContent = `The check could not run: ${(error as Error).message}`;
      return;
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
    out.dataset.state = result.passed ? 'passed' : 'failed';
    out.replaceChildren(renderStepResult(result));
    out.scrollIntoView({ block: 'nearest' });
    if (result.passed) {
      step.querySelector<HTMLElement>('[data-badge]')!.hidden = false;
      step.dataset.passed = 'true';
      const m = await this.progressModule!;
      this.progress = m.markPassed(this.progress ?? m.loadProgress(localStorage), this.data.lab.id, index + 1);
      const saved = m.saveProgress(localStorage, this.progress);
      this.showProgress(m, saved ? '' : 'This browser does not let the page keep progress: export it before you leave.');
    } else {
      // A failure is when hints help most.
      const hints = step.querySelector<HTMLDetailsElement>('[data-hints]');
      if (hints) hints.open = true;
    }
  }

  private async reset(): Promise<void> {
    const ok = await this.confirm('Reset the lab?', 'The cluster starts again from the lab’s setup, the editor goes back to the starter file and the check results are cleared. Your progress is kept.', 'Reset lab');
    if (!ok) return;
    document.querySelector<EditorElement>('sc-editor')?.reset?.();
    for (const out of this.querySelectorAll<HTMLElement>('[data-result]')) {
      out.replaceChildren();
      delete out.dataset.state;
    }
    const status = this.querySelector<HTMLElement>('[data-solution-status]');
    if (status) status.textContent = '';
    this.openCluster('Resetting the cluster…');
  }

  private async toggleSolution(button: HTMLButtonElement): Promise<void> {
    const section = this.querySelector<HTMLElement>('[data-solution]')!;
    if (!section.hidden) {
      section.hidden = true;
      button.textContent = 'Show solution';
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    const ok = await this.confirm('Show the solution?', 'Working it out yourself is how it sticks: the hints under each step may be enough. The solution is only shown, not applied.', 'Show solution');
    if (!ok) return;
    section.hidden = false;
    button.textContent = 'Hide solution';
    button.setAttribute('aria-expanded', 'true');
    section.scrollIntoView({ block: 'start', behavior: 'smooth' });
    section.querySelector<HTMLElement>('h2')?.focus();
  }

  /** The editor gets the solution file of its own name, or all solution manifests in one document stream. */
  private solutionToEditor(): void {
    const solution = this.data.solution;
    const editor = document.querySelector<EditorElement>('sc-editor');
    if (!solution || !editor?.replaceText) return;
    const same = solution.manifests.find((f) => f.path === this.data.editorFile);
    editor.replaceText(same ? same.text : solution.manifests.map((f) => f.text.replace(/\n*$/, '\n')).join('---\n'));
    this.querySelector<HTMLElement>('[data-solution-status]')!.textContent =
      `The editor now holds the solution. Apply it in the terminal: kubectl apply -f ${this.data.editorFile}`;
  }

  private async applySolution(button: HTMLButtonElement): Promise<void> {
    const solution = this.data.solution;
    const status = this.querySelector<HTMLElement>('[data-solution-status]')!;
    if (!solution) return;
    button.disabled = true;
    status.textContent = 'Applying the solution…';
    try {
      await this.opened;
      const { problems, notes } = await cluster().applyFiles(solution.manifests, solution.commands);
      status.textContent = problems.length > 0
        ? `Applied, with problems: ${problems.join('; ')}`
        : `Applied the solution${notes.length > 0 ? ` (${notes.join('; ')})` : ''}. Check the steps to see them pass.`;
    } catch (error) {
      status.textContent = `Could not apply the solution: ${(error as Error).message}`;
    } finally {
      button.disabled = false;
    }
  }

  private showProgress(m: ProgressModule, message?: string): void {
    const progress = this.progress ?? m.emptyProgress();
    const s = m.summarise(progress, this.data.course, this.data.lab.id);
    const passed = new Set(progress.labs[this.data.lab.id]?.passed ?? []);
    for (const step of this.querySelectorAll<HTMLElement>('.ws-step')) {
      const done = passed.has(Number(step.dataset.step) + 1);
      step.dataset.passed = String(done);
      step.querySelector<HTMLElement>('[data-badge]')!.hidden = !done;
    }
    const bar = this.querySelector<HTMLProgressElement>('[data-progress-bar]')!;
    bar.max = Math.max(1, s.lab.total);
    bar.value = s.lab.passed;
    this.querySelector('[data-progress-lab]')!.textContent = `This lab: ${s.lab.passed} of ${s.lab.total} steps passed`;
    this.querySelector('[data-progress-course]')!.textContent =
      `Course: ${s.course.passed} of ${s.course.total} steps · ${s.course.labsDone} of ${s.course.labs} labs complete`;
    const brief = document.querySelector<HTMLElement>('[data-progress-brief]');
    if (brief) brief.textContent = `${s.lab.passed}/${s.lab.total} steps · course ${s.course.passed}/${s.course.total}`;
    if (message !== undefined) this.querySelector('[data-progress-message]')!.textContent = message;
  }

  private async exportProgress(): Promise<void> {
    const m = await this.progressModule!;
    const text = m.exportProgress(this.progress ?? m.emptyProgress(), new Date());
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'statecraft-progress.json' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    this.querySelector<HTMLElement>('[data-progress-message]')!.dataset.state = 'ok';
    this.showProgress(m, 'Exported statecraft-progress.json.');
  }

  private async importProgress(file: File): Promise<void> {
    const m = await this.progressModule!;
    // A progress file is a few KiB; anything huge is not one.
    const text = file.size > 1024 * 1024 ? '' : await file.text();
    const result = file.size > 1024 * 1024
      ? { ok: false, progress: this.progress ?? m.emptyProgress(), message: `Could not import ${file.name}: it is too large to be a progress file.` }
      : m.importProgress(this.progress ?? m.emptyProgress(), text, file.name);
    if (result.ok) {
      this.progress = result.progress;
      m.saveProgress(localStorage, result.progress);
    }
    const message = this.querySelector<HTMLElement>('[data-progress-message]')!;
    message.dataset.state = result.ok ? 'ok' : 'error';
    this.showProgress(m, result.message);
  }

  /** A modal confirmation; resolves true when the learner confirms. */
  private confirm(title: string, text: string, action: string): Promise<boolean> {
    const dialog = this.querySelector<HTMLDialogElement>('dialog[data-confirm]')!;
    dialog.querySelector('[data-confirm-title]')!.textContent = title;
    dialog.querySelector('[data-confirm-text]')!.textContent = text;
    dialog.querySelector('[data-confirm-ok]')!.textContent = action;
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
  }
}

function nodesText(workers: number): string {
  return `kind, 1 control-plane node and ${workers} worker${workers === 1 ? '' : 's'}`;
}

export function defineLabElement(): void {
  if (!customElements.get('sc-lab')) customElements.define('sc-lab', StatecraftLab);
}
