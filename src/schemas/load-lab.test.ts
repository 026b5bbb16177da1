import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
import { labJsonSchemas, LAB_SCHEMA_FILE, WRONG_SCHEMA_FILE } from './json-schema.ts';
import { parseLab, parseWrongAnswer, LabFormatError } from './load-lab.ts';

const minimal = (steps: string) => `id: demo\ntitle: Demo\nsummary: s\nestimatedMinutes: 5\nsteps:\n${steps}`;
const step = (checks: string) => `  - title: One\n    instructions: do it\n    checks:\n${checks}`;

function errorOf(text: string): string {
  try {
    parseLab(text, 'lab.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(LabFormatError);
    return (e as Error).message;
  }
  throw new Error('the lab parsed');
}

describe('parseLab', () => {
  it('accepts every lab in labs/', () => {
    const ids = readdirSync('labs').filter((id) => existsSync(`labs/${id}/lab.yaml`));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const lab = parseLab(readFileSync(`labs/${id}/lab.yaml`, 'utf8'), `labs/${id}/lab.yaml`);
      expect(lab.id).toBe(id);
      expect(lab.steps.every((s) => s.checks.length > 0)).toBe(true);
    }
  });

  it('points at the line and column of a misspelt key', () => {
    const text = minimal(`  - title: One\n    instructons: do it\n    checks:\n      - command: kubectl version\n`);
    expect(errorOf(text)).toMatch(/^lab\.yaml:7:5: steps\.0\.instructons: Unrecognized key/m);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(() => parseLab('id: [unclosed\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: /);
  });

  it('wants exactly one kind of check', () => {
    expect(errorOf(minimal(step('      - name: nothing\n')))).toMatch(/^lab\.yaml:9:9: steps\.0\.checks\.0: a check needs one of assert, absent, count or command$/m);
    expect(errorOf(minimal(step('      - command: kubectl version\n        absent: {apiVersion: v1, kind: Pod}\n'))))
      .toMatch(/a check has exactly one of assert, absent, count or command, not absent and command/);
  });

  it('keeps command options to command checks and asks counts for a number', () => {
    expect(errorOf(minimal(step('      - assert: {apiVersion: v1, kind: Pod}\n        stdout: x\n')))).toMatch(/steps\.0\.checks\.0\.stdout: stdout belongs to command checks/);
    expect(errorOf(minimal(step('      - count: {apiVersion: v1, kind: Pod}\n')))).toMatch(/steps\.0\.checks\.0\.expect: a count check needs expect/);
    expect(errorOf(minimal(step('      - count: {apiVersion: v1, kind: Pod}\n        expect: lots\n')))).toMatch(/expect: .*must be a count/);
  });

  it('checks operator strings where they are written', () => {
    const text = minimal(step('      - assert:\n          apiVersion: v1\n          kind: Pod\n          status:\n            restartCount: ">= many"\n'));
    expect(errorOf(text)).toMatch(/^lab\.yaml:13:27: steps\.0\.checks\.0\.assert\.status\.restartCount: ">= many" compares with a number or quantity/m);
    const regex = minimal(step('      - command: kubectl get pods\n        stdout: "([a-z"\n'));
    expect(errorOf(regex)).toMatch(/stdout is not a valid regular expression/);
  });

  it('needs checks in every step, and apiVersion and kind in every object', () => {
    expect(errorOf(minimal('  - title: One\n    instructions: do it\n'))).toMatch(/steps\.0\.checks: /);
    expect(errorOf(minimal(step('      - assert: {kind: Pod}\n')))).toMatch(/steps\.0\.checks\.0\.assert\.apiVersion: /);
  });

  it('lets checks share objects through merge keys', () => {
    const lab = parseLab(minimal(step('      - assert: &pod {apiVersion: v1, kind: Pod, metadata: {name: a}}\n      - assert:\n          <<: *pod\n          metadata: {name: b}\n')), 'lab.yaml');
    expect(lab.steps[0]!.checks[1]!.assert).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' } });
  });

  it('validates topology', () => {
    expect(errorOf(`topology:\n  workers: 3\n  nodeLabels:\n    node-1: {disk: ssd}\n${minimal(step('      - command: kubectl version\n'))}`))
      .toMatch(/topology\.nodeLabels\.node-1.*kind node name/);
  });
});

describe('parseWrongAnswer', () => {
  it('reads a known-wrong answer and locates its mistakes', () => {
    expect(parseWrongAnswer('description: d\nstep: 2\nmessage: m\n', 'wrong.yaml')).toEqual({ description: 'd', step: 2, message: 'm' });
    expect(() => parseWrongAnswer('description: d\nstep: 0\nmessage: m\n', 'wrong.yaml')).toThrow(/^wrong\.yaml:2:7: step: /);
  });
});

describe('the generated JSON Schema', () => {
  const schemas = labJsonSchemas();
  const ajv = new Ajv({ strict: false, allErrors: true });

  it('accepts every lab and every wrong answer in labs/', () => {
    const validLab = ajv.compile(schemas[LAB_SCHEMA_FILE] as object);
    const validWrong = ajv.compile(schemas[WRONG_SCHEMA_FILE] as object);
    for (const id of readdirSync('labs').filter((d) => existsSync(`labs/${d}/lab.yaml`))) {
      expect(validLab(parse(readFileSync(`labs/${id}/lab.yaml`, 'utf8'), { merge: true })), `${id}: ${ajv.errorsText(validLab.errors)}`).toBe(true);
      const wrongDir = `labs/${id}/wrong`;
      for (const w of existsSync(wrongDir) ? readdirSync(wrongDir) : []) {
        expect(validWrong(parse(readFileSync(`${wrongDir}/${w}/wrong.yaml`, 'utf8'))), `${id}/${w}`).toBe(true);
      }
    }
  });

  it('rejects a misspelt key, so the editor underlines it', () => {
    const validLab = ajv.compile(schemas[LAB_SCHEMA_FILE] as object);
    expect(validLab(parse(minimal(step('      - command: kubectl version\n')).replace('title: Demo', 'titel: Demo')))).toBe(false);
  });
});
