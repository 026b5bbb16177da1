/**
 * `kubectl edit` side by side: the real kubectl and ours (`statecraft kubectl`)
 * run the same KUBE_EDITOR script against one served cluster, and must print
 * the same, leave the same object behind, and hand the editor the same file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath, startServedCluster, tokenise, type KubectlResult, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-edit-'));
let cluster: ServedCluster;

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'edit' }); }, 30_000);
afterAll(async () => { await cluster?.close(); rmSync(dir, { recursive: true, force: true }); });

/** An editor script: keeps a copy of each file it is given, then runs `sed` on the first round only (later rounds save unchanged). */
function editorScript(name: string, sedFirst: string): string {
  const path = join(dir, `${name}.sh`);
  writeFileSync(path, `#!/bin/sh
n=$(cat "${dir}/${name}.count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${dir}/${name}.count"
cp "$1" "${dir}/${name}.seen.$n"
if [ $n = 1 ] && [ -n '${sedFirst}' ]; then sed -i '${sedFirst}' "$1"; fi
`);
  chmodSync(path, 0o755);
  return path;
}

function run(which: 'real' | 'ours', args: string[], editor: string): Promise<KubectlResult> {
  const [cmd, argv] = which === 'real' ? [kubectlPath!, args] : ['npx', ['tsx', 'src/cli/main.ts', 'kubectl', ...args]];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: cluster.kubeconfig, KUBE_EDITOR: editor, TMPDIR: dir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: stderr.replace(/^npm warn .*\n/gm, '') }));
  });
}

/** Both kubectls, one after the other, each with a fresh editor script; temp file names become a token. */
async function both(args: string[], sed: string, whiches: ('real' | 'ours')[] = ['real', 'ours']): Promise<{ real: KubectlResult & { seen: string[] }; ours: KubectlResult & { seen: string[] } }> {
  const out: Record<string, KubectlResult & { seen: string[] }> = {};
  for (const which of whiches) {
    const name = `${which}-${Math.random().toString(36).slice(2, 8)}`;
    const r = await run(which, args, editorScript(name, sed));
    const seen: string[] = [];
    for (let i = 1; ; i++) {
      try {
        seen.push(tokenise(readFileSync(join(dir, `${name}.seen.${i}`), 'utf8')));
      } catch {
        break;
      }
    }
    const clean = (t: string) => t.replaceAll(dir, '<DIR>').replace(/kubectl[\w.]*-edit-\d+\.(yaml|json)/g, 'kubectl-edit-<N>.$1');
    out[which] = { code: r.code, stdout: clean(r.stdout), stderr: clean(r.stderr), seen };
  }
  return out as { real: KubectlResult & { seen: string[] }; ours: KubectlResult & { seen: string[] } };
}

const strip = (files: string[]) => files.map((f) => f.replace(/(resourceVersion|generation|observedGeneration|replicas|readyReplicas|availableReplicas|updatedReplicas|unavailableReplicas): .*/g, '$1: <X>').replace(/\n {2}conditions:\n[\s\S]*?(?=\n {2}\w)/, '\n  conditions: <X>'));

// Each `statecraft kubectl` run starts tsx (seconds on a busy 2-core machine).
suite('kubectl edit: ours against the real kubectl', { timeout: 120_000 }, () => {
  it('creates the deployment both will edit', async () => {
    expect((await cluster.kubectl(['create', 'deployment', 'web', '--image=nginx'])).stdout).toBe('deployment.apps/web created\n');
  });

  it('cancels an unchanged edit the same way, from the same file', async () => {
    const { real, ours } = await both(['edit', 'deployment', 'web'], '');
    expect(ours).toMatchObject({ code: real.code, stdout: real.stdout, stderr: real.stderr });
    expect(real.stderr).toBe('Edit cancelled, no changes made.\n');
    expect(strip(ours.seen)).toEqual(strip(real.seen));
  });

  it('applies a change with the same patch and leaves the same object', async () => {
    const { real, ours } = await both(['edit', 'deploy/web', '--output-patch'], '0,/^  replicas: [0-9]*/ s//  replicas: 2/');
    expect(real).toMatchObject({ code: 0, stdout: 'Patch: {"spec":{"replicas":2}}\ndeployment.apps/web edited\n' });
    // Ours finds replicas already at 2: the same file, now unchanged.
    expect(ours).toMatchObject({ code: 0, stderr: 'Edit cancelled, no changes made.\n' });
    const again = await both(['edit', 'deploy/web', '--output-patch'], '0,/^  replicas: [0-9]*/ s//  replicas: 3/', ['ours']);
    expect(again.ours).toMatchObject({ code: 0, stdout: 'Patch: {"spec":{"replicas":3}}\ndeployment.apps/web edited\n', stderr: '' });
    expect((await cluster.kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('3');
  });

  it('reopens an invalid edit with the same error comments, then gives up the same way', async () => {
    const { real, ours } = await both(['edit', 'deployment', 'web'], '0,/^  replicas: [0-9]*/ s//  replicas: -1/');
    expect(real.code).toBe(1);
    expect(real.stderr).toBe('error: deployments.apps "web" is invalid\nA copy of your changes has been stored to "<DIR>/kubectl-edit-<N>.yaml"\nerror: Edit cancelled, no valid changes were saved.\n');
    expect(ours).toMatchObject({ code: real.code, stdout: real.stdout, stderr: real.stderr });
    expect(real.seen).toHaveLength(2);
    expect(strip(ours.seen)).toEqual(strip(real.seen));
  });

  it('reports a missing object and a missing argument as kubectl does', async () => {
    for (const args of [['edit', 'deployment', 'nope'], ['edit']]) {
      const { real, ours } = await both(args, '');
      expect(ours).toMatchObject({ code: real.code, stdout: real.stdout, stderr: real.stderr });
    }
  });

  it('edits several objects as one List, skipping the unchanged', async () => {
    await cluster.kubectl(['create', 'deployment', 'api', '--image=nginx']);
    const sed = (n: number) => `/^    name: api$/,/^    replicas:/ s/^    replicas: [0-9]*/    replicas: ${n}/`;
    const { real } = await both(['edit', 'deployment', 'web', 'api'], sed(2), ['real']);
    expect(real.stdout).toBe('deployment.apps/web skipped\ndeployment.apps/api edited\n');
    const { ours } = await both(['edit', 'deployment', 'web', 'api'], sed(4), ['ours']);
    expect(ours).toMatchObject({ code: 0, stdout: real.stdout, stderr: real.stderr });
    expect((await cluster.kubectl(['get', 'deploy', 'api', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('4');
  });
});
