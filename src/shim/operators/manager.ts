// The operator image's process (`/manager`, as kubebuilder lays operators out): logs a
// controller-runtime start-up, answers health probes on :8081 and prints the log lines the
// operator host (host.ts) hands it over its socket, one line per TCP request. The control
// loop lives in the shim; this process is its voice and its liveness.
import type { BuiltinProgram } from '../images.ts';
import { ProcessSignal } from '../images.ts';

export const MANAGER_PORT = 8081;

export const operatorManager: BuiltinProgram = function* ({ env, io }) {
  const ts = (): string => new Date(Math.floor(env.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const info = (logger: string, msg: string): void => io.stderr(`${ts()}\tINFO\t${logger}${logger ? '\t' : ''}${msg}\n`);
  info('setup', 'starting manager');
  info('controller-runtime.metrics', 'Starting metrics server');
  info('', `starting server\t{"name": "health probe", "addr": "[::]:${MANAGER_PORT}"}`);
  const close = env.listen?.(MANAGER_PORT, {
    http: (req) => (req.path === '/healthz' || req.path === '/readyz' ? { status: 200, body: 'ok' } : { status: 404, body: '404 page not found\n' }),
    tcp: (line) => {
      io.stderr(`${ts()}\t${line}\n`);
      return 'ok';
    },
  });
  try {
    for (;;) yield { kind: 'forever' };
  } catch (e) {
    if (!(e instanceof ProcessSignal) || e.signal === 9) throw e;
  }
  close?.();
  info('', 'Stopping and waiting for non leader election runnables');
  info('', 'Stopping and waiting for leader election runnables');
  info('', 'Wait completed, proceeding to shutdown the manager');
  return 0;
};
