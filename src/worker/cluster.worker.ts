/// <reference lib="webworker" />
// The page's cluster runs here, off the UI thread, so a long settle or a huge
// apply never freezes the tab. Its clock follows the wall clock, as a real
// cluster's does, or runs faster when the learner asks (the terminal's Clock).
import { createShimApi, RealtimeDriver, type InProcessTransport } from '../api/index.ts';
import { shimTopology } from '../runner/shim-backend.ts';
import { WorkerHost } from './host.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let driver: RealtimeDriver | undefined;
/** The learner's pick of clock speed; a lab's Reset keeps it. */
let speed = 1;

/** A cluster born now, moved by the wall clock; a lab page replaces it with one of the lab's topology. */
function liveCluster(options: Parameters<typeof createShimApi>[0] = {}): InProcessTransport {
  driver?.stop();
  const transport = createShimApi({ ...options, startTime: Math.floor(Date.now() / 1000) * 1000 });
  driver = new RealtimeDriver(transport.cluster, () => performance.now(), speed);
  driver.start((fn, ms) => { const timer = setInterval(fn, ms); return () => clearInterval(timer); });
  return transport;
}

const host = new WorkerHost((message: FromWorker) => scope.postMessage(message), undefined, {
  defaultCluster: (topology) => liveCluster(topology ? { topology: shimTopology(topology) } : {}),
  newCluster: (lab) => liveCluster({ topology: shimTopology(lab.topology) }),
  clock: { now: () => performance.now(), wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
  setSpeed: (next) => {
    speed = next;
    driver?.setSpeed(next);
  },
});

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  host.handle(event.data).catch((error: unknown) => {
    scope.postMessage({ type: 'fatal', message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
  });
};
host.start();
