// The KeyValueCluster teaching operator, with the real kubectl against
// `statecraft serve --operator keyvalue`: its CRD and Deployment, a custom resource and
// what the operator makes of it, failover when the primary's pod is deleted, scaling
// through the scale subresource, and the operator's log.
// The cluster runs at 20× real time; every step waits (off the record) for the operator
// to report the state it is after, so the transcript is the same on every run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, tokenise, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-operator-'));
const manifest = join(dir, 'kv.yaml');
writeFileSync(manifest, `apiVersion: kv.statecraft.dev/v1alpha1
kind: KeyValueCluster
metadata:
  name: kv
spec:
  members: 3
  storage: 1Gi
`);

beforeAll(async () => { cluster = await startServedCluster({ speed: 20, seed: 'operator', topology: { operators: ['keyvalue'] } }); }, 30_000);
afterAll(async () => { await cluster?.close(); });

/** Polls a jsonpath of kvc/kv until it reads `want` (off the record). */
async function until(jsonpath: string, want: string): Promise<void> {
  let got = '';
  for (let i = 0; i < 200; i++) {
    got = (await cluster.kubectl(['get', 'kvc', 'kv', '-o', `jsonpath=${jsonpath}`])).stdout;
    if (got === want) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${jsonpath} stayed ${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`);
}

suite('operators with the real kubectl', () => {
  it('KeyValueCluster: create, inspect, fail over, scale, read the log', async () => {
    const parts: string[] = [];
    parts.push(await transcript(cluster, [
      ['get', 'crd'],
      ['wait', '-n', 'keyvalue-system', '--for=condition=Available', 'deploy/keyvalue-operator', '--timeout=60s'],
      ['get', 'deploy,pods', '-n', 'keyvalue-system'],
      ['apply', '-f', manifest],
    ]));
    await until('{.status.phase}/{.status.readyMembers}', 'Running/3');
    parts.push(await transcript(cluster, [
      ['get', 'kvc'],
      ['get', 'sts,svc,cm,pods', '-l', 'app.kubernetes.io/instance=kv', '-L', 'role'],
      ['get', 'endpoints', 'kv-primary'],
      ['describe', 'kvc', 'kv'],
      ['exec', 'kv-0', '--', 'redis-cli', 'SET', 'greeting', 'hello'],
      ['exec', 'kv-1', '--', 'redis-cli', 'ROLE'],
      ['exec', 'kv-1', '--', 'redis-cli', 'SET', 'greeting', 'bye'],
    ]));
    // Replicas pull once a virtual second (50 ms of wall time at 20×).
    await new Promise((r) => setTimeout(r, 500));
    parts.push(await transcript(cluster, [
      ['delete', 'pod', 'kv-0'],
    ]));
    await until('{.status.phase}/{.status.primary}/{.status.readyMembers}', 'Running/kv-1/3');
    parts.push(await transcript(cluster, [
      ['get', 'kvc'],
      ['get', 'pods', '-l', 'app.kubernetes.io/instance=kv', '-L', 'role'],
      ['get', 'events', '--field-selector', 'reason=PrimaryChanged'],
      ['get', 'configmap', 'kv-config', '-o', 'jsonpath={.data.primary}{"\\n"}'],
      ['exec', 'kv-1', '--', 'redis-cli', 'GET', 'greeting'],
      ['exec', 'kv-0', '--', 'redis-cli', 'ROLE'],
      ['scale', 'kvc', 'kv', '--replicas=4'],
    ]));
    await until('{.status.members}/{.status.readyMembers}', '4/4');
    parts.push(await transcript(cluster, [
      ['get', 'kvc', '-o', 'wide'],
      ['get', 'sts', 'kv'],
    ]));
    // The operator's reconcile log (status updates follow the pods' timing: left out).
    const logs = await cluster.kubectl(['logs', '-n', 'keyvalue-system', 'deploy/keyvalue-operator']);
    expect(logs.code).toBe(0);
    const actions = logs.stdout.split('\n').filter((l) => l !== '' && !l.includes('\tUpdated status\t')).join('\n');
    parts.push(tokenise(`$ kubectl logs -n keyvalue-system deploy/keyvalue-operator | grep -v 'Updated status'\n${actions}\n`));
    parts.push(await transcript(cluster, [
      ['delete', 'kvc', 'kv'],
    ]));
    // `describe` prints the resourceVersion bare; lease renewals move it with the wall clock.
    const out = parts.join('\n').replace(/^( {2}Resource Version: +)\d+$/m, '$1<RV>');
    const g = golden('operator', out);
    expect(g.actual).toBe(g.expected);
  }, 120_000);
});
