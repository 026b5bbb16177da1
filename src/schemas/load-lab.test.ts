import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { parseLab, LabFormatError } from './load-lab.ts';

describe('parseLab', () => {
  it('accepts every lab in labs/', () => {
    const ids = readdirSync('labs');
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const lab = parseLab(readFileSync(`labs/${id}/lab.yaml`, 'utf8'), `labs/${id}/lab.yaml`);
      expect(lab.id).toBe(id);
    }
  });

  it('points at the line of a misspelt key', () => {
    const text = 'id: demo\ntitle: Demo\nsummary: s\nestimatedMinutes: 5\nsteps:\n  - title: One\n    instructons: do it\n';
    expect(() => parseLab(text, 'lab.yaml')).toThrow(LabFormatError);
    try { parseLab(text, 'lab.yaml'); } catch (e) {
      expect((e as Error).message).toMatch(/^lab\.yaml:6:\d+: steps\.0/m);
      expect((e as Error).message).toContain('instructons');
    }
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(() => parseLab('id: [unclosed\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: /);
  });
});
