/**
 * `kubectl get -w`: print what is there, then one row per watch event until
 * Ctrl-C (exit 1, as kubectl's interrupt handler exits) or the server or
 * `--request-timeout` ends the stream (exit 0). A list is watched from its
 * resourceVersion; a single object from 0 with its name as field selector,
 * the synthetic first ADDED event not printed. One tab writer remembers
 * column widths across events, so rows stay under the header.
 */
import type { WatchEvent } from '../../api/types.ts';
import type { Info, Plan } from '../builder.ts';
import { resourcePath, TABLE_ACCEPT, type KObject } from '../client.ts';
import { str, type Invocation } from '../command.ts';
import { fetchInfos, itemsOf } from '../fetch.ts';
import { parseDuration } from '../flags.ts';
import { ObjectPrinter } from '../printers/index.ts';
import { isTable, TablePrinter } from '../printers/table.ts';
import { TabWriter } from '../printers/tabwriter.ts';
import type { GetOptions } from './get.ts';

export async function watch(inv: Invocation, plan: Plan, opts: GetOptions): Promise<number> {
  const { io, flags } = inv;
  const client = inv.client();
  const human = opts.output.kind === 'human' || opts.output.kind === 'wide';
  const watchOnly = flags['watch-only'] === true;
  const { infos, errors } = await fetchInfos(client, plan, { table: human, chunkSize: opts.chunkSize, continueOnError: false, flatten: false });
  if (errors.length > 0) throw errors[0];
  if (infos.length === 0) throw new Error('no resources found');
  if (infos.some((i) => i.mapping.kind !== infos[0]!.mapping.kind || i.mapping.group !== infos[0]!.mapping.group)) {
    throw new Error('watch is only supported on individual resources and resource collections - more than 1 resource was found');
  }
  const info = infos[0]!;
  const single = plan.type === 'items' && plan.singleItemImplied;
  const obj = info.object!;
  const rv = single ? '0' : String((obj.metadata as { resourceVersion?: string } | undefined)?.resourceVersion ?? '');

  const tw = new TabWriter((text) => io.stdout(text));
  const table = new TablePrinter({
    noHeaders: opts.noHeaders,
    wide: opts.output.kind === 'wide',
    withNamespace: opts.allNamespaces && info.mapping.namespaced,
    showLabels: opts.showLabels,
    columnLabels: opts.labelColumns,
  });
  const generic = human ? undefined : new ObjectPrinter(opts.output, { showManagedFields: opts.showManagedFields, noHeaders: opts.noHeaders });
  const printObject = (o: KObject, eventType?: string) => {
    if (isTable(o)) tw.write(table.print(o, opts.outputWatchEvents ? { eventType: eventType ?? 'ADDED' } : {}));
    else if (generic) {
      const toPrint = opts.outputWatchEvents ? ({ type: eventType ?? 'ADDED', object: o } as unknown as KObject) : o;
      tw.write(generic.print(toPrint));
    }
    tw.flush();
  };

  // kubectl's skipPrinter: suppressed Tables still pass their columns to the printer.
  const skip = (o: KObject) => {
    if (isTable(o) && !opts.outputWatchEvents) table.print({ ...o, rows: [] });
  };
  let output = !watchOnly;
  const initial = human || single ? [obj] : itemsOf(obj);
  for (const o of initial) (output ? printObject : skip)(o);
  tw.flush();
  // Watches started from a list send no synthetic ADDED events; a single object's first one is skipped.
  output = !single;

  return new Promise<number>((done) => {
    let finished = false;
    let handle: { stop(): void } | undefined;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      handle?.stop();
      done(code);
    };
    const onEvent = (event: WatchEvent) => {
      if (finished) return;
      if (output) printObject(event.object as KObject, event.type);
      else skip(event.object as KObject);
      output = true;
    };
    handle = client.watch(watchPath(info, single), watchQuery(plan, info, single, rv), human ? TABLE_ACCEPT : undefined, onEvent, () => finish(0));
    void io.interrupted.then(() => finish(1));
    const timeout = parseDuration(str(flags, 'request-timeout') || '0') ?? 0;
    if (timeout > 0) void sleep(timeout).then(() => finish(0));
  });
}

/** A wait on the host's timers, found at run time so this module stays host-neutral. */
function sleep(ms: number): Promise<void> {
  const timers = globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown };
  return new Promise((resolve) => (timers.setTimeout ? timers.setTimeout(resolve, ms) : resolve()));
}

function watchPath(info: Info, single: boolean): string {
  return resourcePath(info.mapping, info.mapping.namespaced ? (single ? info.namespace : info.namespace || undefined) : undefined);
}

function watchQuery(plan: Plan, info: Info, single: boolean, rv: string): Record<string, string> {
  const q: Record<string, string> = {};
  if (single) q.fieldSelector = `metadata.name=${info.name}`;
  else if (plan.type === 'selector') {
    if (plan.labelSelector) q.labelSelector = plan.labelSelector;
    if (plan.fieldSelector) q.fieldSelector = plan.fieldSelector;
  }
  q.resourceVersion = rv;
  return q;
}
