import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './harness.ts';

const url = inject('siteUrl');
let browser: Browser;

beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

async function desktopPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => { throw error; });
  return page;
}

/** Waits until Monaco replaced the textarea in the first editor of the page. */
async function monacoReady(page: Page) {
  const editor = page.locator('sc-editor').first();
  await editor.scrollIntoViewIfNeeded();
  await page.waitForSelector('sc-editor[data-ready="monaco"] .monaco-editor', { timeout: 30_000 });
  return editor;
}

describe('landing page', () => {
  it('says what Statecraft is and links to the first lesson', async () => {
    const page = await desktopPage();
    await page.goto(url + '/');
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Statecraft');
    await expect(page.locator('a[href="/lessons/01-stateful-vs-stateless/"]').first().isVisible()).resolves.toBe(true);
    await page.close();
  });
});

describe('lesson 1', () => {
  it('renders with the sidebar, the editor and the terminal', async () => {
    const page = await desktopPage();
    await page.goto(url + '/lessons/01-stateful-vs-stateless/');
    await expect(page.locator('h1').textContent()).resolves.toContain('Stateful vs stateless');
    await expect(page.locator('nav[aria-label="Main"] a[aria-current="page"]').textContent()).resolves.toContain('Stateful vs stateless');
    expect(await page.locator('sc-editor').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('sc-terminal').count()).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it('loads nothing of Monaco or xterm.js before the islands come near the viewport', async () => {
    const page = await desktopPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(url + '/lessons/01-stateful-vs-stateless/');
    await page.waitForLoadState('networkidle');
    expect(requested.filter((u) => /monaco|editor\.main|xterm|yaml\.worker|kubernetes\.schema/.test(u))).toEqual([]);
    await page.locator('sc-terminal').first().scrollIntoViewIfNeeded();
    await page.waitForSelector('sc-terminal[data-ready="true"]');
    expect(requested.some((u) => u.includes('xterm'))).toBe(true);
    await page.close();
  });
});

describe('editor', () => {
  it('flags an unknown StatefulSet field with the schema message, on its line', async () => {
    const page = await desktopPage();
    await page.goto(url + '/labs/statefulset-basics/');
    const editor = await monacoReady(page);
    await editor.evaluate((el: any) => {
      const model = el.monacoEditor.getModel();
      model.setValue(model.getValue().replace('replicas: 3', 'replicaz: 3'));
    });
    await page.waitForFunction(() => ((document.querySelector('sc-editor') as any).markers ?? []).length > 0, null, { timeout: 20_000 });
    const markers = await editor.evaluate((el: any) => el.markers.map((m: any) => ({ message: m.message, line: m.startLineNumber })));
    const text = await editor.evaluate((el: any) => el.monacoEditor.getModel().getValue() as string);
    const line = text.split('\n').findIndex((l) => l.includes('replicaz')) + 1;
    expect(markers).toContainEqual({ message: 'Property replicaz is not allowed.', line });
    await expect(editor.locator('.sc-editor__status').textContent()).resolves.toMatch(/1 problem/);
    await page.close();
  });

  it('offers podManagementPolicy when completing in a StatefulSet spec', async () => {
    const page = await desktopPage();
    await page.goto(url + '/labs/statefulset-basics/');
    const editor = await monacoReady(page);
    await editor.evaluate((el: any) => {
      const ed = el.monacoEditor;
      const model = ed.getModel();
      const line = model.getValue().split('\n').findIndex((l: string) => l.startsWith('  serviceName:')) + 1;
      model.pushEditOperations([], [{ range: { startLineNumber: line, startColumn: 1, endLineNumber: line, endColumn: 1 }, text: '  pod\n' }], () => null);
      ed.setPosition({ lineNumber: line, column: 6 });
      ed.focus();
      ed.trigger('test', 'editor.action.triggerSuggest', {});
    });
    await page.waitForSelector('.suggest-widget .monaco-list-row', { timeout: 20_000 });
    const labels = await page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
    expect(labels).toContain('podManagementPolicy');
    await page.close();
  });

  it('keeps what the learner typed across a reload', async () => {
    const page = await desktopPage();
    await page.goto(url + '/labs/statefulset-basics/');
    const editor = await monacoReady(page);
    await editor.evaluate((el: any) => el.monacoEditor.getModel().setValue('# my draft\n'));
    await page.reload();
    const again = await monacoReady(page);
    await expect(again.evaluate((el: any) => el.monacoEditor.getModel().getValue())).resolves.toBe('# my draft\n');
    await again.locator('[data-action="reset"]').click();
    await expect(again.evaluate((el: any) => el.monacoEditor.getModel().getValue())).resolves.toContain('kind: StatefulSet');
    await page.close();
  });

  it('falls back to a plain textarea on a phone', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(url + '/labs/statefulset-basics/');
    await page.locator('sc-editor textarea').scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await expect(page.locator('sc-editor textarea').isVisible()).resolves.toBe(true);
    expect(await page.locator('.monaco-editor').count()).toBe(0);
    await page.close();
  });
});

describe('terminal', () => {
  async function typeLine(page: Page, line: string) {
    await page.locator('sc-terminal .xterm').click();
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }

  it('accepts a line and answers', async () => {
    const page = await desktopPage();
    await page.goto(url + '/labs/statefulset-basics/');
    await page.waitForSelector('sc-terminal[data-ready="true"]');
    await typeLine(page, 'kubectl version --client');
    await page.waitForFunction(() => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes('Kustomize Version'));
    const screen = await page.locator('sc-terminal .xterm-rows').innerText();
    expect(screen).toContain('Client Version: v1.32.5');
    // The in-browser cluster answers from the page's worker.
    await typeLine(page, 'kubectl version');
    await page.waitForFunction(() => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes('Server Version'));
    expect(await page.locator('sc-terminal .xterm-rows').innerText()).toContain('Server Version: v1.32.2');
    await typeLine(page, 'kubeclt');
    await page.waitForFunction(() => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes('command not found'));
    // A shell pipeline with a variable and command substitution, run by the worker's shell.
    await typeLine(page, 'N=$(kubectl get nodes --no-headers | grep -c worker); echo "workers: $N"');
    await page.waitForFunction(() => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes('workers: 2'));
    await page.close();
  });

  it('remembers history across a reload', async () => {
    const page = await desktopPage();
    await page.goto(url + '/labs/statefulset-basics/');
    await page.waitForSelector('sc-terminal[data-ready="true"]');
    await typeLine(page, 'echo remembered');
    await page.waitForFunction(() => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes('remembered'));
    await page.reload();
    await page.waitForSelector('sc-terminal[data-ready="true"]');
    await page.locator('sc-terminal .xterm').click();
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes('echo remembered'));
    await page.close();
  });
});

describe('lab workspace', () => {
  it('puts instructions beside the editor and terminal at 1280×800, and stacks them on a narrow screen', async () => {
    const page = await desktopPage();
    await page.goto(url + '/labs/statefulset-basics/');
    const instructions = await page.locator('.ws-instructions').boundingBox();
    const tools = await page.locator('.ws-tools').boundingBox();
    expect(instructions && tools && instructions.x + instructions.width <= tools.x).toBe(true);
    expect(tools!.y + tools!.height).toBeLessThanOrEqual(800);
    await page.setViewportSize({ width: 600, height: 900 });
    const narrowInstr = await page.locator('.ws-instructions').boundingBox();
    const narrowTools = await page.locator('.ws-tools').boundingBox();
    expect(narrowTools!.y).toBeGreaterThanOrEqual(narrowInstr!.y + narrowInstr!.height - 1);
    await page.close();
  });

  it('resizes the panes by dragging the gutter', async () => {
    const page = await desktopPage();
    await page.goto(url + '/labs/statefulset-basics/');
    const before = (await page.locator('.ws-instructions').boundingBox())!.width;
    const gutter = (await page.locator('.ws-gutter').boundingBox())!;
    await page.mouse.move(gutter.x + 3, gutter.y + 200);
    await page.mouse.down();
    await page.mouse.move(gutter.x + 203, gutter.y + 200, { steps: 5 });
    await page.mouse.up();
    const after = (await page.locator('.ws-instructions').boundingBox())!.width;
    expect(after).toBeGreaterThan(before + 150);
    await page.close();
  });
});

describe('search', () => {
  it('finds the lesson through Pagefind', async () => {
    const page = await desktopPage();
    await page.goto(url + '/');
    await page.locator('site-search button[data-open-modal]:not([disabled])').click();
    await page.locator('.pagefind-ui__search-input').fill('ephemeral');
    await page.waitForSelector('.pagefind-ui__result-link', { timeout: 15_000 });
    const links = await page.locator('.pagefind-ui__result-link').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links.some((l) => l.startsWith('/lessons/01-stateful-vs-stateless'))).toBe(true);
    await page.close();
  });
});
