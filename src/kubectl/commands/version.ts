/** `kubectl version` (K:…/kubectl/pkg/cmd/version/version.go). */
import { bool, str, type Command } from '../command.ts';
import { toJson } from '../printers/json.ts';
import { toYaml } from '../printers/yaml.ts';
import { clientVersion, kustomizeVersion } from '../version.ts';

const FIELDS = Object.keys(clientVersion);

export const versionCommand: Command = {
  name: 'version',
  flags: [{ name: 'client', type: 'bool' }, { name: 'output', short: 'o', type: 'string' }],
  async run(inv) {
    const output = str(inv.flags, 'output');
    if (inv.args.length > 0) throw new Error(`extra arguments: [${inv.args.join(' ')}]`);
    if (output !== '' && output !== 'json' && output !== 'yaml') throw new Error(`--output must be 'yaml' or 'json'`);
    const doc: Record<string, unknown> = { clientVersion: { ...clientVersion }, kustomizeVersion };
    let serverError: unknown;
    if (!bool(inv.flags, 'client')) {
      try {
        const server = (await inv.client().call('GET', '/version')) as Record<string, unknown>;
        // version.Info's field order.
        doc.serverVersion = Object.fromEntries([...FIELDS.filter((f) => f in server).map((f) => [f, server[f]]), ...Object.entries(server).filter(([k]) => !FIELDS.includes(k))]);
      } catch (error) {
        serverError = error;
      }
    }
    if (output === 'json') inv.io.stdout(`${toJson(doc, '  ', false)}\n`);
    else if (output === 'yaml') inv.io.stdout(`${toYaml(doc)}\n`);
    else {
      let text = `Client Version: ${clientVersion.gitVersion}\nKustomize Version: ${kustomizeVersion}\n`;
      if (doc.serverVersion) text += `Server Version: ${(doc.serverVersion as { gitVersion: string }).gitVersion}\n`;
      inv.io.stdout(text);
    }
    if (serverError) throw serverError;
    return 0;
  },
};
