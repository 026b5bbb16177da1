/**
 * Where a field the API server names lives in the learner's YAML, so its
 * complaint becomes an editor marker on the right line and column. Server
 * paths come in two spellings: validation causes use field.Path
 * (`spec.template.spec.containers[0].image`, map keys in brackets:
 * `metadata.labels[app.kubernetes.io/name]`), strict decoding uses dots
 * throughout (`unknown field "spec.replicaz"`). Documents are split as
 * kubectl's YAMLReader splits them (a line starting with `---`), so the
 * n-th document here is the n-th kubectl decodes.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';

export interface SourceDocument {
  text: string;
  /** 1-based line of the document's first line in the file. */
  firstLine: number;
}

/** Monaco's range shape: 1-based lines and columns, end exclusive. */
export interface TextRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

export function splitSourceDocuments(text: string): SourceDocument[] {
  const docs: SourceDocument[] = [];
  let current: string[] = [];
  let first = 1;
  let line = 0;
  for (const raw of text.split(/(?<=\n)/)) {
    line++;
    if (raw.startsWith('---')) {
      if (current.length > 0) docs.push({ text: current.join(''), firstLine: first });
      current = [];
      first = line + 1;
      continue;
    }
    current.push(raw);
  }
  if (current.length > 0) docs.push({ text: current.join(''), firstLine: first });
  return docs;
}

type Segment = { key: string } | { index: number };

/** `a.b[0][x.y].c` → a, b, 0, "x.y", c (a bracket holding digits is an index). */
export function parseFieldPath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) out.push({ key: m[1] });
    else if (/^\d+$/.test(m[2]!)) out.push({ index: Number(m[2]) });
    else out.push({ key: m[2]! });
  }
  return out;
}

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/**
 * The range of `path` in one document: the key and its value when they sit on
 * one line, the key alone otherwise; the deepest existing parent when the
 * field is missing (a `Required value`); the document's first line when
 * nothing matches.
 */
export function fieldRange(doc: SourceDocument, path: string): TextRange {
  const lineCounter = new LineCounter();
  const parsed = parseDocument(doc.text, { lineCounter, uniqueKeys: false, version: '1.1' });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + doc.firstLine - 1, col };
  };
  const span = (start: number, end: number): TextRange => {
    const s = at(start);
    const e = at(Math.max(end, start + 1));
    return { startLineNumber: s.line, startColumn: s.col, endLineNumber: e.line, endColumn: e.col };
  };
  const segments = parseFieldPath(path);
  let node: unknown = parsed.contents;
  let best: TextRange | undefined;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if ('index' in seg) {
      if (!isSeq(node)) break;
      const item = node.items[seg.index];
      if (!item || !(item as Node).range) break;
      const range = (item as Node).range!;
      node = item;
      best = span(range[0], range[1]);
      continue;
    }
    if (!isMap(node)) break;
    // Dotted paths cannot tell `a.b` the key from a then b: prefer the longest key that matches.
    let found: { pair: Pair; used: number } | undefined;
    for (let n = segments.length - i; n >= 1 && !found; n--) {
      const parts = segments.slice(i, i + n);
      if (parts.some((p) => 'index' in p)) continue;
      const wanted = parts.map((p) => (p as { key: string }).key).join('.');
      const pair = node.items.find((p) => isPair(p) && keyText(p) === wanted);
      if (pair) found = { pair, used: n };
    }
    if (!found) break;
    const { pair } = found;
    i += found.used - 1;
    const keyRange = (pair.key as Node).range!;
    const value = pair.value as Node | null;
    const end = value?.range && isScalar(value) && at(value.range[1]).line === at(keyRange[0]).line ? value.range[1] : keyRange[1];
    best = span(keyRange[0], end);
    node = value;
  }
  if (best) return best;
  const firstContent = doc.text.search(/\S/);
  return span(Math.max(0, firstContent), Math.max(0, firstContent) + Math.max(1, (doc.text.slice(Math.max(0, firstContent)).split('\n')[0] ?? '').length));
}

/** The range of the `kind:` line (where errors about the whole object go), else the first line. */
export function objectRange(doc: SourceDocument): TextRange {
  return fieldRange(doc, 'kind');
}
