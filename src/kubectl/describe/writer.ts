/**
 * The writing side of kubectl's describers (K:staging/src/k8s.io/kubectl/pkg/describe/describe.go):
 * a PrefixWriter that indents by two spaces a level, over Go's text/tabwriter
 * as `tabbedString` configures it (min width 0, padding 2, no remembered
 * widths), and the shared helpers every describer uses for labels,
 * annotations, tolerations, taints and the Events table.
 */
import { humanDuration } from '../../api/printers/duration.ts';
import { goSort } from '../go-sort.ts';
import { TabWriter } from '../printers/tabwriter.ts';

export type Obj = Record<string, any>;

export class PrefixWriter {
  private text = '';
  private readonly tw: { write(t: string): void; flush(): void };

  /** `raw`: straight to the output, tabs and all, as `rollout history --revision` prints a template. */
  constructor(raw = false) {
    this.tw = raw ? { write: (t) => (this.text += t), flush: () => undefined } : new TabWriter((t) => (this.text += t), 0, 2, false);
  }

  write(level: number, text: string): void {
    this.tw.write('  '.repeat(level) + text);
  }

  /** `WriteLine`: a whole line, no indentation. */
  line(text = ''): void {
    this.tw.write(`${text}\n`);
  }

  /** Ends the current alignment block (DescribeEvents flushes before its table). */
  flush(): void {
    this.tw.flush();
  }

  done(): string {
    this.tw.flush();
    return this.text;
  }
}

/** `time.RFC1123Z` in UTC, as describe prints times: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(ts: string | undefined): string {
  const d = new Date(ts ? Date.parse(ts) : Date.parse('0001-01-01T00:00:00Z'));
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, '0')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** `translateTimestampSince`. */
export function since(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  if (Number.isNaN(t) || t <= Date.parse('0001-01-01T00:00:01Z')) return '<unknown>';
  return humanDuration(now - t);
}

export function printLabelsMultiline(w: PrefixWriter, title: string, labels: Record<string, string> | undefined, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return w.line('<none>');
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

const MAX_ANNOTATION_LEN = 140;

export function printAnnotationsMultiline(w: PrefixWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {}).filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration').sort();
  if (keys.length === 0) return w.line('<none>');
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = annotations![key]!.replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s}\n`);
    } else w.write(0, `${key}: ${value}\n`);
  });
}

export function printTolerationsMultiline(w: PrefixWriter, title: string, tolerations: Obj[] | undefined, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  if (!tolerations || tolerations.length === 0) return w.line('<none>');
  const sorted = goSort(tolerations, (a, b) => (a.key ?? '') < (b.key ?? ''));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

export function printTaintsMultiline(w: PrefixWriter, title: string, taints: Obj[] | undefined): void {
  w.write(0, `${title}:\t`);
  if (!taints || taints.length === 0) return w.line('<none>');
  const key = (t: Obj) => `${t.effect ?? ''},${t.key ?? ''}`;
  const sorted = [...taints].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`);
  });
}

/** `labels.FormatLabels`: `a=b,c=d`, or `<none>`. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** `metav1.LabelSelectorAsSelector(...).String()` (sorted requirements). */
export function selectorString(sel: Obj | undefined): string {
  if (!sel) return '';
  const parts: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries((sel.matchLabels ?? {}) as Record<string, string>)) parts.push({ key: k, text: `${k}=${v}` });
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const values = [...((e.values ?? []) as string[])].sort().join(',');
    const text = e.operator === 'In' ? `${e.key} in (${values})` : e.operator === 'NotIn' ? `${e.key} notin (${values})` : e.operator === 'Exists' ? e.key : `!${e.key}`;
    parts.push({ key: e.key, text });
  }
  return parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((p) => p.text).join(',');
}

/** `metav1.FormatLabelSelector`: like the selector string, `<none>` when empty. */
export function formatLabelSelector(sel: Obj | undefined): string {
  const s = selectorString(sel);
  return s === '' ? '<none>' : s;
}

function eventTime(e: Obj): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime;
  return t ? Date.parse(t) : 0;
}

/** `DescribeEvents`: `Events:  <none>`, or the table, oldest first, with `x3 over 5m` for repeats. */
export function describeEvents(events: Obj[] | undefined, w: PrefixWriter, now: number): void {
  if (!events) return;
  if (events.length === 0) return w.write(0, 'Events:\t<none>\n');
  w.flush();
  const sorted = goSort(events, (a, b) => eventTime(a) < eventTime(b));
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    let first = e.eventTime ? since(e.eventTime, now) : since(e.firstTimestamp, now);
    if (!e.eventTime && !e.firstTimestamp) first = '<unknown>';
    let interval = first;
    if (e.series) interval = `${since(e.series.lastObservedTime, now)} (x${e.series.count} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingController || '';
    // 1.32 does not prefix the involved object's fieldPath (later versions do).
    const message = String(e.message ?? '').trim();
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${message}\n`);
  }
}

export function controllerOf(obj: Obj): string {
  const ref = ((obj.metadata?.ownerReferences ?? []) as Obj[]).find((r) => r.controller === true);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

export function printBool(v: boolean | undefined): string {
  return v ? 'True' : 'False';
}

/** Go's `%v` of a []string: `[a b]`. */
export function goList(v: readonly unknown[] | undefined): string {
  return `[${(v ?? []).map(String).join(' ')}]`;
}
