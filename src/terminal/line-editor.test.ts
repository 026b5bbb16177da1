import { describe, expect, it } from 'vitest';
import { LineEditor } from './line-editor.ts';

describe('LineEditor', () => {
  it('submits a typed line and remembers it', () => {
    const ed = new LineEditor();
    expect(ed.feed('kubectl get pods\r')).toEqual([{ type: 'submit', line: 'kubectl get pods' }]);
    expect(ed.entries).toEqual(['kubectl get pods']);
    expect(ed.buffer).toBe('');
  });

  it('edits in the middle of the line with arrows, Home/End, backspace and delete', () => {
    const ed = new LineEditor();
    ed.feed('kubectl get po');
    ed.feed('\x1b[D\x1b[D'); // cursor before "po"
    ed.feed('x');
    expect(ed.buffer).toBe('kubectl get xpo');
    ed.feed('\x7f');
    ed.feed('\x1b[H');
    ed.feed('\x1b[3~');
    expect(ed.buffer).toBe('ubectl get po');
    ed.feed('\x1b[F!');
    expect(ed.buffer).toBe('ubectl get po!');
  });

  it('implements Ctrl-A, Ctrl-E, Ctrl-U, Ctrl-K and Ctrl-W as bash does', () => {
    const ed = new LineEditor();
    ed.feed('kubectl get pods -w');
    ed.feed('\x17');
    expect(ed.buffer).toBe('kubectl get pods ');
    ed.feed('\x01\x1b[C\x1b[C\x0b');
    expect(ed.buffer).toBe('ku');
    ed.feed('\x05bectl\x15');
    expect(ed.buffer).toBe('');
  });

  it('walks history with up/down and restores the line being typed', () => {
    const ed = new LineEditor(['one', 'two']);
    ed.feed('thr');
    ed.feed('\x1b[A');
    expect(ed.buffer).toBe('two');
    ed.feed('\x1b[A\x1b[A');
    expect(ed.buffer).toBe('one');
    ed.feed('\x1b[B\x1b[B');
    expect(ed.buffer).toBe('thr');
  });

  it('Ctrl-C abandons the line and reports an interrupt', () => {
    const ed = new LineEditor();
    expect(ed.feed('half a comm\x03')).toEqual([{ type: 'interrupt' }]);
    expect(ed.buffer).toBe('');
  });

  it('treats a pasted block as several submitted lines', () => {
    const ed = new LineEditor();
    const events = ed.feed('echo a\r\necho b\r\n');
    expect(events).toEqual([{ type: 'submit', line: 'echo a' }, { type: 'submit', line: 'echo b' }]);
  });

  it('finds an earlier command with Ctrl-R and runs it with Enter', () => {
    const ed = new LineEditor(['kubectl get pvc', 'kubectl get pods -w', 'clear']);
    ed.feed('\x12pvc');
    expect(ed.view('$ ').text).toBe("(reverse-i-search)`pvc': kubectl get pvc");
    expect(ed.feed('\r')).toEqual([{ type: 'submit', line: 'kubectl get pvc' }]);
  });

  it('asks for completion on Tab and applies the chosen candidate', () => {
    const ed = new LineEditor();
    expect(ed.feed('kubectl ge\t')).toEqual([{ type: 'complete', line: 'kubectl ge', cursor: 10 }]);
    ed.replace(8, 'get ');
    expect(ed.buffer).toBe('kubectl get ');
  });

  it('does not record blank lines or immediate repeats in history', () => {
    const ed = new LineEditor();
    ed.feed('ls\r\r   \rls\r');
    expect(ed.entries).toEqual(['ls']);
  });
});
