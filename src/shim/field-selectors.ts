// Field selectors (`?fieldSelector=spec.nodeName=kind-worker`): only `=`, `==`, `!=`,
// ANDed with commas, and only on the fields each resource declares selectable
// (K:pkg/registry/core/pod/strategy.go ToSelectableFields and friends).
import type { KObject, GroupResource } from './objects.ts';
import { SelectorError } from './selectors.ts';

export interface FieldTerm {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export class FieldSelector {
  constructor(readonly terms: readonly FieldTerm[]) {}

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  get empty(): boolean {
    return this.terms.length === 0;
  }

  matches(fields: Readonly<Record<string, string>>): boolean {
    for (const t of this.terms) {
      const v = fields[t.field] ?? '';
      if ((t.op === '=') !== (v === t.value)) return false;
    }
    return true;
  }

  /** The value a term requires, for index lookups such as `metadata.name=<x>`. */
  requiresExactMatch(field: string): string | undefined {
    return this.terms.find((t) => t.field === field && t.op === '=')?.value;
  }
}

/** `fields.ParseSelector`, with upstream's backslash escapes for `,` `=` `!` `\`. */
export function parseFieldSelector(selector: string): FieldSelector {
  const terms: FieldTerm[] = [];
  for (const part of splitUnescaped(selector, ',').sort()) {
    if (part === '') continue;
    const op = findOperator(part);
    if (op === undefined) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = unescape(part.slice(0, op.at));
    const value = unescape(part.slice(op.at + op.text.length));
    terms.push({ field, op: op.text === '!=' ? '!=' : '=', value });
  }
  return new FieldSelector(terms);
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function findOperator(part: string): { at: number; text: string } | undefined {
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '!' && part[i + 1] === '=') return { at: i, text: '!=' };
    if (c === '=') return { at: i, text: part[i + 1] === '=' ? '==' : '=' };
  }
  return undefined;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

type FieldGetter = (obj: KObject) => Record<string, string>;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const at = (obj: KObject, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
const pick = (obj: KObject, paths: readonly string[]): Record<string, string> =>
  Object.fromEntries(paths.map((p) => [p, str(at(obj, p))]));

const POD_FIELDS = [
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
];
const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

const SPECIFIC: Record<string, FieldGetter> = {
  '/pods': (o) => ({
    ...pick(o, POD_FIELDS),
    'spec.hostNetwork': str(at(o, 'spec.hostNetwork') ?? false),
  }),
  '/events': (o) => ({ ...pick(o, EVENT_FIELDS), source: str(at(o, 'source.component')) }),
  '/nodes': (o) => ({ 'spec.unschedulable': str(at(o, 'spec.unschedulable') ?? false) }),
  '/secrets': (o) => pick(o, ['type']),
  '/namespaces': (o) => pick(o, ['status.phase']),
  '/replicationcontrollers': (o) => pick(o, ['status.replicas']),
  'apps/replicasets': (o) => pick(o, ['status.replicas']),
  'batch/jobs': (o) => pick(o, ['status.successful']),
  'events.k8s.io/events': (o) => ({
    ...pick(o, ['reason', 'type', 'reportingController']),
    'regarding.kind': str(at(o, 'regarding.kind')),
    'regarding.namespace': str(at(o, 'regarding.namespace')),
    'regarding.name': str(at(o, 'regarding.name')),
    'regarding.uid': str(at(o, 'regarding.uid')),
  }),
};

/** Every selectable field of `obj` with its value (absent fields read as `""`). */
export function selectableFields(gr: GroupResource, obj: KObject): Record<string, string> {
  const base = { 'metadata.name': str(obj.metadata?.name), 'metadata.namespace': str(obj.metadata?.namespace) };
  const specific = SPECIFIC[`${gr.group}/${gr.resource}`];
  return specific === undefined ? base : { ...base, ...specific(obj) };
}

/**
 * Rejects fields the resource does not support, with upstream's message
 * (`field label not supported: x`), checked once when a list or watch starts.
 */
export function checkFieldSelector(gr: GroupResource, sel: FieldSelector): void {
  if (sel.empty) return;
  const known = selectableFields(gr, { metadata: {} });
  for (const t of sel.terms) {
    if (!(t.field in known)) throw new SelectorError(`field label not supported: ${t.field}`);
  }
}
