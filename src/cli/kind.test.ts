import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindCaveats, kindConfig, KIND_NODE_IMAGE } from './kind.ts';

describe('kind cluster config for a lab', () => {
  it('is kind\'s default shape without a topology', () => {
    expect(parse(kindConfig({}))).toEqual({
      kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4',
      nodes: [{ role: 'control-plane', image: KIND_NODE_IMAGE }, { role: 'worker', image: KIND_NODE_IMAGE }, { role: 'worker', image: KIND_NODE_IMAGE }],
    });
    expect(KIND_NODE_IMAGE).toBe('kindest/node:v1.32.2');
  });

  it('gives the workers their zones round-robin and the named nodes their labels', () => {
    const config = parse(kindConfig({ topology: { workers: 3, zones: ['a', 'b'], nodeLabels: { 'kind-worker2': { disk: 'ssd' }, 'kind-control-plane': { tier: 'cp' } } } })) as { nodes: { role: string; labels?: Record<string, string> }[] };
    expect(config.nodes.map((n) => [n.role, n.labels])).toEqual([
      ['control-plane', { tier: 'cp' }],
      ['worker', { 'topology.kubernetes.io/zone': 'a' }],
      ['worker', { 'topology.kubernetes.io/zone': 'b', disk: 'ssd' }],
      ['worker', { 'topology.kubernetes.io/zone': 'a' }],
    ]);
  });

  it('warns about StorageClasses kind cannot provision', () => {
    expect(kindCaveats({ topology: { storageClasses: [
      { name: 'fast', provisioner: 'rancher.io/local-path', volumeBindingMode: 'Immediate', reclaimPolicy: 'Retain', default: false },
      { name: 'replicated', provisioner: 'block.statecraft.dev', volumeBindingMode: 'Immediate', reclaimPolicy: 'Delete', default: false },
    ] } })).toEqual(['StorageClass replicated uses provisioner block.statecraft.dev, which kind does not have: its claims will stay Pending unless you install one.']);
  });
});

describe('statecraft kind up', () => {
  it('without kind or Docker, writes the config and prints the commands to run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'statecraft-kind-'));
    const config = join(dir, 'kind.yaml');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'kind', 'up', '--lab', 'statefulset-basics', '--config', config], {
      encoding: 'utf8', env: { ...process.env, PATH: dir },
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe(`Wrote the kind cluster config for lab statefulset-basics to ${config}\n`);
    expect(r.stderr).toContain(`  kind create cluster --config ${config}\n  npx statecraft kind up --lab statefulset-basics --setup-only\n`);
    expect(parse(readFileSync(config, 'utf8'))).toMatchObject({ kind: 'Cluster', nodes: [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }] });
  });
});
