/**
 * Server-side printing: the `meta.k8s.io/v1` Table an API server returns when
 * kubectl asks `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
 *
 * kubectl prints what it gets — column names upper-cased, priority ≠ 0 columns
 * only with `-o wide` — so every value a user sees is computed here. Like the
 * real server (`AS:pkg/registry/rest/table.go` → printers with
 * `GenerateOptions{Wide: true}`), rows always carry the wide cells.
 */

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export type Cell = string | number | boolean | null;

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata (default), the full object (`includeObject=Object`), or null (`None`). */
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export type IncludeObject = 'Object' | 'Metadata' | 'None';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** How one kind is printed: its columns and the cells (and row conditions) of one object. */
export interface Printer<T = never> {
  columns: TableColumnDefinition[];
  row(obj: T, nowMs: number): { cells: Cell[]; conditions?: TableRowCondition[] };
}

export function column(name: string, type: string, description: string, opts: { format?: string; priority?: number } = {}): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export interface TableOptions {
  includeObject?: IncludeObject;
  /** The list's resourceVersion (or the object's, for a single GET). */
  resourceVersion?: string;
  continue?: string;
  /** `TableOptions.noHeaders`: watch events after the first carry no column definitions. */
  noHeaders?: boolean;
}

/** `meta.AsPartialObjectMetadata`: kind/apiVersion of the metadata-only view, full ObjectMeta. */
export function partialObjectMetadata(obj: KubeObject): { kind: 'PartialObjectMetadata'; apiVersion: 'meta.k8s.io/v1'; metadata: unknown } {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

export function buildTable<T>(printer: Printer<T>, objects: readonly T[], nowMs: number, opts: TableOptions = {}): Table {
  const rows = objects.map((obj): TableRow => {
    const { cells, conditions } = printer.row(obj, nowMs);
    const row: TableRow = { cells };
    if (conditions) row.conditions = conditions;
    // transformResponseObject → asTable: Metadata is the default (`?includeObject=` unset).
    switch (opts.includeObject ?? 'Metadata') {
      case 'Object':
        row.object = obj;
        break;
      case 'None':
        row.object = null;
        break;
      default:
        row.object = partialObjectMetadata(obj as KubeObject);
    }
    return row;
  });
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: opts.noHeaders ? [] : printer.columns, rows };
}

// --- formatting helpers shared by the printers (Go originals named in each) ---

/** `labels.FormatLabels`: `k=v` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${(labels as Record<string, string>)[k]}`).join(',');
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * `metav1.LabelSelectorAsSelector(sel).String()`: requirements sorted by key,
 * `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; empty or nil selects "".
 * Returns undefined for an invalid operator (the printers then show `<error>`/`<invalid>`).
 */
export function selectorString(sel: LabelSelector | undefined | null): string | undefined {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, text: `${e.key} in (${values})` });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, text: `${e.key} notin (${values})` });
        break;
      case 'Exists':
        reqs.push({ key: e.key, text: e.key });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, text: `!${e.key}` });
        break;
      default:
        return undefined;
    }
  }
  // sort.Stable(ByKey(requirements)): by key only, keeping insertion order for equal keys.
  return reqs
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((r) => r.text)
    .join(',');
}

/** `metav1.FormatLabelSelector`: like {@link selectorString} with `<none>` for empty and `<error>` for invalid. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const s = selectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** `layoutContainerCells`: names and images, comma-joined. */
export function layoutContainerCells(containers: readonly { name: string; image?: string }[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

const BINARY = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL = ['k', 'M', 'G', 'T', 'P', 'E'];

/**
 * `resource.Quantity.String()` for the shapes storage sizes take: whole
 * numbers with a binary (`Ki`…`Ei`) or decimal (`k`…`E`) suffix are
 * canonicalised to the largest suffix that keeps them whole (`1024Mi` → `1Gi`);
 * anything else is shown as written.
 */
export function formatQuantity(q: string | number | undefined): string {
  if (q === undefined) return '0';
  const s = String(q);
  const m = /^(\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)$/.exec(s);
  if (!m) return s;
  const suffixes = BINARY.includes(m[2] as string) ? BINARY : DECIMAL;
  const base = suffixes === BINARY ? 1024n : 1000n;
  let n = BigInt(m[1] as string);
  let i = suffixes.indexOf(m[2] as string);
  if (n === 0n) return '0';
  while (i < suffixes.length - 1 && n % base === 0n) {
    n /= base;
    i++;
  }
  return `${n}${suffixes[i]}`;
}
