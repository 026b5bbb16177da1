/**
 * What kubectl's typed generators (`create configmap|secret|service|pdb|ingress`)
 * share: NameFromCommandArgs, the namespace only when `-n` was given,
 * `--save-config` (util.CreateOrUpdateAnnotation), `--dry-run`, and printing
 * the typed object (`-o json` in Go struct order). K:staging/src/k8s.io/kubectl/pkg/cmd/create/create.go
 */
import { resourcePath, type KObject, type ResourceRef } from '../client.ts';
import { bool, DRY_RUN_FLAG, PRINT_FLAGS, str, type Command, type Invocation } from '../command.ts';
import { ExitError, usageError } from '../errors.ts';
import type { FlagSpec } from '../flags.ts';
import { dryRunOf, ResultPrinter, VALIDATE_FLAG, validationOf, writeQuery } from '../mutate.ts';
import { omitManagedFields } from '../printers/index.ts';
import { toJson } from '../printers/json.ts';
import { inStructOrder, typedJson } from '../typed-order.ts';
import { withLastApplied } from './apply.ts';

export const GENERATOR_FLAGS: FlagSpec[] = [
  ...PRINT_FLAGS, DRY_RUN_FLAG, VALIDATE_FLAG,
  { name: 'field-manager', type: 'string' },
  { name: 'save-config', type: 'bool' },
];

/** A group such as `create secret`: without a subcommand, kubectl prints its help to stderr and exits 1. */
export function commandGroup(name: string, aliases: string[], subcommands: Command[], help: string): Command {
  return { name, aliases, flags: [], subcommands, run: () => Promise.reject(new ExitError(help)) };
}

/** NameFromCommandArgs: exactly one NAME before `--`. */
export function generatorName(inv: Invocation): string {
  const before = inv.dashAt >= 0 ? inv.args.slice(0, inv.dashAt) : inv.args;
  if (before.length !== 1) throw usageError(inv.path, `exactly one NAME is required, got ${before.length}`);
  return before[0]!;
}

/** ObjectMeta, in the namespace only when `-n` was given. */
export function objectMeta(inv: Invocation, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, ...(inv.explicitNamespace ? { namespace: inv.namespace } : {}), ...extra };
}

export interface Generated {
  ref: ResourceRef;
  /** The prefix of a failed create's error (`failed to create configmap: `). */
  failure: string;
  build(name: string): Promise<KObject> | KObject;
}

/**
 * Complete (name, dry-run, printer), then Validate, build, and Run:
 * annotate, create unless --dry-run=client, print.
 */
export async function runGenerator(inv: Invocation, validate: () => void, { ref, failure, build }: Generated): Promise<number> {
  const name = generatorName(inv);
  const dryRun = dryRunOf(inv);
  const printer = new ResultPrinter(inv, dryRun);
  const validation = validationOf(inv);
  validate();
  // A typed Go object: zero values filled in (`creationTimestamp: null`, a Service's `status: {loadBalancer: {}}`).
  let obj = inStructOrder((await build(name)) as Record<string, unknown>) as KObject;
  if (bool(inv.flags, 'save-config')) obj = withSavedConfig(obj);
  if (dryRun !== 'client') {
    try {
      obj = (await inv.client().call('POST', resourcePath(ref, inv.namespace), {
        query: writeQuery(str(inv.flags, 'field-manager') || 'kubectl-create', validation.directive, dryRun),
        body: obj,
      })) as KObject;
    } catch (error) {
      throw new Error(`${failure}${(error as Error).message}`);
    }
  }
  // The typed client decodes the server's answer into the Go struct.
  obj = inStructOrder(obj as Record<string, unknown>) as KObject;
  if (str(inv.flags, 'output') === 'json') {
    const shown = bool(inv.flags, 'show-managed-fields') ? obj : omitManagedFields(obj);
    inv.io.stdout(typedJson(shown as Record<string, unknown>));
  } else {
    printer.print(obj, 'created');
  }
  return 0;
}

/** The annotation holds the object as the typed JSON encoder writes it (struct order, compact, newline). */
function withSavedConfig(obj: KObject): KObject {
  // Without the annotation, an empty annotations map is omitted (omitempty) from what is recorded.
  const { annotations, ...meta } = withLastApplied(obj, undefined).metadata ?? {};
  const bare = { ...obj, metadata: Object.keys(annotations ?? {}).length > 0 ? { ...meta, annotations } : meta };
  return withLastApplied(obj, `${toJson(inStructOrder(bare), '', false)}\n`);
}
