/**
 * Tables for objects without a built-in printer.
 *
 * - Custom resources: `Name` plus the CRD version's `additionalPrinterColumns`
 *   (`AX:pkg/registry/customresource/tableconvertor/tableconvertor.go`). A
 *   version without columns gets `Age` (`.metadata.creationTimestamp`, type date)
 *   (`serveDefaultColumnsIfEmpty` in `AX:pkg/apiserver/customresource_handler.go`).
 *   Cells: `type: date` → human duration since the timestamp (`<invalid>` if it
 *   does not parse); `integer`/`number`/`boolean` → the JSON value if it has that
 *   type, else null; `string` → the value printed as text; a missing path → null
 *   (kubectl prints an empty cell).
 * - Everything else (CustomResourceDefinitions themselves included): the default
 *   table convertor of `AS:pkg/registry/rest/table.go` — `Name`, `Created At`
 *   (type date, RFC 3339 UTC string).
 */
import { DOC } from './descriptions.ts';
import { ageSince } from './duration.ts';
import { column, type Cell, type KubeObject, type Printer, type TableColumnDefinition } from './table.ts';
import { goFormat, type Json } from '../patch/json-decode.ts';

/** `apiextensions.k8s.io/v1` CustomResourceColumnDefinition. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

type Segment = string | number;

/**
 * Parse the simple JSONPath CRDs use: `.a.b`, `.a[0].b`, `.a['x.y']`,
 * `.metadata.labels.app\.kubernetes\.io/name`. Returns undefined for anything
 * richer (filters, wildcards, ranges), which this simulator does not evaluate.
 */
export function parseSimpleJsonPath(path: string): Segment[] | undefined {
  const out: Segment[] = [];
  let i = 0;
  const p = path.trim().replace(/^\{(.*)\}$/, '$1');
  while (i < p.length) {
    const ch = p[i];
    if (ch === '.') {
      i++;
      let name = '';
      while (i < p.length && p[i] !== '.' && p[i] !== '[') {
        if (p[i] === '\\' && i + 1 < p.length) i++;
        name += p[i];
        i++;
      }
      if (name === '' || name === '*') return undefined;
      out.push(name);
    } else if (ch === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      const quoted = /^(['"])(.*)\1$/.exec(inner);
      if (quoted) out.push(quoted[2] as string);
      else if (/^-?\d+$/.test(inner)) out.push(Number(inner));
      else return undefined;
    } else {
      return undefined;
    }
  }
  return out;
}

export function evaluateJsonPath(obj: unknown, segments: readonly Segment[]): Json | undefined {
  let cur: unknown = obj;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[s < 0 ? cur.length + s : s];
    } else {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, s)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
    if (cur === undefined) return undefined;
  }
  return cur as Json;
}

/** `cellForJSONValue` (and the `string` branch printing through JSONPath). */
function cellFor(type: string, value: Json | undefined, nowMs: number): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : goFormat(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      return Number.isNaN(Date.parse(value)) ? '<invalid>' : ageSince(value, nowMs);
    }
    default:
      return null;
  }
}

const DEFAULT_COLUMNS: PrinterColumn[] = [{ name: 'Age', type: 'date', description: DOC['ObjectMeta.creationTimestamp'], jsonPath: '.metadata.creationTimestamp' }];

/** The printer for a custom resource version with these `additionalPrinterColumns`. */
export function customColumnsFromCRD(additionalPrinterColumns: readonly PrinterColumn[] | undefined): Printer<KubeObject> {
  const cols = additionalPrinterColumns && additionalPrinterColumns.length > 0 ? additionalPrinterColumns : DEFAULT_COLUMNS;
  const paths = cols.map((c) => parseSimpleJsonPath(c.jsonPath));
  const columns: TableColumnDefinition[] = [
    column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' }),
    ...cols.map((c) =>
      column(c.name, c.type, c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`, { format: c.format ?? '', priority: c.priority ?? 0 }),
    ),
  ];
  return {
    columns,
    row(obj, nowMs) {
      const cells: Cell[] = [obj.metadata?.name ?? ''];
      cols.forEach((c, i) => {
        const path = paths[i];
        cells.push(path ? cellFor(c.type, evaluateJsonPath(obj, path), nowMs) : null);
      });
      return { cells };
    },
  };
}

/** `rest.NewDefaultTableConvertor`: Name and Created At (RFC 3339, UTC, seconds). */
export const defaultPrinter: Printer<KubeObject> = {
  columns: [column('Name', 'string', DOC['ObjectMeta.name'], { format: 'name' }), column('Created At', 'date', DOC['ObjectMeta.creationTimestamp'])],
  row(obj) {
    const ts = obj.metadata?.creationTimestamp;
    const t = ts ? Date.parse(ts) : NaN;
    const created = Number.isNaN(t) ? '0001-01-01T00:00:00Z' : new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    return { cells: [obj.metadata?.name ?? '', created] };
  },
};
