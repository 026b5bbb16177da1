/**
 * Readline-style editing of the prompt line, as a pure state machine: feed it
 * what xterm.js reports as typed (`onData` strings: characters, pastes, escape
 * sequences) and it answers with what to draw and whether a line was submitted.
 * It runs in the page, not the worker, so typing never waits for the cluster.
 */

export type LineEvent =
  | { type: 'submit'; line: string }
  | { type: 'interrupt' }
  | { type: 'clear-screen' }
  | { type: 'complete'; line: string; cursor: number }
  | { type: 'eof' };

export interface LineEditorState {
  buffer: string;
  cursor: number;
}

const ESC = '\x1b';

export class LineEditor {
  buffer = '';
  cursor = 0;
  private history: string[];
  private historyIndex: number;
  private stash = '';
  /** Reverse-i-search (Ctrl-R) query, when active. */
  private search: string | null = null;

  constructor(history: string[] = [], private readonly maxHistory = 1000) {
    this.history = history.slice(-maxHistory);
    this.historyIndex = this.history.length;
  }

  get entries(): readonly string[] {
    return this.history;
  }

  /** Consumes one `onData` chunk; returns the events it produced, in order. */
  feed(data: string): LineEvent[] {
    const events: LineEvent[] = [];
    let i = 0;
    while (i < data.length) {
      const rest = data.slice(i);
      const seq = matchEscape(rest);
      if (seq) {
        this.escape(seq);
        i += seq.length;
        continue;
      }
      const ch = data[i]!;
      i += 1;
      if (this.search !== null && this.searchKey(ch, events)) continue;
      switch (ch) {
        case '\r':
        case '\n': {
          // A pasted "\r\n" is one line end, not two.
          if (ch === '\r' && data[i] === '\n') i += 1;
          events.push(this.submit());
          break;
        }
        case '\x7f': case '\b': this.backspace(); break;
        case '\x01': this.cursor = 0; break; // Ctrl-A
        case '\x05': this.cursor = this.buffer.length; break; // Ctrl-E
        case '\x02': this.cursor = Math.max(0, this.cursor - 1); break; // Ctrl-B
        case '\x06': this.cursor = Math.min(this.buffer.length, this.cursor + 1); break; // Ctrl-F
        case '\x15': this.buffer = this.buffer.slice(this.cursor); this.cursor = 0; break; // Ctrl-U
        case '\x0b': this.buffer = this.buffer.slice(0, this.cursor); break; // Ctrl-K
        case '\x17': this.deleteWordBack(); break; // Ctrl-W
        case '\x03': this.buffer = ''; this.cursor = 0; this.historyIndex = this.history.length; events.push({ type: 'interrupt' }); break;
        case '\x04': if (this.buffer === '') events.push({ type: 'eof' }); else this.deleteForward(); break;
        case '\x0c': events.push({ type: 'clear-screen' }); break; // Ctrl-L
        case '\x12': this.search = ''; break; // Ctrl-R
        case '\x10': this.historyUp(); break; // Ctrl-P
        case '\x0e': this.historyDown(); break; // Ctrl-N
        case '\t': events.push({ type: 'complete', line: this.buffer, cursor: this.cursor }); break;
        default:
          if (ch >= ' ' || ch === '\t') this.insert(ch);
      }
    }
    return events;
  }

  /** The prompt area as it should look now (for a search, bash's reverse-i-search line). */
  view(prompt: string): { text: string; cursorFromEnd: number } {
    if (this.search !== null) {
      const match = this.findMatch(this.search) ?? '';
      const text = `(reverse-i-search)\`${this.search}': ${match}`;
      return { text, cursorFromEnd: match.length };
    }
    return { text: prompt + this.buffer, cursorFromEnd: this.buffer.length - this.cursor };
  }

  /** Replaces the word being completed (from `start` to the cursor) with `text`. */
  replace(start: number, text: string): void {
    this.buffer = this.buffer.slice(0, start) + text + this.buffer.slice(this.cursor);
    this.cursor = start + text.length;
  }

  insert(text: string): void {
    this.buffer = this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor);
    this.cursor += text.length;
  }

  private submit(): LineEvent {
    const line = this.buffer;
    if (line.trim() !== '' && this.history.at(-1) !== line) {
      this.history.push(line);
      if (this.history.length > this.maxHistory) this.history.shift();
    }
    this.historyIndex = this.history.length;
    this.buffer = '';
    this.cursor = 0;
    return { type: 'submit', line };
  }

  private searchKey(ch: string, events: LineEvent[]): boolean {
    const query = this.search!;
    if (ch === '\x12') return true; // Ctrl-R again: keep the current match (single-match search)
    if (ch === '\x7f' || ch === '\b') { this.search = query.slice(0, -1); return true; }
    if (ch >= ' ') { this.search = query + ch; return true; }
    // Any other key accepts the match and is then handled normally (Enter runs it).
    this.buffer = this.findMatch(query) ?? this.buffer;
    this.cursor = this.buffer.length;
    this.search = null;
    if (ch === '\x07' || ch === '\x03') { // Ctrl-G / Ctrl-C abandon the search
      this.buffer = ''; this.cursor = 0;
      if (ch === '\x03') events.push({ type: 'interrupt' });
      return true;
    }
    return false;
  }

  private findMatch(query: string): string | undefined {
    if (query === '') return undefined;
    for (let i = this.history.length - 1; i >= 0; i--) if (this.history[i]!.includes(query)) return this.history[i];
    return undefined;
  }

  private escape(seq: string): void {
    if (this.search !== null) { // arrows leave the search with the match on the line
      this.buffer = this.findMatch(this.search) ?? this.buffer;
      this.cursor = this.buffer.length;
      this.search = null;
    }
    switch (seq) {
      case `${ESC}[A`: case `${ESC}OA`: this.historyUp(); break;
      case `${ESC}[B`: case `${ESC}OB`: this.historyDown(); break;
      case `${ESC}[C`: case `${ESC}OC`: this.cursor = Math.min(this.buffer.length, this.cursor + 1); break;
      case `${ESC}[D`: case `${ESC}OD`: this.cursor = Math.max(0, this.cursor - 1); break;
      case `${ESC}[H`: case `${ESC}OH`: case `${ESC}[1~`: this.cursor = 0; break;
      case `${ESC}[F`: case `${ESC}OF`: case `${ESC}[4~`: this.cursor = this.buffer.length; break;
      case `${ESC}[3~`: this.deleteForward(); break;
      case `${ESC}[1;5D`: case `${ESC}b`: this.cursor = wordStart(this.buffer, this.cursor); break;
      case `${ESC}[1;5C`: case `${ESC}f`: this.cursor = wordEnd(this.buffer, this.cursor); break;
      default: break; // other keys (F1…, PageUp) do nothing at a prompt
    }
  }

  private historyUp(): void {
    if (this.historyIndex === 0) return;
    if (this.historyIndex === this.history.length) this.stash = this.buffer;
    this.historyIndex -= 1;
    this.buffer = this.history[this.historyIndex]!;
    this.cursor = this.buffer.length;
  }

  private historyDown(): void {
    if (this.historyIndex >= this.history.length) return;
    this.historyIndex += 1;
    this.buffer = this.historyIndex === this.history.length ? this.stash : this.history[this.historyIndex]!;
    this.cursor = this.buffer.length;
  }

  private backspace(): void {
    if (this.cursor === 0) return;
    this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor);
    this.cursor -= 1;
  }

  private deleteForward(): void {
    this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1);
  }

  private deleteWordBack(): void {
    // Ctrl-W deletes back to the previous whitespace, like bash's unix-word-rubout.
    let start = this.cursor;
    while (start > 0 && this.buffer[start - 1] === ' ') start--;
    while (start > 0 && this.buffer[start - 1] !== ' ') start--;
    this.buffer = this.buffer.slice(0, start) + this.buffer.slice(this.cursor);
    this.cursor = start;
  }
}

function matchEscape(s: string): string | undefined {
  if (s[0] !== ESC) return undefined;
  const m = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|[bf])/.exec(s);
  return m ? m[0] : ESC; // a lone ESC is swallowed
}

function wordStart(s: string, from: number): number {
  let i = from;
  while (i > 0 && !/\w/.test(s[i - 1]!)) i--;
  while (i > 0 && /\w/.test(s[i - 1]!)) i--;
  return i;
}

function wordEnd(s: string, from: number): number {
  let i = from;
  while (i < s.length && !/\w/.test(s[i]!)) i++;
  while (i < s.length && /\w/.test(s[i]!)) i++;
  return i;
}
