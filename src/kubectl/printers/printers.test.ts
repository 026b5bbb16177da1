import { describe, expect, it } from 'vitest';
import { memoryFiles } from '../files.ts';
import { parseOutput, ObjectPrinter, PrintError, readTemplateFile, relaxedJsonPath } from './index.ts';
import { JsonPath } from './jsonpath.ts';
import { toJson } from './json.ts';
import { TablePrinter, type Table } from './table.ts';
import { TabWriter } from './tabwriter.ts';
import { compareKeys, formatNumber, toYaml } from './yaml.ts';

describe('toYaml (kubectl -o yaml: sigs.k8s.io/yaml over go-yaml v2)', () => {
  // Expected lines were printed by the real kubectl 1.32 for the same ConfigMap data.
  it('quotes strings exactly when go-yaml would', () => {
    const cases: [string, string][] = [
      ['3', '"3"'], ['true', '"true"'], ['on', '"on"'], ['y', '"y"'], ['NO', '"NO"'], ['null', '"null"'], ['~', '"~"'], ['', '""'],
      ['1.5', '"1.5"'], ['0x1F', '"0x1F"'], ['1e3', '"1e3"'], ['0755', '"0755"'], ['08', '"08"'], ['1_000', '"1_000"'],
      ['2025-01-01', '"2025-01-01"'], ['2025-01-01T10:00:00Z', '"2025-01-01T10:00:00Z"'], ['1:20', '"1:20"'], ['+1', '"+1"'],
      ['.5', '".5"'], ['.', '.'], ['nan', 'nan'], ['.nan', '".nan"'], ['-.inf', '"-.inf"'], ['<<', '<<'],
      ['foo: bar', "'foo: bar'"], ['a:b', 'a:b'], ['key:', "'key:'"], ['- x', "'- x'"], ['-', "'-'"], ['-x', '-x'], ['---', "'---'"],
      ['#x', "'#x'"], ['a #b', "'a #b'"], ['*', "'*'"], ['?x', '?x'], ['? x', "'? x'"], ['{x}', "'{x}'"], ["'q", "'''q'"], ['"q', '\'"q\''],
      ["it's", "it's"], [' lead', "' lead'"], ['trail ', "'trail '"], ['a\tb', '"a\\tb"'], ['bell\u0007', '"bell\\a"'],
      ['café ∑', 'café ∑'], ['smile 😀', '"smile \\U0001F600"'], ['a\\b', 'a\\b'],
    ];
    for (const [value, expected] of cases) expect(toYaml({ k: value }), JSON.stringify(value)).toBe(`k: ${expected}\n`);
  });

  it('writes multi-line strings as literal blocks with kubectl\'s chomping and indentation hints', () => {
    expect(toYaml({ k: 'line one\nline two' })).toBe('k: |-\n  line one\n  line two\n');
    expect(toYaml({ k: 'x\n' })).toBe('k: |\n  x\n');
    expect(toYaml({ k: 'x\n\n' })).toBe('k: |+\n  x\n\n');
    expect(toYaml({ k: '\nx' })).toBe('k: |2-\n\n  x\n');
    expect(toYaml({ k: 'x \ny' })).toBe('k: "x \\ny"\n');
  });

  it('folds long scalars at column 80, as go-yaml does', () => {
    const long = 'This is a fairly long configuration value that goes on and on past the eighty column limit of the YAML emitter so it must fold.';
    expect(toYaml({ data: { long } })).toBe(
      'data:\n  long: This is a fairly long configuration value that goes on and on past the eighty\n    column limit of the YAML emitter so it must fold.\n',
    );
  });

  it('sorts keys, indents maps and leaves lists unindented under their key', () => {
    const obj = { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }], args: [] }], b: {} }, apiVersion: 'v1', list: [[1, 2]], n: null, f: 0.5 };
    expect(toYaml(obj)).toBe(
      'apiVersion: v1\nf: 0.5\nlist:\n- - 1\n  - 2\n"n": null\nspec:\n  b: {}\n  containers:\n  - args: []\n    name: a\n    ports:\n    - containerPort: 80\n',
    );
  });

  it('orders keys as go-yaml\'s keyList does (numbers inside keys compared as numbers)', () => {
    expect(['a10', 'a9', 'a-b', 'ab', 'Z', '_x'].sort(compareKeys)).toEqual(['_x', 'Z', 'a-b', 'a9', 'a10', 'ab']);
  });

  it('formats numbers as Go does', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.25)).toBe('0.25');
    expect(formatNumber(1234567.5)).toBe('1.2345675e+06');
    expect(formatNumber(0.00001)).toBe('1e-05');
  });
});

describe('toJson (kubectl -o json)', () => {
  it('sorts keys, indents by four and escapes HTML characters', () => {
    expect(toJson({ b: ['<x>'], a: { c: 1, d: {} }, e: [] })).toBe(
      '{\n    "a": {\n        "c": 1,\n        "d": {}\n    },\n    "b": [\n        "\\u003cx\\u003e"\n    ],\n    "e": []\n}',
    );
    expect(toJson({ z: 1, a: '&' }, '')).toBe('{"a":"\\u0026","z":1}');
  });
});

describe('TabWriter', () => {
  it('pads columns to the widest cell plus three, minimum six', () => {
    let out = '';
    const tw = new TabWriter((t) => (out += t));
    tw.write('NAME\tAGE\nweb-0\t5s\nlonger-name\t10d\n');
    tw.flush();
    expect(out).toBe('NAME          AGE\nweb-0         5s\nlonger-name   10d\n');
  });

  it('remembers widths across flushes (get -w rows stay under the header)', () => {
    let out = '';
    const tw = new TabWriter((t) => (out += t));
    tw.write('NAME\tSTATUS\tAGE\nweb-0\tPending\t0s\n');
    tw.flush();
    tw.write('w\tRunning\t1s\n');
    tw.flush();
    expect(out).toBe('NAME    STATUS    AGE\nweb-0   Pending   0s\nw       Running   1s\n');
  });

  it('does not pad the last cell of a line', () => {
    let out = '';
    const tw = new TabWriter((t) => (out += t));
    tw.write('*\tkind-kind\t\n');
    tw.flush();
    expect(out).toBe('*     kind-kind   \n');
  });
});

const table: Table = {
  kind: 'Table',
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0 },
    { name: 'IP', type: 'string', priority: 1 },
  ],
  rows: [
    { cells: ['web-0', '1/1', '10.244.1.2'], object: { metadata: { namespace: 'default', labels: { app: 'web', tier: 'x' } } } },
    { cells: ['web-1', '0/1', null], object: { metadata: { namespace: 'default' } } },
  ],
};

describe('TablePrinter', () => {
  it('hides wide columns unless asked and upper-cases headers', () => {
    expect(new TablePrinter().print(table)).toBe('NAME\tREADY\nweb-0\t1/1\nweb-1\t0/1\n');
    expect(new TablePrinter({ wide: true }).print(table)).toBe('NAME\tREADY\tIP\nweb-0\t1/1\t10.244.1.2\nweb-1\t0/1\t\n');
  });

  it('adds NAMESPACE, label columns, LABELS and kind prefixes', () => {
    const printed = new TablePrinter({ withNamespace: true, columnLabels: ['app'], showLabels: true, kindPrefix: 'pod' }).print(table);
    expect(printed).toBe('NAMESPACE\tNAME\tREADY\tAPP\tLABELS\ndefault\tpod/web-0\t1/1\tweb\tapp=web,tier=x\ndefault\tpod/web-1\t0/1\t\t<none>\n');
  });

  it('prints nothing for an empty table and the header once for a column set', () => {
    const p = new TablePrinter();
    expect(p.print({ ...table, rows: [] })).toBe('');
    p.print(table);
    expect(p.print({ kind: 'Table', columnDefinitions: [], rows: [{ cells: ['web-2', '1/1', ''] }] })).toBe('web-2\t1/1\n');
  });
});

describe('JsonPath (client-go util/jsonpath)', () => {
  const list = { items: [{ metadata: { name: 'a', labels: { x: '1' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, { metadata: { name: 'b' }, status: {} }] };
  it('evaluates fields, wildcards, ranges, filters and literals', () => {
    expect(new JsonPath('{.items[*].metadata.name}').execute(list)).toBe('a b');
    expect(new JsonPath('{range .items[*]}{.metadata.name}{"\\n"}{end}').execute(list)).toBe('a\nb\n');
    expect(new JsonPath('{.items[0].metadata.labels}').execute(list)).toBe('{"x":"1"}');
    expect(new JsonPath('{.items[?(@.metadata.name=="b")].metadata.name}').execute(list)).toBe('b');
    expect(new JsonPath('{.items[0].status.conditions[?(@.type=="Ready")].status}').execute(list)).toBe('True');
    expect(new JsonPath('{.items[-1:].metadata.name}').execute(list)).toBe('b');
    expect(new JsonPath('{..name}').execute(list)).toBe('a b');
    expect(new JsonPath('{.items[*].metadata.missing}').execute(list)).toBe('');
    expect(new JsonPath('{.items[*].metadata.name}', true, true).execute(list)).toBe('[\n    "a",\n    "b"\n]\n');
  });

  it('reports template errors as client-go does', () => {
    expect(() => new JsonPath('{.items[0]')).toThrow('unclosed action');
    expect(() => new JsonPath('{.items[x]}')).toThrow('invalid array index x');
    expect(() => new JsonPath('{.items[5]}').execute(list)).toThrow('array index out of bounds: index 5, length 2');
  });
});

describe('ObjectPrinter and -o parsing', () => {
  it('accepts the output formats kubectl does and names the rest', () => {
    expect(parseOutput('jsonpath={.a}', undefined)).toEqual({ kind: 'jsonpath', template: '{.a}' });
    expect(() => parseOutput('foo', undefined)).toThrow('unable to match a printer suitable for the output format "foo"');
    expect(() => parseOutput('jsonpath', undefined)).toThrow('template format specified but no template given');
  });

  it('selects Go templates from -o and --template as PrintFlags does', () => {
    expect(parseOutput(undefined, '{{.a}}')).toEqual({ kind: 'go-template', template: '{{.a}}' });
    expect(parseOutput('template={{.a}}', undefined)).toEqual({ kind: 'go-template', template: '{{.a}}' });
    expect(parseOutput('go-template', '{{.a}}', undefined, false)).toEqual({ kind: 'go-template', template: '{{.a}}', allowMissingKeys: false });
    // With --template, -o must name the format alone.
    expect(() => parseOutput('go-template={{.a}}', '{{.b}}')).toThrow('unable to match a printer suitable for the output format "go-template={{.a}}"');
    expect(() => parseOutput('go-template={{.a', undefined)).toThrow('error parsing template {{.a, template: output:1: unclosed action');
  });

  it('reads go-template-file before anything else, and says when it cannot', async () => {
    const files = memoryFiles({ 't.tpl': '{{.kind}}' });
    const flags: Record<string, string> = { output: 'templatefile=t.tpl' };
    await readTemplateFile(flags, files);
    expect(flags).toEqual({ output: 'go-template', template: '{{.kind}}' });
    await expect(readTemplateFile({ output: 'go-template-file', template: 'nope.tpl' }, files)).rejects.toThrow('error reading --template nope.tpl, open nope.tpl: no such file or directory');
  });

  it('prints Go templates, and on failure keeps the output with kubectl\'s debugging help', () => {
    const obj = { kind: 'ConfigMap', data: { a: 'x' } };
    expect(new ObjectPrinter({ kind: 'go-template', template: '{{.kind}} {{.data.a}}' }).print(obj)).toBe('ConfigMap x');
    let error: unknown;
    try {
      new ObjectPrinter({ kind: 'go-template', template: 'A{{.data.a.b}}' }).print(obj);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrintError);
    expect((error as PrintError).message).toBe('error executing template "A{{.data.a.b}}": template: output:1:8: executing "output" at <.data.a.b>: can\'t evaluate field b in type interface {}');
    expect((error as PrintError).stdout).toBe(
      'AError executing template: template: output:1:8: executing "output" at <.data.a.b>: can\'t evaluate field b in type interface {}. Printing more information for debugging the template:\n' +
        '\ttemplate was:\n\t\tA{{.data.a.b}}\n\traw data was:\n\t\t{"data":{"a":"x"},"kind":"ConfigMap"}\n\tobject given to template engine was:\n\t\tmap[data:map[a:x] kind:ConfigMap]\n\n',
    );
  });

  it('prints custom columns from relaxed paths', () => {
    expect(relaxedJsonPath('metadata.name')).toBe('{.metadata.name}');
    const p = new ObjectPrinter({ kind: 'custom-columns', template: 'NAME:.metadata.name,L:.metadata.labels.x' });
    expect(p.print({ kind: 'List', items: [{ metadata: { name: 'a', labels: { x: '1' } } }, { metadata: { name: 'b' } }] })).toBe('NAME   L\na      1\nb      <none>\n');
  });

  it('separates YAML documents and drops managedFields', () => {
    const p = new ObjectPrinter({ kind: 'yaml' });
    expect(p.print({ kind: 'A', metadata: { name: 'x', managedFields: [] } })).toBe('kind: A\nmetadata:\n  name: x\n');
    expect(p.print({ kind: 'B' })).toBe('---\nkind: B\n');
  });
});
