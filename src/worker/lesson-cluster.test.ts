import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createShimApi } from '../api/index.ts';
import { shimTopology } from '../runner/shim-backend.ts';
import type { LabTopology } from '../schemas/lab.ts';
import { WorkerHost } from './host.ts';
import type { FromWorker } from './protocol.ts';

function lessonHost() {
  const sent: FromWorker[] = [];
  const asked: (LabTopology | undefined)[] = [];
  const host = new WorkerHost((m) => sent.push(m), undefined, {
    defaultCluster: (topology) => { asked.push(topology); return createShimApi({ topology: shimTopology(topology) }); },
  });
  const output = () => sent.flatMap((m) => (m.type === 'term.output' ? [m.data] : [])).join('');
  return { host, asked, output };
}

describe("a lesson page's cluster", () => {
  it('runs the operators its frontmatter asks for (lesson 08: cluster.operators [keyvalue])', async () => {
    const { host, asked, output } = lessonHost();
    await host.handle({ type: 'cluster.topology', topology: { operators: ['keyvalue'] } });
    await host.handle({ type: 'term.run', term: 't', line: 'kubectl get crd -o name' });
    expect(asked).toEqual([{ operators: ['keyvalue'] }]);
    expect(output()).toContain('customresourcedefinition.apiextensions.k8s.io/keyvalueclusters.kv.statecraft.dev\r\n');
  });

  it('has the replicated StorageClass lesson 07 uses, from its own frontmatter', async () => {
    const text = readFileSync('content/lessons/07-node-failure-high-availability/index.mdx', 'utf8');
    const { cluster } = parse(/^---\n([\s\S]*?)\n---/.exec(text)![1]!) as { cluster: LabTopology };
    const { host, output } = lessonHost();
    await host.handle({ type: 'cluster.topology', topology: cluster });
    await host.handle({ type: 'term.run', term: 't', line: 'kubectl get storageclass replicated -o name' });
    expect(output()).toContain('storageclass.storage.k8s.io/replicated\r\n');
  });

  it('is plain kind when the lesson asks for nothing', async () => {
    const { host, asked, output } = lessonHost();
    await host.handle({ type: 'term.run', term: 't', line: 'kubectl get crd' });
    expect(asked).toEqual([undefined]);
    expect(output()).toContain('No resources found');
  });
});
