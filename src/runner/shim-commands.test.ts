/**
 * Terminal lines on the shim: besides kubectl, only `docker stop|start NODE`
 * (a kind node is a container) runs, through the cluster's admin endpoint.
 */
import { describe, expect, it } from 'vitest';
import { createShimApi } from '../api/index.ts';
import { ShimCommandRunner } from './shim-commands.ts';

const readyOf = (transport: ReturnType<typeof createShimApi>, name: string) =>
  (transport.cluster.store.get({ group: '', resource: 'nodes' }, '', name)?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)
    ?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('docker lines on the shim', () => {
  it('stops and starts a kind node, printing what docker prints', async () => {
    const transport = createShimApi({ seed: 'docker' });
    const runner = new ShimCommandRunner(transport);
    expect(await runner.run('docker stop kind-worker2')).toEqual({ exitCode: 0, stdout: 'kind-worker2\n', stderr: '' });
    transport.cluster.runUntil(transport.cluster.clock.now() + 60_000);
    expect(readyOf(transport, 'kind-worker2')).toBe('Unknown');
    expect(await runner.run('docker start kind-worker2')).toEqual({ exitCode: 0, stdout: 'kind-worker2\n', stderr: '' });
    transport.cluster.settle();
    expect(readyOf(transport, 'kind-worker2')).toBe('True');
  });

  it('names a container it does not know as docker does', async () => {
    const runner = new ShimCommandRunner(createShimApi({ seed: 'docker' }));
    expect(await runner.run('docker stop kind-worker9')).toEqual({ exitCode: 1, stdout: '', stderr: 'Error response from daemon: No such container: kind-worker9\n' });
  });

  it('refuses every other docker command', async () => {
    const runner = new ShimCommandRunner(createShimApi({ seed: 'docker' }));
    for (const line of ['docker rm -f kind-worker', 'docker run busybox', 'docker stop', 'docker stop -t 0 kind-worker']) {
      expect(await runner.run(line)).toMatchObject({ exitCode: 127, stderr: 'bash: docker: command not found\n' });
    }
  });
});
