import { describe, expect, it } from 'vitest';
import { MAX_COMMAND_LINES, parseCommands, parseManifests } from './manifests.ts';

describe('parseManifests', () => {
  it('reads YAML streams, JSON and kind: List, numbering documents', () => {
    const yaml = parseManifests({ path: 'web.yaml', text: 'apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n' });
    expect(yaml.problems).toEqual([]);
    expect(yaml.objects.map((o) => o.source)).toEqual(['web.yaml#1', 'web.yaml#3']);
    const json = parseManifests({ path: 'cm.json', text: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}' });
    expect(json.objects).toHaveLength(1);
    const list = parseManifests({ path: 'list.yaml', text: 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: y}}\n' });
    expect(list.objects.map((o) => `${o.source} ${o.object.metadata?.name}`)).toEqual(['list.yaml item 1 x', 'list.yaml item 2 y']);
  });

  it('reports YAML errors with line and column', () => {
    const r = parseManifests({ path: 'bad.yaml', text: 'apiVersion: v1\nkind: [Service\n' });
    expect(r.objects).toEqual([]);
    expect(r.problems[0]).toMatch(/^bad\.yaml:\d+:\d+: /);
  });

  it('refuses what is not an object', () => {
    expect(parseManifests({ path: 'a.yaml', text: 'just text\n' }).problems).toEqual(['a.yaml: not a Kubernetes object (a string)']);
    expect(parseManifests({ path: 'a.yaml', text: 'metadata: {name: x}\n' }).problems).toEqual(['a.yaml: not a Kubernetes object: apiVersion and kind are not set']);
    expect(parseManifests({ path: 'a.yaml', text: 'PK\u0003\u0004\u0000\u0000binary' }).problems).toEqual(['a.yaml: a binary file, not a manifest']);
  });

  it('survives an alias bomb', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    const r = parseManifests({ path: 'bomb.yaml', text: `${bomb}\n` });
    expect(r.objects).toEqual([]);
    expect(r.problems[0]).toMatch(/^bomb\.yaml: /);
  });
});

describe('parseCommands', () => {
  it('drops comments and blank lines, joins continuations, numbers lines', () => {
    const r = parseCommands({ path: 'commands.sh', text: '#!/bin/sh\n# write pages\n\nkubectl exec web-0 -- \\\n  sh -c "echo hi"\nkubectl get pods\n' });
    expect(r.lines).toEqual([
      { source: 'commands.sh:4', line: 'kubectl exec web-0 --   sh -c "echo hi"' },
      { source: 'commands.sh:6', line: 'kubectl get pods' },
    ]);
  });

  it('caps the number of lines', () => {
    const r = parseCommands({ path: 'commands.sh', text: 'kubectl get pods\n'.repeat(MAX_COMMAND_LINES + 5) });
    expect(r.lines).toHaveLength(MAX_COMMAND_LINES);
    expect(r.problems[0]).toMatch(/only the first 200 are run/);
  });
});
