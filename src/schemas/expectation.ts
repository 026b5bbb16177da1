/**
 * The small value syntax of lab checks. A string value in an assertion is
 * compared literally unless it starts with an operator:
 *
 * | written              | matches when the live value…                                  |
 * |----------------------|---------------------------------------------------------------|
 * | `">= 3"`, `"> 0"`    | is a number or quantity at least / above it (`">= 1Gi"`)      |
 * | `"<= 5"`, `"< 5"`    | is a number or quantity at most / below it                    |
 * | `"!= Failed"`        | is absent or differs                                          |
 * | `"=~ ^web-[0-9]+$"`  | is present and its text matches the regular expression        |
 * | `"!~ latest"`        | is absent or its text does not match                         |
 * | `"== >= 3"`          | equals the rest literally (the escape for a string that       |
 * |                      | happens to start with an operator)                            |
 *
 * `null` means "absent", `[]` means "empty or absent". Quote operator strings in
 * YAML: `>`, `!` and `<` have meanings of their own at the start of a value.
 * Lives in schemas/ because the lab schema validates operands while parsing.
 */

export type Operator = '>=' | '>' | '<=' | '<' | '!=' | '==' | '=~' | '!~';

export interface Expectation {
  op: Operator;
  operand: string;
}

const OPERATOR = /^(>=|<=|!=|==|=~|!~|>|<)\s*([\s\S]*)$/;

/** The operator a string value carries, if any. */
export function parseExpectation(value: string): Expectation | undefined {
  const m = OPERATOR.exec(value);
  if (!m) return undefined;
  return { op: m[1] as Operator, operand: m[2]! };
}

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
// K:staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go — sign, digits, then a
// binary suffix, a decimal suffix or a decimal exponent.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** A Kubernetes quantity (`1Gi`, `500m`, `2`) as a number, or undefined. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY_SUFFIX) return n * BINARY_SUFFIX[suffix]!;
  if (suffix in DECIMAL_SUFFIX) return n * DECIMAL_SUFFIX[suffix]!;
  return n * 10 ** Number(suffix.slice(1));
}

/** Whether a quantity string carries a unit, so `1Gi` and `1024Mi` may be compared as amounts. */
export function hasQuantityUnit(text: string): boolean {
  const m = QUANTITY.exec(text.trim());
  return m !== null && m[2] !== undefined;
}

/** Why an operator string cannot work, for the lab schema; undefined when it is fine. */
export function expectationProblem(e: Expectation): string | undefined {
  switch (e.op) {
    case '>=': case '>': case '<=': case '<':
      if (parseQuantity(e.operand) === undefined) {
        return `"${e.op} ${e.operand}" compares with a number or quantity (e.g. "${e.op} 3", "${e.op} 1Gi"); write "== ${e.op} ${e.operand}" to mean the literal text`;
      }
      return undefined;
    case '=~': case '!~':
      try {
        new RegExp(e.operand);
        return undefined;
      } catch (error) {
        return `"${e.op} ${e.operand}": ${(error as Error).message}`;
      }
    default:
      return undefined;
  }
}

/** Human wording of an expectation, for messages: `>= 3`, `matching /^web/`. */
export function describeExpectation(e: Expectation): string {
  switch (e.op) {
    case '=~': return `text matching /${e.operand}/`;
    case '!~': return `text not matching /${e.operand}/`;
    case '==': return e.operand;
    default: return `${e.op} ${e.operand}`;
  }
}
