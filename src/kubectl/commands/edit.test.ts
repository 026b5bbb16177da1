import { describe, expect, it } from 'vitest';
import { createShimApi } from '../../api/index.ts';
import type { ApiRequest, ApiTransport } from '../../api/types.ts';
import { memoryFiles } from '../files.ts';
import type { EditorIO } from '../io.ts';
import { kubectl, KubectlSession } from '../kubectl.ts';

/** What the fake editor does with each file it is given: return the saved text. */
type Edit = (text: string) => string;

function harness(files: Record<string, string> = {}) {
  const cluster = createShimApi({ seed: 'unit' });
  const requests: ApiRequest[] = [];
  const transport: ApiTransport = {
    request: (r) => { requests.push(r); return cluster.request(r); },
    watch: (r, onEvent, onEnd) => cluster.watch(r, onEvent, onEnd),
  };
  const session = new KubectlSession();
  const opened: string[] = [];
  const removed: string[] = [];
  let edits: Edit[] = [];
  let interrupt = () => {};
  const editor: EditorIO = {
    async launch(text, ext) {
      opened.push(text);
      const edit = edits.shift();
      if (!edit) throw new Error('the editor was opened more often than the test expected');
      if (edit === ctrlC) {
        interrupt();
        return new Promise(() => undefined); // the editor never saves
      }
      return { text: edit(text), path: `/tmp/kubectl-edit-${opened.length}${ext}` };
    },
    remove: (path) => { removed.push(path); },
  };
  const run = async (line: string | string[], ...steps: Edit[]) => {
    edits = steps;
    opened.length = 0;
    removed.length = 0;
    requests.length = 0;
    let stdout = '';
    let stderr = '';
    const code = await kubectl(typeof line === 'string' ? line.split(' ') : line, {
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupted: new Promise<void>((resolve) => { interrupt = resolve; }) },
      transport, session, files: memoryFiles(files), editor,
    });
    return { code, stdout, stderr, opened: [...opened], removed: [...removed], patches: requests.filter((r) => r.method === 'PATCH') };
  };
  return { run, settle: () => cluster.cluster.settle() };
}

const replicas = (n: number): Edit => (text) => text.replace(/^ {2}replicas: -?\d+$/m, `  replicas: ${n}`);
const same: Edit = (text) => text;
/** Ctrl-C while the editor is open. */
const ctrlC: Edit = (text) => text;

describe('kubectl edit', () => {
  it('opens the object under the header and cancels when nothing changed', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const r = await k.run('edit deployment web', same);
    expect(r.opened[0]).toMatch(/^# Please edit the object below\. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit\. If an error occurs while saving this file will be\n# reopened with the relevant failures\.\n#\napiVersion: apps\/v1\nkind: Deployment\n/);
    expect(r.opened[0]).not.toContain('managedFields');
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'Edit cancelled, no changes made.\n', removed: ['/tmp/kubectl-edit-1.yaml'], patches: [] });
  });

  it('treats a change in comments or layout only as no change, and an empty file as a cancel', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const reformatted = await k.run('edit deploy/web', (t) => `# my note\n${t.replace('kind: Deployment\n', '')}kind:    Deployment\n`);
    expect(reformatted.stderr).toBe('Edit cancelled, no changes made.\n');
    const empty = await k.run('edit deploy/web', () => '# nothing\n\n');
    expect(empty).toMatchObject({ code: 0, stderr: 'Edit cancelled, saved file was empty.\n', patches: [] });
  });

  it('sends a strategic merge patch of the change and prints "edited"', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const r = await k.run('edit deployment web --output-patch', replicas(3));
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'Patch: {"spec":{"replicas":3}}\ndeployment.apps/web edited\n' });
    expect(r.patches).toHaveLength(1);
    expect(r.patches[0]!.headers?.['content-type']).toBe('application/strategic-merge-patch+json');
    expect(r.patches[0]!.query).toMatchObject({ fieldManager: 'kubectl-edit', fieldValidation: 'Strict' });
    expect((await k.run('get deploy web -o jsonpath={.spec.replicas}')).stdout).toBe('3');
  });

  it('reopens an invalid edit with the causes as comments, then applies the fix', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const r = await k.run('edit deployment web', replicas(-1), replicas(2));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('error: deployments.apps "web" is invalid\n');
    expect(r.stdout).toBe('deployment.apps/web edited\n');
    expect(r.opened[1]).toContain('#\n# deployments.apps "web" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\napiVersion: apps/v1\n');
    expect(r.opened[1]).toContain('\n  replicas: -1\n');
    // The first file is replaced by the second, which goes once the edit succeeds.
    expect(r.removed).toEqual(['/tmp/kubectl-edit-1.yaml', '/tmp/kubectl-edit-2.yaml']);
    expect((await k.run('get deploy web -o jsonpath={.spec.replicas}')).stdout).toBe('2');
  });

  it('gives up when an invalid edit is saved again unchanged, keeping the copy', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const r = await k.run('edit deployment web', replicas(-1), same);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: deployments.apps "web" is invalid\nA copy of your changes has been stored to "/tmp/kubectl-edit-2.yaml"\nerror: Edit cancelled, no valid changes were saved.\n');
    expect(r.removed).toEqual([]);
  });

  it('stops on Ctrl-C in the editor, exiting 1 with nothing sent', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    expect(await k.run('edit deployment web', ctrlC)).toMatchObject({ code: 1, stdout: '', stderr: '', patches: [] });
  });

  it('reopens a file with a syntax error, naming it', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const r = await k.run('edit deployment web', (t) => t.replace('kind: Deployment', 'kind: [Deployment'), same);
    expect(r.code).toBe(1);
    expect(r.opened[1]).toMatch(/\n# The edited file had a syntax error: error parsing edited-file: error converting YAML to JSON: yaml: line \d+: .*\n#\n/);
    expect(r.stderr).toMatch(/error: Edit cancelled, no valid changes were saved\.\n$/);
  });

  it('edits several objects as a List, patching only the changed ones', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    await k.run('create deployment api --image=nginx');
    const r = await k.run('edit deployment web api', (t) => t.replace(/(name: api\n[\s\S]*?)\n {4}replicas: 1\n/, '$1\n    replicas: 4\n'));
    expect(r.opened[0]).toMatch(/#\napiVersion: v1\nitems:\n- apiVersion: apps\/v1\n/);
    expect(r.opened[0]).toMatch(/\nkind: List\nmetadata: \{\}\n$/);
    expect(r).toMatchObject({ code: 0, stdout: 'deployment.apps/web skipped\ndeployment.apps/api edited\n' });
    expect(r.patches.map((p) => p.path)).toEqual(['/apis/apps/v1/namespaces/default/deployments/api']);
  });

  it('refuses a changed name, and reports objects that do not exist', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const renamed = await k.run('edit deployment web', (t) => t.replace('  name: web\n', '  name: other\n'));
    expect(renamed).toMatchObject({ code: 1, stderr: 'A copy of your changes has been stored to "/tmp/kubectl-edit-1.yaml"\nerror: At least one of apiVersion, kind and name was changed\n' });
    expect(await k.run('edit deployment nope')).toMatchObject({ code: 1, stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n', opened: [] });
    expect((await k.run('edit')).stderr).toMatch(/^error: You must provide one or more resources by argument or filename\.\n/);
  });

  it('edits JSON with -o json (no header) and records last-applied with --save-config', async () => {
    const k = harness();
    await k.run('create deployment web --image=nginx');
    const r = await k.run('edit deployment web -o json --save-config', (t) => t.replace('"replicas": 1,', '"replicas": 2,'));
    expect(r.opened[0]!.startsWith('{\n    "apiVersion": "apps/v1",')).toBe(true);
    expect(r.code).toBe(0);
    const annotation = (await k.run(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'])).stdout;
    expect(JSON.parse(annotation)).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 } });
  });

  it('uses a JSON merge patch for a custom resource', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: backups.statecraft.dev}
spec:
  group: statecraft.dev
  scope: Namespaced
  names: {plural: backups, kind: Backup}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {claim: {type: string}, schedule: {type: string}}}
`;
    const k = harness({ 'crd.yaml': crd, 'b1.yaml': 'apiVersion: statecraft.dev/v1\nkind: Backup\nmetadata:\n  name: b1\nspec:\n  claim: data\n  schedule: "@daily"\n' });
    await k.run('apply -f crd.yaml');
    k.settle();
    await k.run('apply -f b1.yaml');
    const r = await k.run('edit backup b1 --output-patch', (t) => t.replace('  schedule: \'@daily\'\n', '').replace('claim: data', 'claim: logs'));
    expect(r.stdout).toBe('Patch: {"spec":{"claim":"logs","schedule":null}}\nbackup.statecraft.dev/b1 edited\n');
    expect(r.patches[0]!.headers?.['content-type']).toBe('application/merge-patch+json');
  });
});
