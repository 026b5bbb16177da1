/**
 * Our kubectl: parses a command line as kubectl does and turns it into
 * Kubernetes API requests through an ApiTransport. This first cut knows
 * `version`; the resource commands arrive with the cluster (see the issues).
 */
import { stringify } from 'yaml';
import type { ApiTransport } from '../api/types.ts';
import type { CommandIO } from './io.ts';
import { suggestionsFor } from './suggest.ts';
import { clientVersion, kustomizeVersion } from './version.ts';

/** kubectl 1.32's top-level commands, for "unknown command" suggestions. */
export const kubectlCommands = [
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale',
  'certificate', 'cluster-info', 'top', 'cordon', 'uncordon', 'drain', 'taint', 'describe', 'logs', 'attach',
  'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff', 'apply', 'patch', 'replace', 'wait',
  'kustomize', 'label', 'annotate', 'completion', 'alpha', 'api-resources', 'api-versions', 'config', 'plugin',
  'version', 'options',
] as const;

export interface KubectlContext {
  io: CommandIO;
  transport?: ApiTransport;
}

export async function kubectl(args: string[], ctx: KubectlContext): Promise<number> {
  const command = args.find((a) => !a.startsWith('-'));
  if (!command) {
    ctx.io.stdout(usage);
    return 0;
  }
  switch (command) {
    case 'version': return version(args, ctx);
    default:
      if (!(kubectlCommands as readonly string[]).includes(command)) return unknownCommand(command, ctx.io);
      if (!ctx.transport) {
        ctx.io.stderr(`error: there is no cluster to talk to yet: \`kubectl ${command}\` needs the in-browser cluster, which this build does not include\n`);
        return 1;
      }
      ctx.io.stderr(`error: \`kubectl ${command}\` is not available in Statecraft yet\n`);
      return 1;
  }
}

function unknownCommand(command: string, io: CommandIO): number {
  const suggestions = suggestionsFor(command, kubectlCommands);
  let text = `error: unknown command "${command}" for "kubectl"\n`;
  if (suggestions.length > 0) text += `\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}`;
  io.stderr(text);
  return 1;
}

async function version(args: string[], { io, transport }: KubectlContext): Promise<number> {
  const output = flagValue(args, '-o', '--output');
  if (output !== undefined && output !== 'json' && output !== 'yaml') {
    io.stderr(`error: --output must be 'yaml' or 'json'\n`);
    return 1;
  }
  const clientOnly = args.includes('--client') || args.includes('--client=true');
  let serverVersion: unknown;
  if (!clientOnly) {
    if (!transport) {
      if (!output) io.stdout(`Client Version: ${clientVersion.gitVersion}\nKustomize Version: ${kustomizeVersion}\n`);
      io.stderr('error: there is no cluster to talk to yet (this build does not include the in-browser cluster)\n');
      return 1;
    }
    const response = await transport.request({ method: 'GET', path: '/version' });
    serverVersion = response.body;
  }
  const doc: Record<string, unknown> = { clientVersion, kustomizeVersion };
  if (serverVersion) doc.serverVersion = serverVersion;
  if (output === 'json') io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  else if (output === 'yaml') io.stdout(stringify(doc));
  else {
    let text = `Client Version: ${clientVersion.gitVersion}\nKustomize Version: ${kustomizeVersion}\n`;
    if (serverVersion) text += `Server Version: ${(serverVersion as { gitVersion: string }).gitVersion}\n`;
    io.stdout(text);
  }
  return 0;
}

function flagValue(args: string[], short: string, long: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === short || arg === long) return args[i + 1];
    if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
    if (arg.startsWith(`${short}=`)) return arg.slice(short.length + 1);
    if (arg.startsWith(short) && arg.length > short.length && !arg.startsWith('--')) return arg.slice(short.length);
  }
  return undefined;
}

const usage = `kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Cluster Management Commands:
  certificate     Modify certificate resources
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  attach          Attach to a running container
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod
  proxy           Run a proxy to the Kubernetes API server
  cp              Copy files and directories to and from containers
  auth            Inspect authorization
  debug           Create debugging sessions for troubleshooting workloads and nodes
  events          List events

Advanced Commands:
  diff            Diff the live version against a would-be applied version
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  kustomize       Build a kustomization target from a directory or URL

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource
  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)

Subcommands provided by plugins:

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  config          Modify kubeconfig files
  plugin          Provides utilities for interacting with plugins
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;
