import { describe, expect, it } from 'vitest';
import { fieldRange, objectRange, parseFieldPath, splitSourceDocuments } from './field-positions.ts';

const FILE = `apiVersion: v1
kind: Service
metadata:
  name: nginx
---
# the StatefulSet
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicaz: 2
  template:
    spec:
      containers:
      - name: nginx
        imagee: nginx:1.27
      - name: sidecar
        image: busybox
`;

const docs = splitSourceDocuments(FILE);
const web = docs[1]!;
/** `line:col-line:col` for readable expectations. */
const where = (path: string) => {
  const r = fieldRange(web, path);
  return `${r.startLineNumber}:${r.startColumn}-${r.endLineNumber}:${r.endColumn}`;
};

describe('field positions', () => {
  it('splits documents where kubectl does and remembers their first lines', () => {
    expect(docs.map((d) => d.firstLine)).toEqual([1, 6]);
    expect(splitSourceDocuments('---\na: 1\n---\n---\nb: 2\n').map((d) => d.firstLine)).toEqual([2, 5]);
  });

  it('reads both path spellings', () => {
    expect(parseFieldPath('spec.template.spec.containers[0].image')).toEqual([
      { key: 'spec' }, { key: 'template' }, { key: 'spec' }, { key: 'containers' }, { index: 0 }, { key: 'image' },
    ]);
    expect(parseFieldPath('metadata.labels[app.kubernetes.io/name]')).toEqual([{ key: 'metadata' }, { key: 'labels' }, { key: 'app.kubernetes.io/name' }]);
  });

  it('finds a strict-decoding unknown field in the second document', () => {
    expect(where('spec.replicaz')).toBe('14:3-14:14');
    expect(where('spec.template.spec.containers[0].imagee')).toBe('19:9-19:27');
  });

  it('finds list items by index and map keys with dots', () => {
    expect(where('spec.template.spec.containers[1].image')).toBe('21:9-21:23');
    expect(where('metadata.labels[app.kubernetes.io/name]')).toBe('12:5-12:32');
    expect(where('metadata.labels.app.kubernetes.io/name')).toBe('12:5-12:32');
  });

  it('falls back to the deepest field that exists', () => {
    // `spec.selector: Required value`: the selector is missing, spec is where it belongs.
    expect(fieldRange(web, 'spec.selector').startLineNumber).toBe(13);
    expect(fieldRange(web, 'spec.template.spec.containers[5].image').startLineNumber).toBe(17);
  });

  it('puts whole-object errors on the kind line', () => {
    expect(objectRange(web).startLineNumber).toBe(8);
    expect(objectRange({ text: 'foo: bar\n', firstLine: 3 }).startLineNumber).toBe(3);
  });

  it('does not choke on hostile documents', () => {
    const deep = `${'['.repeat(1000)}${']'.repeat(1000)}\n`;
    expect(fieldRange({ text: deep, firstLine: 1 }, 'spec.replicas').startLineNumber).toBe(1);
    const bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nspec:\n  replicas: *c\n';
    expect(fieldRange({ text: bomb, firstLine: 1 }, 'spec.replicas').startLineNumber).toBe(5);
  });
});
