// The lab workspace as a learner uses it: Check before and after doing the
// work, the solution behind a confirmation, progress that survives a reload,
// export/import of progress, and Reset back to a fresh cluster.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './harness.ts';

const url = inject('siteUrl');
let browser: Browser;

beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

async function openLab(viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (error) => { throw error; });
  await page.goto(url + '/labs/configmap-pod/');
  await clusterReady(page);
  return page;
}

async function clusterReady(page: Page) {
  await page.waitForSelector('[data-cluster-status][data-state="ready"]', { timeout: 30_000 });
}

/** Presses a step's Check and waits for its verdict. */
async function check(page: Page, step: number) {
  const item = page.locator(`.ws-step[data-step="${step}"]`);
  const details = item.locator(':scope > details');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator(':scope > summary').click();
  await item.locator('button[data-action="check"]').click();
  await page.waitForSelector(`.ws-step[data-step="${step}"] [data-result]:is([data-state="passed"], [data-state="failed"], [data-state="error"])`, { timeout: 20_000 });
  const result = item.locator('[data-result]');
  return { state: await result.getAttribute('data-state'), text: await result.innerText() };
}

async function terminalLine(page: Page, line: string, expectOutput: string) {
  await page.waitForSelector('sc-terminal[data-ready="true"]');
  await page.locator('sc-terminal .xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
  await page.waitForFunction((text) => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes(text), expectOutput, { timeout: 20_000 });
}

async function confirm(page: Page, action: 'ok' | 'cancel') {
  await page.waitForSelector('dialog[data-confirm][open]');
  await page.locator(`dialog[data-confirm] button[value="${action}"]`).click();
}

const progressLine = (page: Page) => page.locator('[data-progress-lab]').innerText();

describe('lab workspace: configmap-pod', () => {
  it('fails step 1 with its reason, passes once the solution is applied in the terminal, keeps progress over a reload, and resets the cluster', async () => {
    const page = await openLab();
    await expect(page.locator('[data-cluster-status]').innerText()).resolves.toBe('Cluster ready: kind, 1 control-plane node and 2 workers.');

    // Before doing anything: the failure says which object is missing, and the hints open.
    const before = await check(page, 0);
    expect(before.state).toBe('failed');
    expect(before.text).toContain('Not yet: 2 of 2 checks fail.');
    expect(before.text).toContain('ConfigMap web-config not found in namespace default');
    expect(before.text).toContain('Error from server (NotFound): configmaps "web-config" not found');
    await expect(page.locator('.ws-step[data-step="0"] details[data-hints]').evaluate((d) => (d as HTMLDetailsElement).open)).resolves.toBe(true);
    await expect(progressLine(page)).resolves.toBe('This lab: 0 of 3 steps passed');

    // The solution only after a confirmation, and only into the editor: applying is the learner's move.
    await page.locator('button[data-action="solution"]').click();
    await confirm(page, 'ok');
    await expect(page.locator('[data-solution]').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-solution] figcaption').allInnerTexts()).resolves.toEqual(['app.yaml']);
    await page.locator('button[data-action="solution-editor"]').click();
    await terminalLine(page, 'kubectl apply -f app.yaml', 'service/web created');
    const screen = await page.locator('sc-terminal .xterm-rows').innerText();
    expect(screen).toContain('configmap/web-config created');
    expect(screen).toContain('pod/web created');

    const after = await check(page, 0);
    expect(after).toMatchObject({ state: 'passed' });
    expect(after.text).toContain('Step 1 passed: all 2 checks hold.');
    // The Pod starts while the learner reads: Check waits for it rather than failing on "ContainerCreating".
    expect((await check(page, 1)).state).toBe('passed');
    await expect(progressLine(page)).resolves.toBe('This lab: 2 of 3 steps passed');
    await expect(page.locator('[data-progress-brief]').innerText()).resolves.toMatch(/^2\/3 steps · course 2\/\d+$/);

    // A reload: progress and the editor's text stay; the cluster is a fresh one with the lab's setup.
    await page.reload();
    await clusterReady(page);
    await page.waitForFunction(() => document.querySelector('[data-progress-lab]')?.textContent === 'This lab: 2 of 3 steps passed');
    await expect(page.locator('.ws-step[data-step="0"] [data-badge]').isVisible()).resolves.toBe(true);
    await expect(page.locator('.ws-step[data-step="2"] [data-badge]').isVisible()).resolves.toBe(false);
    await terminalLine(page, 'kubectl apply -f app.yaml', 'service/web created');
    await terminalLine(page, 'kubectl get configmap', 'web-config');

    // Reset: after a confirmation, a fresh cluster and the starter file; progress is kept.
    await page.locator('sc-lab button[data-action="reset"]').click();
    await confirm(page, 'ok');
    await clusterReady(page);
    await terminalLine(page, 'kubectl get configmap web-config', 'Error from server (NotFound): configmaps "web-config" not found');
    const editorText = await page.locator('sc-editor').evaluate((el: any) => el.backend.getValue() as string);
    expect(editorText).toBe(readFileSync('labs/configmap-pod/app.yaml', 'utf8'));
    expect((await check(page, 0)).state).toBe('failed');
    await expect(progressLine(page)).resolves.toBe('This lab: 2 of 3 steps passed');
    await page.close();
  });

  it('keeps the solution hidden when the learner cancels', async () => {
    const page = await openLab();
    await page.locator('button[data-action="solution"]').click();
    await confirm(page, 'cancel');
    await expect(page.locator('[data-solution]').isVisible()).resolves.toBe(false);
    await expect(page.locator('button[data-action="solution"]').getAttribute('aria-expanded')).resolves.toBe('false');
    await page.close();
  });

  it('exports progress as a JSON file and imports it into another browser; a bad file gets a clear message', async () => {
    const page = await openLab();
    await page.locator('button[data-action="solution"]').click();
    await confirm(page, 'ok');
    await page.locator('button[data-action="solution-apply"]').click();
    await page.waitForFunction(() => document.querySelector('[data-solution-status]')?.textContent?.startsWith('Applied the solution'));
    expect((await check(page, 2)).state).toBe('passed');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-action="export"]').click()]);
    expect(download.suggestedFilename()).toBe('statecraft-progress.json');
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ format: 'statecraft-progress', version: 1, labs: { 'configmap-pod': { passed: [3] } } });
    await page.close();

    const other = await openLab();
    await expect(progressLine(other)).resolves.toBe('This lab: 0 of 3 steps passed');
    const input = other.locator('input[data-import]');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('my notes') });
    await other.waitForFunction(() => document.querySelector('[data-progress-message]')?.textContent !== '');
    await expect(other.locator('[data-progress-message]').innerText()).resolves.toBe('Could not import notes.txt: the file is not JSON.');
    await input.setInputFiles({ name: 'old.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"statecraft-progress","version":2,"labs":{}}') });
    await other.waitForFunction(() => document.querySelector('[data-progress-message]')?.textContent?.includes('old.json'));
    await expect(other.locator('[data-progress-message]').innerText()).resolves.toMatch(/^Could not import old\.json: it is not a Statecraft progress file: version: /);
    await input.setInputFiles({ name: 'statecraft-progress.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
    await other.waitForFunction(() => document.querySelector('[data-progress-message]')?.textContent?.startsWith('Imported'));
    await expect(other.locator('[data-progress-message]').innerText()).resolves.toBe('Imported statecraft-progress.json: 1 passed step in 1 lab.');
    await expect(progressLine(other)).resolves.toBe('This lab: 1 of 3 steps passed');
    await other.reload();
    await other.waitForFunction(() => document.querySelector('[data-progress-lab]')?.textContent === 'This lab: 1 of 3 steps passed');
    await other.close();
  });

  it('offers Check, Reset and the solution on a phone-sized screen', async () => {
    const page = await openLab({ width: 390, height: 844 });
    for (const selector of ['sc-lab button[data-action="reset"]', 'sc-lab button[data-action="solution"]', '.ws-step[data-step="0"] button[data-action="check"]']) {
      const box = (await page.locator(selector).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    const result = await check(page, 0);
    expect(result.state).toBe('failed');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.close();
  });
});
