/**
 * A lab step's checks. Each check is one of four kinds, chosen by its key:
 *
 * - `assert`: a partial object (kuttl's assert file): with `metadata.name`, that
 *   object must exist and match; without, at least one object of the kind (with
 *   `metadata.labels` as the selector) must match. Status fields count. Arrays
 *   match element-wise in any order: every expected element must match a
 *   different live element (chainsaw-style filtering, not positional equality).
 * - `absent`: kuttl's errors file: no live object may match the partial object.
 * - `count`: how many objects match the partial object, compared with `expect`
 *   (`3`, `">= 2"`).
 * - `command`: a terminal line (`kubectl …`) with the exit code and output
 *   (regular expressions on stdout/stderr) it must give.
 *
 * String values in partial objects may use the operators of expectation.ts.
 */
import { z } from 'zod';
import { expectationProblem, parseExpectation } from './expectation.ts';

const labels = z.record(z.string(), z.string());

/** A partial Kubernetes object; everything beyond what identifies it is matched, not required in full. */
export const partialObjectSchema = z
  .looseObject({
    apiVersion: z.string().min(1).describe('apiVersion of the object, e.g. v1 or apps/v1.'),
    kind: z.string().min(1).describe('Kind of the object, e.g. Service or StatefulSet.'),
    metadata: z
      .looseObject({
        name: z.string().min(1).optional().describe('Name of the one object to check; leave out to check all objects of the kind.'),
        namespace: z.string().min(1).optional().describe("Namespace; leave out (or `default`) for the learner's namespace."),
        labels: labels.optional().describe('Labels; without a name they select the objects to check.'),
      })
      .optional(),
  })
  .superRefine((value, ctx) => {
    for (const { path, problem } of operatorProblems(value, [])) ctx.addIssue({ code: 'custom', path, message: problem });
  })
  .describe('A partial object: the fields given must match a live object (status included); the rest is ignored.');

function* operatorProblems(value: unknown, path: (string | number)[]): Generator<{ path: (string | number)[]; problem: string }> {
  if (typeof value === 'string') {
    const e = parseExpectation(value);
    const problem = e && expectationProblem(e);
    if (problem) yield { path, problem };
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* operatorProblems(v, [...path, i]);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* operatorProblems(v, [...path, k]);
  }
}

const countExpectation = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\s*(>=|<=|!=|==|>|<)\s*\d+\s*$/, 'must be a count such as 3, ">= 1" or "< 4"'),
]);

function validRegex(what: string) {
  return z.string().superRefine((s, ctx) => {
    try {
      new RegExp(s, 'm');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${what} is not a valid regular expression: ${(error as Error).message}` });
    }
  });
}

export const checkSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('What the check proves, as the learner reads it (default: made from the check).'),
    message: z.string().min(1).optional().describe('A sentence shown first when the check fails; the grader adds what it expected and found.'),
    assert: partialObjectSchema.optional(),
    absent: partialObjectSchema.optional().describe('A partial object no live object may match (kuttl errors): with a name, that object must not exist (or not match).'),
    count: partialObjectSchema.optional().describe('A partial object; the number of live objects matching it is compared with `expect`.'),
    expect: countExpectation.optional().describe('For `count`: the number of matching objects, e.g. 3 or ">= 1".'),
    command: z.string().min(1).optional().describe('A terminal line to run, e.g. `kubectl exec web-1 -- cat /usr/share/nginx/html/index.html`.'),
    exitCode: z.number().int().min(0).max(255).optional().describe('For `command`: the exit code it must give (default 0).'),
    stdout: validRegex('stdout').optional().describe('For `command`: a regular expression (multiline) its standard output must match.'),
    stderr: validRegex('stderr').optional().describe('For `command`: a regular expression (multiline) its standard error must match.'),
    timeoutSeconds: z.number().positive().max(600).optional().describe('On a real cluster, how long to keep polling before the check fails (default: the step\'s).'),
  })
  .superRefine((check, ctx) => {
    const kinds = (['assert', 'absent', 'count', 'command'] as const).filter((k) => check[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: kinds.length === 0
          ? 'a check needs one of assert, absent, count or command'
          : `a check has exactly one of assert, absent, count or command, not ${kinds.join(' and ')}`,
      });
      return;
    }
    const only = (key: 'expect' | 'exitCode' | 'stdout' | 'stderr', owner: string) => {
      if (check[key] !== undefined && kinds[0] !== owner) ctx.addIssue({ code: 'custom', path: [key], message: `${key} belongs to ${owner} checks` });
    };
    only('expect', 'count');
    for (const k of ['exitCode', 'stdout', 'stderr'] as const) only(k, 'command');
    if (kinds[0] === 'count' && check.expect === undefined) ctx.addIssue({ code: 'custom', path: ['expect'], message: 'a count check needs expect (e.g. 3 or ">= 1")' });
  })
  .describe('One check: exactly one of assert, absent, count or command.');

export type CheckSpec = z.infer<typeof checkSchema>;
export type PartialObject = z.infer<typeof partialObjectSchema>;

/** A check with its kind made explicit, as the engine uses it. */
export type Check =
  | { kind: 'assert'; name?: string; message?: string; timeoutSeconds?: number; object: PartialObject }
  | { kind: 'absent'; name?: string; message?: string; timeoutSeconds?: number; object: PartialObject }
  | { kind: 'count'; name?: string; message?: string; timeoutSeconds?: number; object: PartialObject; expect: number | string }
  | { kind: 'command'; name?: string; message?: string; timeoutSeconds?: number; command: string; exitCode: number; stdout?: string; stderr?: string };

export function toCheck(spec: CheckSpec): Check {
  const common = {
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.message !== undefined ? { message: spec.message } : {}),
    ...(spec.timeoutSeconds !== undefined ? { timeoutSeconds: spec.timeoutSeconds } : {}),
  };
  if (spec.assert) return { kind: 'assert', ...common, object: spec.assert };
  if (spec.absent) return { kind: 'absent', ...common, object: spec.absent };
  if (spec.count) return { kind: 'count', ...common, object: spec.count, expect: spec.expect ?? '>= 1' };
  return {
    kind: 'command',
    ...common,
    command: spec.command ?? '',
    exitCode: spec.exitCode ?? 0,
    ...(spec.stdout !== undefined ? { stdout: spec.stdout } : {}),
    ...(spec.stderr !== undefined ? { stderr: spec.stderr } : {}),
  };
}
