/**
 * `kubectl get` (K:staging/src/k8s.io/kubectl/pkg/cmd/get/get.go): server-side
 * Tables for human output, whole objects for -o json|yaml|name|jsonpath|
 * custom-columns, a blank line between kinds, `kind/name` names when several
 * kinds print, `No resources found in <ns> namespace.` on stderr, and `-w`.
 */
import { AggregateError, isNotFound, usageError } from '../errors.ts';
import { resolve, type Info } from '../builder.ts';
import { bool, FILENAME_FLAGS, int, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import { kindPrefix } from '../discovery.ts';
import { fetchInfos } from '../fetch.ts';
import type { KObject } from '../client.ts';
import { GET_FORMATS, ObjectPrinter, parseOutput, type OutputSpec } from '../printers/index.ts';
import { isTable, TablePrinter, type Table } from '../printers/table.ts';
import { TabWriter } from '../printers/tabwriter.ts';
import { sortBy } from '../sort.ts';
import { watch } from './get-watch.ts';

export const getCommand: Command = {
  name: 'get',
  flags: [
    ...PRINT_FLAGS, ...FILENAME_FLAGS,
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'chunk-size', type: 'int' },
    { name: 'field-selector', type: 'string' },
    { name: 'ignore-not-found', type: 'bool' },
    { name: 'label-columns', short: 'L', type: 'stringSlice' },
    { name: 'no-headers', type: 'bool' },
    { name: 'output-watch-events', type: 'bool' },
    { name: 'raw', type: 'string' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'server-print', type: 'bool' },
    { name: 'show-kind', type: 'bool' },
    { name: 'show-labels', type: 'bool' },
    { name: 'sort-by', type: 'string' },
    { name: 'subresource', type: 'string' },
    { name: 'watch', short: 'w', type: 'bool' },
    { name: 'watch-only', type: 'bool' },
    { name: 'use-openapi-print-columns', type: 'bool' },
  ],
  run,
};

export interface GetOptions {
  output: OutputSpec;
  noHeaders: boolean;
  showLabels: boolean;
  showKind: boolean;
  labelColumns: string[];
  allNamespaces: boolean;
  ignoreNotFound: boolean;
  chunkSize: number;
  showManagedFields: boolean;
  outputWatchEvents: boolean;
}

async function run(inv: Invocation): Promise<number> {
  const { flags, io } = inv;
  const output = parseOutput(str(flags, 'output') || undefined, str(flags, 'template') || undefined, GET_FORMATS, flags['allow-missing-template-keys'] !== false);
  const watching = bool(flags, 'watch') || bool(flags, 'watch-only');
  const filenames = list(flags, 'filename');
  if (str(flags, 'raw')) return raw(inv);
  if (!watching && inv.args.length === 0 && filenames.length === 0 && !str(flags, 'kustomize')) {
    io.stderr('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n');
    throw usageError(inv.path, 'Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).');
  }
  if (bool(flags, 'show-labels') && output.kind !== 'human' && output.kind !== 'wide') {
    throw new Error(`--show-labels option cannot be used with ${str(flags, 'output')} printer`);
  }
  if (bool(flags, 'output-watch-events') && !watching) throw usageError(inv.path, '--output-watch-events option can only be used with --watch or --watch-only');
  if (str(flags, 'sort-by') && watching) io.stderr('warning: --watch or --watch-only requested, --sort-by will be ignored\n');
  const opts: GetOptions = {
    output,
    noHeaders: bool(flags, 'no-headers'),
    showLabels: bool(flags, 'show-labels'),
    showKind: bool(flags, 'show-kind'),
    labelColumns: list(flags, 'label-columns'),
    allNamespaces: bool(flags, 'all-namespaces'),
    ignoreNotFound: bool(flags, 'ignore-not-found'),
    chunkSize: int(flags, 'chunk-size', 500),
    showManagedFields: bool(flags, 'show-managed-fields'),
    outputWatchEvents: bool(flags, 'output-watch-events'),
  };
  const client = inv.client();
  const plan = await resolve({
    discovery: inv.discovery(),
    files: inv.ctx.files,
    stdin: io.stdin?.bind(io),
    namespace: opts.allNamespaces ? '' : inv.namespace,
    enforceNamespace: inv.explicitNamespace && !opts.allNamespaces,
    allNamespaces: opts.allNamespaces,
    filenames,
    recursive: bool(flags, 'recursive'),
    labelSelector: str(flags, 'selector'),
    fieldSelector: str(flags, 'field-selector'),
    args: inv.args,
    allowEmptySelector: true,
    singleResourceType: watching,
  });
  if (watching) return watch(inv, plan, opts);
  const human = output.kind === 'human' || output.kind === 'wide';
  const sortField = str(flags, 'sort-by');
  const fetched = await fetchInfos(client, plan, { table: human, chunkSize: sortField ? 0 : opts.chunkSize, continueOnError: true, flatten: !human, includeObject: sortField !== '' });
  const { errors } = fetched;
  let { infos } = fetched;
  if (sortField) {
    if (human) {
      // SortingPrinter: a Table of two rows or more; its error is dropped with the Table (get ignores PrintObj's error).
      infos = infos.filter((info) => {
        const t = info.object as Table;
        if (!isTable(t) || !t.rows || t.rows.length < 2) return true;
        try {
          t.rows = sortBy(t.rows, sortField, (r) => r.object);
          return true;
        } catch {
          return false;
        }
      });
    } else infos = sortBy(infos, sortField, (i) => i.object);
  }
  const kept = opts.ignoreNotFound ? errors.filter((e) => !isNotFound(e)) : errors;
  if (!human) return printGeneric(inv, opts, infos, kept, plan.type === 'items' && plan.singleItemImplied);
  printTables(inv, opts, infos, kept);
  if (kept.length > 0) throw new AggregateError(kept);
  return 0;
}

function multipleKinds(infos: Info[]): boolean {
  return infos.some((i) => i.mapping.kind !== infos[0]!.mapping.kind || i.mapping.group !== infos[0]!.mapping.group || i.mapping.version !== infos[0]!.mapping.version);
}

/** The human-readable loop of GetOptions.Run. */
function printTables(inv: Invocation, opts: GetOptions, infos: Info[], errors: Error[]): void {
  const { io } = inv;
  let written = 0;
  let separatorReady = false;
  const tw = new TabWriter((text) => {
    if (text.length === 0) return;
    if (separatorReady) {
      io.stdout('\n');
      written += 1;
      separatorReady = false;
    }
    written += text.length;
    io.stdout(text);
  });
  const withKind = multipleKinds(infos) || opts.showKind;
  let allNamespaced = !opts.allNamespaces;
  let printer: TablePrinter | undefined;
  let last: Info | undefined;
  for (const info of infos) {
    allNamespaced = allNamespaced && info.mapping.namespaced;
    if (!printer || !last || last.mapping.resource !== info.mapping.resource || last.mapping.group !== info.mapping.group || last.mapping.version !== info.mapping.version) {
      tw.flush();
      tw.resetRememberedWidths();
      if (last && !opts.noHeaders && written > 0) separatorReady = true;
      printer = new TablePrinter({
        noHeaders: opts.noHeaders,
        wide: opts.output.kind === 'wide',
        withNamespace: opts.allNamespaces && info.mapping.namespaced,
        ...(withKind ? { kindPrefix: kindPrefix(info.mapping) } : {}),
        showLabels: opts.showLabels,
        columnLabels: opts.labelColumns,
      });
      last = info;
    }
    const obj = info.object;
    if (isTable(obj)) tw.write(printer.print(obj));
  }
  tw.flush();
  if (written === 0 && !opts.ignoreNotFound && errors.length === 0) {
    io.stderr(allNamespaced ? `No resources found in ${inv.namespace} namespace.\n` : 'No resources found\n');
  }
}

/** printGeneric: one object when one was implied, else a `List` of everything. */
function printGeneric(inv: Invocation, opts: GetOptions, infos: Info[], errors: Error[], singleItemImplied: boolean): number {
  if (singleItemImplied && errors.length > 0) throw errors[0];
  if (infos.length === 0 && opts.ignoreNotFound) {
    if (errors.length > 0) throw new AggregateError(errors);
    return 0;
  }
  const printer = new ObjectPrinter(opts.output, { showManagedFields: opts.showManagedFields, noHeaders: opts.noHeaders });
  let obj: KObject;
  if (singleItemImplied && infos.length === 1) obj = infos[0]!.object!;
  else obj = { apiVersion: 'v1', items: infos.map((i) => i.object!), kind: 'List', metadata: { resourceVersion: '' } };
  inv.io.stdout(printer.print(obj));
  if (errors.length > 0) throw new AggregateError(errors);
  return 0;
}

/** `get --raw /path`: the body as the server sent it. */
async function raw(inv: Invocation): Promise<number> {
  if (inv.args.length > 0) throw new Error('arguments may not be passed when --raw is specified');
  const path = str(inv.flags, 'raw');
  const [p, q] = path.split('?', 2) as [string, string | undefined];
  const query: Record<string, string> = {};
  for (const pair of (q ?? '').split('&').filter(Boolean)) {
    const [k, v = ''] = pair.split('=', 2) as [string, string?];
    query[decodeURIComponent(k)] = decodeURIComponent(v.replace(/\+/g, ' '));
  }
  const body = await inv.client().call('GET', p, { query });
  inv.io.stdout(typeof body === 'string' ? body : JSON.stringify(body));
  return 0;
}

