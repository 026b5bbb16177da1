/**
 * Evaluates one check against one look at the cluster. Every failure explains
 * itself: which object, which path, expected vs found, and — from explain.ts —
 * the controller's reason when there is one.
 */
import { parseExpectation } from '../schemas/expectation.ts';
import type { Check, PartialObject } from '../schemas/check.ts';
import type { KObject, ObjectRef } from './client.ts';
import { explainMissing, explainObject } from './explain.ts';
import { match, satisfies, show, type Mismatch } from './match.ts';
import type { ClusterView } from './view.ts';

export interface CheckResult {
  /** What the check proves, as the learner reads it. */
  name: string;
  kind: Check['kind'];
  passed: boolean;
  /** One line: what is wrong (the author's message first, when there is one). */
  message?: string;
  /** Expected vs found, one line per difference. */
  details: string[];
  /** Why, from the cluster: controller conditions, events, rejected manifests. */
  reasons: string[];
}

/** Everything a learner is shown for a failed check, as one text (what wrong/ answers are matched against). */
export function failureText(r: CheckResult): string {
  return [r.message ?? '', ...r.details, ...r.reasons].filter(Boolean).join('\n');
}

export async function evaluate(view: ClusterView, check: Check): Promise<CheckResult> {
  try {
    const result = await evaluateKind(view, check);
    if (!result.passed && check.message) {
      return { ...result, message: check.message, details: [result.message ?? '', ...result.details].filter(Boolean) };
    }
    return result;
  } catch (error) {
    // The cluster refused to answer (unknown kind, unreachable server): a failed check, not a crash.
    return { name: check.name ?? checkName(check), kind: check.kind, passed: false, message: `could not check: ${(error as Error).message}`, details: [], reasons: [] };
  }
}

function evaluateKind(view: ClusterView, check: Check): Promise<CheckResult> {
  switch (check.kind) {
    case 'assert': return assertCheck(view, check);
    case 'absent': return absentCheck(view, check);
    case 'count': return countCheck(view, check);
    case 'command': return commandCheck(view, check);
  }
}

/** The default name of a check, for reports. */
export function checkName(check: Check): string {
  switch (check.kind) {
    case 'assert': {
      const { kind, name } = identity(check.object);
      return name ? `${kind} ${name} is as expected` : `a ${kind}${selectorText(check.object)} is as expected`;
    }
    case 'absent': {
      const { kind, name } = identity(check.object);
      return name ? `no ${kind} ${name}` : `no ${kind}${selectorText(check.object)} matches`;
    }
    case 'count': {
      const { kind } = identity(check.object);
      return `${countText(check.expect)} ${kind}${selectorText(check.object)}`;
    }
    case 'command': return `\`${check.command}\``;
  }
}

// ---- assert ----

async function assertCheck(view: ClusterView, check: Extract<Check, { kind: 'assert' }>): Promise<CheckResult> {
  const name = check.name ?? checkName(check);
  const target = await resolve(view, check.object);
  const expected = scopeReferences(view, matchable(check.object));
  if (target.name !== undefined) {
    const ref = target as ObjectRef;
    const live = await view.get(ref);
    if (!live) return fail(name, 'assert', `${ref.kind} ${ref.name} not found${where(target)}`, [], await explainMissing(view, ref));
    const mismatches = match(expected, live);
    if (mismatches.length === 0) return pass(name, 'assert');
    return fail(name, 'assert', summary(`${ref.kind} ${ref.name}`, mismatches), details(mismatches), await explainObject(view, live));
  }
  const candidates = await view.list(target);
  if (candidates.length === 0) {
    return fail(name, 'assert', `no ${target.kind}${selectorText(check.object)} found${where(target)}`, [], []);
  }
  const scored = candidates.map((c) => ({ c, m: match(expected, c) })).sort((a, b) => a.m.length - b.m.length);
  const best = scored[0]!;
  if (best.m.length === 0) return pass(name, 'assert');
  const label = `${target.kind} ${best.c.metadata?.name}`;
  return fail(
    name, 'assert',
    `no ${target.kind}${selectorText(check.object)} matches${where(target)}; the closest, ${summary(label, best.m)}`,
    details(best.m),
    await explainObject(view, best.c),
  );
}

// ---- absent ----

async function absentCheck(view: ClusterView, check: Extract<Check, { kind: 'absent' }>): Promise<CheckResult> {
  const name = check.name ?? checkName(check);
  const target = await resolve(view, check.object);
  const expected = scopeReferences(view, matchable(check.object));
  const filter = describeFilter(expected);
  const found = target.name !== undefined ? [await view.get(target as ObjectRef)].filter((o): o is KObject => o !== undefined) : await view.list(target);
  const offender = found.find((o) => match(expected, o).length === 0);
  if (!offender) return pass(name, 'absent');
  const label = `${target.kind} ${offender.metadata?.name}`;
  return fail(name, 'absent', filter ? `${label} has ${filter}, but must not` : `${label} exists${where(target)}, but must not`, [], []);
}

// ---- count ----

async function countCheck(view: ClusterView, check: Extract<Check, { kind: 'count' }>): Promise<CheckResult> {
  const name = check.name ?? checkName(check);
  const target = await resolve(view, check.object);
  const expected = scopeReferences(view, matchable(check.object));
  const all = target.name !== undefined ? [await view.get(target as ObjectRef)].filter((o): o is KObject => o !== undefined) : await view.list(target);
  const matching = all.filter((o) => match(expected, o).length === 0);
  const want = typeof check.expect === 'number' ? { op: '==' as const, operand: String(check.expect) } : parseExpectation(check.expect.trim());
  if (want !== undefined && satisfies(want, matching.length)) return pass(name, 'count');
  const names = matching.map((o) => o.metadata?.name).join(', ');
  const filter = describeFilter(expected);
  const one = /^(\D*\s)?1$/.test(String(check.expect).trim());
  const message = `expected ${countText(check.expect)} ${one ? target.kind : plural(target.kind)}${selectorText(check.object)}${filter ? ` with ${filter}` : ''}${where(target)}, found ${matching.length}${names ? ` (${names})` : ''}`;
  // Explain the ones that do not match yet: that is where the learner should look.
  const details: string[] = [];
  const reasons: string[] = [];
  for (const o of all.filter((x) => !matching.includes(x)).slice(0, 3)) {
    details.push(...match(expected, o).map((m) => `${o.metadata?.name}: ${detail(m)}`));
    reasons.push(...(await explainObject(view, o)));
  }
  return fail(name, 'count', message, details, [...new Set(reasons)].slice(0, 4));
}

/** `status.phase Running, name =~ ^web-` — the fields a count filters on, labels aside (they are the selector). */
function describeFilter(expected: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) if (!(path === 'metadata' && k === 'labels')) walk(v, path ? `${path}.${k}` : k);
    } else {
      const shown = typeof value === 'string' && parseExpectation(value) ? value : show(value);
      parts.push(`${path.replace(/^metadata\./, '')} ${shown}`);
    }
  };
  walk(expected, '');
  return parts.join(', ');
}

function plural(kind: string): string {
  return /(s|x|ch|sh)$/.test(kind) ? `${kind}es` : `${kind}s`;
}

function countText(expect: number | string): string {
  if (typeof expect === 'number') return `exactly ${expect}`;
  const e = parseExpectation(expect.trim());
  if (!e) return expect;
  const words: Record<string, string> = { '>=': 'at least', '>': 'more than', '<=': 'at most', '<': 'fewer than', '!=': 'not', '==': 'exactly' };
  return `${words[e.op] ?? e.op} ${e.operand}`;
}

// ---- command ----

async function commandCheck(view: ClusterView, check: Extract<Check, { kind: 'command' }>): Promise<CheckResult> {
  const name = check.name ?? checkName(check);
  const r = await view.client.run(check.command, check.timeoutSeconds ? { timeoutMs: check.timeoutSeconds * 1000 } : {});
  const problems: string[] = [];
  if (r.exitCode !== check.exitCode) {
    const said = firstLine(r.stderr) || firstLine(r.stdout);
    problems.push(`\`${check.command}\` exited with ${r.exitCode}, expected ${check.exitCode}${said ? `: ${said}` : ''}`);
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const pattern = check[stream];
    if (pattern !== undefined && !new RegExp(pattern, 'm').test(r[stream])) {
      problems.push(`\`${check.command}\` printed ${show(r[stream].trimEnd()) || 'nothing'} on ${stream}, expected output matching /${pattern}/`);
    }
  }
  if (problems.length === 0) return pass(name, 'command');
  return fail(name, 'command', problems[0]!, problems.slice(1), r.note ? [r.note] : []);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

// ---- shared ----

interface Target {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  labelSelector?: string;
}

/** The one object's name, when the partial object names one (an operator string such as `"=~ ^web-"` filters instead). */
function exactName(object: PartialObject): string | undefined {
  const name = object.metadata?.name;
  return name !== undefined && !parseExpectation(name) ? name : undefined;
}

function identity(object: PartialObject): { kind: string; name?: string } {
  const name = exactName(object);
  return { kind: object.kind, ...(name !== undefined ? { name } : {}) };
}

/** Where a partial object points: kind, namespace (mapped to the learner's), name or label selector. */
async function resolve(view: ClusterView, object: PartialObject): Promise<Target> {
  const namespaced = await view.namespaced(object.apiVersion, object.kind);
  const labels = plainLabels(object);
  const name = exactName(object);
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(namespaced !== false ? { namespace: view.namespaceFor(object.metadata?.namespace) } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(labels.length > 0 ? { labelSelector: labels.join(',') } : {}),
  };
}

/** Labels that can go into a selector (not operator strings, which are matched instead). */
function plainLabels(object: PartialObject): string[] {
  return Object.entries(object.metadata?.labels ?? {}).filter(([, v]) => !parseExpectation(v)).map(([k, v]) => `${k}=${v}`);
}

function selectorText(object: PartialObject): string {
  const labels = Object.entries(object.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return labels.length > 0 ? ` with labels ${labels.join(',')}` : '';
}

function where(target: Target): string {
  return target.namespace !== undefined ? ` in namespace ${target.namespace}` : '';
}

/** The fields to match: identity (kind, name, namespace) was used to find the object. */
function matchable(object: PartialObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = object;
  const { name, namespace: _ns, ...meta } = (metadata ?? {}) as Record<string, unknown>;
  if (name !== undefined && exactName(object) === undefined) meta.name = name;
  return Object.keys(meta).length > 0 ? { metadata: meta, ...rest } : rest;
}

/**
 * References to namespaced objects inside a check (a PersistentVolume's
 * `spec.claimRef`) point into the learner's namespace, as the check's own
 * `metadata.namespace` does: `namespace: default` is mapped to it, and a claimRef
 * that names no namespace gets it — on a shared cluster another namespace's
 * claim `archive` is not the learner's.
 */
function scopeReferences(view: ClusterView, expected: Record<string, unknown>): Record<string, unknown> {
  const walk = (value: unknown, key: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, ''));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = k === 'namespace' && typeof v === 'string' && !parseExpectation(v) ? view.namespaceFor(v) : walk(v, k);
    }
    if (key === 'claimRef' && out.namespace === undefined) out.namespace = view.namespaceFor(undefined);
    return out;
  };
  const { metadata, ...rest } = expected;
  const scoped = walk(rest, '') as Record<string, unknown>;
  return metadata !== undefined ? { metadata, ...scoped } : scoped;
}

function summary(label: string, mismatches: Mismatch[]): string {
  const first = mismatches[0]!;
  const more = mismatches.length > 1 ? ` (and ${mismatches.length - 1} more difference${mismatches.length > 2 ? 's' : ''})` : '';
  return `${label}: ${first.path || '(object)'}: expected ${first.expected}, found ${first.found}${more}`;
}

/** Detail lines under a summary: every difference when there are several, else only what the summary left out. */
function details(mismatches: Mismatch[]): string[] {
  if (mismatches.length === 1) return mismatches[0]!.note ? [mismatches[0]!.note] : [];
  return mismatches.map(detail);
}

function detail(m: Mismatch): string {
  return `${m.path || '(object)'}: expected ${m.expected}, found ${m.found}${m.note ? ` (${m.note})` : ''}`;
}

function pass(name: string, kind: Check['kind']): CheckResult {
  return { name, kind, passed: true, details: [], reasons: [] };
}

function fail(name: string, kind: Check['kind'], message: string, details: string[], reasons: string[]): CheckResult {
  return { name, kind, passed: false, message, details, reasons };
}
