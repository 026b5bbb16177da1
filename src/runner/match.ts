/**
 * Partial-object matching, kuttl-style with chainsaw-style arrays:
 *
 * - a map matches when every key given matches (other live keys are ignored);
 * - an array matches when every expected element matches a *different* live
 *   element, in any order (so `conditions: [{type: Ready, status: "True"}]`
 *   finds the Ready condition wherever it is); `[]` means empty or absent;
 * - `null` means the field is absent;
 * - a string may carry an operator (`">= 3"`, `"=~ ^web-"`, see
 *   schemas/expectation.ts); plain scalars are equal, with numbers and
 *   Kubernetes quantities compared by amount (`1Gi` matches `1024Mi`, `2` matches `"2"`).
 *
 * A failed match says where: one Mismatch per path, with what was expected
 * and what was found.
 */
import { describeExpectation, hasQuantityUnit, parseExpectation, parseQuantity, type Expectation } from '../schemas/expectation.ts';

export interface Mismatch {
  /** `spec.ports[0].name`, `metadata.labels["app.kubernetes.io/name"]`. */
  path: string;
  expected: string;
  /** What the live object has there; `nothing` when the field is absent. */
  found: string;
  /** For array elements: which live element was closest, and why it was picked. */
  note?: string;
}

export function match(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (expected === null) {
    return actual === undefined || actual === null ? [] : [{ path, expected: 'nothing (the field must be absent)', found: show(actual) }];
  }
  if (Array.isArray(expected)) return matchArray(expected, actual, path);
  if (isPlainObject(expected)) {
    if (actual === undefined || actual === null) {
      // Report the leaves, so the learner sees which fields are missing.
      return Object.entries(expected).flatMap(([k, v]) => match(v, undefined, join(path, k)));
    }
    if (!isPlainObject(actual)) return [{ path, expected: show(expected), found: show(actual) }];
    return Object.entries(expected).flatMap(([k, v]) => match(v, actual[k], join(path, k)));
  }
  if (typeof expected === 'string') {
    const e = parseExpectation(expected);
    if (e) return satisfies(e, actual) ? [] : [{ path, expected: describeExpectation(e), found: show(actual) }];
  }
  return scalarEqual(expected, actual) ? [] : [{ path, expected: show(expected), found: show(actual) }];
}

function matchArray(expected: unknown[], actual: unknown, path: string): Mismatch[] {
  if (actual === undefined || actual === null) {
    return expected.length === 0 ? [] : [{ path, expected: `a list with ${describeElements(expected)}`, found: 'nothing' }];
  }
  if (!Array.isArray(actual)) return [{ path, expected: 'a list', found: show(actual) }];
  if (expected.length === 0) return actual.length === 0 ? [] : [{ path, expected: 'an empty list', found: show(actual) }];
  // Which live elements each expected element matches, then a matching that gives
  // every expected element its own live element (Kuhn's augmenting paths; lists are small).
  const fits = expected.map((e) => actual.flatMap((a, j) => (match(e, a).length === 0 ? [j] : [])));
  const owner = new Array<number>(actual.length).fill(-1);
  const assign = (i: number, seen: Set<number>): boolean => {
    for (const j of fits[i]!) {
      if (seen.has(j)) continue;
      seen.add(j);
      if (owner[j] === -1 || assign(owner[j]!, seen)) {
        owner[j] = i;
        return true;
      }
    }
    return false;
  };
  const out: Mismatch[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (assign(i, new Set())) continue;
    const e = expected[i];
    if (fits[i]!.length > 0) {
      out.push({ path, expected: `another element like ${show(e)}`, found: `only one such element (${show(actual[fits[i]![0]!])})` });
      continue;
    }
    if (actual.length === 0) {
      out.push({ path, expected: `an element like ${show(e)}`, found: 'an empty list' });
      continue;
    }
    // The closest live element: the fewest mismatches, where disagreeing on what
    // identifies an element (its name, type, port…) weighs more than any detail.
    let best = 0;
    let bestMismatches: Mismatch[] = [];
    let bestScore = Infinity;
    for (let j = 0; j < actual.length; j++) {
      const m = match(e, actual[j], `${path}[${j}]`);
      const score = m.length + 100 * m.filter((x) => IDENTITY.test(x.path.slice(`${path}[${j}]`.length))).length;
      if (score < bestScore) {
        best = j;
        bestMismatches = m;
        bestScore = score;
      }
    }
    // Name the element by what identifies it when that agrees: `status.conditions[type=Ready].status`.
    const idKey = isPlainObject(e) ? Object.keys(e).find((k) => IDENTITY.test(`.${k}`) && isScalar(e[k])) : undefined;
    const live = actual[best];
    const idValue = idKey !== undefined ? (e as Record<string, unknown>)[idKey] : undefined;
    if (idKey !== undefined && isPlainObject(live) && live[idKey] === idValue) {
      const prefix = `${path}[${best}]`;
      const named = `${path}[${idKey}=${String(idValue)}]`;
      out.push(...bestMismatches.map((m) => ({ ...m, path: named + m.path.slice(prefix.length) })));
    } else {
      const note = idKey !== undefined
        ? `no element of ${path} has ${idKey} ${show(idValue)}`
        : actual.length > 1 ? `no element of ${path} matches ${show(e)}; the closest is ${path}[${best}]` : undefined;
      out.push(...bestMismatches.map((m) => (note ? { ...m, note } : m)));
    }
  }
  return out;
}

/** Keys that say which element of a list an element is. */
const IDENTITY = /^\.(name|type|key|hostname|mountPath|port|containerPort|devicePath|ip|topologyKey)$/;

/** Whether a live value meets an operator expectation. */
export function satisfies(e: Expectation, actual: unknown): boolean {
  switch (e.op) {
    case '==': return scalarEqual(e.operand, actual);
    case '!=': return actual === undefined || actual === null || !scalarEqual(e.operand, actual);
    case '=~': return isScalar(actual) && new RegExp(e.operand).test(String(actual));
    case '!~': return !isScalar(actual) || !new RegExp(e.operand).test(String(actual));
    default: {
      const want = parseQuantity(e.operand);
      const have = typeof actual === 'number' ? actual : typeof actual === 'string' ? parseQuantity(actual) : undefined;
      if (want === undefined || have === undefined) return false;
      switch (e.op) {
        case '>=': return have >= want;
        case '>': return have > want;
        case '<=': return have <= want;
        default: return have < want;
      }
    }
  }
}

function scalarEqual(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected === 'number' && typeof actual === 'string') return parseQuantity(actual) === expected;
  if (typeof expected === 'string' && typeof actual === 'number') return parseQuantity(expected) === actual;
  if (typeof expected === 'string' && typeof actual === 'string' && (hasQuantityUnit(expected) || hasQuantityUnit(actual))) {
    const a = parseQuantity(expected);
    return a !== undefined && a === parseQuantity(actual);
  }
  return false;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `spec.ports`, `metadata.labels["app.kubernetes.io/name"]`. */
export function join(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function describeElements(expected: unknown[]): string {
  return expected.length === 1 ? `an element like ${show(expected[0])}` : `${expected.length} elements like ${show(expected)}`;
}

const MAX_SHOWN = 160;

/**
 * A value as a learner reads it: bare strings unless they would read as another
 * type (`"80"`, `"true"`, `""`), YAML-like flow maps, and `nothing` for absent.
 */
export function show(value: unknown): string {
  const text = render(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return value === '' || /^\s|\s$|^(true|false|null|~|-?\d+(\.\d+)?)$|[,{}[\]\n]/.test(value) ? JSON.stringify(value) : value;
  }
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}: ${render(v)}`).join(', ')}}`;
  return String(value);
}
