/**
 * Printing the Tables the server renders for `kubectl get`: cli-runtime's
 * HumanReadablePrinter. It hides priority-1 columns unless wide, adds the
 * NAMESPACE column for `-A`, `-L` label columns and LABELS for
 * `--show-labels`, prefixes names with `kind.group/` when several kinds are
 * printed, prints the header once per column set, and nothing at all for a
 * Table without rows. Cells are tab-terminated for the TabWriter.
 */
import { goSprint } from './values.ts';

export interface TableColumn {
  name: string;
  type?: string;
  format?: string;
  priority?: number;
}

export interface Table {
  kind?: string;
  columnDefinitions?: TableColumn[];
  rows?: { cells: unknown[]; object?: { metadata?: { namespace?: string; labels?: Record<string, string> } } }[];
  metadata?: { resourceVersion?: string };
}

export interface TableOptions {
  noHeaders?: boolean;
  wide?: boolean;
  withNamespace?: boolean;
  /** `kind.group` to prefix names with (several kinds printed, or --show-kind). */
  kindPrefix?: string;
  showLabels?: boolean;
  columnLabels?: string[];
  /** Watch event type to print in an EVENT column (`--output-watch-events`). */
  eventType?: string;
}

export function isTable(obj: unknown): obj is Table {
  return typeof obj === 'object' && obj !== null && (obj as Table).kind === 'Table';
}

/** One printer per output stream, remembering which headers it printed. */
export class TablePrinter {
  private lastColumns?: TableColumn[];
  private printedHeaders = false;

  constructor(private readonly options: TableOptions = {}) {}

  /** Text for one Table (tab-separated cells, newline-terminated rows). */
  print(table: Table, extra: Partial<TableOptions> = {}): string {
    const options = { ...this.options, ...extra };
    let columns = table.columnDefinitions ?? [];
    let noHeaders = options.noHeaders ?? false;
    const same = this.lastColumns !== undefined && JSON.stringify(columns) === JSON.stringify(this.lastColumns);
    if (this.printedHeaders && (columns.length === 0 || same)) noHeaders = true;
    if (columns.length === 0) columns = this.lastColumns ?? [];
    else if (!same) {
      this.lastColumns = columns;
      this.printedHeaders = false;
    }
    const rows = table.rows ?? [];
    if (rows.length > 0) this.printedHeaders = true;
    const decorated = decorate(columns, rows, options);
    if (options.eventType !== undefined) {
      decorated.columns.unshift({ name: 'Event', type: 'string' });
      for (const r of decorated.rows) r.unshift(formatEventType(options.eventType));
    }
    let out = '';
    if (!noHeaders) {
      if (decorated.rows.length === 0) return '';
      out += decorated.columns.filter((c) => options.wide || !c.priority).map((c) => c.name.toUpperCase()).join('\t');
      out += '\n';
    }
    for (const row of decorated.rows) {
      const cells: string[] = [];
      row.forEach((cell, i) => {
        const col = decorated.columns[i];
        if (!col || (!options.wide && col.priority)) return;
        cells.push(cell === null || cell === undefined ? '' : cellText(cell));
      });
      out += `${cells.join('\t')}\n`;
    }
    return out;
  }
}

function decorate(columns: TableColumn[], rows: NonNullable<Table['rows']>, options: TableOptions): { columns: TableColumn[]; rows: unknown[][] } {
  const labelHeaders = (options.columnLabels ?? []).map((l) => l.split('/').pop()!.toUpperCase());
  const cols: TableColumn[] = [
    ...(options.withNamespace ? [{ name: 'Namespace', type: 'string' }] : []),
    ...columns,
    ...labelHeaders.map((name) => ({ name, type: 'string' })),
    ...(options.showLabels ? [{ name: 'Labels', type: 'string' }] : []),
  ];
  const nameColumn = options.kindPrefix ? columns.findIndex((c) => c.format === 'name' && c.type === 'string') : -1;
  const out = rows.map((row) => {
    const cells = [...row.cells];
    if (nameColumn >= 0) cells[nameColumn] = `${options.kindPrefix}/${goSprint(cells[nameColumn])}`;
    const meta = row.object?.metadata;
    if (!meta) {
      if (options.withNamespace) cells.unshift(null);
      while (cells.length < cols.length) cells.push(null);
      return cells;
    }
    if (options.withNamespace) cells.unshift(meta.namespace ?? '');
    const labels = meta.labels ?? {};
    for (const key of options.columnLabels ?? []) cells.push(labels[key] ?? '');
    if (options.showLabels) cells.push(formatLabels(labels));
    return cells;
  });
  return { columns: cols, rows: out };
}

/** labels.FormatLabels: `k=v,k2=v2` sorted by key, or `<none>`. */
export function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels[k]}`).join(',');
}

function formatEventType(type: string): string {
  return ({ ADDED: 'ADDED   ', MODIFIED: 'MODIFIED', DELETED: 'DELETED ', ERROR: 'ERROR   ' } as Record<string, string>)[type] ?? type;
}

/** A cell's text: cut at the first line break (with `...`), terminal escapes made visible. */
function cellText(cell: unknown): string {
  let text = typeof cell === 'string' ? cell : goSprint(cell);
  const cut = text.search(/[\f\n\r]/);
  if (cut >= 0) text = `${text.slice(0, cut)}...`;
  return text.replace(/\x1b/g, '^[');
}
