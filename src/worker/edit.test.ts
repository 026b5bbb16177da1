/**
 * `kubectl edit` in a page terminal: the worker asks the page for its editor
 * panel (`ui.edit`), applies what comes back (`ui.edit.done`), and tells the
 * page to close the panel when Ctrl-C ends the command (`ui.edit.end`).
 */
import { describe, expect, it } from 'vitest';
import { createShimApi } from '../api/index.ts';
import { WorkerHost } from './host.ts';
import type { FromWorker } from './protocol.ts';

type EditMessage = Extract<FromWorker, { type: 'ui.edit' }>;

function page() {
  const sent: FromWorker[] = [];
  const host = new WorkerHost((m) => sent.push(m), createShimApi({ seed: 'edit' }));
  const output = () => sent.flatMap((m) => (m.type === 'term.output' ? [m.data] : [])).join('');
  /** The next `ui.edit` after the `n` already seen. */
  const opened = async (n: number): Promise<EditMessage> => {
    for (let i = 0; i < 100; i++) {
      const edits = sent.filter((m): m is EditMessage => m.type === 'ui.edit');
      if (edits.length > n) return edits[n]!;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    throw new Error(`no editor panel was asked for; the terminal shows:\n${output()}`);
  };
  const run = async (line: string) => {
    await host.handle({ type: 'term.run', term: 't1', line });
    return sent.filter((m) => m.type === 'term.exit').at(-1);
  };
  return { host, sent, output, opened, run };
}

describe('kubectl edit through the editor panel', () => {
  it('applies the saved text, and reopens an invalid one in a new file that Cancel leaves behind', async () => {
    const p = page();
    await p.host.handle({ type: 'term.open', term: 't1', cols: 200, rows: 24 });
    await p.run('kubectl create deployment web --image=nginx');

    const saving = p.run('kubectl edit deployment web');
    const first = await p.opened(0);
    expect(first).toMatchObject({ term: 't1', path: expect.stringMatching(/^\/tmp\/kubectl-edit-\d+\.yaml$/) });
    expect(first.yaml).toMatch(/^# Please edit the object below\./);
    await p.host.handle({ type: 'ui.edit.done', request: first.request, text: first.yaml.replace('\n  replicas: 1\n', '\n  replicas: 3\n') });
    expect(await saving).toMatchObject({ code: 0 });
    expect(p.output()).toContain('deployment.apps/web edited\r\n');

    const invalid = p.run('kubectl edit deployment web');
    const second = await p.opened(1);
    await p.host.handle({ type: 'ui.edit.done', request: second.request, text: second.yaml.replace('\n  replicas: 3\n', '\n  replicas: -1\n') });
    const third = await p.opened(2);
    expect(third.path).not.toBe(second.path);
    expect(third.yaml).toContain('# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
    // Cancel hands back the file as it was opened.
    await p.host.handle({ type: 'ui.edit.done', request: third.request, text: third.yaml });
    expect(await invalid).toMatchObject({ code: 1 });
    expect(p.output()).toContain(`A copy of your changes has been stored to "${third.path}"\r\nerror: Edit cancelled, no valid changes were saved.\r\n`);
    await p.run(`cat ${third.path}`);
    expect(p.output()).toContain('\r\n  replicas: -1\r\n');
    await p.run('kubectl get deploy web -o jsonpath={.spec.replicas}');
    expect(p.output().endsWith('3')).toBe(true);
  });

  it('closes the panel on Ctrl-C and ignores a late answer', async () => {
    const p = page();
    await p.host.handle({ type: 'term.open', term: 't1', cols: 200, rows: 24 });
    await p.run('kubectl create deployment web --image=nginx');
    const editing = p.run('kubectl edit deployment web');
    const edit = await p.opened(0);
    await p.host.handle({ type: 'term.signal', term: 't1', signal: 'SIGINT' });
    expect((await editing)?.type).toBe('term.exit');
    expect(p.sent).toContainEqual({ type: 'ui.edit.end', request: edit.request });
    await p.host.handle({ type: 'ui.edit.done', request: edit.request, text: edit.yaml.replace('\n  replicas: 1\n', '\n  replicas: 5\n') });
    await p.run('kubectl get deploy web -o jsonpath={.spec.replicas}');
    expect(p.output().endsWith('1')).toBe(true);
  });

  it('says so when the page has no editor panel', async () => {
    const p = page();
    await p.host.handle({ type: 'term.open', term: 't1', cols: 200, rows: 24 });
    await p.run('kubectl create deployment web --image=nginx');
    const editing = p.run('kubectl edit deployment web');
    const edit = await p.opened(0);
    await p.host.handle({ type: 'ui.edit.done', request: edit.request, error: 'this page has no editor panel for kubectl edit' });
    expect(await editing).toMatchObject({ code: 1 });
    expect(p.output()).toContain('error: this page has no editor panel for kubectl edit\r\n');
  });
});
