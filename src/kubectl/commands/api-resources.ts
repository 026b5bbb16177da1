/** `kubectl api-resources` and `api-versions` (K:…/kubectl/pkg/cmd/apiresources). */
import { usageError } from '../errors.ts';
import { bool, list, str, type Command } from '../command.ts';
import { groupVersion } from '../discovery.ts';
import { TabWriter } from '../printers/tabwriter.ts';

export const apiResourcesCommand: Command = {
  name: 'api-resources',
  flags: [
    { name: 'api-group', type: 'string' },
    { name: 'cached', type: 'bool' },
    { name: 'categories', type: 'stringSlice' },
    { name: 'namespaced', type: 'bool' },
    { name: 'no-headers', type: 'bool' },
    { name: 'output', short: 'o', type: 'string' },
    { name: 'sort-by', type: 'string' },
    { name: 'verbs', type: 'stringSlice' },
  ],
  async run(inv) {
    const { flags, io } = inv;
    const output = str(flags, 'output');
    if (inv.args.length > 0) throw usageError(inv.path, `unexpected arguments: [${inv.args.join(' ')}]`);
    if (!['', 'wide', 'name'].includes(output)) throw new Error(`--output ${output} is not available`);
    const sortBy = str(flags, 'sort-by');
    if (sortBy && sortBy !== 'name' && sortBy !== 'kind') throw new Error('--sort-by accepts only name or kind');
    const discovery = inv.discovery();
    if (!bool(flags, 'cached')) discovery.invalidate();
    const verbs = list(flags, 'verbs');
    const categories = list(flags, 'categories');
    const namespaced = flags.namespaced === true;
    const resources = (await discovery.resources()).filter((r) => r.preferred && r.verbs.length > 0
      && (!inv.changed.has('api-group') || r.group === str(flags, 'api-group'))
      && (!inv.changed.has('namespaced') || r.namespaced === namespaced)
      && verbs.every((v) => r.verbs.includes(v))
      && categories.every((c) => r.categories.includes(c)));
    const key = (r: (typeof resources)[number]) => (sortBy === 'name' ? r.resource : sortBy === 'kind' ? r.kind : r.group);
    const sorted = resources.map((r, i) => ({ r, i })).sort((a, b) => compare(key(a.r), key(b.r)) || compare(a.r.resource, b.r.resource) || a.i - b.i).map((x) => x.r);
    let out = '';
    const tw = new TabWriter((t) => (out += t));
    if (!bool(flags, 'no-headers') && output !== 'name') {
      tw.write(`NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND${output === 'wide' ? '\tVERBS\tCATEGORIES' : ''}\n`);
    }
    for (const r of sorted) {
      if (output === 'name') tw.write(`${r.group ? `${r.resource}.${r.group}` : r.resource}\n`);
      else {
        const cells = [r.resource, r.shortNames.join(','), groupVersion(r), String(r.namespaced), r.kind];
        if (output === 'wide') cells.push(r.verbs.join(','), r.categories.join(','));
        tw.write(`${cells.join('\t')}\n`);
      }
    }
    tw.flush();
    io.stdout(out);
    return 0;
  },
};

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const apiVersionsCommand: Command = {
  name: 'api-versions',
  flags: [],
  async run(inv) {
    if (inv.args.length > 0) throw usageError(inv.path, `unexpected arguments: [${inv.args.join(' ')}]`);
    const discovery = inv.discovery();
    discovery.invalidate();
    const versions = new Set<string>();
    for (const g of await discovery.groups()) for (const v of g.versions) versions.add(g.name ? `${g.name}/${v}` : v);
    inv.io.stdout([...versions].sort(compare).map((v) => `${v}\n`).join(''));
    return 0;
  },
};
