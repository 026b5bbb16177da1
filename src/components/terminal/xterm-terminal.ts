/**
 * The heavy half of the terminal island: xterm.js + fit, a readline-style line
 * editor in the page (typing never waits for the worker), and the shell in the
 * page's cluster worker.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { LineEditor } from '../../terminal/line-editor.ts';
import { cluster } from '../cluster/client.ts';

const PS1 = '\x1b[1;32mlearner@kind\x1b[0m:\x1b[1;34m~\x1b[0m$ ';
/** bash's PS2: the command typed so far is not finished (an open quote, a here-document). */
const PS2 = '> ';
let terminalCount = 0;

function historyKey(name: string): string {
  return `statecraft:v1:history:${location.pathname}:${name}`;
}

function loadHistory(name: string): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(historyKey(name)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return [];
  }
}

function saveHistory(name: string, entries: readonly string[]): void {
  try {
    localStorage.setItem(historyKey(name), JSON.stringify(entries.slice(-500)));
  } catch {
    // storage full or disabled: history just won't survive a reload
  }
}

function themeColors() {
  const dark = document.documentElement.dataset.theme !== 'light';
  return dark
    ? { background: '#14161a', foreground: '#e6e6e6', cursor: '#e6e6e6', selectionBackground: '#3a3f4b' }
    : { background: '#fbfbfc', foreground: '#1c1e21', cursor: '#1c1e21', selectionBackground: '#c9d3e6' };
}

/** Resolves with the xterm.js Terminal (tests read its buffer). */
export async function mountTerminal(host: HTMLElement, name: string): Promise<Terminal> {
  const term = new Terminal({
    cursorBlink: true,
    convertEol: false,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: 14,
    scrollback: 5000,
    theme: themeColors(),
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  fit.fit();
  new ResizeObserver(() => fit.fit()).observe(host);
  new MutationObserver(() => (term.options.theme = themeColors()))
    .observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

  const editor = new LineEditor(loadHistory(name));
  let running = false;
  let promptText = PS1;

  const redraw = () => {
    const { text, cursorFromEnd } = editor.view(promptText);
    term.write(`\r\x1b[K${text}${cursorFromEnd > 0 ? `\x1b[${cursorFromEnd}D` : ''}`);
  };
  const prompt = () => { running = false; term.write(promptText); };

  const termId = `${name}-${++terminalCount}`;
  const shell = cluster().openTerminal(termId, {
    output: (data) => term.write(data),
    exit: (_code, more) => { promptText = more ? PS2 : PS1; prompt(); },
  }, term.cols, term.rows);
  term.onResize(({ cols, rows }) => shell.resize(cols, rows));

  term.onData(async (data) => {
    if (running) {
      // While a command runs, Ctrl-C interrupts it and other keys go to it.
      if (data === '\x03') { term.write('^C\r\n'); shell.interrupt(); } else shell.input(data);
      return;
    }
    for (const event of editor.feed(data)) {
      switch (event.type) {
        case 'submit':
          term.write('\r\n');
          saveHistory(name, editor.entries);
          if (event.line.trim() === '' && promptText === PS1) { term.write(promptText); break; }
          running = true;
          shell.run(event.line);
          break;
        case 'interrupt':
          if (promptText === PS2) { shell.interrupt(); promptText = PS1; }
          term.write('^C\r\n' + promptText);
          break;
        case 'clear-screen': term.clear(); break;
        case 'eof': break;
        case 'complete': {
          const { start, candidates } = await shell.complete(event.line, event.cursor);
          if (candidates.length === 1) editor.replace(start, `${candidates[0]} `);
          else if (candidates.length > 1) {
            const common = commonPrefix(candidates);
            if (common.length > event.cursor - start) editor.replace(start, common);
            else term.write(`\r\n${candidates.join('  ')}\r\n`);
          }
          break;
        }
      }
    }
    if (!running) redraw();
  });

  term.write('\x1b[2mStatecraft terminal — type `help` to see what works here.\x1b[0m\r\n');
  prompt();
  return term;
}

function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
