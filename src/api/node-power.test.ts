import { describe, expect, it } from 'vitest';
import { createShimApi } from './index.ts';

// The admin door beside the Kubernetes API that `statecraft node stop|start` (over
// HTTP) and the browser's `docker stop|start` (through the worker's transport) use.
describe('POST /statecraft/v1/nodes/{name}/stop|start', () => {
  const power = (t: ReturnType<typeof createShimApi>, name: string, action: string, method: 'POST' | 'GET' = 'POST') =>
    t.requestSync({ method, path: `/statecraft/v1/nodes/${name}/${action}` });

  it('stops and starts a node\'s kubelet', () => {
    const t = createShimApi({ seed: 'node-power' });
    const kubelet = () => t.cluster.controllers.find((c) => c.name === 'kubelet') as unknown as { isNodeStopped(n: string): boolean };
    expect(power(t, 'kind-worker2', 'stop')).toMatchObject({ status: 200, body: { status: 'Success' } });
    expect(kubelet().isNodeStopped('kind-worker2')).toBe(true);
    expect(power(t, 'kind-worker2', 'start').status).toBe(200);
    expect(kubelet().isNodeStopped('kind-worker2')).toBe(false);
  });

  it('answers 404 for a node kind never had and 405 for other methods', () => {
    const t = createShimApi({ seed: 'node-power' });
    expect(power(t, 'kind-worker9', 'stop')).toMatchObject({ status: 404, body: { reason: 'NotFound', message: 'nodes "kind-worker9" not found' } });
    expect(power(t, 'kind-worker2', 'stop', 'GET').status).toBe(405);
  });
});
