/**
 * A lab check on a shared cluster is only as good as each scenario's cleanup:
 * a scenario that leaves something behind cannot be trusted, and says why.
 */
import { describe, expect, it } from 'vitest';
import { loadLabBundle } from '../runner-node/files.ts';
import { checkLab, type Backend } from './lab-check.ts';
import { shimBackend } from './shim-backend.ts';

describe('lab check', () => {
  it('fails a scenario whose cleanup did not finish, with the reason', async () => {
    const shim = shimBackend();
    const leaky: Backend = {
      description: 'leaky',
      async fresh(lab, scenario) {
        const { client } = await shim.fresh(lab, scenario);
        return {
          client,
          dispose: async () => {
            if (scenario === 'solution' || scenario === 'wrong/wrong-mode') throw new Error('cleanup did not finish in time: waiting for PersistentVolume pv-data deleted');
          },
        };
      },
    };
    const report = await checkLab(loadLabBundle('labs/configmap-pod'), leaky);
    const solution = report.scenarios.find((s) => s.name === 'solution')!;
    expect(report.passed).toBe(false);
    expect(solution.passed).toBe(false);
    expect(solution.message).toBe('passes every step but has problems: cleaning up after solution: cleanup did not finish in time: waiting for PersistentVolume pv-data deleted');
    expect(report.scenarios.find((s) => s.name === 'wrong/wrong-mode')).toMatchObject({ passed: false, message: expect.stringMatching(/^fails step \d with ".*", but cleaning up after wrong\/wrong-mode: cleanup did not finish in time/) });
    expect(report.scenarios.filter((s) => s.name !== 'solution' && s.name !== 'wrong/wrong-mode').every((s) => s.passed)).toBe(true);
  });
});
