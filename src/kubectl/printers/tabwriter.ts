/**
 * The column aligner behind every kubectl table: github.com/liggitt/tabwriter
 * (Go's text/tabwriter plus RememberWidths) as kubectl configures it in
 * cli-runtime's printers.GetNewTabWriter — minimum width 6, padding 3, pad
 * with spaces, and column widths remembered across flushes so the rows of
 * `get -w` line up under the header. Cells are tab-terminated; the text after
 * a line's last tab is not part of any column. Widths count code points.
 */

interface Cell {
  text: string;
  width: number;
  htab: boolean;
}

export class TabWriter {
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];
  private maxWidths: number[] = [];
  private out = '';

  constructor(
    private readonly sink: (text: string) => void,
    private readonly minWidth = 6,
    private readonly padding = 3,
    private readonly rememberWidths = true,
  ) {}

  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const ncells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        // A line of one cell cannot affect later alignment: flush (as upstream does).
        if (ch === '\f' || ncells === 1) this.flush();
      }
    }
    this.cell += text.slice(start);
  }

  flush(): void {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = '';
    this.widths = [];
    if (this.out) this.sink(this.out);
    this.out = '';
  }

  /** Drops the remembered widths (kubectl does so between resource types). */
  resetRememberedWidths(): void {
    this.maxWidths = [];
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1]!;
    line.push({ text: this.cell, width: [...this.cell].length, htab });
    this.cell = '';
    return line.length;
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      for (let j = 0; j < line.length; j++) {
        const c = line[j]!;
        this.out += c.text;
        if (j < this.widths.length) this.out += ' '.repeat(Math.max(0, this.widths[j]! - c.width));
      }
      // The last buffered line has no newline yet (it is the incomplete one).
      if (i + 1 !== this.lines.length) this.out += '\n';
    }
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= this.lines[current]!.length - 1) continue;
      // A cell exists in this column: print the lines before this block.
      this.writeLines(line0, current);
      line0 = current;
      let width = this.minWidth;
      for (; current < line1; current++) {
        const line = this.lines[current]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + this.padding);
      }
      if (this.rememberWidths) {
        if (this.maxWidths.length < this.widths.length) this.maxWidths.push(...this.widths.slice(this.maxWidths.length));
        if (this.maxWidths.length === this.widths.length) this.maxWidths.push(width);
        else if (this.maxWidths[this.widths.length]! > width) width = this.maxWidths[this.widths.length]!;
        else this.maxWidths[this.widths.length] = width;
      }
      this.widths.push(width);
      this.format(line0, current);
      this.widths.pop();
      line0 = current;
    }
    this.writeLines(line0, line1);
  }
}
