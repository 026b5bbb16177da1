/**
 * `kubectl scale --replicas=N` (K:…/kubectl/pkg/cmd/scale/scale.go): a merge
 * patch on the `/scale` subresource, or, with `--current-replicas` or
 * `--resource-version`, a checked GET-then-PUT of the Scale.
 */
import { resolve } from '../builder.ts';
import { resourcePath } from '../client.ts';
import { bool, DRY_RUN_FLAG, FILENAME_FLAGS, int, list, PRINT_FLAGS, str, type Command } from '../command.ts';
import { fetchInfos } from '../fetch.ts';
import { ExitError } from '../errors.ts';
import { dryRunOf, ResultPrinter } from '../mutate.ts';

export const scaleCommand: Command = {
  name: 'scale',
  flags: [
    ...PRINT_FLAGS, ...FILENAME_FLAGS, DRY_RUN_FLAG,
    { name: 'all', type: 'bool' },
    { name: 'current-replicas', type: 'int' },
    { name: 'replicas', type: 'int' },
    { name: 'resource-version', type: 'string' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'timeout', type: 'duration' },
  ],
  async run(inv) {
    const { flags, io } = inv;
    if (!inv.changed.has('replicas')) throw new ExitError('error: required flag(s) "replicas" not set');
    const replicas = int(flags, 'replicas', 0);
    const dryRun = dryRunOf(inv);
    const printer = new ResultPrinter(inv, dryRun);
    const plan = await resolve({
      discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
      namespace: inv.namespace, enforceNamespace: inv.explicitNamespace,
      filenames: list(flags, 'filename'), recursive: bool(flags, 'recursive'), labelSelector: str(flags, 'selector'),
      selectAll: bool(flags, 'all'), args: inv.args, allowEmptySelector: bool(flags, 'all'),
    });
    if (replicas < 0) throw new Error('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
    const client = inv.client();
    const { infos, errors } = await fetchInfos(client, plan, { continueOnError: true, flatten: true });
    const resourceVersion = str(flags, 'resource-version');
    if (resourceVersion && infos.length > 1) throw new Error('cannot use --resource-version with multiple resources');
    if (infos.length === 0) throw new Error(`no objects passed to scale${errors.length > 0 ? ` ${errors.map((e) => e.message).join(', ')}` : ''}`);
    const current = inv.changed.has('current-replicas') ? int(flags, 'current-replicas', -1) : -1;
    for (const info of infos) {
      if (dryRun === 'client') {
        printer.print(info.object!, 'scaled');
        continue;
      }
      const path = resourcePath(info.mapping, info.namespace, info.name, 'scale');
      const query: Record<string, string> = dryRun === 'server' ? { dryRun: 'All' } : {};
      if (current !== -1 || resourceVersion) {
        const scale = (await client.call('GET', path)) as { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } };
        if (current !== -1 && scale.spec?.replicas !== current) throw new Error(`Expected replicas to be ${current}, was ${scale.spec?.replicas ?? 0}`);
        if (resourceVersion && scale.metadata?.resourceVersion !== resourceVersion) {
          throw new Error(`Expected resource version to be ${resourceVersion}, was ${scale.metadata?.resourceVersion ?? ''}`);
        }
        await client.call('PUT', path, { query, body: { ...scale, spec: { ...scale.spec, replicas } } });
      } else {
        await client.call('PATCH', path, { query, body: { spec: { replicas } }, contentType: 'application/merge-patch+json' });
      }
      printer.print(info.object!, 'scaled');
    }
    return 0;
  },
};
