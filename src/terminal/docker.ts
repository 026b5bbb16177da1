/**
 * `docker` and `kind` at a kind host's prompt, for the node containers only:
 * each Kubernetes node of a kind cluster is a docker container of the same
 * name, so `docker stop kind-worker` is how tutorials take a node down.
 * Stop/start go to the cluster as Statecraft's node power requests
 * (POST /statecraft/v1/nodes/NAME/stop|start, src/api/handler.ts).
 */
import type { ApiTransport } from '../api/types.ts';
import type { CommandIO } from '../kubectl/io.ts';
import { kindKubeconfig } from '../kubectl/kubeconfig.ts';

/** kind v0.27.0's default node image (what `kind create cluster` runs for v1.32.2). */
export const KIND_NODE_IMAGE = 'kindest/node:v1.32.2@sha256:f226345927d7e348497136874b6d207e0b32cc52154ad8323129352923a3142f';

interface ContainerState {
  running: boolean;
  /** Started (running) or exited (stopped), ms since epoch. */
  since: number;
}

/** What docker remembers about the node containers, per cluster (the transport stands for it). */
const states = new WeakMap<object, Map<string, ContainerState>>();

export interface DockerHost {
  transport?: ApiTransport;
  now(): number;
}

interface NodeInfo { name: string; created: number }

async function nodes(host: DockerHost): Promise<NodeInfo[] | undefined> {
  if (!host.transport) return undefined;
  const res = await host.transport.request({ method: 'GET', path: '/api/v1/nodes' });
  if (res.status !== 200) return undefined;
  const items = (res.body as { items?: Array<{ metadata?: { name?: string; creationTimestamp?: string } }> }).items ?? [];
  return items.map((n) => ({ name: n.metadata?.name ?? '', created: Date.parse(n.metadata?.creationTimestamp ?? '') || host.now() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function stateOf(host: DockerHost, node: NodeInfo): ContainerState {
  const key = host.transport ?? host;
  let map = states.get(key);
  if (!map) states.set(key, (map = new Map()));
  let s = map.get(node.name);
  if (!s) map.set(node.name, (s = { running: true, since: node.created }));
  return s;
}

const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n';

export async function docker(args: string[], io: CommandIO, host: DockerHost): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === 'help') {
    io.stdout('\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nIn this terminal: docker ps [-a] [-q] [--no-trunc], docker stop|start|restart NODE…\n(the kind node containers)\n');
    return 0;
  }
  if (sub === '--version' || sub === '-v') {
    io.stdout('Docker version 28.2.2, build e6534b4\n');
    return 0;
  }
  if (!KNOWN.has(sub)) {
    io.stderr(`docker: unknown command: docker ${sub}\n\nRun 'docker --help' for more information\n`);
    return 1;
  }
  if (sub !== 'ps' && sub !== 'stop' && sub !== 'start' && sub !== 'restart' && sub !== 'container') {
    io.stderr(`statecraft: \`docker ${sub}\` is not available in this terminal (try docker ps, docker stop NODE, docker start NODE)\n`);
    return 1;
  }
  const list = await nodes(host);
  if (!list) {
    io.stderr(NO_DAEMON);
    return 1;
  }
  if (sub === 'ps' || (sub === 'container' && (rest[0] === 'ls' || rest[0] === 'ps' || rest[0] === 'list'))) return ps(sub === 'ps' ? rest : rest.slice(1), io, host, list);
  const action = sub === 'container' ? rest.shift() : sub;
  if (action !== 'stop' && action !== 'start' && action !== 'restart') {
    io.stderr(`statecraft: \`docker ${args.join(' ')}\` is not available in this terminal\n`);
    return 1;
  }
  const names = rest.filter((a) => !a.startsWith('-'));
  if (names.length === 0) {
    io.stderr(`docker: 'docker ${action}' requires at least 1 argument\n\nUsage:  docker ${action} [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'docker ${action} --help' for more information\n`);
    return 1;
  }
  let code = 0;
  for (const name of names) {
    const node = list.find((n) => n.name === name || containerId(n.name).startsWith(name));
    if (!node) {
      io.stderr(`Error response from daemon: No such container: ${name}\n`);
      code = 1;
      continue;
    }
    const state = stateOf(host, node);
    for (const power of action === 'restart' ? (['stop', 'start'] as const) : [action]) {
      const res = await host.transport!.request({ method: 'POST', path: `/statecraft/v1/nodes/${encodeURIComponent(node.name)}/${power}` });
      if (res.status >= 300) {
        io.stderr(`Error response from daemon: cannot ${power} container: ${name}\n`);
        code = 1;
        break;
      }
      if (state.running !== (power === 'start')) Object.assign(state, { running: power === 'start', since: host.now() });
    }
    io.stdout(`${name}\n`);
  }
  return code;
}

const KNOWN = new Set(['attach', 'build', 'builder', 'buildx', 'commit', 'compose', 'config', 'container', 'context', 'cp', 'create', 'diff', 'events', 'exec', 'export', 'history', 'image', 'images', 'import', 'info', 'inspect', 'kill', 'load', 'login', 'logout', 'logs', 'manifest', 'network', 'node', 'pause', 'plugin', 'port', 'ps', 'pull', 'push', 'rename', 'restart', 'rm', 'rmi', 'run', 'save', 'search', 'secret', 'service', 'stack', 'start', 'stats', 'stop', 'swarm', 'system', 'tag', 'top', 'trust', 'unpause', 'update', 'version', 'volume', 'wait']);

function ps(args: string[], io: CommandIO, host: DockerHost, list: NodeInfo[]): number {
  let all = false;
  let quiet = false;
  let noTrunc = false;
  for (const a of args) {
    if (a === '-a' || a === '--all') all = true;
    else if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '--no-trunc') noTrunc = true;
    else if (/^-[aq]+$/.test(a)) { all ||= a.includes('a'); quiet ||= a.includes('q'); }
    else {
      // Texts of the docker 28 CLI.
      const what = a.startsWith('--') ? `unknown flag: ${a.replace(/=.*$/, '')}` : `unknown shorthand flag: '${a.replace(/^-[aq]*/, '')[0] ?? ''}' in ${a}`;
      io.stderr(`${what}\n\nUsage:  docker ps [OPTIONS]\n\nRun 'docker ps --help' for more information\n`);
      return 125;
    }
  }
  const now = host.now();
  const port = /:(\d+)\/?$/.exec(String(kindKubeconfig().clusters[0]?.cluster.server ?? ''))?.[1] ?? '6443';
  const rows = list.map((n) => ({ node: n, state: stateOf(host, n) })).filter((r) => all || r.state.running);
  if (quiet) {
    for (const r of rows) io.stdout(`${containerId(r.node.name)}\n`);
    return 0;
  }
  const table = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES']];
  for (const { node, state } of rows) {
    table.push([
      noTrunc ? containerId(node.name).repeat(5).slice(0, 64) : containerId(node.name),
      noTrunc ? KIND_NODE_IMAGE : KIND_NODE_IMAGE.replace(/@.*$/, ''),
      noTrunc ? '"/usr/local/bin/entrypoint /sbin/init"' : '"/usr/local/bin/entr…"',
      `${humanDuration(now - node.created)} ago`,
      // kind's node image stops on SIGRTMIN+3; systemd exits 130 then.
      state.running ? `Up ${humanDuration(now - state.since)}` : `Exited (130) ${humanDuration(now - state.since)} ago`,
      state.running && node.name.endsWith('-control-plane') ? `127.0.0.1:${port}->6443/tcp` : '',
      node.name,
    ]);
  }
  // docker's tabwriter: columns padded to the widest cell, three spaces between.
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
  for (const row of table) io.stdout(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3 - ([...cell].length - cell.length)))).join('')}\n`);
  return 0;
}

/** A stable 12-hex-digit container ID for a node name. */
export function containerId(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of name) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ ch.charCodeAt(0), 0x5bd1e995) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 12);
}

/** docker's (go-units) HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

export async function kind(args: string[], io: CommandIO, host: DockerHost): Promise<number> {
  const [sub, what, ...rest] = args;
  if (sub === 'version' || sub === '--version') {
    io.stdout(sub === 'version' ? 'kind v0.27.0 go1.23.6 linux/amd64\n' : 'kind version 0.27.0\n');
    return 0;
  }
  if (sub === undefined || sub === '--help' || sub === 'help') {
    io.stdout('kind creates and manages local Kubernetes clusters using Docker container \'nodes\'\n\nUsage:\n  kind [command]\n\nIn this terminal: kind get clusters, kind get nodes\n');
    return 0;
  }
  if (sub === 'get' && what === 'clusters') {
    io.stdout(host.transport ? 'kind\n' : '');
    if (!host.transport) io.stderr('No kind clusters found.\n');
    return 0;
  }
  if (sub === 'get' && what === 'nodes') {
    const nameFlag = rest.findIndex((a) => a === '--name' || a === '-n');
    const cluster = nameFlag >= 0 ? rest[nameFlag + 1] : rest.find((a) => a.startsWith('--name='))?.slice(7);
    const list = cluster === undefined || cluster === 'kind' ? await nodes(host) : undefined;
    if (!list || list.length === 0) {
      io.stderr(`No kind nodes found for cluster "${cluster ?? 'kind'}".\n`);
      return 0;
    }
    for (const n of list) io.stdout(`${n.name}\n`);
    return 0;
  }
  if (sub === 'get' && what === 'kubeconfig') {
    io.stderr('statecraft: the terminal\'s kubectl already uses the kind-kind context\n');
    return 1;
  }
  if (sub === 'create' && what === 'cluster') {
    io.stderr('ERROR: failed to create cluster: node(s) already exist for a cluster with the name "kind"\n');
    return 1;
  }
  if (sub === 'get' || sub === 'create' || sub === 'delete' || sub === 'load' || sub === 'export' || sub === 'build' || sub === 'completion') {
    io.stderr(`statecraft: \`kind ${args.join(' ')}\` is not available in this terminal\n`);
    return 1;
  }
  io.stderr(`ERROR: unknown command "${sub}" for "kind"\n`);
  return 1;
}
