/**
 * `statecraft node stop|start NODE`: what `docker stop kind-worker2` and `docker
 * start kind-worker2` do to a kind node, for a cluster `statecraft serve` runs. It
 * calls the server's admin endpoint (POST /statecraft/v1/nodes/NODE/stop|start,
 * beside the Kubernetes API, with the kubeconfig's credentials).
 */
import { Command } from 'commander';
import { HttpTransport, connectionFor } from './http-transport.ts';
import { loadKubeconfig } from './kubectl.ts';

export async function nodePower(name: string, action: 'stop' | 'start', options: { kubeconfig?: string; context?: string } = {}): Promise<void> {
  const transport = new HttpTransport(connectionFor(loadKubeconfig(options.kubeconfig), options.context));
  const response = await transport.request({ method: 'POST', path: `/statecraft/v1/nodes/${encodeURIComponent(name)}/${action}`, headers: { 'content-type': 'application/json' }, body: '{}' });
  if (response.status === 200) return;
  const message = (response.body as { message?: string } | undefined)?.message;
  if (response.status === 404 && message === undefined) throw new Error('the server is not a statecraft cluster (no /statecraft/v1 endpoint): use docker stop/start for a kind node');
  throw new Error(message ?? `the server answered ${response.status}`);
}

export function nodeCommand(): Command {
  const node = new Command('node').description("Stop or start a node of a `statecraft serve` cluster, as `docker stop|start` does to a kind node's container.");
  for (const action of ['stop', 'start'] as const) {
    node
      .command(action)
      .description(action === 'stop'
        ? "Stop NODE: its kubelet and containers die, no more heartbeats; after 50 s the node is NotReady, after 300 more its pods are evicted."
        : 'Start NODE again: the kubelet reports Ready, finishes deletions it missed and restarts the pods it still has.')
      .argument('<node>', 'node name, e.g. kind-worker2')
      .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context to use')
      .action(async (name: string, opts: { kubeconfig?: string; context?: string }) => {
        try {
          await nodePower(name, action, opts);
          console.log(name);
        } catch (error) {
          console.error(`Error: ${(error as Error).message}`);
          process.exitCode = 1;
        }
      });
  }
  return node;
}
