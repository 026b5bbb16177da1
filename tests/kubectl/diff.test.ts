/**
 * `kubectl diff` twice against one served cluster: the REAL kubectl 1.32 and
 * ours over HTTP must print the same diff (temporary directories, file times,
 * UIDs and creation times tokenised) and exit with the same status.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKubectl } from '../../src/cli/kubectl.ts';
import { kubectlPath, startServedCluster, tokenise, type KubectlResult, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

const WEB = (replicas: string, image = 'image') => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  ${replicas}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        ${image}: registry.k8s.io/nginx-slim:0.21
`;
const CM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
`;

function normalise(text: string): string {
  return tokenise(text)
    .replace(/\/tmp\/(LIVE|MERGED)-\d+/g, '/tmp/$1-<N>')
    .replace(/\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000/g, '\t<FILETIME>')
    .replace(/creationTimestamp: "<TIME>"/g, 'creationTimestamp: <TIME>');
}

suite('kubectl diff (real kubectl vs ours)', () => {
  let cluster: ServedCluster;
  const dir = mkdtempSync(join(tmpdir(), 'statecraft-kdiff-'));
  const file = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };

  beforeAll(async () => { cluster = await startServedCluster({ speed: 1, seed: 'diff' }); });
  afterAll(async () => { await cluster?.close(); });

  async function ours(args: string[]): Promise<KubectlResult> {
    let stdout = '';
    let stderr = '';
    const code = await runKubectl(args, {
      kubeconfig: cluster.kubeconfig, env: {},
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupted: new Promise(() => {}) },
    });
    return { code, stdout, stderr };
  }

  async function same(args: string[]): Promise<KubectlResult> {
    const real = await cluster.kubectl(args);
    const mine = await ours(args);
    expect({ code: mine.code, stdout: normalise(mine.stdout), stderr: normalise(mine.stderr) })
      .toEqual({ code: real.code, stdout: normalise(real.stdout), stderr: normalise(real.stderr) });
    return mine;
  }

  it('shows a new object in full against nothing, exit status 1', async () => {
    const r = await same(['diff', '-f', file('web.yaml', WEB('replicas: 2'))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('@@ -0,0 +1,');
    expect(r.stdout).toContain('+  podManagementPolicy: OrderedReady');
  });

  it('is silent with status 0 once applied, and shows the changed lines after an edit', async () => {
    expect((await cluster.kubectl(['apply', '-f', file('web.yaml', WEB('replicas: 2'))])).code).toBe(0);
    expect((await same(['diff', '-f', join(dir, 'web.yaml')])).stdout).toBe('');
    const r = await same(['diff', '-f', file('web3.yaml', WEB('replicas: 3'))]);
    expect(r.stdout).toMatch(/-  replicas: 2\n\+  replicas: 3\n/);
    expect(r.stdout).toMatch(/-  generation: 1\n\+  generation: 2\n/);
  });

  it('diffs several objects in file-name order and warns about unknown fields', async () => {
    await same(['diff', '-f', file('two.yaml', `${CM}---\n${WEB('replicaz: 2', 'imagee')}`)]);
  });

  it('fails with status above 1 on errors', async () => {
    const r = await same(['diff', '-f', file('bad.yaml', WEB('replicas: -1'))]);
    expect(r.code).toBeGreaterThan(1);
    expect(r.stderr).toContain('spec.replicas: Invalid value: -1');
    await same(['diff', '-f', join(dir, 'missing.yaml')]);
    await same(['diff']);
  });
});
