/**
 * `kubectl config view|get-contexts|current-context` for the kubeconfig in
 * use (K:…/kubectl/pkg/cmd/config). Writing subcommands are not offered: the
 * browser's cluster has the one context kind writes.
 */
import { ExitError, usageError } from '../errors.ts';
import { bool, str, type Command } from '../command.ts';
import { contextNamed, kindKubeconfig, viewDocument, type Kubeconfig } from '../kubeconfig.ts';
import { ObjectPrinter, parseOutput } from '../printers/index.ts';
import { TabWriter } from '../printers/tabwriter.ts';
import { toJson } from '../printers/json.ts';

function kubeconfigOf(inv: { ctx: { kubeconfig?: Kubeconfig } }): Kubeconfig {
  return inv.ctx.kubeconfig ?? kindKubeconfig();
}

const view: Command = {
  name: 'view',
  flags: [
    { name: 'allow-missing-template-keys', type: 'bool' },
    { name: 'flatten', type: 'bool' },
    { name: 'merge', type: 'bool' },
    { name: 'minify', type: 'bool' },
    { name: 'output', short: 'o', type: 'string' },
    { name: 'raw', type: 'bool' },
    { name: 'show-managed-fields', type: 'bool' },
    { name: 'template', type: 'string' },
  ],
  async run(inv) {
    if (inv.args.length > 0) throw usageError(inv.path, `unexpected arguments: [${inv.args.join(' ')}]`);
    const doc = viewDocument(kubeconfigOf(inv), {
      raw: bool(inv.flags, 'raw') || bool(inv.flags, 'flatten'),
      minify: bool(inv.flags, 'minify'),
      ...(str(inv.flags, 'context') ? { context: str(inv.flags, 'context') } : {}),
    });
    const spec = parseOutput(str(inv.flags, 'output') || 'yaml', str(inv.flags, 'template') || undefined);
    // clientcmd's types keep their field order in JSON; YAML sorts keys.
    inv.io.stdout(spec.kind === 'json' ? `${toJson(doc, '    ', false)}\n` : new ObjectPrinter(spec).print(doc));
    return 0;
  },
};

const getContexts: Command = {
  name: 'get-contexts',
  flags: [{ name: 'no-headers', type: 'bool' }, { name: 'output', short: 'o', type: 'string' }],
  async run(inv) {
    const kc = kubeconfigOf(inv);
    const output = str(inv.flags, 'output');
    if (output !== '' && output !== 'name') throw new Error(`output must be one of '' or 'name'`);
    const wanted = inv.args.length > 0 ? inv.args : kc.contexts.map((c) => c.name);
    const missing = wanted.filter((n) => !kc.contexts.some((c) => c.name === n));
    let out = '';
    const tw = new TabWriter((t) => (out += t));
    if (output === 'name') for (const n of wanted.filter((w) => !missing.includes(w)).sort()) tw.write(`${n}\n`);
    else {
      if (!bool(inv.flags, 'no-headers')) tw.write('CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n');
      for (const name of wanted.filter((w) => !missing.includes(w)).sort()) {
        const c = contextNamed(kc, name)!;
        tw.write(`${name === kc.currentContext ? '*' : ''}\t${name}\t${c.context.cluster ?? ''}\t${c.context.user ?? ''}\t${c.context.namespace ?? ''}\n`);
      }
    }
    tw.flush();
    inv.io.stdout(out);
    if (missing.length > 0) throw new Error(`context ${missing[0]} not found`);
    return 0;
  },
};

const currentContext: Command = {
  name: 'current-context',
  flags: [],
  async run(inv) {
    const kc = kubeconfigOf(inv);
    if (!kc.currentContext) throw new Error('current-context is not set');
    inv.io.stdout(`${kc.currentContext}\n`);
    return 0;
  },
};

export const configCommand: Command = {
  name: 'config',
  flags: [{ name: 'kubeconfig', type: 'string' }],
  subcommands: [view, getContexts, currentContext],
  async run(inv) {
    inv.io.stderr('Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".\n\nAvailable Commands in Statecraft:\n  current-context   Display the current-context\n  get-contexts      Describe one or many contexts\n  view              Display merged kubeconfig settings or a specified kubeconfig file\n');
    throw new ExitError('');
  },
};
