import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createShimApi } from './index.ts';
import type { ApiRequest } from './types.ts';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
/** What kubectl's typed clients send (client-go's protobuf content config). */
const KUBECTL_ACCEPT = 'application/vnd.kubernetes.protobuf,application/json';
const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, 'protobuf/fixtures', `${name}.pb`)));

function post(path: string, body: Uint8Array | string, contentType = PROTOBUF, query: Record<string, string> = { fieldValidation: 'Strict' }): ApiRequest {
  return { method: 'POST', path, query, headers: { 'content-type': contentType, accept: KUBECTL_ACCEPT }, body };
}

describe('protobuf request bodies through the API', () => {
  it('creates what kubectl create configmap sent, answering JSON', () => {
    const api = createShimApi();
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', fixture('create-configmap')));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    const cm = res.body as { metadata: { name: string; namespace: string }; data: Record<string, string> };
    expect(cm.metadata.namespace).toBe('default');
    expect(cm.data).toEqual({ mode: 'fast', 'nginx.conf': 'server {\n  listen 80;\n}\n', retries: '3' });
  });

  it('stores the same object as the same request in JSON', () => {
    const viaProtobuf = createShimApi({ seed: 'same' });
    const viaJson = createShimApi({ seed: 'same' });
    const json = (JSON.parse(readFileSync(join(import.meta.dirname, 'protobuf/fixtures/create-deployment.json'), 'utf8')) as { json: unknown }).json;
    const a = viaProtobuf.requestSync(post('/apis/apps/v1/namespaces/default/deployments', fixture('create-deployment')));
    const b = viaJson.requestSync(post('/apis/apps/v1/namespaces/default/deployments', JSON.stringify(json), 'application/json'));
    expect(a.status).toBe(201);
    expect(a.body).toEqual(b.body);
  });

  it('answers a malformed body with the API server\'s 400', () => {
    const api = createShimApi();
    const truncated = fixture('create-configmap').subarray(0, 40);
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', truncated));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400,
      message: 'the object provided is unrecognized (6b3873000a0f0a0276311209436f6e6669674d6170125e0a180a08736574 ...): unexpected EOF' });
  });

  it('refuses a body of another kind as JSON would', () => {
    const api = createShimApi();
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', fixture('create-secret-generic')));
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toBe('the kind in the data (Secret) does not match the expected kind (ConfigMap)');
  });

  it('goes on to the same checks as JSON (a namespace that does not exist)', () => {
    const api = createShimApi();
    const res = api.requestSync(post('/api/v1/namespaces/nope/configmaps', fixture('create-configmap')));
    expect(res.status).toBe(404);
  });

  it('reads protobuf DeleteOptions on DELETE', () => {
    const api = createShimApi();
    api.requestSync(post('/api/v1/namespaces/default/configmaps', fixture('create-configmap')));
    const res = api.requestSync({ method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/settings', headers: { 'content-type': PROTOBUF }, body: fixture('drain-disable-eviction') });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'Status', status: 'Success' });
  });

  it('answers 415 for body types the server does not read', () => {
    const api = createShimApi();
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', '<x/>', 'application/xml'));
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ reason: 'UnsupportedMediaType', code: 415,
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf' });
  });

  it('answers 406 when the client accepts nothing the server writes', () => {
    const api = createShimApi();
    const res = api.requestSync({ method: 'GET', path: '/api/v1/namespaces/default/configmaps', headers: { accept: 'application/xml' } });
    expect(res.status).toBe(406);
    expect(res.body).toMatchObject({ reason: 'NotAcceptable', code: 406,
      message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf' });
    for (const accept of [KUBECTL_ACCEPT, PROTOBUF, '*/*', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json']) {
      expect(api.requestSync({ method: 'GET', path: '/api/v1/namespaces/default/configmaps', headers: { accept } }).status).toBe(200);
    }
  });
});

describe('YAML request bodies', () => {
  const YAML = 'application/yaml';
  const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: &l {tier: db}
  annotations: *l
data:
  mode: fast
  retries: "3"
`;

  it('creates from YAML what the same object in JSON creates', () => {
    const api = createShimApi();
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', configMap, YAML));
    expect(res.status).toBe(201);
    const cm = res.body as { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> };
    expect(cm.data).toEqual({ mode: 'fast', retries: '3' });
    expect(cm.metadata.annotations).toEqual({ tier: 'db' });
  });

  it('applies strict field validation to YAML as to JSON', () => {
    const api = createShimApi();
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', `${configMap}  extra: x\ndatta: {}\n`, YAML));
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"');
  });

  it('answers a YAML syntax error with a 400 naming the line', () => {
    const api = createShimApi();
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [x\n', YAML));
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/^the object provided is unrecognized \(must be of type ConfigMap\): error converting YAML to JSON: yaml: line \d+: .+ \(apiVersion: v1\nkind: ConfigMap \.\.\.\)$/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const api = createShimApi();
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const res = api.requestSync(post('/api/v1/namespaces/default/configmaps', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n${lines.join('\n')}\n`, YAML));
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(/error converting YAML to JSON/);
  });
});
