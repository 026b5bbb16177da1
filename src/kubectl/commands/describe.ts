/**
 * `kubectl describe` (K:staging/src/k8s.io/kubectl/pkg/cmd/describe/describe.go):
 * one description per object, two blank lines between them; `describe TYPE
 * PREFIX` falls back to every object of the type whose name starts with the
 * prefix when no object has that exact name; errors are gathered and printed
 * after what could be described.
 */
import { AggregateError, isNotFound } from '../errors.ts';
import { resolve, type Info } from '../builder.ts';
import { bool, FILENAME_FLAGS, int, list, str, type Command, type Invocation } from '../command.ts';
import { fetchInfos } from '../fetch.ts';
import { describeObject, type DescribeSettings } from '../describe/index.ts';
import type { Obj } from '../describe/writer.ts';

export const describeCommand: Command = {
  name: 'describe',
  flags: [
    ...FILENAME_FLAGS,
    { name: 'all-namespaces', short: 'A', type: 'bool' },
    { name: 'chunk-size', type: 'int' },
    { name: 'selector', short: 'l', type: 'string' },
    { name: 'show-events', type: 'bool' },
  ],
  run,
};

async function run(inv: Invocation): Promise<number> {
  const { flags, io } = inv;
  const allNamespaces = bool(flags, 'all-namespaces');
  const settings: DescribeSettings = {
    showEvents: inv.changed.has('show-events') ? bool(flags, 'show-events') : true,
    chunkSize: int(flags, 'chunk-size', 500),
    now: inv.ctx.now?.() ?? Date.now(),
  };
  const filenames = list(flags, 'filename');
  if (inv.args.length === 0 && filenames.length === 0 && !str(flags, 'kustomize')) {
    throw new Error('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.');
  }
  // `describe pods` describes them all (the builder gets an empty selector).
  const selector = str(flags, 'selector');
  const plan = await resolve({
    discovery: inv.discovery(), files: inv.ctx.files, stdin: io.stdin?.bind(io),
    namespace: allNamespaces ? '' : inv.namespace, enforceNamespace: inv.explicitNamespace && !allNamespaces, allNamespaces,
    filenames, recursive: bool(flags, 'recursive'), labelSelector: selector, args: inv.args, allowEmptySelector: true,
  });
  const client = inv.client();
  const fetched = await fetchInfos(client, plan, { continueOnError: true, flatten: true, chunkSize: settings.chunkSize });
  const errors: Error[] = [];
  if (fetched.errors.length > 0) {
    if (fetched.errors.length === 1 && isNotFound(fetched.errors[0]) && inv.args.length === 2 && !inv.args[0]!.includes('/')) {
      return describeMatching(inv, fetched.errors[0]!, settings);
    }
    errors.push(...fetched.errors);
  }
  let first = true;
  for (const info of fetched.infos) {
    const text = await describeObject(client, info.mapping, info.object as Obj, settings);
    io.stdout(first ? text : `\n\n${text}`);
    first = false;
  }
  if (fetched.infos.length === 0 && errors.length === 0) {
    io.stderr(allNamespaces ? 'No resources found\n' : `No resources found in ${inv.namespace} namespace.\n`);
  }
  if (errors.length > 0) throw new AggregateError(errors);
  return 0;
}

/** `DescribeMatchingResources`: every object of the type whose name has the prefix, each followed by a blank line. */
async function describeMatching(inv: Invocation, original: Error, settings: DescribeSettings): Promise<number> {
  const [type, prefix] = inv.args as [string, string];
  const plan = await resolve({ discovery: inv.discovery(), namespace: inv.namespace, enforceNamespace: false, args: [type], allowEmptySelector: true, singleResourceType: true });
  const client = inv.client();
  const { infos } = await fetchInfos(client, plan, { continueOnError: false, flatten: true, chunkSize: settings.chunkSize });
  const matching = infos.filter((i: Info) => i.name.startsWith(prefix));
  if (matching.length === 0) throw original;
  for (const info of matching) inv.io.stdout(`${await describeObject(client, info.mapping, info.object as Obj, settings)}\n`);
  return 0;
}
