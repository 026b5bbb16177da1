import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, tokenise, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;
if (!kubectlPath) console.warn('tests/kubectl: no kubectl binary (set KUBECTL=…); these tests are skipped outside CI');

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-manifests-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => { cluster = await startServedCluster(); }, 30_000);
afterAll(async () => { await cluster?.close(); });

suite('the real kubectl against statecraft serve', () => {
  it('sees a fresh kind cluster', async () => {
    const t = await transcript(cluster, [
      ['get', 'nodes'],
      ['get', 'nodes', '-o', 'wide'],
      ['get', 'namespaces'],
      ['get', 'pods', '-A'],
      ['get', 'storageclass'],
      ['get', 'services', '-A'],
      ['get', 'pods'],
      ['get', 'nodes', 'kind-control-plane', '--show-labels'],
      ['get', 'nodes', '-l', 'node-role.kubernetes.io/control-plane', '-o', 'name'],
      ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'],
      ['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name,CIDR:.spec.podCIDR'],
    ]);
    const g = golden('fresh-cluster', t);
    expect(g.actual).toBe(g.expected);
  });

  it('lists the API as kubectl api-resources and api-versions print it', async () => {
    const g = golden('api-resources', await transcript(cluster, [['api-resources'], ['api-versions']]));
    expect(g.actual).toBe(g.expected);
  });

  it('applies, reapplies, patches, labels and deletes a ConfigMap', async () => {
    const cm = file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n');
    const t1 = await transcript(cluster, [['apply', '-f', cm]]);
    writeFileSync(cm, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: safe\n  retries: "3"\n');
    const t2 = await transcript(cluster, [
      ['apply', '-f', cm],
      ['apply', '-f', cm],
      ['get', 'configmap', 'settings', '-o', 'yaml'],
      ['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'],
      ['patch', 'cm', 'settings', '-p', '{"data":{"mode":"smp"}}'],
      ['patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"retries":null}}'],
      ['patch', 'cm', 'settings', '--type=json', '-p', '[{"op":"replace","path":"/data/mode","value":"json"}]'],
      ['get', 'cm', 'settings', '-o', 'jsonpath={.data}'],
      ['label', 'cm', 'settings', 'tier=config'],
      ['annotate', 'cm', 'settings', 'owner=ops'],
      ['get', 'cm', '-l', 'tier=config'],
      ['get', 'cm', '-l', 'tier in (config,other)', '-o', 'name'],
      ['label', 'cm', 'settings', 'tier-'],
      ['delete', 'cm', 'settings'],
      ['get', 'cm', 'settings'],
    ]);
    const g = golden('configmap-lifecycle', `${t1}\n${t2}`);
    expect(g.actual).toBe(g.expected);
  });

  it('gives the API server\'s errors for bad input', async () => {
    const unknownField = file('unknown-field.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: b\n');
    const badName = file('bad-name.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n');
    const noKind = file('no-kind.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n');
    const nsDefault = file('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n');
    const wrongVersion = file('wrong-version.yaml', 'apiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: x\n');
    const t = await transcript(cluster, [
      ['get', 'foo'],
      ['get', 'pods', 'nope'],
      ['get', 'pods', '-l', 'a in (b'],
      ['get', 'pods', '--field-selector', 'spec.bogus=1'],
      ['apply', '-f', unknownField],
      ['apply', '-f', badName],
      ['apply', '-f', noKind],
      ['apply', '-f', wrongVersion],
      ['delete', 'namespace', 'nope'],
      ['create', '-f', nsDefault, '--dry-run=server'],
    ]);
    const g = golden('errors', t);
    expect(g.actual).toBe(g.expected);
  });

  it('creates with --dry-run=server without persisting anything', async () => {
    const cm = file('dry.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n');
    expect((await cluster.kubectl(['create', '-f', cm, '--dry-run=server'])).stdout).toBe('configmap/dry created (server dry run)\n');
    expect((await cluster.kubectl(['get', 'cm', 'dry'])).stderr).toBe('Error from server (NotFound): configmaps "dry" not found\n');
  });

  it('explains fields from the served OpenAPI', async () => {
    const r = await cluster.kubectl(['explain', 'statefulset.spec.podManagementPolicy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FIELD: podManagementPolicy <string>');
    expect(r.stdout).toContain('OrderedReady');
    expect(tokenise((await cluster.kubectl(['explain', 'pods.spec.containers.image'])).stdout)).toContain('Container image name.');
  });

  it('streams watch events as kubectl get -w prints them', async () => {
    const cm = file('w.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n');
    await cluster.kubectl(['apply', '-f', cm]);
    const r = await cluster.kubectl(['get', 'cm', 'watched', '-w', '--request-timeout=2s'], { timeoutMs: 15_000 });
    expect(tokenise(r.stdout)).toBe('NAME      DATA   AGE\nwatched   0      <AGE>\n');
  });
});
