import { describe, expect, it } from 'vitest';
import { emptyProgress, exportProgress, importProgress, loadProgress, markPassed, PROGRESS_KEY, saveProgress, summarise, type KeyValueStore } from './progress.ts';

function memory(initial: Record<string, string> = {}): KeyValueStore & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => { data[k] = v; } };
}

const course = [
  { id: 'configmap-pod', title: 'ConfigMap', steps: 3 },
  { id: 'statefulset-basics', title: 'StatefulSets', steps: 4 },
];

describe('lab progress', () => {
  it('survives a reload through storage and counts the lab and the course', () => {
    const storage = memory();
    let p = loadProgress(storage);
    p = markPassed(markPassed(markPassed(p, 'configmap-pod', 2), 'configmap-pod', 1), 'configmap-pod', 2);
    expect(saveProgress(storage, p)).toBe(true);
    const again = loadProgress(storage);
    expect(again.labs).toEqual({ 'configmap-pod': { passed: [1, 2] } });
    expect(summarise(again, course, 'configmap-pod')).toEqual({
      lab: { passed: 2, total: 3 },
      course: { passed: 2, total: 7, labsDone: 0, labs: 2 },
    });
  });

  it('ignores steps a lab no longer has and starts empty from unreadable storage', () => {
    const p = markPassed(markPassed(emptyProgress(), 'configmap-pod', 9), 'configmap-pod', 1);
    expect(summarise(p, course, 'configmap-pod').lab).toEqual({ passed: 1, total: 3 });
    expect(loadProgress(memory({ [PROGRESS_KEY]: '{"labs": 3' })).labs).toEqual({});
    const broken: KeyValueStore = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(loadProgress(broken).labs).toEqual({});
    expect(saveProgress(broken, p)).toBe(false);
  });

  it('exports a file that imports back, merged with what is there', () => {
    const exported = exportProgress(markPassed(emptyProgress(), 'statefulset-basics', 4), new Date(Date.UTC(2026, 0, 2)));
    expect(JSON.parse(exported)).toEqual({ format: 'statecraft-progress', version: 1, exportedAt: '2026-01-02T00:00:00.000Z', labs: { 'statefulset-basics': { passed: [4] } } });
    const here = markPassed(emptyProgress(), 'configmap-pod', 1);
    const result = importProgress(here, exported, 'progress.json');
    expect(result).toMatchObject({ ok: true, message: 'Imported progress.json: 1 passed step in 1 lab.' });
    expect(result.progress.labs).toEqual({ 'configmap-pod': { passed: [1] }, 'statefulset-basics': { passed: [4] } });
  });

  it('refuses a bad file with a message that says what is wrong, keeping the progress', () => {
    const here = markPassed(emptyProgress(), 'configmap-pod', 1);
    expect(importProgress(here, 'not json', 'notes.txt')).toEqual({ ok: false, progress: here, message: 'Could not import notes.txt: the file is not JSON.' });
    const wrong = importProgress(here, JSON.stringify({ format: 'statecraft-progress', version: 1, labs: { 'configmap-pod': { passed: ['one'] } } }), 'p.json');
    expect(wrong).toMatchObject({ ok: false, progress: here });
    expect(wrong.message).toBe('Could not import p.json: it is not a Statecraft progress file: labs.configmap-pod.passed.0: Invalid input: expected number, received string.');
    expect(importProgress(here, '{"hello": 1}', 'x.json').message).toMatch(/^Could not import x\.json: it is not a Statecraft progress file: format: .*; version: .*; labs: /);
  });
});
