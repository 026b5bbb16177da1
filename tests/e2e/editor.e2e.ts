/**
 * The editor workbench on a lesson page: Apply and Diff run our kubectl in the
 * page's cluster worker; what the API server refuses becomes a marker on the
 * field's line.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser } from './harness.ts';

const url = inject('siteUrl');
const LESSON = '/lessons/05-statefulsets-headless-services/';
let browser: Browser;

beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

async function lessonEditor(): Promise<{ page: Page; editor: Locator }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => { throw error; });
  await page.goto(url + LESSON);
  const editor = page.locator('sc-editor').first();
  await editor.scrollIntoViewIfNeeded();
  await page.waitForSelector('sc-editor[data-ready="monaco"] .monaco-editor', { timeout: 30_000 });
  return { page, editor };
}

const edit = (editor: Locator, from: string, to: string) =>
  editor.evaluate((el: any, [a, b]) => { const m = el.monacoEditor.getModel(); m.setValue(m.getValue().replace(a, b)); }, [from, to]);

async function press(page: Page, editor: Locator, action: 'apply' | 'diff'): Promise<string> {
  await editor.evaluate((el: HTMLElement) => { delete el.dataset.lastResult; });
  await editor.locator(`[data-action="${action}"]`).click();
  await page.waitForFunction(() => (document.querySelector('sc-editor') as HTMLElement).dataset.lastResult !== undefined, null, { timeout: 30_000 });
  return (await editor.locator('.sc-editor__output').textContent()) ?? '';
}

describe('editor workbench', () => {
  it('marks an unknown field with the server message, applies the fixed file, and diffs a change', async () => {
    const { page, editor } = await lessonEditor();
    await editor.evaluate((el: any) => localStorage.clear());
    await edit(editor, 'replicas: 3', 'replicaz: 3');
    const failed = await press(page, editor, 'apply');
    expect(failed).toContain('service/nginx created');
    expect(failed).toContain('unknown field "spec.replicaz"');
    const text = await editor.evaluate((el: any) => el.monacoEditor.getModel().getValue() as string);
    const line = text.split('\n').findIndex((l) => l.includes('replicaz')) + 1;
    await page.waitForFunction(() => ((document.querySelector('sc-editor') as any).markers ?? []).some((m: any) => m.owner === 'kubernetes'));
    const markers = await editor.evaluate((el: any) => el.markers.filter((m: any) => m.owner === 'kubernetes').map((m: any) => ({ message: m.message, line: m.startLineNumber, column: m.startColumn })));
    expect(markers).toEqual([{ message: 'unknown field "spec.replicaz"', line, column: 3 }]);
    await page.screenshot({ path: '/tmp/editor-marker.png' });

    await edit(editor, 'replicaz: 3', 'replicas: 3');
    const applied = await press(page, editor, 'apply');
    expect(applied).toContain('statefulset.apps/web created');
    await page.waitForFunction(() => !((document.querySelector('sc-editor') as any).markers ?? []).some((m: any) => m.owner === 'kubernetes'));

    await edit(editor, 'replicas: 3', 'replicas: 5');
    const diff = await press(page, editor, 'diff');
    expect(diff).toContain('-  replicas: 3');
    expect(diff).toContain('+  replicas: 5');
    expect(await editor.locator('.sc-editor__output .add').allTextContents()).toContain('+  replicas: 5');
    await page.screenshot({ path: '/tmp/editor-diff.png' });
    await page.close();
  });

  it('answers an alias bomb with an error instead of freezing the tab', async () => {
    const { page, editor } = await lessonEditor();
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 12 }, (_, i) => `  b${i}: &b${i} [${Array(10).fill(i === 0 ? '*a' : `*b${i - 1}`).join(',')}]`).join('\n')}\n`;
    await editor.evaluate((el: any, text) => el.monacoEditor.getModel().setValue(text), bomb);
    const output = await press(page, editor, 'apply');
    expect(output).toMatch(/alias/i);
    // The page still answers.
    await expect(page.evaluate(() => 1 + 1)).resolves.toBe(2);
    await editor.locator('[data-action="reset"]').click();
    await page.close();
  });
});
