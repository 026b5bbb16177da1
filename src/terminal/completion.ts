/**
 * Tab completion at the host prompt, in the spirit of bash-completion and
 * `kubectl completion bash`: command names first, then kubectl's subcommands
 * and flags, resource types and object names (asked of the cluster through
 * our kubectl, as kubectl's `__complete` asks the API server), and node names
 * for `docker stop|start`.
 */
import { kubectlCommands, kubectlFlagNames } from '../kubectl/kubectl.ts';

export interface Completion {
  start: number;
  candidates: string[];
}

/** Runs our kubectl and returns what it printed (empty on failure). */
export type KubectlCapture = (args: string[]) => Promise<string>;

/** Commands whose first argument is a resource type (then names of that type). */
const TYPED = new Set(['get', 'describe', 'delete', 'edit', 'label', 'annotate', 'scale', 'patch', 'wait', 'explain']);
/** Commands whose arguments are names of one type. */
const NAMED: Record<string, string> = { logs: 'pods', exec: 'pods', attach: 'pods', cordon: 'nodes', uncordon: 'nodes', drain: 'nodes' };
/** Flags whose value is the next word. */
const VALUE_FLAGS = /^(-n|--namespace|-o|--output|-l|--selector|-f|--filename|-c|--container|--context|--field-selector)$/;

const SHELL_WORDS = ['cat', 'cd', 'echo', 'export', 'for', 'grep', 'head', 'history', 'ls', 'printf', 'pwd', 'sleep', 'sort', 'tail', 'wc', 'while', 'base64', 'clear', 'help'];

export async function complete(line: string, cursor: number, commands: readonly string[], kubectl: KubectlCapture): Promise<Completion> {
  const before = line.slice(0, cursor);
  const start = before.search(/\S*$/);
  const prefix = before.slice(start);
  // The words of the simple command being typed: after the last `;`, `|`, `&&`, `$(`.
  const words = before.slice(0, start).split(/;|\|\|?|&&|\$\(|`/).pop()!.trim().split(/\s+/).filter(Boolean);
  const pick = (pool: Iterable<string>) => ({ start, candidates: [...new Set(pool)].filter((c) => c.startsWith(prefix)).sort() });
  if (words.length === 0) return pick([...commands, ...SHELL_WORDS]);
  if (words[0] === 'docker') {
    if (words.length === 1) return pick(['ps', 'start', 'stop', 'restart']);
    if (['stop', 'start', 'restart'].includes(words[1]!)) return pick(names(await kubectl(['get', 'nodes', '-o', 'name'])));
    return pick([]);
  }
  if (words[0] === 'kind') return pick(words.length === 1 ? ['get', 'version'] : words.length === 2 && words[1] === 'get' ? ['clusters', 'nodes'] : []);
  if (words[0] !== 'kubectl') return pick([]);

  const args: string[] = [];
  let namespace: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (VALUE_FLAGS.test(w)) {
      if (w === '-n' || w === '--namespace') namespace = words[i + 1];
      i++;
    } else if (w.startsWith('--namespace=')) namespace = w.slice(12);
    else if (!w.startsWith('-')) args.push(w);
  }
  const previous = words[words.length - 1]!;
  if (previous === '-n' || previous === '--namespace') return pick(names(await kubectl(['get', 'namespaces', '-o', 'name'])));
  if (previous === '-o' || previous === '--output') return pick(['json', 'yaml', 'wide', 'name', 'jsonpath=', 'custom-columns=']);
  const [verb, ...rest] = args;
  if (verb === undefined) return pick(kubectlCommands);
  if (prefix.startsWith('-')) return pick(kubectlFlagNames(verb, ...(['rollout', 'config', 'top', 'create'].includes(verb) ? rest : [])));
  const ns = namespace !== undefined ? ['-n', namespace] : [];
  const objectsOf = async (type: string) => names(await kubectl(['get', type, '-o', 'name', ...ns]));
  if (NAMED[verb]) return rest.length === 0 ? pick(await objectsOf(NAMED[verb])) : pick([]);
  const typedArgs = verb === 'rollout' ? rest.slice(1) : rest;
  if (verb === 'rollout' && rest.length === 0) return pick(['history', 'pause', 'restart', 'resume', 'status', 'undo']);
  if (!TYPED.has(verb) && verb !== 'rollout') return pick([]);
  if (prefix.includes('/')) {
    const type = prefix.slice(0, prefix.indexOf('/'));
    return pick((await objectsOf(type)).map((n) => `${type}/${n}`));
  }
  if (typedArgs.length === 0) {
    const types = (await kubectl(['api-resources', '-o', 'name'])).split('\n').filter(Boolean).map((t) => t.replace(/\..*$/, ''));
    return pick(verb === 'rollout' ? ['deployments', 'statefulsets', 'daemonsets'] : types);
  }
  if (verb === 'explain') return pick([]);
  return pick(await objectsOf(typedArgs[0]!));
}

/** `pod/web-0` lines → `web-0`. */
function names(output: string): string[] {
  return output.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('/') + 1));
}
