import { describe, expect, it } from 'vitest';
import type { TerminalIO } from '../io.ts';
import { testCluster } from './test-cluster.ts';

const PODS = `apiVersion: v1
kind: Pod
metadata:
  name: duo
  labels: {app: duo}
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
  name: counter
spec:
  restartPolicy: Never
  containers:
  - name: count
    image: busybox:1.36
    command: ["sh", "-c", "echo one; sleep 2; echo two; sleep 2; echo three"]
`;

describe('kubectl logs', () => {
  it('defaults the container with a notice, and honours -c, --all-containers, --prefix and -l', async () => {
    const c = testCluster({ 'pods.yaml': PODS });
    await c.run('apply -f pods.yaml');
    c.settle();
    expect(await c.run('logs duo')).toEqual({ code: 0, stdout: 'a is up\n', stderr: 'Defaulted container "a" out of: a, b\n' });
    expect((await c.run('logs duo -c b')).stdout).toBe('b is up\n');
    expect((await c.run('logs duo b')).stdout).toBe('b is up\n');
    expect((await c.run('logs duo --all-containers --prefix')).stdout).toBe('[pod/duo/a] a is up\n[pod/duo/b] b is up\n');
    expect((await c.run('logs -l app=duo --all-containers')).stdout).toBe('a is up\nb is up\n');
    expect(await c.run('logs duo -c zz')).toEqual({ code: 1, stdout: '', stderr: 'error: container zz is not valid for pod duo\n' });
    expect((await c.run('logs nope')).stderr).toBe('error: error from server (NotFound): pods "nope" not found in namespace "default"\n');
    expect((await c.run('logs cm/kube-root-ca.crt')).stderr).toBe('error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented\n');
    expect((await c.run('logs')).stderr).toContain("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n");
    expect(await c.run('logs -l app=none')).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
  });

  it('follows a container until it ends, as virtual time passes', async () => {
    const c = testCluster({ 'pods.yaml': PODS });
    await c.run('apply -f pods.yaml');
    c.transport.cluster.runUntil(c.transport.cluster.clock.now() + 1500);
    const r = await c.runWhileTimePasses('logs -f counter', 30);
    expect(r).toEqual({ code: 0, stdout: 'one\ntwo\nthree\n', stderr: '' });
  });
});

describe('kubectl exec', () => {
  it('runs a command, passing output and the exit code through', async () => {
    const c = testCluster({ 'pods.yaml': PODS });
    await c.run('apply -f pods.yaml');
    c.settle();
    expect(await c.run(['exec', 'duo', '-c', 'b', '--', 'sh', '-c', 'echo hi'])).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
    expect(await c.run(['exec', 'duo', '--', 'sh', '-c', 'echo oops >&2; exit 3'])).toEqual({ code: 3, stdout: '', stderr: 'Defaulted container "a" out of: a, b\noops\ncommand terminated with exit code 3\n' });
    expect((await c.run(['exec', 'duo', '-c', 'nope', '--', 'true'])).stderr).toBe('Error from server (BadRequest): container nope is not valid for pod duo\n');
    expect((await c.run('exec duo')).stderr).toBe('error: you must specify at least one command for the container\n');
    expect((await c.run('exec duo echo hi')).stderr).toBe("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n");
    expect((await c.run(['exec', '-i', 'duo', '-c', 'b', '--', 'cat'], { stdin: 'piped\n' })).stdout).toBe('piped\n');
  });

  it('drives an interactive TTY session from a terminal', async () => {
    const c = testCluster({ 'pods.yaml': PODS });
    await c.run('apply -f pods.yaml');
    c.settle();
    let send!: (d: string) => void;
    let close!: () => void;
    const terminal: TerminalIO = {
      isTTY: true,
      onData: (l) => { send = l; return () => undefined; },
      onEnd: (l) => { close = l; return () => undefined; },
      size: () => ({ width: 80, height: 24 }),
      onResize: () => () => undefined,
    };
    const session = c.run(['exec', '-it', 'duo', '-c', 'a', '--', 'sh'], { terminal });
    await new Promise((r) => setTimeout(r, 5));
    send('echo $((6*7))\n');
    await new Promise((r) => setTimeout(r, 5));
    close();
    const r = await session;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('42');
  });
});

describe('kubectl run and top', () => {
  it('builds the same Pod as kubectl run, and creates it', async () => {
    const c = testCluster();
    const r = await c.run(['run', 'x', '--image=busybox', '--restart=Never', '--env=A=1', '--port=8080', '--dry-run=client', '-o', 'yaml', '--', 'sh', '-c', 'echo']);
    expect(r.stdout).toBe('apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: x\n  name: x\nspec:\n  containers:\n  - args:\n    - sh\n    - -c\n    - echo\n    env:\n    - name: A\n      value: "1"\n    image: busybox\n    name: x\n    ports:\n    - containerPort: 8080\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Never\nstatus: {}\n');
    expect(await c.run('run web --image=nginx')).toEqual({ code: 0, stdout: 'pod/web created\n', stderr: '' });
    expect((await c.run('run x')).stderr).toBe('error: required flag(s) "image" not set\n');
    expect((await c.run('run x --image=nginx --rm')).stderr).toBe("error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples\n");
  });

  it('attaches with -i, deletes with --rm and ends with the container\'s exit code', async () => {
    const c = testCluster();
    const r = await c.runWhileTimePasses(['run', 't', '-i', '--rm', '--restart=Never', '--image=busybox:1.36', '--', 'sh', '-c', 'sleep 5; echo hi; exit 3'], 60);
    expect(r.stdout).toBe('hi\npod "t" deleted\n');
    expect(r.stderr).toBe("If you don't see a command prompt, try pressing enter.\npod default/t terminated (Error)\n");
    expect(r.code).toBe(3);
  });

  it('says the Metrics API is not available, as on kind', async () => {
    const c = testCluster();
    expect(await c.run('top pods')).toEqual({ code: 1, stdout: '', stderr: 'error: Metrics API not available\n' });
    expect(await c.run('top no')).toEqual({ code: 1, stdout: '', stderr: 'error: Metrics API not available\n' });
    expect((await c.run('top')).code).toBe(1);
  });
});
