/**
 * `statecraft kind up --lab ID`: the lab's cluster on a real kind. Writes a kind
 * cluster config for the lab's topology (workers, zone and node labels), runs
 * `kind create cluster` when kind and a Docker engine are there (else prints the
 * config and the exact commands to run), then applies the lab's setup: its extra
 * StorageClasses, setup manifests and commands, as the simulator does.
 */
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { Lab } from '../schemas/lab.ts';
import { prepareLab } from '../runner/grade.ts';
import { labFolder, loadLabBundle } from '../runner-node/files.ts';
import { KubeconfigClusterClient } from '../runner-node/kubeconfig-client.ts';
import { KUBERNETES_VERSION } from '../shim/index.ts';
import { defaultLabsDir } from './grade.ts';

/** The node image of the Kubernetes version the simulator behaves as. */
export const KIND_NODE_IMAGE = `kindest/node:v${KUBERNETES_VERSION.replace(/^v/, '')}`;

/** Provisioners a kind cluster has: other classes' claims would stay Pending there. */
const KIND_PROVISIONERS = new Set(['rancher.io/local-path']);

/**
 * kind's cluster config for a lab. The cluster keeps kind's default name, so its
 * nodes are kind-control-plane, kind-worker, kind-worker2… as the labs name them.
 * Zones go to the workers round-robin, as the simulator assigns them.
 */
export function kindConfig(lab: Pick<Lab, 'topology'>): string {
  const t = lab.topology ?? {};
  const workers = t.workers ?? 2;
  const nodeName = (i: number) => (i === 0 ? 'kind-control-plane' : i === 1 ? 'kind-worker' : `kind-worker${i}`);
  const nodes = Array.from({ length: workers + 1 }, (_, i) => {
    const labels: Record<string, string> = {};
    if (i > 0 && t.zones) labels['topology.kubernetes.io/zone'] = t.zones[(i - 1) % t.zones.length]!;
    Object.assign(labels, t.nodeLabels?.[nodeName(i)] ?? {});
    return { role: i === 0 ? 'control-plane' : 'worker', image: KIND_NODE_IMAGE, ...(Object.keys(labels).length > 0 ? { labels } : {}) };
  });
  return stringify({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', nodes });
}

/** What the lab asks for that a kind cluster cannot give. */
export function kindCaveats(lab: Pick<Lab, 'topology'>): string[] {
  return (lab.topology?.storageClasses ?? [])
    .filter((sc) => !KIND_PROVISIONERS.has(sc.provisioner))
    .map((sc) => `StorageClass ${sc.name} uses provisioner ${sc.provisioner}, which kind does not have: its claims will stay Pending unless you install one.`);
}

const found = (command: string, args: string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

interface KindUpOptions {
  lab: string;
  labs?: string;
  config?: string;
  setupOnly?: boolean;
  kubeconfig?: string;
  context?: string;
}

export async function kindUp(opts: KindUpOptions, out: { stdout(t: string): void; stderr(t: string): void }): Promise<number> {
  const bundle = loadLabBundle(labFolder(opts.lab, opts.labs ?? defaultLabsDir()));
  const { lab } = bundle;
  for (const caveat of kindCaveats(lab)) out.stderr(`warning: ${caveat}\n`);
  if (!opts.setupOnly) {
    const file = opts.config ?? join('.statecraft', `kind-${lab.id}.yaml`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, kindConfig(lab));
    out.stdout(`Wrote the kind cluster config for lab ${lab.id} to ${file}\n`);
    if (!found('kind', ['version']) || !found('docker', ['info'])) {
      out.stderr(`kind and a running Docker engine are needed to create the cluster. With them, run:\n\n  kind create cluster --config ${file}\n  npx statecraft kind up --lab ${lab.id} --setup-only\n\nThe config:\n\n${kindConfig(lab)}`);
      return 2;
    }
    const created = spawnSync('kind', ['create', 'cluster', '--config', file, '--wait', '120s'], { stdio: 'inherit' });
    if (created.status !== 0) {
      out.stderr(`kind create cluster failed (exit ${created.status ?? created.signal}); if a cluster named "kind" exists, delete it with \`kind delete cluster\` first.\n`);
      return 2;
    }
  }
  // kind names the context of the cluster it created kind-kind.
  const context = opts.context ?? (opts.setupOnly ? undefined : 'kind-kind');
  const client = new KubeconfigClusterClient({
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    ...(context ? { context } : {}),
  });
  const { problems } = await prepareLab(client, lab, bundle.setupFiles);
  for (const p of problems) out.stderr(`${p}\n`);
  if (problems.length > 0) return 1;
  out.stdout(`Lab ${lab.id} is set up on ${client.description}. Start with: ${lab.steps[0]!.title}\n`);
  return 0;
}

export function kindCommand(): Command {
  const kind = new Command('kind').description("Run a lab's cluster on a real kind (Kubernetes in Docker).");
  kind
    .command('up')
    .description("Create a kind cluster shaped like the lab's topology (or print the config and commands when kind or Docker is missing), then apply the lab's setup.")
    .requiredOption('--lab <id>', 'lab id or folder')
    .option('--labs <dir>', 'folder of labs (default: ./labs)')
    .option('--config <file>', 'where to write the kind config (default: .statecraft/kind-<lab>.yaml)')
    .option('--setup-only', 'do not create a cluster: apply the setup to the kubeconfig\'s current cluster')
    .option('--kubeconfig <file>', 'kubeconfig to apply the setup with (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: kind-kind after creating the cluster)')
    .action(async (opts: KindUpOptions) => {
      try {
        process.exitCode = await kindUp(opts, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
      } catch (error) {
        console.error(`statecraft kind up: ${(error as Error).message}`);
        process.exitCode = 2;
      }
    });
  return kind;
}
