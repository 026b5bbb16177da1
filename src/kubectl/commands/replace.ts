/**
 * `kubectl replace -f` (K:…/kubectl/pkg/cmd/replace/replace.go): PUT each
 * object, with the live resourceVersion when the file has none; `--force`
 * deletes and re-creates.
 */
import { AggregateError, isNotFound } from '../errors.ts';
import { resolve } from '../builder.ts';
import { resourcePath, type KObject } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, list, PRINT_FLAGS, str, type Command } from '../command.ts';
import { kindPrefix } from '../discovery.ts';
import { addSourceToErr, dryRunOf, ResultPrinter, VALIDATE_FLAG, validationOf, writeQuery } from '../mutate.ts';
import { encodeObject, withLastApplied } from './apply.ts';

export const replaceCommand: Command = {
  name: 'replace',
  flags: [
    ...PRINT_FLAGS, ...FILENAME_FLAGS, DRY_RUN_FLAG, VALIDATE_FLAG,
    { name: 'cascade', type: 'string', noOptDefault: 'background' },
    { name: 'field-manager', type: 'string' },
    { name: 'force', type: 'bool' },
    { name: 'grace-period', type: 'int' },
    { name: 'raw', type: 'string' },
    { name: 'save-config', type: 'bool' },
    { name: 'subresource', type: 'string' },
    { name: 'timeout', type: 'duration' },
    { name: 'wait', type: 'bool' },
  ],
  async run(inv) {
    const { flags, io } = inv;
    const filenames = list(flags, 'filename');
    if (filenames.length === 0 && !str(flags, 'kustomize')) throw new Error('must specify one of -f and -k');
    const dryRun = dryRunOf(inv);
    const validation = validationOf(inv);
    const printer = new ResultPrinter(inv, dryRun);
    const plan = await resolve({
      discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
      namespace: inv.namespace, enforceNamespace: inv.explicitNamespace, filenames, recursive: bool(flags, 'recursive'),
      validate: validation.directive !== 'Ignore',
    });
    if (plan.type !== 'items') throw new Error('must specify one of -f and -k');
    const client = inv.client();
    const errors: Error[] = [...plan.errors];
    const query = writeQuery(str(flags, 'field-manager') || 'kubectl-replace', validation.directive, dryRun);
    for (const info of plan.infos) {
      let obj = info.object!;
      if (bool(flags, 'save-config')) obj = withLastApplied(obj, encodeObject(withLastApplied(obj, undefined)));
      const path = resourcePath(info.mapping, info.namespace, info.name);
      try {
        if (bool(flags, 'force')) {
          if (dryRun !== 'client') {
            try {
              await client.call('DELETE', path, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
              io.stdout(`${kindPrefix(info.mapping)} "${info.name}" deleted\n`);
            } catch (error) {
              if (!isNotFound(error)) throw error;
            }
            const { metadata } = obj;
            if (metadata) delete metadata.resourceVersion;
            obj = (await client.call('POST', resourcePath(info.mapping, info.namespace), { query, body: obj })) as KObject;
          }
          printer.print(obj, 'replaced');
          continue;
        }
        if (dryRun !== 'client') {
          if (!obj.metadata?.resourceVersion) {
            try {
              const live = (await client.call('GET', path)) as KObject;
              obj = { ...obj, metadata: { ...obj.metadata, resourceVersion: live.metadata?.resourceVersion } };
            } catch {
              // Missing: the PUT reports it.
            }
          }
          obj = (await client.call('PUT', path, { query, body: obj })) as KObject;
        }
        printer.print(obj, 'replaced');
      } catch (error) {
        errors.push(addSourceToErr('replacing', info.source, error));
      }
    }
    if (errors.length > 0) throw new AggregateError(errors);
    return 0;
  },
};
