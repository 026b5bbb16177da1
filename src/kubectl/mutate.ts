/**
 * What the writing commands share: `--dry-run`, `--validate`, `--field-manager`,
 * the printer for `kind/name created`-style lines (or `-o`), and kubectl's way
 * of naming the file an error came from (`cmdutil.AddSourceToErr`).
 */
import { StatusError } from './errors.ts';
import { str, type Invocation } from './command.ts';
import type { KObject } from './client.ts';
import type { Info } from './builder.ts';
import { nameLine, ObjectPrinter, parseOutput, type OutputSpec } from './printers/index.ts';

export type DryRun = 'none' | 'client' | 'server';

/** cmdutil.GetDryRunStrategy. */
export function dryRunOf(inv: Invocation): DryRun {
  const value = str(inv.flags, 'dry-run') || 'none';
  switch (value) {
    case 'none': return 'none';
    case 'client': return 'client';
    case 'server': return 'server';
    case 'unchanged':
      klogWarning(inv, 'helpers.go:702', '--dry-run is deprecated and can be replaced with --dry-run=client.');
      return 'client';
    case 'true':
      klogWarning(inv, 'helpers.go:716', '--dry-run=true is deprecated (boolean value) and can be replaced with --dry-run=client.');
      return 'client';
    case 'false':
      klogWarning(inv, 'helpers.go:719', '--dry-run=false is deprecated (boolean value) and can be replaced with --dry-run=none.');
      return 'none';
    default:
      throw new Error(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
  }
}

/** A klog warning line; kubectl's has the time and its pid where this has fixed values. */
function klogWarning(inv: Invocation, where: string, message: string): void {
  inv.io.stderr(`W0101 00:00:00.000000       1 ${where}] ${message}\n`);
}

/** `--validate` → the fieldValidation query parameter (and whether to check kinds client-side). */
export function validationOf(inv: Invocation): { directive: 'Strict' | 'Warn' | 'Ignore' } {
  const v = inv.changed.has('validate') ? str(inv.flags, 'validate') : 'strict';
  switch (v.toLowerCase()) {
    case 'strict': case 'true': return { directive: 'Strict' };
    case 'warn': return { directive: 'Warn' };
    case 'ignore': case 'false': return { directive: 'Ignore' };
    default: throw new Error(`invalid - validate option ${JSON.stringify(v)}; must be one of: strict (or true), warn, ignore (or false)`);
  }
}

export const VALIDATE_FLAG = { name: 'validate', type: 'string' as const, noOptDefault: 'strict' };

/** The printer for results: `-o`, else `kind/name <operation>`. */
export class ResultPrinter {
  private readonly spec: OutputSpec;
  private readonly printer?: ObjectPrinter;

  constructor(private readonly inv: Invocation, private readonly dryRun: DryRun) {
    this.spec = parseOutput(str(inv.flags, 'output') || undefined, str(inv.flags, 'template') || undefined, undefined, inv.flags['allow-missing-template-keys'] !== false);
    if (this.spec.kind !== 'human' && this.spec.kind !== 'name') {
      this.printer = new ObjectPrinter(this.spec, { showManagedFields: inv.flags['show-managed-fields'] === true });
    }
  }

  /** Whether `-o` asked for whole objects (then no operation lines are printed). */
  get printsObjects(): boolean {
    return this.printer !== undefined;
  }

  print(obj: KObject, operation: string): void {
    if (this.printer) {
      this.inv.io.stdout(this.printer.print(obj));
      return;
    }
    // `-o name` prints just kind/name (NamePrinter's ShortOutput).
    if (this.spec.kind === 'name') {
      this.inv.io.stdout(nameLine(obj));
      return;
    }
    const suffix = this.dryRun === 'client' ? ' (dry run)' : this.dryRun === 'server' ? ' (server dry run)' : '';
    this.inv.io.stdout(nameLine(obj, `${operation}${suffix}`));
  }
}

/** cmdutil.AddSourceToErr: `error when <verb> "<file>": …`, keeping a Status a Status. */
export function addSourceToErr(verb: string, source: string | undefined, error: unknown): Error {
  if (!source) return error as Error;
  if (error instanceof StatusError) return new StatusError({ ...error.status, message: `error when ${verb} ${JSON.stringify(source)}: ${error.message}` });
  return new Error(`error when ${verb} ${JSON.stringify(source)}: ${(error as Error).message}`);
}

/** resource.Info.String(). */
export function infoString(info: Info): string {
  const m = info.mapping;
  return `Resource: "${m.group}/${m.version}, Resource=${m.resource}", GroupVersionKind: "${m.group}/${m.version}, Kind=${m.kind}"\nName: ${JSON.stringify(info.name)}, Namespace: ${JSON.stringify(info.namespace)}`;
}

/** Query parameters every write carries. */
export function writeQuery(fieldManager: string | undefined, validation: string | undefined, dryRun: DryRun): Record<string, string> {
  const q: Record<string, string> = {};
  if (dryRun === 'server') q.dryRun = 'All';
  if (fieldManager) q.fieldManager = fieldManager;
  if (validation) q.fieldValidation = validation;
  return q;
}
