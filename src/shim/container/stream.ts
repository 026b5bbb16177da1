// Byte streams between programs: a process's stdin, the pipes of `a | b`, a file or a
// here-document fed to `<`. A reader that finds nothing waits with an `event` Wait and
// is woken by the next write, so a pipeline runs as cooperative processes on the
// virtual clock; a write after the reader has gone throws BrokenPipe (SIGPIPE).
import { BrokenPipe } from './signal.ts';
import type { StdinChunk, Wait } from './types.ts';

/** Where a program writes: the kubelet's log, a pipe, a file, a `$(…)` capture. */
export type Output = (text: string) => void;

/** What a program reads from. */
export interface Source {
  /** Buffered data, `null` at end of input, `undefined` when a reader must wait. */
  take(): StdinChunk | undefined;
  /** Calls `wake` when `take` may have something new; returns the unsubscribe. */
  subscribe(wake: () => void): () => void;
  /** The reader is done (exited): later writes fail with SIGPIPE. */
  closeReader(): void;
}

export class Pipe implements Source {
  private chunks: string[] = [];
  private eof = false;
  private readerGone = false;
  private readonly waiters = new Set<() => void>();

  /** A source that holds `data` and then ends (a file for `<`, a here-document, /dev/null). */
  static of(data: string): Pipe {
    const p = new Pipe();
    if (data !== '') p.chunks.push(data);
    p.eof = true;
    return p;
  }

  get closed(): boolean {
    return this.eof;
  }

  readonly write: Output = (text: string): void => {
    if (this.readerGone) throw new BrokenPipe();
    if (text === '' || this.eof) return;
    this.chunks.push(text);
    this.notify();
  };

  /** The writer is done: the reader sees end of input once the buffer is drained. */
  close(): void {
    if (this.eof) return;
    this.eof = true;
    this.notify();
  }

  closeReader(): void {
    this.readerGone = true;
    this.chunks = [];
  }

  take(): StdinChunk | undefined {
    if (this.chunks.length > 0) {
      const data = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
      this.chunks = [];
      return data;
    }
    return this.eof ? null : undefined;
  }

  /** Puts back what a reader took but did not use (`read` stops at the first newline). */
  unshift(data: string): void {
    if (data !== '') this.chunks.unshift(data);
  }

  subscribe(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** The next chunk of `src` (null at end of input), waiting for it if need be. */
export function* read(src: Source): Generator<Wait, StdinChunk, StdinChunk | undefined> {
  for (;;) {
    const chunk = src.take();
    if (chunk !== undefined) return chunk;
    yield { kind: 'event', subscribe: (wake) => src.subscribe(wake) };
  }
}

/** Everything until end of input. */
export function* readAll(src: Source): Generator<Wait, string, StdinChunk | undefined> {
  let out = '';
  for (;;) {
    const chunk = yield* read(src);
    if (chunk === null) return out;
    out += chunk;
  }
}

/**
 * Complete lines as they arrive (without their newline); a last line without a newline
 * comes at the end. `onLine` returns false to stop reading.
 */
export function* eachLine(src: Source, onLine: (line: string) => boolean | void): Generator<Wait, void, StdinChunk | undefined> {
  let rest = '';
  for (;;) {
    const chunk = yield* read(src);
    if (chunk === null) {
      if (rest !== '') onLine(rest);
      return;
    }
    rest += chunk;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (onLine(line) === false) {
        if (src instanceof Pipe) src.unshift(rest);
        return;
      }
      nl = rest.indexOf('\n');
    }
  }
}

/** Reads one line (for the shell's `read`): `complete` is false when input ended before a newline. */
export function* readLine(src: Source): Generator<Wait, { line: string; complete: boolean } | null, StdinChunk | undefined> {
  let line = '';
  for (;;) {
    const chunk = yield* read(src);
    if (chunk === null) return line === '' ? null : { line, complete: false };
    const nl = chunk.indexOf('\n');
    if (nl < 0) {
      line += chunk;
      continue;
    }
    line += chunk.slice(0, nl);
    if (src instanceof Pipe) src.unshift(chunk.slice(nl + 1));
    return { line, complete: true };
  }
}
