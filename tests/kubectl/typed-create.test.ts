import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { golden, kubectlPath, startServedCluster, transcript, type ServedCluster } from './harness.ts';

// kubectl's typed commands (create configmap|secret|deployment|…) send their bodies as
// application/vnd.kubernetes.protobuf; `run` and `expose` send JSON. Both must work.
const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-typed-'));
writeFileSync(join(dir, 'nginx.conf'), 'server {\n  listen 80;\n}\n');
writeFileSync(join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 0xff, 0xfe]));

beforeAll(async () => { cluster = await startServedCluster(); }, 30_000);
afterAll(async () => { await cluster?.close(); });

/** A raw request to the served cluster, as kubectl would make it, but with any body. */
function raw(path: string, contentType: string, body: Uint8Array): Promise<{ status: number; contentType: string; body: string }> {
  const config = parse(readFileSync(cluster.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const { server, 'certificate-authority-data': ca } = config.clusters[0]!.cluster;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), {
      method: 'POST',
      ca: Buffer.from(ca, 'base64').toString(),
      headers: { authorization: `Bearer ${config.users[0]!.user.token}`, 'content-type': contentType, accept: 'application/vnd.kubernetes.protobuf,application/json' },
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

suite('kubectl create, run and expose against statecraft serve', () => {
  it('creates objects with the typed commands and reads them back', async () => {
    const t = await transcript(cluster, [
      ['create', 'namespace', 'shop'],
      ['create', 'configmap', 'settings', '--from-literal=mode=fast', `--from-file=${join(dir, 'nginx.conf')}`],
      ['create', 'configmap', 'blob', `--from-file=${join(dir, 'blob.bin')}`],
      ['create', 'secret', 'generic', 'db', '--from-literal=password=hunter2', '--from-literal=user=admin'],
      ['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80'],
      ['create', 'service', 'clusterip', 'api', '--tcp=5678:8080'],
      ['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi'],
      ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'],
      ['create', 'serviceaccount', 'builder', '-n', 'shop'],
      ['create', 'poddisruptionbudget', 'web', '--selector=app=web', '--min-available=1'],
      ['run', 'nginx', '--image=nginx', '--restart=Never', '--labels=tier=front'],
      ['expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--name=web-svc'],
      ['create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server'],
      ['create', 'configmap', 'settings', '--from-literal=mode=slow'],
      ['create', 'deployment', 'Bad_Name', '--image=nginx'],
      ['get', 'configmap', 'dry'],
      ['get', 'namespace', 'shop', '-o', 'yaml'],
      ['get', 'configmap', 'settings', '-o', 'yaml'],
      ['get', 'configmap', 'blob', '-o', 'jsonpath={.binaryData}'],
      ['get', 'secret', 'db', '-o', 'yaml'],
      ['get', 'serviceaccount', 'builder', '-n', 'shop', '-o', 'yaml'],
      ['get', 'deployment', 'web', '-o', 'jsonpath={.spec}'],
      ['get', 'service', 'api', '-o', 'jsonpath={.spec.ports}'],
      ['get', 'service', 'web-svc', '-o', 'jsonpath={.spec.ports} {.spec.selector}'],
      ['get', 'job', 'hello', '-o', 'jsonpath={.spec.template.spec.containers[0].command} {.spec.template.spec.restartPolicy}'],
      ['get', 'cronjob', 'tick', '-o', 'jsonpath={.spec.schedule} {.spec.jobTemplate.spec.template.spec.containers[0].command}'],
      ['get', 'poddisruptionbudget', 'web', '-o', 'jsonpath={.spec}'],
      ['get', 'pod', 'nginx', '-o', 'jsonpath={.metadata.labels} {.spec.restartPolicy}'],
    ]);
    const g = golden('typed-create', t);
    expect(g.actual).toBe(g.expected);
  });

  it('answers malformed protobuf bodies with a Status, and keeps serving', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const valid = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x0f, 0x0a, 0x02]), Buffer.from('v1'), Buffer.from([0x12, 0x09]), Buffer.from('ConfigMap'),
      Buffer.from([0x12, 0x05, 0x0a, 0x03, 0x0a, 0x01]), Buffer.from('p')]);
    const created = await raw(path, 'application/vnd.kubernetes.protobuf', valid);
    expect(created.status).toBe(201);
    expect(created.contentType).toBe('application/json');

    const cases: [Uint8Array, number, RegExp][] = [
      [valid.subarray(0, valid.length - 3), 400, /^the object provided is unrecognized \(6b387300.*\): unexpected EOF$/],
      [Buffer.from('garbage, not protobuf'), 400, /provided data does not appear to be a protobuf message, expected prefix \[107 56 115 0\]$/],
      [Buffer.concat([valid.subarray(0, 21), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]), 400, /unexpected EOF$/],
      [Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0x02, 0x00, 0x00]), 400, /^ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: ConfigMap: illegal tag 0/],
    ];
    for (const [body, status, message] of cases) {
      const res = await raw(path, 'application/vnd.kubernetes.protobuf', body);
      expect(res.status).toBe(status);
      const s = JSON.parse(res.body) as { kind: string; reason: string; message: string };
      expect(s.kind).toBe('Status');
      expect(s.reason).toBe('BadRequest');
      expect(s.message).toMatch(message);
    }
    const xml = await raw(path, 'application/xml', Buffer.from('<configmap/>'));
    expect(xml.status).toBe(415);
    expect(JSON.parse(xml.body)).toMatchObject({ reason: 'UnsupportedMediaType' });
    expect((await cluster.kubectl(['get', 'configmap', 'p', '-o', 'name'])).stdout).toBe('configmap/p\n');
  });
});
