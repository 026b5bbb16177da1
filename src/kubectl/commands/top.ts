/**
 * `kubectl top pod|node` (K:staging/src/k8s.io/kubectl/pkg/cmd/top): kind runs
 * no metrics-server, so, as there, discovery finds no `metrics.k8s.io` group
 * and kubectl says the Metrics API is not available.
 */
import { ExitError } from '../errors.ts';
import type { Command, Invocation } from '../command.ts';

async function metricsUnavailable(inv: Invocation): Promise<number> {
  const groups = await inv.discovery().groups();
  if (!groups.some((g) => g.name === 'metrics.k8s.io')) throw new ExitError('error: Metrics API not available');
  throw new Error('reading metrics is not available in Statecraft');
}

const COMMON = [
  { name: 'no-headers', type: 'bool' as const },
  { name: 'selector', short: 'l', type: 'string' as const },
  { name: 'sort-by', type: 'string' as const },
  { name: 'use-protocol-buffers', type: 'bool' as const },
  { name: 'show-labels', type: 'bool' as const },
];

const HELP = `Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use "kubectl top <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

export const topCommand: Command = {
  name: 'top',
  flags: [],
  async run(inv) {
    // Without a subcommand cobra prints the help, on stderr, and fails.
    inv.io.stderr(HELP);
    return 1;
  },
  subcommands: [
    {
      name: 'node',
      aliases: ['nodes', 'no'],
      flags: [...COMMON, { name: 'show-capacity', type: 'bool' }],
      run: metricsUnavailable,
    },
    {
      name: 'pod',
      aliases: ['pods', 'po'],
      flags: [
        ...COMMON,
        { name: 'all-namespaces', short: 'A', type: 'bool' },
        { name: 'containers', type: 'bool' },
        { name: 'field-selector', type: 'string' },
        { name: 'sum', type: 'bool' },
      ],
      run: metricsUnavailable,
    },
  ],
};
