/**
 * Captures the protobuf bodies the real kubectl sends, as fixtures for the
 * decoder's tests: src/api/protobuf/fixtures/<name>.pb (the body, byte for byte)
 * and <name>.json (the command, the request line, and the object kubectl prints
 * for the same command with `-o json --dry-run=client`, i.e. what it would send
 * as JSON, where it can print one).
 *
 * kubectl talks to a recording HTTPS proxy in front of `statecraft serve`.
 *
 * Usage: npx tsx scripts/protobuf/capture-kubectl.ts [path/to/kubectl]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeconfigYaml, serve } from '../../src/cli/serve.ts';
import { selfSignedCert } from '../../src/server/tls.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../../src/api/protobuf/fixtures');
const kubectl = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

interface Captured { method: string; path: string; contentType: string; body: Buffer }

/** name → kubectl arguments; `dryRun: false` where kubectl cannot print the object it sends. */
const COMMANDS: { name: string; args: string[]; dryRun?: boolean }[] = [
  { name: 'create-namespace', args: ['create', 'namespace', 'shop'] },
  { name: 'create-configmap', args: ['create', 'configmap', 'settings', '--from-literal=mode=fast', '--from-literal=retries=3', '--from-file=<dir>/nginx.conf'] },
  { name: 'create-configmap-binary', args: ['create', 'configmap', 'blob', '--from-file=<dir>/blob.bin'] },
  { name: 'create-secret-generic', args: ['create', 'secret', 'generic', 'db', '--from-literal=password=hunter2', '--from-literal=user=admin'] },
  { name: 'create-secret-docker-registry', args: ['create', 'secret', 'docker-registry', 'regcred', '--docker-server=registry.example.com', '--docker-username=u', '--docker-password=p'] },
  { name: 'create-deployment', args: ['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80'] },
  { name: 'create-deployment-zero', args: ['create', 'deployment', 'idle', '--image=busybox', '--replicas=0', '--', 'sleep', '3600'] },
  { name: 'create-service-clusterip', args: ['create', 'service', 'clusterip', 'api', '--tcp=5678:8080', '--tcp=443:https'] },
  { name: 'create-service-headless', args: ['create', 'service', 'clusterip', 'db', '--clusterip=None'] },
  { name: 'create-service-nodeport', args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'] },
  { name: 'create-job', args: ['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi'] },
  { name: 'create-cronjob', args: ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'] },
  { name: 'create-serviceaccount', args: ['create', 'serviceaccount', 'builder'] },
  { name: 'create-quota', args: ['create', 'quota', 'small', '--hard=cpu=1,memory=1Gi,pods=4', '--scopes=NotTerminating'] },
  { name: 'create-priorityclass', args: ['create', 'priorityclass', 'high', '--value=1000', '--description=important', '--preemption-policy=Never'] },
  { name: 'create-pdb', args: ['create', 'poddisruptionbudget', 'web', '--selector=app=web', '--min-available=50%'] },
  { name: 'run', args: ['run', 'nginx', '--image=nginx', '--restart=Never', '--labels=tier=front', '--env=MODE=dev', '--port=80'] },
  { name: 'run-command', args: ['run', 'box', '--image=busybox', '--restart=Never', '--command', '--', 'sh', '-c', 'sleep 3600'] },
  { name: 'expose-deployment', args: ['expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--name=web-svc'] },
  { name: 'expose-pod', args: ['expose', 'pod', 'nginx', '--port=8080', '--target-port=80', '--type=NodePort'] },
  { name: 'create-service-externalname', args: ['create', 'service', 'externalname', 'ext', '--external-name=db.example.com'] },
  { name: 'create-service-loadbalancer', args: ['create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080'] },
  { name: 'create-job-from-cronjob', args: ['create', 'job', 'manual', '--from=cronjob/tick'] },
  { name: 'create-deployment-multi', args: ['create', 'deployment', 'multi', '--image=nginx', '--image=busybox'] },
  { name: 'create-rolebinding', args: ['create', 'rolebinding', 'read', '--role=reader', '--serviceaccount=default:builder', '--user=ann'] },
  { name: 'create-clusterrole', args: ['create', 'clusterrole', 'viewer', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=web'] },
  { name: 'autoscale', args: ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80'] },
  // A pod on a node to drain: drain --disable-eviction deletes it with protobuf DeleteOptions.
  { name: 'setup-pinned-pod', args: ['run', 'pinned', '--image=nginx', '--restart=Never', '--overrides={"apiVersion":"v1","spec":{"nodeName":"kind-worker2"}}'], dryRun: false },
  { name: 'drain-disable-eviction', args: ['drain', 'kind-worker2', '--pod-selector=run=pinned', '--disable-eviction', '--force', '--grace-period=7', '--timeout=20s'], dryRun: false },
  { name: 'create-token', args: ['create', 'token', 'builder', '--duration=10m', '--audience=api'], dryRun: false },
  { name: 'create-role', args: ['create', 'role', 'reader', '--verb=get,list', '--resource=pods'] },
  { name: 'create-ingress', args: ['create', 'ingress', 'site', '--rule=shop.example.com/=web-svc:80'] },
];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'statecraft-capture-'));
  writeFileSync(join(dir, 'nginx.conf'), 'server {\n  listen 80;\n}\n');
  writeFileSync(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x7f]));
  const upstream = await serve({ host: '127.0.0.1', port: 0, speed: 1, seed: 'capture' });
  const tls = await selfSignedCert('127.0.0.1');
  let captured: Captured[] = [];
  const proxy = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      if (contentType.startsWith('application/vnd.kubernetes.protobuf')) captured.push({ method: req.method ?? '', path: req.url ?? '', contentType, body });
      const url = new URL(req.url ?? '/', upstream.url);
      const forward = httpsRequest(url, { method: req.method, headers: req.headers, ca: upstream.ca }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(`https://127.0.0.1:${(proxy.address() as AddressInfo).port}`, upstream.token, tls.cert));
  // Asynchronously: the proxy and the server live in this process and must keep answering.
  const run = (args: string[]) => new Promise<{ code: number; stdout: string; out: string }>((resolve) => {
    const child = spawn(kubectl, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig } });
    let stdout = '';
    let out = '';
    child.stdout.on('data', (d) => { stdout += d; out += d; });
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, out }));
  });

  mkdirSync(fixtures, { recursive: true });
  for (const f of readdirSync(fixtures)) if (/\.(pb|json)$/.test(f)) rmSync(join(fixtures, f));
  for (const c of COMMANDS) {
    const args = c.args.map((a) => a.replace('<dir>', dir));
    let expected: unknown;
    if (c.dryRun !== false) {
      const dash = args.includes('--') ? args.indexOf('--') : args.length;
      const dry = await run([...args.slice(0, dash), '-o', 'json', '--dry-run=client', ...args.slice(dash)]);
      expected = JSON.parse(dry.stdout);
    }
    captured = [];
    const result = await run(args);
    captured.forEach((cap, i) => {
      const name = captured.length === 1 ? c.name : `${c.name}-${i + 1}`;
      writeFileSync(join(fixtures, `${name}.pb`), cap.body);
      writeFileSync(join(fixtures, `${name}.json`), `${JSON.stringify({
        command: ['kubectl', ...c.args],
        request: `${cap.method} ${cap.path}`,
        contentType: cap.contentType,
        ...(expected !== undefined && captured.length === 1 ? { json: expected } : {}),
      }, null, 2)}\n`);
    });
    console.log(`${c.name}: ${captured.length} protobuf request(s); kubectl exit ${result.code}: ${result.out.trim().split('\n').slice(-1)[0]}`);
  }
  proxy.close();
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
