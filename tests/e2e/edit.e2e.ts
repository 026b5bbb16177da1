/**
 * `kubectl edit` in the browser: the terminal's kubectl opens the object in the
 * page's editor (in place of the lesson's file), Save sends it back, an invalid
 * edit reopens with the API server's causes, Cancel and Ctrl-C close it, and the
 * lesson's file (with the learner's changes) survives all of it and a reload.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from './harness.ts';
import { PROMPT, runLine, typeLine, until } from './terminal.ts';

const url = inject('siteUrl');
const LESSON = '/lessons/06-daemonsets-node-agents/';
const MINE = '# my own notes\n';
let browser: Browser;

beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

const text = (editor: Locator) => editor.evaluate((el: any) => el.monacoEditor.getModel().getValue() as string);
const replace = (editor: Locator, from: string, to: string) =>
  editor.evaluate((el: any, [a, b]) => { const m = el.monacoEditor.getModel(); m.setValue(m.getValue().replace(a, b)); }, [from, to]);
const editing = (page: Page, on: boolean) => page.waitForFunction(
  (on) => (document.querySelector('sc-editor') as HTMLElement).dataset.editing !== undefined === on, on, { timeout: 30_000 });

async function open(page: Page): Promise<{ editor: Locator; term: Locator }> {
  await page.goto(url + LESSON);
  const editor = page.locator('sc-editor').first();
  await editor.scrollIntoViewIfNeeded();
  await page.waitForSelector('sc-editor[data-ready="monaco"] .monaco-editor', { timeout: 30_000 });
  const term = page.locator('sc-terminal').first();
  await term.scrollIntoViewIfNeeded();
  await page.waitForSelector('sc-terminal[data-ready="true"]', { timeout: 30_000 });
  return { editor, term };
}

describe('kubectl edit in the editor panel', () => {
  it('saves, reopens an invalid edit, cancels, stops on Ctrl-C, and gives the lesson file back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    let { editor, term } = await open(page);
    await editor.evaluate(() => localStorage.clear());
    // The learner's own change to the lesson's file: it must come back after every edit.
    await editor.evaluate((el: any, mine) => {
      el.monacoEditor.getModel().pushEditOperations([], [{ range: { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 }, text: mine }], () => null);
    }, MINE);
    const lesson = await text(editor);
    expect(lesson.startsWith(MINE)).toBe(true);

    expect(await runLine(page, term, 'kubectl create deployment web --image=nginx')).toEqual(['deployment.apps/web created']);

    // Save with Ctrl-S: the change goes to the cluster.
    await typeLine(page, term, 'kubectl edit deployment web');
    await editing(page, true);
    const path = await editor.getAttribute('data-editing');
    expect(path).toMatch(/^\/tmp\/kubectl-edit-\d+\.yaml$/);
    expect(await editor.locator('.sc-editor__file').textContent()).toBe(path);
    const buffer = await text(editor);
    expect(buffer.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n")).toBe(true);
    expect(buffer).toContain('\nkind: Deployment\n');
    expect(buffer).toContain('\n  replicas: 1\n');
    expect(await editor.locator('[data-action="apply"]').isVisible()).toBe(false);
    expect(await editor.locator('[data-action="edit-save"]').isVisible()).toBe(true);
    await replace(editor, '\n  replicas: 1\n', '\n  replicas: 3\n');
    await page.screenshot({ path: '/tmp/edit-open.png' });
    await editor.locator('.monaco-editor textarea').focus();
    await page.keyboard.press('Control+S');
    await editing(page, false);
    const saved = await until(term, (l) => l.at(-1) === PROMPT, 'the prompt after the edit');
    expect(saved.slice(-2, -1)).toEqual(['deployment.apps/web edited']);
    expect(await text(editor)).toBe(lesson);
    // Typing goes on where it was: the terminal has the focus again.
    expect(await page.evaluate(() => document.activeElement?.closest('sc-terminal') !== null)).toBe(true);
    const table = await runLine(page, term, 'kubectl get deploy web');
    expect(table[0]?.split(/\s+/)).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(table[1]).toMatch(/^web\s+\d\/3\s/);
    await page.screenshot({ path: '/tmp/edit-after.png' });

    // An invalid value: the file comes back with the server's causes on top; Cancel gives up as kubectl does.
    await typeLine(page, term, 'kubectl edit deployment web');
    await editing(page, true);
    await replace(editor, '\n  replicas: 3\n', '\n  replicas: -1\n');
    const firstPath = await editor.getAttribute('data-editing');
    await editor.locator('[data-action="edit-save"]').click();
    await page.waitForFunction((first) => {
      const el = document.querySelector('sc-editor') as HTMLElement;
      return el.dataset.editing !== undefined && el.dataset.editing !== first;
    }, firstPath, { timeout: 30_000 });
    const reopened = await text(editor);
    expect(reopened).toContain('#\n# deployments.apps "web" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n');
    expect(reopened).toContain('\n  replicas: -1\n');
    await until(term, (l) => l.includes('error: deployments.apps "web" is invalid'), 'the invalid error');
    await page.evaluate(() => { document.documentElement.dataset.theme = 'dark'; });
    await page.screenshot({ path: '/tmp/edit-invalid-dark.png' });
    await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
    const secondPath = await editor.getAttribute('data-editing');
    await editor.locator('[data-action="edit-cancel"]').click();
    await editing(page, false);
    const cancelled = await until(term, (l) => l.at(-1) === PROMPT, 'the prompt after Cancel');
    expect(cancelled.slice(-4, -1)).toEqual([
      'error: deployments.apps "web" is invalid',
      `A copy of your changes has been stored to "${secondPath}"`,
      'error: Edit cancelled, no valid changes were saved.',
    ]);
    expect(await runLine(page, term, 'echo $?')).toEqual(['1']);
    expect(await text(editor)).toBe(lesson);
    expect(await editor.locator('.sc-editor__file').textContent()).toBe('log-agent.yaml');
    // kubectl keeps the file with the changes, so `kubectl replace -f` could try again.
    expect((await runLine(page, term, `grep '^  replicas:' ${secondPath}`))[0]).toBe('  replicas: -1');

    // Ctrl-C in the terminal closes the panel.
    await typeLine(page, term, 'kubectl edit deployment web');
    await editing(page, true);
    await term.locator('.xterm').click();
    await page.keyboard.press('Control+C');
    await editing(page, false);
    const interrupted = await until(term, (l) => l.at(-1) === PROMPT, 'the prompt after Ctrl-C');
    expect(interrupted.at(-2)).toMatch(/\^C$/);
    expect(await text(editor)).toBe(lesson);
    expect((await runLine(page, term, 'kubectl get deploy web'))[1]).toMatch(/^web\s+\d\/3\s/);

    // A reload in the middle of an edit keeps the lesson's file, not the edit's.
    await typeLine(page, term, 'kubectl edit deployment web');
    await editing(page, true);
    await replace(editor, '\n  replicas: 3\n', '\n  replicas: 7\n');
    ({ editor, term } = await open(page));
    expect(await editor.getAttribute('data-editing')).toBeNull();
    expect(await text(editor)).toBe(lesson);
    await editor.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/edit-reloaded.png' });
    expect(errors).toEqual([]);
    await page.close();
  });
});
