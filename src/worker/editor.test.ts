import { describe, expect, it } from 'vitest';
import { createShimApi } from '../api/index.ts';
import { EditorService } from './editor.ts';

const WEB = (spec: string) => `apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
${spec}
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
        image: registry.k8s.io/nginx-slim:0.21
`;

function editor() {
  const transport = createShimApi({ seed: 'editor' });
  return new EditorService(() => transport);
}
const file = (text: string) => ({ path: 'web.yaml', text });
const at = (m: { startLineNumber: number; startColumn: number; message: string }) => `${m.startLineNumber}:${m.startColumn} ${m.message}`;

describe('the editor workbench in the worker', () => {
  it('puts a strict-decoding unknown field on its line and applies nothing of that document', async () => {
    const r = await editor().run('apply', file(WEB('  replicaz: 2')));
    expect(r.code).toBe(1);
    expect(r.output).toContain('service/nginx created');
    expect(r.output).toContain('unknown field "spec.replicaz"');
    expect(r.markers.map(at)).toEqual(['16:3 unknown field "spec.replicaz"']);
  });

  it('puts validation causes on the field the server names', async () => {
    const r = await editor().run('apply', file(WEB('  replicas: -1')));
    expect(r.markers.map(at)).toEqual(['16:3 spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  });

  it('applies a good file, then diffs a change against the live objects', async () => {
    const e = editor();
    const applied = await e.run('apply', file(WEB('  replicas: 2')));
    expect(applied).toMatchObject({ code: 0, markers: [] });
    expect(applied.output).toBe('service/nginx created\nstatefulset.apps/web created\n');
    expect((await e.run('diff', file(WEB('  replicas: 2')))).code).toBe(0);
    const diff = await e.run('diff', file(WEB('  replicas: 3')));
    expect(diff.code).toBe(1);
    expect(diff.output).toMatch(/^diff -u -N \/tmp\/LIVE-\d+\/apps\.v1\.StatefulSet\.default\.web \/tmp\/MERGED-\d+\/apps\.v1\.StatefulSet\.default\.web$/m);
    expect(diff.output).toContain('-  replicas: 2\n+  replicas: 3\n');
  });

  it('marks YAML syntax errors and unknown kinds without a server round trip failing the page', async () => {
    const r = await editor().run('validate', file('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: y\n---\na: [1, 2\n'));
    expect(r.markers.map((m) => m.startLineNumber)).toEqual([7, 12]); // the unclosed flow sequence is reported where the input ends
    expect(r.markers[0]!.message).toContain('no matches for kind "Frobnicator" in version "v1"');
  });

  it('survives hostile input with clear messages', async () => {
    const e = editor();
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 12 }, (_, i) => `  b${i}: &b${i} [${Array(10).fill(i === 0 ? '*a' : `*b${i - 1}`).join(',')}]`).join('\n')}\n`;
    const r = await e.run('apply', file(bomb));
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/alias/i);
    expect(r.markers.length).toBeGreaterThan(0);

    const deep = await e.run('validate', file(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: ${'['.repeat(1000)}${']'.repeat(1000)}\n`));
    expect(deep.markers.length).toBeGreaterThan(0);

    const many = Array.from({ length: 500 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`).join('---\n');
    const validated = await e.run('validate', file(many));
    expect(validated.markers.map((m) => m.message)).toEqual(['only the first 200 documents are checked in the editor']);

    const huge = await e.run('apply', file('#'.repeat(1_000_001)));
    expect(huge.output).toMatch(/at most 1000000/);
  });
});
