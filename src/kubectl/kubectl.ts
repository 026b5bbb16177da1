/**
 * Our kubectl: parses a command line as kubectl 1.32 does (cobra commands,
 * pflag flags anywhere), turns it into Kubernetes API requests through an
 * ApiTransport and prints what kubectl prints. Errors are formatted once,
 * here, as kubectl's `CheckErr` formats them.
 */
import { apiResourcesCommand, apiVersionsCommand } from './commands/api-resources.ts';
import { applyCommand } from './commands/apply.ts';
import { configCommand } from './commands/config.ts';
import { createCommand } from './commands/create.ts';
import { deleteCommand } from './commands/delete.ts';
import { cordonCommand, drainCommand, uncordonCommand } from './commands/drain.ts';
import { describeCommand } from './commands/describe.ts';
import { diffCommand } from './commands/diff.ts';
import { editCommand } from './commands/edit.ts';
import { execCommand } from './commands/exec.ts';
import { explainCommand } from './commands/explain.ts';
import { getCommand } from './commands/get.ts';
import { annotateCommand, labelCommand } from './commands/label.ts';
import { logsCommand } from './commands/logs.ts';
import { patchCommand } from './commands/patch.ts';
import { replaceCommand } from './commands/replace.ts';
import { rolloutCommand } from './commands/rollout.ts';
import { runCommand } from './commands/run.ts';
import { scaleCommand } from './commands/scale.ts';
import { topCommand } from './commands/top.ts';
import { versionCommand } from './commands/version.ts';
import { waitCommand } from './commands/wait.ts';
import { KubectlSession, NoClusterError, type Command, type Invocation, type KubectlContext } from './command.ts';
import { ExitError, formatError } from './errors.ts';
import { PrintError, readTemplateFile } from './printers/index.ts';
import { commandWords, FlagError, FlagSet, GLOBAL_FLAGS } from './flags.ts';
import { defaultNamespace } from './kubeconfig.ts';
import { suggestionsFor } from './suggest.ts';

export type { KubectlContext } from './command.ts';
export { KubectlSession } from './command.ts';
export type { CommandIO, EditorIO, FileSource } from './io.ts';

/** kubectl 1.32's top-level commands, for "unknown command" suggestions. */
export const kubectlCommands = [
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale',
  'certificate', 'cluster-info', 'top', 'cordon', 'uncordon', 'drain', 'taint', 'describe', 'logs', 'attach',
  'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff', 'apply', 'patch', 'replace', 'wait',
  'kustomize', 'label', 'annotate', 'completion', 'alpha', 'api-resources', 'api-versions', 'config', 'plugin',
  'version', 'options',
] as const;

const COMMANDS: Command[] = [
  getCommand, applyCommand, createCommand, deleteCommand, replaceCommand, patchCommand, labelCommand, annotateCommand,
  scaleCommand, apiResourcesCommand, apiVersionsCommand, explainCommand, configCommand, versionCommand,
  describeCommand, topCommand, logsCommand, execCommand, rolloutCommand, waitCommand, runCommand,
  cordonCommand, uncordonCommand, drainCommand, diffCommand, editCommand,
];

const ROOT_FLAGS = new FlagSet([]);

/** The long flags `kubectl COMMAND [SUB…]` accepts (its own, then the global ones), for tab completion. */
export function kubectlFlagNames(command: string, ...subs: (string | undefined)[]): string[] {
  let c = COMMANDS.find((x) => x.name === command);
  for (const sub of subs) {
    const s = c?.subcommands?.find((x) => x.name === sub || (sub !== undefined && x.aliases?.includes(sub)));
    if (!s) break;
    c = s;
  }
  return [...new Set([...(c?.flags ?? []), ...GLOBAL_FLAGS].map((f) => `--${f.name}`))];
}

const defaultSession = new KubectlSession();

export async function kubectl(args: string[], ctx: KubectlContext): Promise<number> {
  try {
    return await dispatch(args, ctx);
  } catch (error) {
    if (error instanceof PrintError) ctx.io.stdout(error.stdout);
    const { text, code } = formatError(error);
    if (text) ctx.io.stderr(text);
    return code;
  }
}

async function dispatch(args: string[], ctx: KubectlContext): Promise<number> {
  const words = commandWords(args, ROOT_FLAGS);
  if (words.length === 0 || words[0] === 'help') {
    if (words.length === 0) parseFlags(ROOT_FLAGS, args, 'kubectl');
    ctx.io.stdout(usage);
    return 0;
  }
  const name = words[0]!;
  let command = COMMANDS.find((c) => c.name === name);
  // kubectl looks for a plugin when cobra finds no command, and refuses flags before its name.
  if (!command && args[0]?.startsWith('-')) throw new ExitError(`Error: flags cannot be placed before plugin name: ${args[0]}`);
  if (!command) {
    if (!(kubectlCommands as readonly string[]).includes(name)) return unknownCommand(name, ctx);
    throw new Error(`\`kubectl ${name}\` is not available in Statecraft yet`);
  }
  let path = `kubectl ${name}`;
  let rest = withoutFirst(args, name);
  // Subcommands nest (`create secret generic`).
  for (let depth = 1; command.subcommands; depth++) {
    const subName = words[depth];
    const sub: Command | undefined = command.subcommands.find((c) => c.name === subName || (subName !== undefined && c.aliases?.includes(subName)));
    if (!sub) {
      if (subName === undefined) return command.run(invocation(path, parseFlags(new FlagSet(command.flags), rest, path), ctx));
      // RequireNoArguments names all the remaining arguments.
      throw new ExitError(`error: unknown command ${JSON.stringify(words.slice(depth).join(' '))}\nSee '${path} -h' for help and examples`);
    }
    command = sub;
    path = `${path} ${sub.name}`;
    rest = withoutFirst(rest, subName!);
  }
  const parsed = parseFlags(new FlagSet(command.flags), rest, path);
  if (parsed.flags.help === true) {
    ctx.io.stdout(`${path}: see https://kubernetes.io/docs/reference/kubectl/generated/${path.replace(/ /g, '_')}/ for this command's options.\n`);
    return 0;
  }
  await readTemplateFile(parsed.flags, ctx.files);
  return command.run(invocation(path, parsed, ctx));
}

function invocation(path: string, parsed: ReturnType<FlagSet['parse']>, ctx: KubectlContext): Invocation {
  const session = ctx.session ?? defaultSession;
  const explicitNamespace = parsed.changed.has('namespace') && parsed.flags.namespace !== '';
  const namespace = explicitNamespace ? String(parsed.flags.namespace) : defaultNamespace(ctx.kubeconfig, typeof parsed.flags.context === 'string' ? parsed.flags.context : undefined);
  const seenWarnings = new Set<string>();
  const stop = { stopped: false };
  void ctx.io.interrupted.then(() => { stop.stopped = true; });
  const connect = () => {
    if (!ctx.transport) throw new NoClusterError();
    const entry = session.for(ctx.transport);
    entry.client.stop = stop;
    entry.client.onWarning = (w) => {
      if (seenWarnings.has(w)) return;
      seenWarnings.add(w);
      ctx.io.stderr(`Warning: ${w}\n`);
    };
    return entry;
  };
  return {
    ctx, io: ctx.io, path, flags: parsed.flags, changed: parsed.changed, args: parsed.args, dashAt: parsed.dashAt,
    namespace, explicitNamespace,
    client: () => connect().client,
    discovery: () => connect().discovery,
  };
}

function parseFlags(set: FlagSet, args: string[], path: string): ReturnType<FlagSet['parse']> {
  try {
    return set.parse(args);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    throw new ExitError(`error: ${error.message}\nSee '${path} --help' for usage.`);
  }
}

/** The arguments without the first occurrence of a command word (cobra's argsMinusFirstX). */
function withoutFirst(args: string[], word: string): string[] {
  const i = args.indexOf(word);
  return i < 0 ? args : [...args.slice(0, i), ...args.slice(i + 1)];
}

function unknownCommand(command: string, ctx: KubectlContext): number {
  const suggestions = suggestionsFor(command, kubectlCommands);
  let text = `error: unknown command "${command}" for "kubectl"\n`;
  if (suggestions.length > 0) text += `\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}`;
  ctx.io.stderr(text);
  return 1;
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
