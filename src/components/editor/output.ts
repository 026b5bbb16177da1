/**
 * The panel under the editor: kubectl's output for Apply and Diff, a unified
 * diff coloured line by line as a terminal's `colordiff` would, and the
 * problems the markers show, listed for readers without Monaco (the textarea
 * on phones, screen readers).
 */
import type { EditorMarker } from '../../worker/editor.ts';

export type LineKind = 'add' | 'del' | 'hunk' | 'header' | 'error' | 'plain';

/** How one line of kubectl output is shown. */
export function lineKind(line: string, isDiff: boolean): LineKind {
  if (isDiff) {
    if (line.startsWith('diff -u -N ') || line.startsWith('--- ') || line.startsWith('+++ ')) return 'header';
    if (line.startsWith('@@')) return 'hunk';
    if (line.startsWith('+')) return 'add';
    if (line.startsWith('-')) return 'del';
  }
  if (/^(error|Error from server|Warning|W\d{4} )/.test(line)) return 'error';
  return 'plain';
}

export interface OutputLine {
  kind: LineKind;
  text: string;
}

/** kubectl's output as lines to render, then one line per marker (`web.yaml:16:3: unknown field …`). */
export function outputLines(output: string, isDiff: boolean, file: string, markers: readonly EditorMarker[]): OutputLine[] {
  const lines = output.replace(/\n$/, '').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const out: OutputLine[] = lines.map((text) => ({ kind: lineKind(text, isDiff), text }));
  for (const m of markers) out.push({ kind: 'error', text: `${file}:${m.startLineNumber}:${m.startColumn}: ${m.message}` });
  return out;
}
