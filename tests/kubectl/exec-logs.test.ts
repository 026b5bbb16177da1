import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { golden, kubectlPath, startServedCluster, tokenise, transcript, type ServedCluster } from './harness.ts';

const suite = kubectlPath || process.env.CI ? describe : describe.skip;

let cluster: ServedCluster;
const dir = mkdtempSync(join(tmpdir(), 'statecraft-exec-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - name: bb
    image: busybox:1.36
    command: ["sh", "-c", "echo started; sleep 3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: duo
spec:
  containers:
  - name: a
    image: busybox:1.36
    command: ["sh", "-c", "echo a is up; sleep 3600"]
  - name: b
    image: busybox:1.36
    command: ["sh", "-c", "echo b is up; sleep 3600"]
---
apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  containers:
  - name: app
    image: registry.example/no-such-image:1.0
`;

const COUNTER = `apiVersion: v1
kind: Pod
metadata:
  name: counter
spec:
  restartPolicy: Never
  containers:
  - name: count
    image: busybox:1.36
    command: ["sh", "-c", "echo one; sleep 1; echo two; sleep 1; echo three"]
`;

beforeAll(async () => { cluster = await startServedCluster(); }, 30_000);
afterAll(async () => { await cluster?.close(); });

suite('kubectl exec and logs against statecraft serve', () => {
  it('execs into running containers and reports exit codes and errors as kubectl does', async () => {
    const t = await transcript(cluster, [
      ['apply', '-f', file('pods.yaml', PODS)],
      ['wait', '--for=condition=Ready', 'pod/bb', 'pod/duo', '--timeout=60s'],
      ['exec', 'bb', '--', 'sh', '-c', 'echo hi'],
      ['exec', 'bb', '--', 'sh', '-c', 'nosuchcommand'],
      ['exec', 'bb', '--', 'sh', '-c', 'exit 3'],
      ['exec', 'duo', '--', 'sh', '-c', 'echo hi from the default container'],
      ['exec', 'duo', '-c', 'b', '--', 'sh', '-c', 'echo hi from b'],
      ['exec', 'bb', '-c', 'nope', '--', 'sh', '-c', 'echo hi'],
      ['exec', 'nope', '--', 'sh', '-c', 'echo hi'],
      ['exec', 'stuck', '--', 'sh', '-c', 'echo hi'],
    ]);
    const g = golden('exec', t);
    expect(g.actual).toBe(g.expected);
  }, 90_000);

  it('pipes stdin into the command with exec -i', async (ctx) => {
    await cluster.kubectl(['wait', '--for=condition=Ready', 'pod/bb', '--timeout=60s']);
    // The stand-in container runtime has no `cat`; this runs once the real one is in.
    const probe = await cluster.kubectl(['exec', 'bb', '--', 'sh', '-c', 'cat /dev/null']);
    if (probe.code !== 0) ctx.skip();
    const r = await cluster.kubectl(['exec', '-i', 'bb', '--', 'cat'], { stdin: 'hello from stdin\nsecond line\n' });
    expect(r).toEqual({ code: 0, stdout: 'hello from stdin\nsecond line\n', stderr: '' });
  }, 90_000);

  it('prints, follows and tails container logs', async () => {
    const setup = await transcript(cluster, [
      ['apply', '-f', file('counter.yaml', COUNTER)],
      ['wait', '--for=condition=Ready', 'pod/counter', '--timeout=60s'],
    ]);
    // Follows while the container prints, and returns when it exits.
    const follow = await cluster.kubectl(['logs', '-f', 'counter'], { timeoutMs: 20_000 });
    const t = await transcript(cluster, [
      ['logs', 'counter', '--tail=1'],
      ['logs', 'counter', '-c', 'count', '--tail=2'],
      ['logs', 'counter', '--previous'],
      ['wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/counter', '--timeout=60s'],
      ['exec', 'counter', '--', 'sh', '-c', 'echo hi'],
      ['logs', 'counter'],
      ['wait', '--for=condition=Ready', 'pod/bb', 'pod/duo', '--timeout=60s'],
      ['logs', 'bb'],
      ['logs', 'bb', '--timestamps'],
      ['logs', 'bb', '--since=1h'],
      ['logs', 'duo'],
      ['logs', 'duo', '-c', 'b'],
      ['logs', 'duo', '-c', 'b', '--prefix'],
      ['logs', 'duo', '-c', 'nope'],
      ['logs', 'nope'],
      ['wait', '--for=jsonpath={.status.containerStatuses[0].state.waiting.reason}=ImagePullBackOff', 'pod/stuck', '--timeout=60s'],
      ['logs', 'stuck'],
    ]);
    const g = golden('logs', `${setup}\n${tokenise(`$ kubectl logs -f counter\n${follow.stdout}${follow.stderr}${follow.code !== 0 ? `[exit ${follow.code}]\n` : ''}`)}\n${t}`);
    expect(g.actual).toBe(g.expected);
  }, 90_000);

  it('attaches to a running container, and kubectl run -i attaches or falls back to logs', async () => {
    const talker = file('talker.yaml', `apiVersion: v1
kind: Pod
metadata:
  name: talker
spec:
  restartPolicy: Never
  containers:
  - name: t
    image: busybox:1.36
    command: ["sh", "-c", "echo before attach; sleep 3; echo while attached; sleep 1; echo bye"]
`);
    const t = await transcript(cluster, [
      ['apply', '-f', talker],
      ['wait', '--for=condition=Ready', 'pod/talker', '--timeout=60s'],
      // What was printed before attaching is not replayed.
      ['attach', 'talker'],
      // Done before kubectl can attach: kubectl warns and prints the logs instead.
      ['run', 'quick', '-i', '--rm', '--restart=Never', '--image=busybox:1.36', '--', 'sh', '-c', 'echo hi from run'],
      ['run', 'slow', '-i', '--rm', '--restart=Never', '--image=busybox:1.36', '--', 'sh', '-c', 'sleep 3; echo hi from slow; exit 4'],
    ]);
    const g = golden('attach', t);
    expect(g.actual).toBe(g.expected);
  }, 90_000);

  it('discovers the API in two requests with aggregated discovery', async () => {
    const r = await cluster.kubectl(['get', 'pods', '-v=6', '--cache-dir', join(dir, 'fresh-cache')]);
    const requests = r.stderr.split('\n').filter((l) => l.includes('round_trippers')).map((l) => l.replace(/^.*\] (GET \S+) .*$/, '$1').replace(/https:\/\/[^/]+/, ''));
    expect(requests).toEqual(['GET /api?timeout=32s', 'GET /apis?timeout=32s', 'GET /api/v1/namespaces/default/pods?limit=500']);
  });
});
