import { describe, expect, it } from 'vitest';
import type { GoValue } from './go-fmt.ts';
import { GoTemplate, TemplateExecError, TemplateParseError } from './go-template.ts';

// Expected texts below were taken from kubectl 1.32 (`kubectl get … --template`) against the same objects.

const CM: GoValue = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'default', labels: { app: 'web', tier: 'db' }, creationTimestamp: null },
  data: { a: '1', password: 'aHVudGVyMg==' },
};
const DEPLOY: GoValue = { kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, ratio: 1.5 }, status: {} };
const LIST: GoValue = { kind: 'List', items: [{ metadata: { name: 'a' }, status: { readyReplicas: 2 } }, { metadata: { name: 'b' }, status: {} }] };

function run(template: string, data: GoValue = CM, missingKeyError = false): string {
  let out = '';
  new GoTemplate(template).execute(data, (t) => (out += t), { missingKeyError });
  return out;
}

function parseError(template: string): string {
  try {
    new GoTemplate(template);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateParseError);
    return (error as Error).message;
  }
  throw new Error(`${template} parsed`);
}

function execError(template: string, data: GoValue = CM): { message: string; output: string } {
  let output = '';
  try {
    new GoTemplate(template).execute(data, (t) => (output += t));
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateExecError);
    return { message: (error as Error).message, output };
  }
  throw new Error(`${template} ran`);
}

describe('Go templates: text and fields', () => {
  it('prints fields, chained fields, maps and missing keys as text/template does', () => {
    expect(run('name={{.metadata.name}} ns={{ .metadata.namespace }}')).toBe('name=c ns=default');
    expect(run('{{.metadata.labels}}')).toBe('map[app:web tier:db]');
    expect(run('{{.nope}}|{{.metadata.nope}}|{{.a.b.c}}')).toBe('<no value>|<no value>|<no value>');
    // A JSON null is no value too.
    expect(run('{{.metadata.creationTimestamp}}')).toBe('<no value>');
  });

  it('prints whole JSON numbers as int64 and others as float64', () => {
    expect(run('{{.spec.replicas}} {{printf "%d %v %T" .spec.replicas .spec.replicas .spec.replicas}}', DEPLOY)).toBe('3 3 3 int64');
    expect(run('{{.spec.ratio}} {{printf "%d|%T" .spec.ratio .spec.ratio}}', DEPLOY)).toBe('1.5 %!d(float64=1.5)|float64');
  });

  it('trims around {{- and -}} and drops comments', () => {
    expect(run('a  \n {{- .metadata.name -}} \n  b')).toBe('acb');
    expect(run('x {{- /* gone */ -}} y{{/* also */}}')).toBe('xy');
    expect(run('{{-3}} {{- 3}}')).toBe('-33');
  });

  it('reads literals with Go escapes, raw strings, runes and numbers', () => {
    expect(run('{{"a\\tb\\n"}}{{`raw\\n`}}{{"\\x41\\u00e9"}}')).toBe('a\tb\nraw\\nAé');
    expect(run("{{1.5}} {{1e6}} {{0x1F}} {{'a'}} {{-0}} {{1_000}} {{true}}")).toBe('1.5 1e+06 31 97 0 1000 true');
  });
});

describe('Go templates: control structures', () => {
  it('ranges over lists and over maps in key order, with variables and else', () => {
    expect(run('{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}', LIST)).toBe('a\nb\n');
    expect(run('{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}')).toBe('app=web;tier=db;');
    expect(run('{{range $i, $e := .items}}{{$i}}:{{$e.metadata.name}} {{end}}', LIST)).toBe('0:a 1:b ');
    expect(run('{{range .nope}}x{{else}}empty{{end}}')).toBe('empty');
  });

  it('supports break and continue inside range only', () => {
    expect(run('{{range .items}}{{if .status.readyReplicas}}{{continue}}{{end}}{{.metadata.name}}{{end}}', LIST)).toBe('b');
    expect(run('{{range .items}}{{.metadata.name}}{{break}}{{end}}', LIST)).toBe('a');
    expect(parseError('{{break}}')).toBe('template: output:1: {{break}} outside {{range}}');
  });

  it('chooses with if / else if / else and with / else with', () => {
    const t = '{{range .items}}{{if .status.readyReplicas}}{{.metadata.name}} ready{{else}}{{.metadata.name}} not{{end}};{{end}}';
    expect(run(t, LIST)).toBe('a ready;b not;');
    expect(run('{{if eq .kind "Pod"}}pod{{else if eq .kind "ConfigMap"}}cm{{else}}?{{end}}')).toBe('cm');
    expect(run('{{with .nope}}a{{else with .data}}b{{.a}}{{end}}')).toBe('b1');
  });

  it('keeps variables to their scope and assigns with =', () => {
    expect(run('{{$x := 1}}{{$x = 2}}{{$x}}')).toBe('2');
    expect(run('{{with $n := .metadata.name}}{{$n}}{{.}}{{end}}')).toBe('cc');
    expect(parseError('{{if $x := .kind}}{{end}}{{$x}}')).toBe('template: output:1: undefined variable "$x"');
  });

  it('defines and calls templates, and blocks', () => {
    expect(run('{{define "x"}}X{{.kind}}{{end}}{{template "x" .}}|{{block "y" .metadata}}{{.name}}{{end}}')).toBe('XConfigMap|c');
  });
});

describe('Go templates: functions', () => {
  it('has kubectl base64decode and exists', () => {
    expect(run('{{.data.password | base64decode}}')).toBe('hunter2');
    expect(run('{{exists . "data" "a"}} {{exists . "data" "b"}}')).toBe('true false');
    expect(execError('{{.data.a | base64decode}}').message).toBe('template: output:1:12: executing "output" at <base64decode>: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0');
  });

  it('indexes maps, lists and strings, slices and measures them', () => {
    expect(run('{{index .metadata.labels "app"}}|{{index .metadata "nope"}}|{{index .items 1 "metadata" "name"}}', { ...(CM as object), items: [{}, { metadata: { name: 'b' } }] })).toBe('web|<no value>|b');
    expect(run('{{len .items}}', LIST)).toBe('2');
    expect(run('{{len .metadata.labels}} {{len "héllo"}}')).toBe('2 6');
    expect(run('{{slice "hello" 1 3}}|{{slice .metadata.name 0}}')).toBe('el|c');
  });

  it('formats with print, printf and println as fmt does', () => {
    expect(run('{{printf "%s\\t%v\\n" .metadata.name .spec.replicas}}', DEPLOY)).toBe('web\t3\n');
    expect(run('{{printf "%d %5s|%-4s|%q %x %t %v" 3 "ab" "c" "q" "hi" true .metadata.labels}}')).toBe('3    ab|c   |"q" 6869 true map[app:web tier:db]');
    expect(run('{{printf "%5.1f|%c|%05d|%+d|%q|%e|%g|%X|%U|%8.3s" 2.25 65 42 7 1 1234.5678 0.00001234 255 9731 "abcdef"}}')).toBe("  2.2|A|00042|+7|'\\x01'|1.234568e+03|1.234e-05|FF|U+2603|     abc");
    expect(run('{{printf "%d %d" 1}}|{{printf "%d" 1 2}}|{{printf "%s" nil}}')).toBe('1 %!d(MISSING)|1%!(EXTRA int=2)|%!s(<nil>)');
    expect(run('{{print 1 2 "a" 3 nil .missing}}|{{println 1 "a"}}')).toBe('1 2a3 <nil> <nil>|1 a\n');
  });

  it('compares with Go’s type rules', () => {
    expect(run('{{eq .kind "ConfigMap" "x"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}} {{eq .missing "x"}} {{eq .a .b}}')).toBe('true true true true true false false true');
    expect(execError('{{eq 1.5 1}}').message).toBe('template: output:1:2: executing "output" at <eq 1.5 1>: error calling eq: incompatible types for comparison');
    expect(execError('{{lt .missing 1}}').message).toBe('template: output:1:2: executing "output" at <lt .missing 1>: error calling lt: invalid type for comparison');
    expect(execError('{{eq .data .data}}').message).toBe('template: output:1:2: executing "output" at <eq .data .data>: error calling eq: non-comparable type map[a:1 password:aHVudGVyMg==]: map[string]interface {}');
  });

  it('short-circuits and/or and negates with not', () => {
    expect(run('{{and 1 0 2}}|{{or 0 "" "z"}}|{{and .data .kind}}|{{or .nope .kind}}|{{not .missing}}')).toBe('0|z|ConfigMap|ConfigMap|true');
  });

  it('escapes for html, js and URLs', () => {
    expect(run('{{html "<a&b>"}} {{js "it\'s <x>"}} {{urlquery "a b&c"}}')).toBe("&lt;a&amp;b&gt; it\\'s \\u003Cx\\u003E a+b%26c");
  });
});

describe('Go templates: errors in text/template words', () => {
  it('reports parse errors with the line', () => {
    expect(parseError('{{.x')).toBe('template: output:1: unclosed action');
    expect(parseError('{{.x}')).toBe("template: output:1: bad character U+007D '}'");
    expect(parseError('{{ "a" | upper }}')).toBe('template: output:1: function "upper" not defined');
    expect(parseError('{{end}}')).toBe('template: output:1: unexpected {{end}}');
    expect(parseError('a\n{{if .a}}')).toBe('template: output:2: unexpected EOF');
    expect(parseError('{{.a | 1}}')).toBe('template: output:1: non executable command in pipeline stage 2');
    expect(parseError('{{"abc}}')).toBe('template: output:1: unterminated quoted string');
    expect(parseError('{{(.a}}')).toBe('template: output:1: unclosed left paren');
    expect(parseError('{{.a)}}')).toBe('template: output:1: unexpected right paren');
    expect(parseError('{{/* x */ }}')).toBe('template: output:1: comment ends before closing delimiter');
    expect(parseError('{{#}}')).toBe('template: output:1: unexpected "#" in command');
    expect(parseError('{{}}')).toBe('template: output:1: missing value for command');
    expect(parseError('{{12a}}')).toBe('template: output:1: bad number syntax: "12a"');
    expect(parseError("{{'ab'}}")).toBe("template: output:1: malformed character constant: 'ab'");
    expect(parseError('{{$x=1}}')).toBe("template: output:1: bad character U+003D '='");
    // An action left open across lines says where it began.
    expect(parseError('a\n{{.x\n')).toBe('template: output:3: unclosed action started at output:2');
    expect(parseError('{{.x\n"abc')).toBe('template: output:2: unterminated quoted string in action started at output:1');
  });

  it('reports execution errors at the node, keeping the output so far', () => {
    expect(execError('A{{.data.a.b}}')).toEqual({ output: 'A', message: 'template: output:1:8: executing "output" at <.data.a.b>: can\'t evaluate field b in type interface {}' });
    expect(execError('{{.metadata.creationTimestamp.x}}').message).toBe('template: output:1:11: executing "output" at <.metadata.creationTimestamp.x>: nil pointer evaluating interface {}.x');
    expect(execError('{{with .metadata.name}}{{.x}}{{end}}').message).toBe('template: output:1:25: executing "output" at <.x>: can\'t evaluate field x in type string');
    expect(execError('{{.a .b}}').message).toBe('template: output:1:2: executing "output" at <.a>: a is not a method but has arguments');
    expect(execError('{{and 1}}|{{and}}').message).toBe('template: output:1:12: executing "output" at <and>: wrong number of args for and: want at least 1 got 0');
    expect(execError('{{len .nope}}').message).toBe('template: output:1:2: executing "output" at <len .nope>: error calling len: reflect: call of reflect.Value.Type on zero Value');
    expect(execError('{{.nope | base64decode}}').message).toBe('template: output:1:10: executing "output" at <base64decode>: invalid value; expected string');
    expect(execError('{{base64decode 1}}').message).toBe('template: output:1:15: executing "output" at <1>: expected string; found 1');
    expect(execError('{{range 3}}{{end}}').message).toBe('template: output:1:8: executing "output" at <3>: range can\'t iterate over 3');
    expect(execError('{{template "x"}}').message).toBe('template: output:1:11: executing "output" at <{{template "x"}}>: template "x" not defined');
    expect(execError('{{call .data}}').message).toBe('template: output:1:2: executing "output" at <call .data>: error calling call: non-function .data of type map[string]interface {}');
    expect(execError('{{index "abc" 3}}').message).toBe('template: output:1:2: executing "output" at <index "abc" 3>: error calling index: reflect: string index out of range');
    expect(execError('{{$y = 2}}').message).toBe('template: output:1:7: executing "output" at <2>: undefined variable: $y');
  });

  it('fails on a missing key when missing keys are not allowed', () => {
    expect(() => run('{{.nope}}', CM, true)).toThrow('template: output:1:2: executing "output" at <.nope>: map has no entry for key "nope"');
  });
});
