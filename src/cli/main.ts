/**
 * `statecraft`: the command line for instructors and graders. Commands are
 * added as the parts they drive land (serve, grade, lab check, kind up).
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { clientVersion } from '../kubectl/version.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('statecraft')
    .description('Learn, teach and grade stateful applications on Kubernetes.')
    .version(`statecraft ${pkg.version} (Kubernetes ${clientVersion.gitVersion.replace(/\.\d+$/, '')})`, '-v, --version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  return program;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildProgram().parse();
}
