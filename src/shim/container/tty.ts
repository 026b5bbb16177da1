// A terminal's line discipline, as the container's pty applies it for `kubectl exec -t`
// and `kubectl run -it`: typed characters are echoed and collected into lines
// (backspace erases, Ctrl-U kills the line), Enter delivers the line, Ctrl-C sends
// SIGINT and Ctrl-D ends input; output newlines become CR LF (ONLCR).
import type { Output } from './stream.ts';

export class LineDiscipline {
  private line = '';
  private escape = false;

  constructor(
    private readonly echo: Output,
    private readonly deliver: (data: string | null) => void,
    private readonly interrupt: () => void,
  ) {}

  input(data: string | null): void {
    if (data === null) {
      if (this.line !== '') this.deliver(this.line);
      this.line = '';
      this.deliver(null);
      return;
    }
    for (const ch of data) {
      if (this.escape) {
        // The rest of an escape sequence (arrow keys): cooked mode drops it.
        if (/[A-Za-z~]/.test(ch)) this.escape = false;
        continue;
      }
      switch (ch) {
        case '\x1b':
          this.escape = true;
          break;
        case '\r':
        case '\n':
          this.echo('\r\n');
          this.deliver(`${this.line}\n`);
          this.line = '';
          break;
        case '\x7f':
        case '\b':
          if (this.line !== '') {
            this.line = [...this.line].slice(0, -1).join('');
            this.echo('\b \b');
          }
          break;
        case '\x15':
          this.echo('\b \b'.repeat([...this.line].length));
          this.line = '';
          break;
        case '\x03':
          this.echo('^C');
          this.line = '';
          this.interrupt();
          break;
        case '\x04':
          if (this.line === '') this.deliver(null);
          else {
            this.deliver(this.line);
            this.line = '';
          }
          break;
        default:
          if (ch >= ' ' || ch === '\t') {
            this.line += ch;
            this.echo(ch);
          }
      }
    }
  }
}

/** ONLCR: `\n` leaves the terminal as `\r\n`. */
export function onlcr(out: Output): Output {
  return (text) => out(text.replace(/\r?\n/g, '\r\n'));
}
