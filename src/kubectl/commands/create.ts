/**
 * `kubectl create -f` (K:…/kubectl/pkg/cmd/create/create.go): POST each object
 * from the files; `--save-config` records the last-applied annotation.
 */
import { AggregateError } from '../errors.ts';
import { resolve } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, list, PRINT_FLAGS, str, type Command } from '../command.ts';
import { addSourceToErr, dryRunOf, ResultPrinter, VALIDATE_FLAG, validationOf, writeQuery } from '../mutate.ts';
import { encodeObject, withLastApplied } from './apply.ts';
import { createConfigMapCommand } from './create-configmap.ts';
import { CREATE_SUBCOMMANDS } from './create-generators.ts';
import { createIngressCommand } from './create-ingress.ts';
import { createPodDisruptionBudgetCommand } from './create-pdb.ts';
import { createSecretCommand } from './create-secret.ts';
import { createServiceCommand } from './create-service.ts';

export const createCommand: Command = {
  name: 'create',
  subcommands: [...CREATE_SUBCOMMANDS, createConfigMapCommand, createIngressCommand, createPodDisruptionBudgetCommand, createSecretCommand, createServiceCommand],
  flags: [
    ...PRINT_FLAGS, ...FILENAME_FLAGS, DRY_RUN_FLAG, VALIDATE_FLAG,
    { name: 'edit', type: 'bool' },
    { name: 'field-manager', type: 'string' },
    { name: 'raw', type: 'string' },
    { name: 'save-config', type: 'bool' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'windows-line-endings', type: 'bool' },
  ],
  async run(inv) {
    const { flags } = inv;
    const filenames = list(flags, 'filename');
    if (filenames.length === 0 && !str(flags, 'kustomize')) {
      if (inv.args.length > 0) throw new Error(`\`kubectl create ${inv.args[0]}\` is not available in Statecraft yet; use \`kubectl create -f FILE\``);
      throw new Error('must specify one of -f and -k');
    }
    const dryRun = dryRunOf(inv);
    const validation = validationOf(inv);
    const printer = new ResultPrinter(inv, dryRun);
    const plan = await resolve({
      discovery: inv.discovery(), files: inv.ctx.files, stdin: inv.io.stdin?.bind(inv.io),
      namespace: inv.namespace, enforceNamespace: inv.explicitNamespace, filenames, recursive: bool(flags, 'recursive'),
      labelSelector: str(flags, 'selector'), validate: validation.directive !== 'Ignore',
    });
    if (plan.type !== 'items') throw new Error('must specify one of -f and -k');
    const errors: Error[] = [...plan.errors];
    let count = 0;
    for (const info of plan.infos) {
      let obj = info.object!;
      if (bool(flags, 'save-config')) obj = withLastApplied(obj, encodeObject(withLastApplied(obj, undefined)));
      try {
        if (dryRun !== 'client') {
          obj = (await inv.client().call('POST', resourcePath(info.mapping, info.namespace), {
            query: writeQuery(str(flags, 'field-manager') || 'kubectl-create', validation.directive, dryRun),
            body: obj,
          })) as KObject;
        }
        count++;
        printer.print(obj, 'created');
      } catch (error) {
        errors.push(addSourceToErr('creating', info.source, error));
      }
    }
    if (errors.length > 0) throw new AggregateError(errors);
    if (count === 0) throw new Error('no objects passed to create');
    return 0;
  },
};
