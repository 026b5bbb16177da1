import { describe, expect, it } from 'vitest';
import { WorkerHost } from './host.ts';
import type { FromWorker } from './protocol.ts';

function host() {
  const sent: FromWorker[] = [];
  return { sent, host: new WorkerHost((m) => sent.push(m)) };
}

describe('WorkerHost', () => {
  it('announces itself with the protocol and Kubernetes versions', () => {
    const { sent, host: h } = host();
    h.start();
    expect(sent).toEqual([{ type: 'ready', protocol: 1, kubernetesVersion: 'v1.32' }]);
  });

  it('runs a terminal line and reports output then the exit status', async () => {
    const { sent, host: h } = host();
    await h.handle({ type: 'term.open', term: 't1', cols: 80, rows: 24 });
    await h.handle({ type: 'term.run', term: 't1', line: 'kubectl version --client' });
    expect(sent).toEqual([
      { type: 'term.output', term: 't1', data: 'Client Version: v1.32.5\r\nKustomize Version: v5.5.0\r\n' },
      { type: 'term.exit', term: 't1', code: 0 },
    ]);
  });

  it('answers API requests with a Kubernetes Status while no cluster is built in', async () => {
    const { sent, host: h } = host();
    await h.handle({ type: 'api', id: 7, request: { method: 'GET', path: '/api/v1/namespaces' } });
    expect(sent[0]).toMatchObject({ type: 'api.response', id: 7, response: { status: 503, body: { kind: 'Status', reason: 'ServiceUnavailable' } } });
  });

  it('sets the clock speed the page asks for, and only one it offers', async () => {
    const speeds: number[] = [];
    const h = new WorkerHost(() => undefined, undefined, { setSpeed: (speed) => speeds.push(speed) });
    for (const speed of [60, 1000, Number.NaN, -10, 10, 1]) await h.handle({ type: 'cluster.speed', speed });
    expect(speeds).toEqual([60, 10, 1]);
  });

  it('offers completions for the terminal that asked', async () => {
    const { sent, host: h } = host();
    await h.handle({ type: 'term.complete', id: 3, term: 't2', line: 'kubectl ver', cursor: 11 });
    expect(sent).toEqual([{ type: 'term.completions', id: 3, start: 8, candidates: ['version'] }]);
  });
});
