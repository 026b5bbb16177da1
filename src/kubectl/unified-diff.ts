/**
 * What `diff -u -N` prints for two texts: `kubectl diff` runs the system's
 * GNU diff on the LIVE and MERGED dumps (K:staging/src/k8s.io/kubectl/pkg/cmd/diff/diff.go).
 * Lines are matched with Myers' O(ND) algorithm; hunks carry 3 lines of
 * context and merge when fewer than 7 unchanged lines separate them, as GNU
 * diff's do.
 */

export interface UnifiedDiffOptions {
  fromPath: string;
  toPath: string;
  /** Modification times as GNU diff prints them (`2024-05-01 10:00:00.000000000 +0000`). */
  fromTime: string;
  toTime: string;
  context?: number;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/** The shortest edit script from `a` to `b` (Myers 1986, with a trace for the path back). */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      next[offset + k] = x;
      if (x >= n && y >= m) { done = true; break; }
    }
    v = next;
  }
  // Walk back from (n, m) through the saved frontiers.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const prev = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && prev[offset + k - 1]! < prev[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : prev[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { ops.push({ kind: ' ', line: a[x - 1]! }); x--; y--; }
    if (d === 0) break;
    if (down) { ops.push({ kind: '+', line: b[y - 1]! }); y--; }
    else { ops.push({ kind: '-', line: a[x - 1]! }); x--; }
  }
  while (x > 0 && y > 0) { ops.push({ kind: ' ', line: a[x - 1]! }); x--; y--; }
  return ops.reverse();
}

/** GNU's range: `start,count`, just `start` for one line, and the line before for none. */
function range(start: number, count: number): string {
  if (count === 1) return String(start);
  return `${count === 0 ? start - 1 : start},${count}`;
}

/** The unified diff of two texts; '' when they are equal. */
export function unifiedDiff(from: string, to: string, options: UnifiedDiffOptions): string {
  const context = options.context ?? 3;
  const a = lines(from);
  const b = lines(to);
  const ops = editScript(a, b);
  if (!ops.some((op) => op.kind !== ' ')) return '';
  const out = [`--- ${options.fromPath}\t${options.fromTime}`, `+++ ${options.toPath}\t${options.toTime}`];
  let i = 0;
  while (i < ops.length) {
    // The next change, and the hunk around it that absorbs changes close behind.
    while (i < ops.length && ops[i]!.kind === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap]!.kind === ' ') gap++;
      if (gap < ops.length && gap - end <= 2 * context) { end = gap; continue; }
      end = Math.min(ops.length, end + context);
      break;
    }
    let aStart = 1;
    let bStart = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j]!.kind !== '+') aStart++;
      if (ops[j]!.kind !== '-') bStart++;
    }
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((op) => op.kind !== '+').length;
    const bCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    i = end;
  }
  // Both dumps end with a newline (YAML), so GNU's "\ No newline at end of file" never applies.
  return `${out.join('\n')}\n`;
}
