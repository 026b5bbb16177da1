/**
 * The page's xterm as the terminal an interactive command reads (`kubectl
 * exec -it`, `kubectl run -it`): keys typed while a line runs arrive as
 * `term.input`, sizes as `term.resize`. In TTY mode Ctrl-C is a key for the
 * remote program ("\x03"), not a signal for the host shell.
 */
import type { TerminalIO } from '../kubectl/io.ts';

export class PageTerminal implements TerminalIO {
  readonly isTTY = true;
  private readonly data = new Set<(data: string) => void>();
  private readonly end = new Set<() => void>();
  private readonly resizes = new Set<(size: { width: number; height: number }) => void>();

  constructor(private width = 80, private height = 24) {}

  /** Whether a command reads the keys now. */
  get attached(): boolean {
    return this.data.size > 0;
  }

  input(data: string): void {
    // Ctrl-D on its own ends the remote input, as a terminal's EOF does.
    if (data === '\x04' && this.end.size > 0) for (const l of [...this.end]) l();
    else for (const l of [...this.data]) l(data);
  }

  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    for (const l of [...this.resizes]) l({ width, height });
  }

  onData(listener: (data: string) => void): () => void {
    this.data.add(listener);
    return () => this.data.delete(listener);
  }

  onEnd(listener: () => void): () => void {
    this.end.add(listener);
    return () => this.end.delete(listener);
  }

  size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  onResize(listener: (size: { width: number; height: number }) => void): () => void {
    this.resizes.add(listener);
    return () => this.resizes.delete(listener);
  }
}
