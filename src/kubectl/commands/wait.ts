/**
 * `kubectl wait --for=…` (K:staging/src/k8s.io/kubectl/pkg/cmd/wait): for each
 * object, until a condition has a status (`condition=Ready`,
 * `condition=Ready=false`), a JSONPath has a value (`jsonpath={.status.phase}=Running`,
 * or just exists), the object exists (`create`) or is gone (`delete`);
 * `pod/x condition met`, or `timed out waiting for the condition on pods/x`
 * after `--timeout` (30s; 0 checks once).
 */
import { resolve, type Info } from '../builder.ts';
import { resourcePath } from '../client.ts';
import { bool, FILENAME_FLAGS, list, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import type { Obj } from '../describe/writer.ts';
import { kindPrefix } from '../discovery.ts';
import { AggregateError, isNotFound } from '../errors.ts';
import { fetchInfos } from '../fetch.ts';
import { goSprint } from '../printers/values.ts';
import { JsonPath } from '../printers/jsonpath.ts';
import { parseDuration } from '../flags.ts';

export const waitCommand: Command = {
  name: 'wait',
  flags: [
    ...FILENAME_FLAGS, ...PRINT_FLAGS,
    { name: 'all', type: 'bool' },
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'field-selector', type: 'string' },
    { name: 'for', type: 'string' },
    { name: 'local', type: 'bool' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'timeout', type: 'duration' },
  ],
  run,
};

type Check = (obj: Obj) => boolean;

/** conditionFuncFor: what `--for` asks. */
function conditionFor(spec: string): { kind: 'delete' | 'create' | 'check'; check?: Check } {
  const lower = spec.toLowerCase();
  if (lower === 'delete') return { kind: 'delete' };
  if (lower === 'create') return { kind: 'create' };
  if (lower.startsWith('condition=')) {
    const rest = spec.slice('condition='.length);
    const eq = rest.indexOf('=');
    const name = eq < 0 ? rest : rest.slice(0, eq);
    const want = eq < 0 ? 'true' : rest.slice(eq + 1);
    return { kind: 'check', check: (obj) => conditionMet(obj, name, want) };
  }
  if (lower.startsWith('jsonpath=')) {
    const input = spec.slice('jsonpath='.length);
    const eq = input.indexOf('=', input.indexOf('}') >= 0 ? input.indexOf('}') : 0);
    const expr = eq < 0 ? input : input.slice(0, eq);
    const value = eq < 0 ? undefined : input.slice(eq + 1);
    if (expr.trim() === '') throw new Error('jsonpath expression cannot be empty');
    if (value !== undefined && value.trim() === '') throw new Error('jsonpath wait has to have a value after equal sign');
    const path = new JsonPath(relaxed(expr));
    return {
      kind: 'check',
      check: (obj) => {
        const results = path.results(obj);
        const first = results[0]?.[0];
        if (!results[0] || results[0].length === 0) return false;
        if (value === undefined) return true;
        if (first !== null && typeof first === 'object') throw new Error('jsonpath leads to a nested object or list which is not supported');
        return goSprint(first).trim() === value.trim();
      },
    };
  }
  throw new Error(`unrecognized condition: ${JSON.stringify(spec)}`);
}

/** cmdget.RelaxedJSONPathExpression: `.status.phase` and `{.status.phase}` alike. */
function relaxed(expr: string): string {
  const e = expr.trim();
  if (e.startsWith('{') && e.endsWith('}')) return e;
  return `{${e.startsWith('.') ? e : `.${e}`}}`;
}

/** ConditionalWait.checkCondition: the first condition of that type, case-insensitively, if it is not stale. */
function conditionMet(obj: Obj, name: string, want: string): boolean {
  for (const c of (obj.status?.conditions ?? []) as Obj[]) {
    if (typeof c.type !== 'string' || c.type.toLowerCase() !== name.toLowerCase()) continue;
    if (typeof c.status !== 'string') continue;
    const generation = obj.metadata?.generation;
    if (typeof generation === 'number') {
      const observed = c.observedGeneration ?? obj.status?.observedGeneration;
      if (typeof observed === 'number' && observed < generation) return false;
    }
    return c.status.toLowerCase() === want.toLowerCase();
  }
  return false;
}

async function run(inv: Invocation): Promise<number> {
  const { flags, io } = inv;
  const condition = conditionFor(str(flags, 'for'));
  const timeoutMs = inv.changed.has('timeout') ? (parseDuration(str(flags, 'timeout')) ?? 0) : 30_000;
  const allNamespaces = bool(flags, 'all-namespaces');
  const plan = await resolve({
    discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
    namespace: allNamespaces ? '' : inv.namespace, enforceNamespace: inv.explicitNamespace && !allNamespaces, allNamespaces,
    filenames: list(flags, 'filename'), recursive: bool(flags, 'recursive'),
    labelSelector: str(flags, 'selector'), fieldSelector: str(flags, 'field-selector'), selectAll: bool(flags, 'all'), args: inv.args,
  });
  const client = inv.client();
  const { infos, errors } = await fetchInfos(client, plan, { continueOnError: true, flatten: true });
  const kept = condition.kind === 'delete' ? errors.filter((e) => !isNotFound(e)) : errors;
  if (kept.length > 0) throw new AggregateError(kept);
  if (infos.length === 0 && plan.type === 'selector') throw new Error('no matching resources found');
  const failures: Error[] = [];
  for (const info of infos) {
    const met = condition.kind === 'delete'
      ? await waitFor(inv, info, (obj) => obj === undefined, timeoutMs)
      : await waitFor(inv, info, (obj) => obj !== undefined && (condition.kind === 'create' || condition.check!(obj)), timeoutMs);
    if (met === 'interrupted') return 130;
    if (met) io.stdout(`${kindPrefix(info.mapping)}/${info.name} condition met\n`);
    else if (timeoutMs <= 0) failures.push(new Error(`condition not met for ${info.mapping.resource}/${info.name}`));
    else failures.push(new Error(`timed out waiting for the condition on ${info.mapping.resource}/${info.name}`));
  }
  if (failures.length > 0) throw new AggregateError(failures);
  return 0;
}

/** Checks the object (undefined once gone), then watches it until `done` or the timeout. */
function waitFor(inv: Invocation, info: Info, done: (obj: Obj | undefined) => boolean, timeoutMs: number): Promise<boolean | 'interrupted'> {
  const client = inv.client();
  const collection = resourcePath(info.mapping, info.mapping.namespaced ? info.namespace : undefined);
  const fieldSelector = `metadata.name=${info.name}`;
  return new Promise((resolve, reject) => {
    let finished = false;
    let handle: { stop(): void } | undefined;
    const timers = globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown; clearTimeout?: (t: unknown) => void };
    let timeout: unknown;
    const finish = (result: boolean | 'interrupted', error?: unknown) => {
      if (finished) return;
      finished = true;
      handle?.stop();
      // A pending timeout would keep a Node process (statecraft grade) alive for --timeout after the answer.
      if (timeout !== undefined) timers.clearTimeout?.(timeout);
      if (error) reject(error);
      else resolve(result);
    };
    const test = (obj: Obj | undefined) => {
      try {
        if (done(obj)) finish(true);
      } catch (error) {
        finish(false, error);
      }
    };
    void client.call('GET', collection, { query: { fieldSelector } }).then((body) => {
      const listed = body as Obj;
      test((listed.items as Obj[] | undefined)?.[0]);
      if (finished) return;
      if (timeoutMs <= 0) return finish(false);
      handle = client.watch(collection, { fieldSelector, resourceVersion: String(listed.metadata?.resourceVersion ?? '') }, undefined, (event) => {
        if (finished) return;
        if (event.type === 'DELETED') test(undefined);
        else if (event.type === 'ADDED' || event.type === 'MODIFIED') test(event.object as Obj);
      }, () => undefined);
      timeout = timers.setTimeout?.(() => finish(false), timeoutMs);
    }, (error: unknown) => finish(false, error));
    void inv.io.interrupted.then(() => finish('interrupted'));
  });
}
