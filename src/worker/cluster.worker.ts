/// <reference lib="webworker" />
// The page's cluster runs here, off the UI thread, so a long settle or a huge
// apply never freezes the tab. Its clock follows the wall clock, as a real
// cluster's does.
import { createShimApi, RealtimeDriver } from '../api/index.ts';
import { WorkerHost } from './host.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const transport = createShimApi({ startTime: Math.floor(Date.now() / 1000) * 1000 });
const driver = new RealtimeDriver(transport.cluster, () => performance.now());
driver.start((fn, ms) => { const timer = setInterval(fn, ms); return () => clearInterval(timer); });
const host = new WorkerHost((message: FromWorker) => scope.postMessage(message), transport);

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  host.handle(event.data).catch((error: unknown) => {
    scope.postMessage({ type: 'fatal', message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
  });
};
host.start();
