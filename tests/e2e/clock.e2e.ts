/**
 * The terminal's Clock: a learner who would otherwise wait out a 300 s eviction picks
 * 60× and the page's cluster (shared by every terminal on the page) runs sixty times
 * faster; the pick shows in every terminal, and `sleep` and ages follow the cluster.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness.ts';
import { readyTerminal, runLine } from './terminal.ts';

const url = inject('siteUrl');
let browser: Browser;

beforeAll(async () => { browser = await launchBrowser(); });
afterAll(async () => { await browser?.close(); });

describe('the cluster clock', () => {
  it('runs the page cluster 60× faster when the learner picks it, in every terminal', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(url + '/lessons/05-statefulsets-headless-services/');
    const watch = await readyTerminal(page, 'watch');
    const main = await readyTerminal(page, 'main');
    const speed = (term: typeof main) => term.locator('select[data-clock-speed]');
    await expect(speed(main).inputValue()).resolves.toBe('1');

    await speed(main).selectOption('60');
    await expect.poll(() => speed(watch).inputValue()).toBe('60');
    await main.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/clock-60x.png' });

    // Two virtual minutes: two seconds at 60× (two minutes at real time, past this test's timeout).
    const started = Date.now();
    expect(await runLine(page, main, 'sleep 120; echo woke')).toEqual(['woke']);
    expect(Date.now() - started).toBeLessThan(20_000);
    // The nodes have aged with the cluster: kubectl's AGE is at least two minutes.
    const nodes = await runLine(page, main, 'kubectl get nodes --no-headers');
    expect(nodes).toHaveLength(3);
    for (const row of nodes) expect(row.split(/\s+/)[3]).toMatch(/^\d+m\d*s?$/);

    // Back to real time: a 2 s sleep takes about 2 s again.
    await speed(watch).selectOption('1');
    await expect.poll(() => speed(main).inputValue()).toBe('1');
    const again = Date.now();
    expect(await runLine(page, main, 'sleep 2; echo woke')).toEqual(['woke']);
    expect(Date.now() - again).toBeGreaterThanOrEqual(1_500);
    expect(errors).toEqual([]);
    await page.close();
  });
});
