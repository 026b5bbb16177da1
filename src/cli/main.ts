/**
 * `statecraft`: the command line for instructors and graders. Commands are
 * added as the parts they drive land (serve, grade, lab check, kind up).
 */
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { clientVersion } from '../kubectl/version.ts';
import { gradeCommand } from './grade.ts';
import { labCommand } from './lab.ts';
import { nodeCommand } from './node.ts';
import { kindCommand } from './kind.ts';
import { processIO, runKubectl } from './kubectl.ts';
import { serve } from './serve.ts';

function number(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}.`);
    return n;
  };
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('statecraft')
    .enablePositionalOptions()
    .description('Learn, teach and grade stateful applications on Kubernetes.')
    .version(`statecraft ${pkg.version} (Kubernetes ${clientVersion.gitVersion.replace(/\.\d+$/, '')})`, '-v, --version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });

  program
    .command('serve')
    .description('Serve a kind-shaped cluster (the shim) as a Kubernetes API on loopback, for kubectl and client libraries.')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', number('--port', 0, 65535), 6443)
    .option('--kubeconfig <file>', 'write a kubeconfig for the server to FILE once it accepts requests')
    .option('--topology <file>', 'cluster topology YAML (workers, zones, node labels)')
    .option('--speed <n>', 'virtual seconds per wall-clock second', number('--speed', 0, 10_000), 1)
    .option('--seed <seed>', 'seed for names, UIDs and IPs (same seed, same cluster)')
    .option('--operator <name>', 'install and run an operator (repeatable): keyvalue', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (opts: { host: string; port: number; kubeconfig?: string; topology?: string; speed: number; seed?: string; operator?: string[] }) => {
      const server = await serve(opts);
      console.log(`statecraft: Kubernetes v1.32 API (kind-shaped cluster) at ${server.url}`);
      if (opts.kubeconfig) console.log(`statecraft: kubeconfig written to ${opts.kubeconfig}  (export KUBECONFIG=${opts.kubeconfig})`);
      else console.log(`statecraft: bearer token ${server.token}`);
      const stop = () => { void server.close().then(() => process.exit(0)); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  program
    .command('kubectl')
    .description("Run Statecraft's kubectl (the one in the browser terminal) against a kubeconfig's cluster: statecraft kubectl [--kubeconfig FILE] -- ARGS...")
    .usage('[--kubeconfig FILE] -- ARGS...')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)')
    .argument('[args...]', 'kubectl arguments')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .action(async (args: string[], opts: { kubeconfig?: string }) => {
      const io = processIO();
      const code = await runKubectl(args, { ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), io });
      // Watches keep sockets open; exit once output has drained.
      process.stdout.write('', () => process.exit(code));
    });
  program.addCommand(gradeCommand());
  program.addCommand(labCommand());
  program.addCommand(nodeCommand());
  program.addCommand(kindCommand());
  return program;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildProgram().parse();
}
