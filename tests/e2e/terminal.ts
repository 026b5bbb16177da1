/** Reading and typing into a page's <sc-terminal> (xterm.js) from end-to-end tests. */
import type { Locator, Page } from 'playwright-core';

export const PROMPT = 'learner@kind:~$';

/** The terminal named `name` on the page, once xterm.js has loaded in it. */
export async function readyTerminal(page: Page, name = 'main'): Promise<Locator> {
  const term = page.locator(`sc-terminal[data-name="${name}"]`);
  await term.scrollIntoViewIfNeeded();
  await page.waitForSelector(`sc-terminal[data-name="${name}"][data-ready="true"]`, { timeout: 30_000 });
  return term;
}

/** Every line of the terminal's buffer (scrollback included, wrapped rows joined), without trailing blanks. */
export function lines(term: Locator): Promise<string[]> {
  return term.evaluate((el: any) => {
    const buffer = el.terminal.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      const row = line?.translateToString(true) ?? '';
      if (line?.isWrapped && out.length > 0) out[out.length - 1] += row;
      else out.push(row);
    }
    for (let i = 0; i < out.length; i++) out[i] = out[i]!.trimEnd();
    while (out.length > 0 && out.at(-1) === '') out.pop();
    return out;
  });
}

/** The line the cursor is on: the prompt and what is typed after it. */
export function cursorLine(term: Locator): Promise<string> {
  return term.evaluate((el: any) => {
    const buffer = el.terminal.buffer.active;
    return (buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true) ?? '').trimEnd();
  });
}

/** Polls the terminal's lines until `test` holds; the error shows what the terminal shows. */
export async function until(term: Locator, test: (lines: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await lines(term);
    if (test(now)) return now;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${now.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Types a line and presses Enter, without waiting for it to finish. */
export async function typeLine(page: Page, term: Locator, line: string): Promise<void> {
  await term.locator('.xterm').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** Types a line and waits for the next prompt; returns what the line printed. */
export async function runLine(page: Page, term: Locator, line: string): Promise<string[]> {
  const before = (await lines(term)).length;
  await typeLine(page, term, line);
  const after = await until(term, (l) => l.length > before && l.at(-1) === PROMPT, `the prompt after ${line}`);
  return after.slice(before, -1);
}
