/**
 * `npm run bench`: performance budgets, one JSON object per line:
 *   {"metric": NAME, "value": N, "unit": U}
 * Figures are medians over several runs; these machines are noisy, so compare
 * ratios between runs rather than absolute numbers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { hasChromium, launchBrowser, serveSite } from '../tests/e2e/harness.ts';

function emit(metric: string, value: number, unit: string): void {
  console.log(JSON.stringify({ metric, value: Math.round(value * 100) / 100, unit }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Bytes (gzip) of JavaScript and CSS a lesson page fetches before any
 * interaction, at 1280×800 without scrolling. Monaco and xterm.js load only
 * when their islands come near the viewport, so they must not appear here.
 */
async function lessonInitialBytes(): Promise<void> {
  if (!hasChromium()) {
    console.error('bench: Chromium missing; skipping lesson_initial_* metrics');
    return;
  }
  if (!existsSync('dist/index.html')) spawnSync('npx', ['astro', 'build'], { stdio: 'inherit' });
  const site = await serveSite();
  const browser = await launchBrowser();
  try {
    const js: number[] = [];
    const css: number[] = [];
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const sizes = { js: 0, css: 0 };
      const pending: Promise<void>[] = [];
      page.on('response', (response) => {
        const type = response.request().resourceType();
        if (type !== 'script' && type !== 'stylesheet') return;
        pending.push(response.body().then((body) => {
          sizes[type === 'script' ? 'js' : 'css'] += gzipSync(body).length;
        }).catch(() => undefined));
      });
      await page.goto(`${site.url}/lessons/01-stateful-vs-stateless/`, { waitUntil: 'networkidle' });
      await page.waitForTimeout(500);
      await Promise.all(pending);
      js.push(sizes.js / 1024);
      css.push(sizes.css / 1024);
      await context.close();
    }
    emit('lesson_initial_js_gz_kb', median(js), 'KiB');
    emit('lesson_initial_css_gz_kb', median(css), 'KiB');
    emit('terminal_keystroke_echo_ms', await keystrokeEcho(browser, site.url), 'ms');
  } finally {
    await browser.close();
    await site.stop();
  }
}

/**
 * Median time from a key press in a lesson's terminal to the character on its
 * screen (xterm's rows in the DOM), over 40 keys typed one at a time.
 */
async function keystrokeEcho(browser: Awaited<ReturnType<typeof launchBrowser>>, url: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}/lessons/01-stateful-vs-stateless/`);
  await page.locator('sc-terminal').first().scrollIntoViewIfNeeded();
  await page.waitForSelector('sc-terminal[data-ready="true"]');
  await page.locator('sc-terminal .xterm').first().click();
  const times: number[] = [];
  const keys = 'kubectlgetpodswideabcdefghijklmnopqrstuv';
  for (let i = 0; i < keys.length; i++) {
    const typed = keys.slice(0, i + 1);
    const start = Date.now();
    await page.keyboard.press(keys[i]!);
    await page.waitForFunction((text) => document.querySelector('sc-terminal .xterm-rows')?.textContent?.includes(text), typed, { polling: 'raf' });
    times.push(Date.now() - start);
  }
  await page.close();
  return median(times);
}

/** The cluster scenarios run in child processes of their own (scripts/bench-cluster.ts). */
function clusterScenarios(): void {
  for (const scenario of ['deployment', 'pods5000', 'sts', 'daemonset']) {
    const result = spawnSync('npx', ['tsx', 'scripts/bench-cluster.ts', scenario], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.stdout.write(result.stdout);
    if (result.status !== 0) console.error(`bench: scenario ${scenario} failed (exit ${result.status})`);
  }
}

/** Our kubectl in-process (scripts/bench-kubectl.ts) and grading throughput (scripts/bench-grade.ts), each in a child process. */
function childScripts(): void {
  for (const script of ['scripts/bench-kubectl.ts', 'scripts/bench-grade.ts']) {
    const result = spawnSync('npx', ['tsx', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.stdout.write(result.stdout);
    if (result.status !== 0) console.error(`bench: ${script} failed (exit ${result.status})`);
  }
}

/** The in-browser cluster's worker bundle (shim, API, kubectl, schema), gzip. */
function workerBytes(): void {
  if (!existsSync('dist/index.html')) spawnSync('npx', ['astro', 'build'], { stdio: 'inherit' });
  const worker = readdirSync('dist/_astro').find((f) => /^cluster\.worker.*\.js$/.test(f));
  if (worker) emit('cluster_worker_js_gz_kb', gzipSync(readFileSync(`dist/_astro/${worker}`)).length / 1024, 'KiB');
}

clusterScenarios();
childScripts();
workerBytes();
await lessonInitialBytes();
