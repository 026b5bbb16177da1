import { describe, expect, it } from 'vitest';
import { createShimApi, type InProcessTransport } from '../api/index.ts';
import { fileSource } from '../runner/shim-commands.ts';
import { PageTerminal } from './page-terminal.ts';
import { TerminalSession } from './session.ts';

async function run(line: string, session = new TerminalSession()) {
  let out = '';
  const code = await session.run(line, { write: (d) => (out += d) });
  return { code, out: out.replace(/\r\n/g, '\n') };
}

/** Lets the cluster's virtual clock run `ms` while `pending` (a line) waits on it. */
async function elapse<T>(transport: InProcessTransport, ms: number, pending?: Promise<T>): Promise<void> {
  const end = transport.cluster.clock.now() + ms;
  let settled = false;
  void pending?.finally(() => (settled = true));
  while (transport.cluster.clock.now() < end && !settled) {
    await new Promise((r) => setTimeout(r, 0));
    transport.cluster.runUntil(Math.min(end, transport.cluster.clock.now() + 1000));
  }
}

const STATEFULSET = `cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
EOF`;

describe('TerminalSession: a kind host\'s shell', () => {
  it("measures describe's event ages on the cluster's clock, not the wall clock", async () => {
    // The cluster starts on 2026-01-01 whatever the date is, as one running 60× ahead would drift from it.
    const transport = createShimApi({ seed: 'ages' });
    const s = new TerminalSession(transport);
    await run('kubectl create deployment web --image=nginx:1.27', s);
    transport.cluster.settle();
    const { out } = await run('kubectl describe deployment web', s);
    expect(out).toMatch(/Normal +ScalingReplicaSet +\d+s +deployment-controller +Scaled up replica set web-/);
  });

  it('answers `kubectl version --client` as kubectl 1.32 does', async () => {
    expect(await run('kubectl version --client')).toEqual({ code: 0, out: 'Client Version: v1.32.5\nKustomize Version: v5.5.0\n' });
  });

  // Same bytes as the real kubectl 1.32 (`kubectl gett`): suggestions in command registration order.
  it('reports an unknown kubectl command with cobra-style suggestions', async () => {
    const { code, out } = await run('kubectl gett pods');
    expect(code).toBe(1);
    expect(out).toBe('error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tset\n\tget\n');
  });

  it('says bash\'s "command not found" with status 127, and $? remembers it', async () => {
    const s = new TerminalSession();
    expect(await run('kubeclt get pods', s)).toEqual({ code: 127, out: 'bash: kubeclt: command not found\n' });
    expect((await run('echo $?', s)).out).toBe('127\n');
  });

  it('waits for the rest of a command with an open quote or loop, as bash\'s `> ` prompt does', async () => {
    const s = new TerminalSession();
    expect(await run("echo 'one", s)).toEqual({ code: 0, out: '' });
    expect(s.continuing).toBe(true);
    expect(await run("two'", s)).toEqual({ code: 0, out: 'one\ntwo\n' });
    expect(s.continuing).toBe(false);
    await run('for i in a b', s);
    await run('do echo "<$i>"', s);
    expect((await run('done', s)).out).toBe('<a>\n<b>\n');
  });

  it('reports a syntax error with status 2 and runs nothing', async () => {
    const { code, out } = await run('echo hi; done');
    expect(code).toBe(2);
    expect(out).toMatch(/^bash: syntax error/);
    expect(out).not.toContain('hi');
  });

  it('refuses a 10 MB paste and survives binary garbage', async () => {
    const s = new TerminalSession();
    expect(await run('x'.repeat(10 * 1024 * 1024), s)).toEqual({ code: 2, out: 'bash: line too long (10485760 characters; the limit is 1048576)\n' });
    const garbage = await run('\u0000\u0001\u00ff\u{1F600}\u001b[A', s);
    expect(garbage.code).toBe(127);
    expect(garbage.out).toMatch(/command not found\n$/);
    expect((await run('echo still here', s)).out).toBe('still here\n');
  });

  it('keeps variables, quotes, ;, && and || as bash does', async () => {
    const s = new TerminalSession();
    await run('NAME=web; export N=3', s);
    expect((await run('echo "a  b" \'$NAME\' "$NAME-$N"', s)).out).toBe('a  b $NAME web-3\n');
    expect((await run('false && echo no || echo yes; echo $?', s)).out).toBe('yes\n0\n');
  });

  it('pipes into grep, head, wc and sort, and `cat > file` writes a file kubectl applies', async () => {
    const s = new TerminalSession();
    expect((await run('printf "b\\na\\nc\\n" | sort | head -2', s)).out).toBe('a\nb\n');
    expect((await run('echo hello | base64', s)).out).toBe('aGVsbG8K\n');
    await run('cat > pod.yaml <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nEOF', s);
    expect((await run('grep -c : pod.yaml; wc -l < pod.yaml', s)).out).toBe('4\n4\n');
  });

  it('shows the editor\'s files to cat and kubectl', async () => {
    const s = new TerminalSession(undefined, fileSource([{ path: 'app/svc.yaml', text: 'kind: Service\n' }]));
    expect((await run('cat app/svc.yaml && ls app', s)).out).toBe('kind: Service\nsvc.yaml\n');
  });

  it('lists the session\'s lines with `history`', async () => {
    const s = new TerminalSession();
    await run('echo one', s);
    await run('echo two | wc -c', s);
    expect((await run('history', s)).out).toBe('    1  echo one\n    2  echo two | wc -c\n    3  history\n');
  });

  it('stops a runaway line at the output limit instead of hanging', async () => {
    const { code, out } = await run('yes', new TerminalSession(undefined, undefined, { maxOutputChars: 1000 }));
    expect(code).toBe(130);
    expect(out).toBe(`${'y\n'.repeat(500)}\nstatecraft: output stopped after 1000 characters\n`);
  });

  it('does not pretend a cluster exists when there is none', async () => {
    const { code, out } = await run('kubectl get pods');
    expect(code).toBe(1);
    expect(out).toContain('no cluster');
    expect(await run('docker ps')).toEqual({ code: 1, out: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n' });
  });

  it('completes commands, kubectl subcommands and flags', async () => {
    const s = new TerminalSession();
    expect(await s.complete('kub', 3)).toEqual({ start: 0, candidates: ['kubectl'] });
    expect(await s.complete('kubectl ap', 10)).toEqual({ start: 8, candidates: ['api-resources', 'api-versions', 'apply'] });
    expect((await s.complete('echo x | kubectl ap', 19)).candidates).toEqual(['api-resources', 'api-versions', 'apply']);
    expect((await s.complete('kubectl get --all-n', 19)).candidates).toEqual(['--all-namespaces']);
    expect((await s.complete('kubectl rollout st', 18)).candidates).toEqual(['status']);
  });
});

describe('TerminalSession with a cluster', () => {
  it('runs the StatefulSet tutorial: heredoc apply, a for loop of kubectl exec, command substitution', async () => {
    const transport = createShimApi({ seed: 'shell' });
    const tty = new PageTerminal(80, 24);
    const s = new TerminalSession(transport, undefined, { terminal: () => tty });
    expect(await run(STATEFULSET, s)).toEqual({ code: 0, out: 'service/nginx created\nstatefulset.apps/web created\n' });
    await elapse(transport, 120_000);
    const loop = await run('for i in 0 1 2; do kubectl exec "web-$i" -- sh -c \'echo "$(hostname)"\'; done', s);
    expect(loop).toEqual({ code: 0, out: 'web-0\nweb-1\nweb-2\n' });
    const subst = await run('echo "pods: $(kubectl get pods -l app=nginx -o jsonpath=\'{.items[*].metadata.name}\')"', s);
    expect(subst.out).toBe('pods: web-0 web-1 web-2\n');
    expect((await run('kubectl get pods --no-headers | grep -c Running', s)).out).toBe('3\n');
    // A pipe is kubectl's stdin; without one, the page's terminal is (`exec -it`), and Ctrl-C goes to the remote shell.
    expect((await run('echo hostname | kubectl exec -i web-1 -- sh', s)).out).toBe('web-1\n');
    const interactive = run('kubectl exec -it web-2 -- sh', s);
    await elapse(transport, 1_000, interactive);
    tty.input('hostname\r');
    s.interrupt();
    tty.input('exit\r');
    await elapse(transport, 1_000, interactive);
    const shell = await interactive;
    expect(shell.code).toBe(0);
    expect(shell.out).toMatch(/hostname\nweb-2\n/);
    // Tab completion asks the cluster for types and names.
    expect((await s.complete('kubectl get statef', 18)).candidates).toEqual(['statefulsets']);
    expect(await s.complete('kubectl exec -it we', 19)).toEqual({ start: 17, candidates: ['web-0', 'web-1', 'web-2'] });
    expect((await s.complete('kubectl describe pod/web-1', 26)).candidates).toEqual(['pod/web-1']);
    expect((await s.complete('kubectl get pods -n kube-p', 26)).candidates).toEqual(['kube-public']);
    expect((await s.complete('docker stop kind-w', 18)).candidates).toEqual(['kind-worker', 'kind-worker2']);
  });

  it('takes a node down with `docker stop`: NotReady after the node monitor grace period, back with `docker start`', async () => {
    const transport = createShimApi({ seed: 'docker' });
    const s = new TerminalSession(transport);
    // Texts as the docker 28 CLI prints them.
    expect(await run('docker ps --bogus', s)).toEqual({ code: 125, out: 'unknown flag: --bogus\n\nUsage:  docker ps [OPTIONS]\n\nRun \'docker ps --help\' for more information\n' });
    expect((await run('docker ps -x', s)).out).toMatch(/^unknown shorthand flag: 'x' in -x\n/);
    expect((await run('docker stop', s)).out).toBe('docker: \'docker stop\' requires at least 1 argument\n\nUsage:  docker stop [OPTIONS] CONTAINER [CONTAINER...]\n\nSee \'docker stop --help\' for more information\n');
    const listed = (await run('docker ps', s)).out.split('\n');
    expect(listed[0]).toMatch(/^CONTAINER ID {3}IMAGE {18}COMMAND {18}CREATED {3,}STATUS {3,}PORTS {22}NAMES$/);
    expect(listed[1]).toMatch(/^[0-9a-f]{12} {3}kindest\/node:v1\.32\.2 {3}"\/usr\/local\/bin\/entr…" {3}.* ago {3,}Up .* {3}127\.0\.0\.1:6443->6443\/tcp {3}kind-control-plane$/);
    expect(await run('docker stop kind-worker', s)).toEqual({ code: 0, out: 'kind-worker\n' });
    expect((await run('docker ps | grep -c kind-worker$; docker ps -a | grep kind-worker$', s)).out).toMatch(/^0\n.*Exited \(130\) Less than a second ago {3,}kind-worker\n$/);
    // Still Ready until the node monitor grace period (50s) has passed without heartbeats.
    expect((await run('kubectl get node kind-worker --no-headers | tr -s " " | cut -d" " -f2', s)).out).toBe('Ready\n');
    await elapse(transport, 60_000);
    expect((await run('kubectl get nodes --no-headers | grep kind-worker | tr -s " " | cut -d" " -f1,2', s)).out).toBe('kind-worker NotReady\nkind-worker2 Ready\n');
    expect(await run('docker start kind-worker', s)).toEqual({ code: 0, out: 'kind-worker\n' });
    await elapse(transport, 30_000);
    expect((await run('kubectl get nodes --no-headers | grep kind-worker | tr -s " " | cut -d" " -f1,2', s)).out).toBe('kind-worker Ready\nkind-worker2 Ready\n');
    expect(await run('docker stop kind-worker9', s)).toEqual({ code: 1, out: 'Error response from daemon: No such container: kind-worker9\n' });
    expect(await run('docker rmm x', s)).toEqual({ code: 1, out: 'docker: unknown command: docker rmm\n\nRun \'docker --help\' for more information\n' });
    expect((await run('kind get clusters; kind get nodes', s)).out).toBe('kind\nkind-control-plane\nkind-worker\nkind-worker2\n');
  });

  it('applies a file of 500 documents, and Ctrl-C stops a long apply part way', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  n: "${i}"\n`).join('---\n');
    const transport = createShimApi({ seed: 'many' });
    const s = new TerminalSession(transport, fileSource([{ path: 'many.yaml', text: many }]));
    const applied = await run('kubectl apply -f many.yaml | wc -l', s);
    expect(applied).toEqual({ code: 0, out: '500\n' });
    expect(transport.cluster.store.count({ group: '', resource: 'configmaps' }, 'default')).toBe(501); // and kube-root-ca.crt

    const again = run('kubectl delete -f many.yaml', s);
    await new Promise((r) => setTimeout(r, 0));
    s.interrupt();
    const stopped = await again;
    expect(stopped.code).toBe(130);
    // The learner gets the prompt back before the whole file went through.
    expect(transport.cluster.store.count({ group: '', resource: 'configmaps' }, 'default')).toBeGreaterThan(1);
  });

  it('sleeps on the cluster clock, and Ctrl-C ends a loop, a sleep or a watch with status 130', async () => {
    const transport = createShimApi({ seed: 'sleep' });
    const s = new TerminalSession(transport);
    const slept = run('sleep 5 && echo woke', s);
    await elapse(transport, 6_000, slept);
    expect(await slept).toEqual({ code: 0, out: 'woke\n' });

    const loop = run('for i in 1 2 3; do echo $i; sleep 10; done; echo after', s);
    await elapse(transport, 11_000, loop);
    s.interrupt();
    expect(await loop).toEqual({ code: 130, out: '1\n2\n' });
    expect((await run('echo $?', s)).out).toBe('130\n');

    const watch = run('kubectl get nodes -w | grep control', s);
    await elapse(transport, 1_000, watch);
    s.interrupt();
    const watched = await watch;
    expect(watched.code).toBe(130);
    expect(watched.out).toMatch(/^kind-control-plane {3}Ready/);
  });
});
