/**
 * `statecraft serve`: the shim as a Kubernetes API server on loopback, for the
 * real kubectl, client-node and the lab runner's kubeconfig backend.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { createShimApi, RealtimeDriver } from '../api/index.ts';
import { createApiServer } from '../server/http.ts';
import { selfSignedCert } from '../server/tls.ts';
import type { Topology } from '../shim/index.ts';

export interface ServeOptions {
  host: string;
  port: number;
  kubeconfig?: string;
  topology?: string;
  speed: number;
  token?: string;
  seed?: string;
  /** Operators to install and run (`--operator keyvalue`). */
  operator?: string[];
}

export function kubeconfigYaml(server: string, token: string, caPem: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    `    server: ${server}`,
    '  name: kind-kind',
    'contexts:',
    '- context:',
    '    cluster: kind-kind',
    '    user: kind-kind',
    '  name: kind-kind',
    'current-context: kind-kind',
    'preferences: {}',
    'users:',
    '- name: kind-kind',
    '  user:',
    `    token: ${token}`,
    '',
  ].join('\n');
}

export async function serve(options: ServeOptions): Promise<{ url: string; token: string; ca: string; close(): Promise<void> }> {
  let topology = options.topology ? (parse(readFileSync(options.topology, 'utf8')) as Topology) : undefined;
  if (options.operator?.length) topology = { ...topology, operators: [...(topology?.operators ?? []), ...options.operator] };
  // The cluster's clock starts at the wall clock's time, so ages and timestamps read as on
  // a real cluster. A faster clock would soon run ahead of kubectl's (which prints future
  // times as <invalid>), so it starts a day back.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const transport = createShimApi({ startTime: options.speed > 1 ? now - 86_400_000 : now, ...(topology ? { topology } : {}), ...(options.seed ? { seed: options.seed } : {}) });
  const cluster = transport.cluster;
  const driver = new RealtimeDriver(cluster, () => performance.now(), options.speed);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tls = await selfSignedCert(options.host);
  const server = createApiServer({ cluster, api: transport.server, token, tls, afterRequest: () => driver.tick() });
  // A controller bug must not take the API down with it: report it and keep serving.
  const guarded = (fn: () => void) => () => {
    try {
      fn();
    } catch (error) {
      console.error(`statecraft: the cluster's controllers failed: ${(error as Error).stack ?? String(error)}`);
    }
  };
  driver.start((fn, ms) => { const t = setInterval(guarded(fn), ms); return () => clearInterval(t); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `https://${host}:${port}`;
  // Written only once the server accepts connections, so a script can wait for the file.
  if (options.kubeconfig) {
    mkdirSync(dirname(options.kubeconfig), { recursive: true });
    writeFileSync(options.kubeconfig, kubeconfigYaml(url, token, tls.cert), { mode: 0o600 });
  }
  return {
    url,
    token,
    ca: tls.cert,
    close: () => new Promise<void>((resolve) => {
      driver.stop();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
