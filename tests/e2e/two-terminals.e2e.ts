/**
 * Lesson 05 follows the StatefulSet Basics tutorial with two terminals on one
 * cluster: a watch in the first, the apply in the second. The watch shows the
 * Pods appear in order, Ctrl-C ends it without touching the other terminal, and
 * a reload keeps both terminals' history and the editor's text.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness.ts';
import { cursorLine, lines, PROMPT, readyTerminal as ready, typeLine, until } from './terminal.ts';

const url = inject('siteUrl');
const LESSON = '/lessons/05-statefulsets-headless-services/';
let browser: Browser;

beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

/** `web-0   0/1   Pending   0   0s` → `web-0 Pending`. */
const podRows = (all: string[]) => all.filter((l) => /^web-\d\s/.test(l)).map((l) => { const f = l.split(/\s+/); return `${f[0]} ${f[2]}`; });

describe('two terminals on lesson 05', () => {
  it('watches in one terminal while the other applies web.yaml, and keeps both histories and the editor across a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(url + LESSON);

    // The learner's own copy of the tutorial's manifest: a comment of theirs, kept after the reload.
    const editor = page.locator('sc-editor[data-file="web.yaml"]');
    await editor.scrollIntoViewIfNeeded();
    await page.waitForSelector('sc-editor[data-file="web.yaml"][data-ready="monaco"] .monaco-editor', { timeout: 30_000 });
    await editor.evaluate((el: any) => {
      const model = el.monacoEditor.getModel();
      model.pushEditOperations([], [{ range: { startLineNumber: 1, startColumn: 1, endLineNumber: 1, endColumn: 1 }, text: '# my copy of the tutorial\n' }], () => null);
    });

    const watch = await ready(page, 'watch');
    const main = await ready(page, 'main');
    await typeLine(page, watch, 'kubectl get pods -w -l app=nginx');
    // Ctrl-C in the second terminal interrupts its own command only: the watch goes on (the rows below prove it).
    await typeLine(page, main, 'sleep 600');
    await main.locator('.xterm').click();
    await page.keyboard.press('Control+C');
    await until(main, (l) => l.at(-2) === '^C' && l.at(-1) === PROMPT, 'the prompt after Ctrl-C in the second terminal');
    expect((await lines(watch)).at(-1)).toBe(`${PROMPT} kubectl get pods -w -l app=nginx`);
    await typeLine(page, main, 'kubectl apply -f web.yaml');
    await until(main, (l) => l.includes('statefulset.apps/web created'), 'the apply');
    expect(await lines(main)).toContain('service/nginx created');

    const watched = await until(watch, (l) => podRows(l).includes('web-2 Running'), 'web-2 Running in the watch', 60_000);
    expect(watched.find((l) => l.startsWith('NAME'))?.split(/\s+/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const rows = podRows(watched);
    const at = (row: string) => { expect(rows, row).toContain(row); return rows.indexOf(row); };
    // OrderedReady: web-0 goes Pending → ContainerCreating → Running before web-1 is even Pending.
    expect(at('web-0 Pending')).toBeLessThan(at('web-0 ContainerCreating'));
    expect(at('web-0 ContainerCreating')).toBeLessThan(at('web-0 Running'));
    expect(at('web-0 Running')).toBeLessThan(at('web-1 Pending'));
    expect(at('web-1 Pending')).toBeLessThan(at('web-1 Running'));
    expect(at('web-1 Running')).toBeLessThan(at('web-2 Pending'));
    await page.screenshot({ path: '/tmp/two-terminals-1280.png' });

    // Ctrl-C ends the watch and gives its prompt back.
    await watch.locator('.xterm').click();
    await page.keyboard.press('Control+C');
    const stopped = await until(watch, (l) => l.at(-1) === PROMPT, 'the prompt after Ctrl-C');
    expect(stopped.at(-2)).toMatch(/\^C$/);

    await typeLine(page, main, 'kubectl get pods -l app=nginx');
    const listed = await until(main, (l) => l.filter((x) => /^web-\d\s+1\/1\s+Running/.test(x)).length === 3, 'three Running Pods in the list');
    expect(listed.filter((l) => l.startsWith('web-')).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'web-0 1/1 Running', 'web-1 1/1 Running', 'web-2 1/1 Running',
    ]);
    // The second terminal never saw the watch's rows.
    expect(listed.some((l) => /ContainerCreating|Pending/.test(l))).toBe(false);

    await page.setViewportSize({ width: 420, height: 900 });
    await watch.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/two-terminals-narrow.png' });
    const narrowWatch = (await watch.boundingBox())!;
    const narrowMain = (await main.boundingBox())!;
    expect(narrowWatch.x + narrowWatch.width).toBeLessThanOrEqual(420);
    expect(narrowMain.y).toBeGreaterThanOrEqual(narrowWatch.y + narrowWatch.height);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.reload();
    const watchAgain = await ready(page, 'watch');
    const mainAgain = await ready(page, 'main');
    await watchAgain.locator('.xterm').click();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => cursorLine(watchAgain)).toBe(`${PROMPT} kubectl get pods -w -l app=nginx`);
    await mainAgain.locator('.xterm').click();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => cursorLine(mainAgain)).toBe(`${PROMPT} kubectl get pods -l app=nginx`);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => cursorLine(mainAgain)).toBe(`${PROMPT} kubectl apply -f web.yaml`);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => cursorLine(mainAgain)).toBe(`${PROMPT} sleep 600`);
    // Each terminal has only its own history: the watch is not in the second one's.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => cursorLine(mainAgain)).toBe(`${PROMPT} sleep 600`);

    const editorAgain = page.locator('sc-editor[data-file="web.yaml"]');
    await editorAgain.scrollIntoViewIfNeeded();
    await page.waitForSelector('sc-editor[data-file="web.yaml"][data-ready="monaco"] .monaco-editor', { timeout: 30_000 });
    const text = await editorAgain.evaluate((el: any) => el.monacoEditor.getModel().getValue() as string);
    expect(text.startsWith('# my copy of the tutorial\n# A headless Service')).toBe(true);
    await page.screenshot({ path: '/tmp/two-terminals-reloaded.png' });
    expect(errors).toEqual([]);
    await page.close();
  });
});
