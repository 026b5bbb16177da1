import { describe, expect, it } from 'vitest';
import { createShimApi, type InProcessTransport } from '../api/index.ts';
import { memoryFiles } from './files.ts';
import { kubectl, KubectlSession, type KubectlContext } from './kubectl.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runner(transport?: InProcessTransport, files: Record<string, string> = {}) {
  const session = new KubectlSession();
  return async (line: string | string[], options: { stdin?: string; interruptAfter?: Promise<void> } = {}): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const ctx: KubectlContext = {
      io: {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        interrupted: options.interruptAfter ?? new Promise<void>(() => undefined),
        stdin: async () => options.stdin ?? '',
      },
      ...(transport ? { transport } : {}),
      files: memoryFiles(files),
      session,
    };
    const code = await kubectl(typeof line === 'string' ? line.split(' ') : line, ctx);
    return { code, stdout, stderr };
  };
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n';
const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.27\n';

describe('kubectl in process (the browser terminal\'s path)', () => {
  it('lists through discovery and server-side Tables', async () => {
    const run = runner(createShimApi({ seed: 'unit' }));
    const r = await run('get nodes');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('NAME                 STATUS   ROLES           AGE   VERSION');
    expect((await run('get pods')).stderr).toBe('No resources found in default namespace.\n');
    expect((await run('get foo')).stderr).toBe('error: the server doesn\'t have a resource type "foo"\n');
  });

  it('applies files, directories and stdin, then reports unchanged', async () => {
    const run = runner(createShimApi({ seed: 'unit' }), { 'cm.yaml': CM, 'dir/a.yaml': CM.replace('settings', 'a'), 'dir/b.txt': 'ignored' });
    expect((await run('apply -f cm.yaml')).stdout).toBe('configmap/settings created\n');
    expect((await run('apply -f cm.yaml')).stdout).toBe('configmap/settings unchanged\n');
    expect((await run('apply -f dir')).stdout).toBe('configmap/a created\n');
    expect((await run('apply -f -', { stdin: CM.replace('settings', 'piped') })).stdout).toBe('configmap/piped created\n');
    expect((await run(['get', 'cm', 'settings', '-o', 'jsonpath={.data.mode}'])).stdout).toBe('fast');
    expect((await run('apply -f nope.yaml')).stderr).toBe('error: the path "nope.yaml" does not exist\n');
  });

  it('waits for a graceful delete to finish, as kubectl does', async () => {
    const transport = createShimApi({ seed: 'unit' });
    const run = runner(transport, { 'pod.yaml': POD });
    await run('apply -f pod.yaml');
    transport.cluster.settle();
    let finished = false;
    const deleting = run('delete pod web').then((r) => {
      finished = true;
      return r;
    });
    // The pod terminates only as (virtual) time passes.
    for (let i = 0; i < 200 && !finished; i++) {
      await new Promise((r) => setTimeout(r, 1));
      transport.cluster.runUntil(transport.cluster.clock.now() + 1000);
    }
    expect(await deleting).toEqual({ code: 0, stdout: 'pod "web" deleted\n', stderr: '' });
    expect((await run('get pod web')).stderr).toBe('Error from server (NotFound): pods "web" not found\n');
  });

  it('streams watch rows until Ctrl-C', async () => {
    const transport = createShimApi({ seed: 'unit' });
    const run = runner(transport, { 'cm.yaml': CM });
    await run('apply -f cm.yaml');
    let interrupt!: () => void;
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const watching = run('get cm -w', { interruptAfter: interrupted });
    await new Promise((r) => setTimeout(r, 5));
    transport.requestSync({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/settings', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"data":{"more":"1"}}' });
    await new Promise((r) => setTimeout(r, 5));
    interrupt();
    const r = await watching;
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'NAME DATA', 'kube-root-ca.crt 1', 'settings 1', 'settings 2',
    ]);
  });

  it('works without a cluster for client-side commands only', async () => {
    const run = runner();
    expect((await run('version --client')).stdout).toBe('Client Version: v1.32.5\nKustomize Version: v5.5.0\n');
    expect((await run('config current-context')).stdout).toBe('kind-kind\n');
    const r = await run('get pods');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no cluster');
  });

  it('prints cobra\'s errors for unknown commands and flags', async () => {
    const run = runner();
    expect((await run('gett pods')).stderr).toBe('error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tset\n\tget\n');
    expect(await run('get pods --foo')).toEqual({ code: 1, stdout: '', stderr: "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n" });
    expect((await run('--foo get pods')).stderr).toBe('Error: flags cannot be placed before plugin name: --foo\n');
  });
});
