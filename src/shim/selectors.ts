// Label and field selectors: the `?labelSelector=` / `?fieldSelector=` query parameters,
// `metav1.LabelSelector` in specs, and what watches filter on.
// K:staging/src/k8s.io/apimachinery/pkg/labels/selector.go,
// K:staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector),
// K:staging/src/k8s.io/apimachinery/pkg/fields/selector.go
import type { LabelSelector as MetaLabelSelector } from 'kubernetes-types/meta/v1';
import { fieldErrorString, fieldError } from './errors.ts';
import { isQualifiedName, isValidLabelValue } from './validation.ts';

export type Labels = Readonly<Record<string, string>>;
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: readonly string[];
}

export class LabelSelector {
  /** `nothing` is what a nil `metav1.LabelSelector` means: it matches no object. */
  constructor(
    readonly requirements: readonly Requirement[],
    private readonly nothing = false,
  ) {}

  static everything(): LabelSelector {
    return new LabelSelector([]);
  }

  static nothing(): LabelSelector {
    return new LabelSelector([], true);
  }

  get empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matches(labels: Labels | undefined): boolean {
    if (this.nothing) return false;
    const ls = labels ?? {};
    for (const r of this.requirements) if (!matchRequirement(r, ls)) return false;
    return true;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

function matchRequirement(r: Requirement, ls: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(ls, r.key);
  const v = ls[r.key];
  switch (r.op) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[+-]?\d+$/.test(v!)) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.op === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  const vals = [...r.values].sort().join(',');
  switch (r.op) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.op} (${vals})`;
    case 'gt':
      return `${r.key}>${vals}`;
    case 'lt':
      return `${r.key}<${vals}`;
    default:
      return `${r.key}${r.op}${vals}`;
  }
}

/** Thrown for a selector that does not parse; the REST layer turns it into a 400. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

// ---- the string form -------------------------------------------------------------

type Tok = 'id' | 'end' | ')' | '(' | ',' | '!' | '==' | '=' | '!=' | '>' | '<' | 'in' | 'notin' | 'error';
const SYMBOLS: Record<string, Tok> = { ')': ')', '(': '(', ',': ',', '!': '!', '==': '==', '=': '=', '!=': '!=', '>': '>', '<': '<' };
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(s: string): Array<[Tok, string]> {
  const out: Array<[Tok, string]> = [];
  let i = 0;
  for (;;) {
    while (i < s.length && isSpace(s[i]!)) i++;
    if (i >= s.length) {
      out.push(['end', '']);
      return out;
    }
    if (isSpecial(s[i]!)) {
      // Longest run of symbols that is still a known operator, like upstream's scanner.
      let buf = '';
      let last: [Tok, string] | undefined;
      while (i < s.length && isSpecial(s[i]!)) {
        buf += s[i];
        const t = SYMBOLS[buf];
        if (t !== undefined) last = [t, buf];
        else if (last !== undefined) break;
        i++;
      }
      if (last === undefined) {
        out.push(['error', `error expected: keyword found '${buf}'`]);
        out.push(['end', '']);
        return out;
      }
      out.push(last);
      continue;
    }
    let buf = '';
    while (i < s.length && !isSpecial(s[i]!) && !isSpace(s[i]!)) buf += s[i++];
    out.push([buf === 'in' ? 'in' : buf === 'notin' ? 'notin' : 'id', buf]);
  }
}

const BINARY_OPS = 'in, notin, =, ==, !=, gt, lt';

/** Parses `a=b,c!=d,e in (f,g),!h,i` exactly as `labels.Parse` does, errors included. */
export function parseLabelSelector(selector: string): LabelSelector {
  const toks = lex(selector);
  let pos = 0;
  // In value position the keywords `in`/`notin` are plain identifiers.
  const peek = (values = true): [Tok, string] => {
    const [t, l] = toks[pos]!;
    return values && (t === 'in' || t === 'notin') ? ['id', l] : [t, l];
  };
  const take = (values = true): [Tok, string] => {
    const r = peek(values);
    pos++;
    return r;
  };
  const reqs: Requirement[] = [];
  const fail = (msg: string): never => {
    throw new SelectorError(msg);
  };

  const parseRequirement = (): Requirement => {
    let [t, lit] = take();
    let op: Operator | undefined;
    if (t === '!') {
      op = '!';
      [t, lit] = take();
    }
    if (t !== 'id') fail(`found '${lit}', expected: identifier`);
    const key = lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) fail(fieldErrorString(fieldError.invalid('<nil>', key, keyErrs.join('; '))));
    const [next] = peek();
    if (op === '!' || next === 'end' || next === ',') return validated(key, op ?? 'exists', []);
    const [ot, olit] = take(false);
    const opMap: Partial<Record<Tok, Operator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    const bop = opMap[ot];
    if (bop === undefined) return fail(`found '${olit}', expected: ${BINARY_OPS}`);
    let values: string[];
    if (bop === 'in' || bop === 'notin') values = parseValues();
    else {
      const [vt] = peek();
      if (vt === 'end' || vt === ',') values = [''];
      else {
        const [vt2, vlit] = take();
        if (vt2 !== 'id') fail(`found '${vlit}', expected: identifier`);
        values = [vlit];
      }
    }
    return validated(key, bop, [...new Set(values)].sort());
  };

  const parseValues = (): string[] => {
    const [t, lit] = take();
    if (t !== '(') fail(`found '${lit}' expected: '('`);
    const [t2, lit2] = peek();
    if (t2 === ')') {
      take();
      return [''];
    }
    if (t2 !== 'id' && t2 !== ',') fail(`found '${lit2}', expected: ',', ')' or identifier`);
    const vals = new Set<string>();
    for (;;) {
      const [vt, vlit] = take();
      if (vt === 'id') {
        vals.add(vlit);
        const [nt, nlit] = peek();
        if (nt === ',') continue;
        if (nt === ')') break;
        fail(`found '${nlit}', expected: ',' or ')'`);
      } else if (vt === ',') {
        if (vals.size === 0) vals.add('');
        const [nt] = peek();
        if (nt === ')') {
          vals.add('');
          break;
        }
        if (nt === ',') vals.add('');
      } else fail(`found '${vlit}', expected: ',', or identifier`);
    }
    take(); // ')'
    return [...vals];
  };

  for (;;) {
    const [t, lit] = peek();
    if (t === 'end') break;
    if (t !== 'id' && t !== '!') {
      if (t === 'error') fail(`unable to parse requirement: ${lit}`);
      fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
    try {
      reqs.push(parseRequirement());
    } catch (e) {
      if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
      throw e;
    }
    const [ct, clit] = take();
    if (ct === 'end') break;
    if (ct !== ',') fail(`found '${clit}', expected: ',' or 'end of string'`);
    const [nt, nlit] = peek();
    if (nt !== 'id' && nt !== '!') fail(`found '${nlit}', expected: identifier after ','`);
  }
  return new LabelSelector([...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
}

/** `NewRequirement`'s checks on values (keys are checked while parsing). */
function validated(key: string, op: Operator, values: string[]): Requirement {
  const errs: string[] = [];
  if ((op === 'in' || op === 'notin') && values.length === 0) {
    errs.push(fieldErrorString(fieldError.invalid('values', values, "for 'in', 'notin' operators, values set can't be empty")));
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(fieldErrorString(fieldError.invalid(`values[${i}][${key}]`, v, msgs.join('; '))));
  });
  if (errs.length === 1) throw new SelectorError(errs[0]!);
  if (errs.length > 1) throw new SelectorError(`[${errs.join(', ')}]`);
  return { key, op, values };
}

/**
 * `metav1.LabelSelectorAsSelector`: nil → matches nothing, `{}` → matches everything,
 * matchLabels and matchExpressions are ANDed.
 */
export function fromLabelSelector(sel: MetaLabelSelector | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return LabelSelector.nothing();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(validated(k, '=', [v]));
  for (const expr of sel.matchExpressions ?? []) {
    const ops: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
    const op = ops[expr.operator];
    if (op === undefined) throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(validated(expr.key, op, op === 'exists' || op === '!' ? [] : [...(expr.values ?? [])]));
  }
  return new LabelSelector(reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
}
