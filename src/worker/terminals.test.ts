/**
 * Several terminals on one page share the page's cluster, each with its own
 * shell: the StatefulSet Basics tutorial watches in one and applies in the other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createShimApi } from '../api/index.ts';
import { WorkerHost } from './host.ts';
import type { FromWorker } from './protocol.ts';

const webYaml = readFileSync('content/lessons/05-statefulsets-headless-services/web.yaml', 'utf8');

function twoTerminals() {
  const sent: FromWorker[] = [];
  const transport = createShimApi({ seed: 'two-terminals' });
  const host = new WorkerHost((m) => sent.push(m), transport);
  const output = (term: string) => sent.flatMap((m) => (m.type === 'term.output' && m.term === term ? [m.data] : [])).join('');
  const exits = (term: string) => sent.filter((m) => m.type === 'term.exit' && m.term === term);
  /** Lets the cluster live `ms` of virtual time, then lets the page's promises run. */
  const live = async (ms: number) => {
    for (let t = 0; t < ms; t += 500) {
      transport.cluster.runUntil(transport.cluster.clock.now() + 500);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { host, sent, output, exits, live };
}

/** The watch's rows as `NAME STATUS`, in the order they were printed. */
function rows(text: string): string[] {
  return text.split('\r\n').filter((l) => l.startsWith('web-')).map((l) => l.split(/\s+/).filter((_, i) => i === 0 || i === 2).join(' '));
}

describe('two terminals on one page', () => {
  it("shows in one terminal's watch the Pods that the other terminal's apply creates, in order", async () => {
    const { host, output, exits, live } = twoTerminals();
    await host.handle({ type: 'term.open', term: 'watch-1', cols: 100, rows: 20 });
    await host.handle({ type: 'term.open', term: 'main-2', cols: 100, rows: 20 });
    const watching = host.handle({ type: 'term.run', term: 'watch-1', line: 'kubectl get pods -w -l app=nginx' });
    await host.handle({ type: 'files.write', files: [{ path: 'web.yaml', text: webYaml }] });
    await host.handle({ type: 'term.run', term: 'main-2', line: 'kubectl apply -f web.yaml' });
    expect(output('main-2')).toBe('service/nginx created\r\nstatefulset.apps/web created\r\n');
    await live(60_000);

    const seen = rows(output('watch-1'));
    const at = (row: string) => seen.indexOf(row);
    for (const row of ['web-0 Pending', 'web-0 ContainerCreating', 'web-0 Running', 'web-1 Pending', 'web-1 Running', 'web-2 Pending', 'web-2 Running']) {
      expect(seen, row).toContain(row);
    }
    // OrderedReady: web-1 appears only once web-0 runs, web-2 once web-1 runs.
    expect(at('web-0 Pending')).toBeLessThan(at('web-0 ContainerCreating'));
    expect(at('web-0 ContainerCreating')).toBeLessThan(at('web-0 Running'));
    expect(at('web-0 Running')).toBeLessThan(at('web-1 Pending'));
    expect(at('web-1 Running')).toBeLessThan(at('web-2 Pending'));
    expect(exits('watch-1')).toEqual([]);

    // Ctrl-C in the other terminal (nothing running there) leaves the watch alone.
    await host.handle({ type: 'term.signal', term: 'main-2', signal: 'SIGINT' });
    await live(1000);
    expect(exits('watch-1')).toEqual([]);

    // The other terminal keeps working while the watch runs.
    await host.handle({ type: 'term.run', term: 'main-2', line: 'kubectl get pods -l app=nginx --no-headers -o custom-columns=NAME:.metadata.name' });
    expect(output('main-2')).toContain('web-0\r\nweb-1\r\nweb-2\r\n');

    // Ctrl-C in the watching terminal ends only its command.
    await host.handle({ type: 'term.signal', term: 'watch-1', signal: 'SIGINT' });
    await watching;
    expect(exits('watch-1')).toHaveLength(1);
    await host.handle({ type: 'term.run', term: 'watch-1', line: 'echo back' });
    expect(output('watch-1').endsWith('back\r\n')).toBe(true);
  });

  it('keeps shell state apart: a variable set in one terminal is unset in the other', async () => {
    const { host, output } = twoTerminals();
    await host.handle({ type: 'term.run', term: 'a', line: 'NAME=alpha; cd /tmp' });
    await host.handle({ type: 'term.run', term: 'b', line: 'echo "[$NAME]" $(pwd)' });
    await host.handle({ type: 'term.run', term: 'a', line: 'echo "[$NAME]" $(pwd)' });
    expect(output('b')).toBe('[] /home/learner\r\n');
    expect(output('a')).toBe('[alpha] /tmp\r\n');
  });
});
