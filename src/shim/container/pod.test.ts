import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.ts';
import { CORE } from '../controller.ts';
import { installKubelet, type Kubelet } from '../kubelet/kubelet.ts';
import { installScheduler } from '../scheduler.ts';
import { containerRuntime } from './process.ts';

// The runtime under the kubelet: what a learner sees with kubectl logs/exec/delete.
const PODS = CORE('pods');

function cluster(): { c: Cluster; k: Kubelet } {
  const c = new Cluster({ seed: 'runtime' });
  installScheduler(c);
  const k = installKubelet(c, { runtime: containerRuntime({ now: () => c.clock.now() }) });
  c.settle();
  return { c, k };
}

const create = (c: Cluster, name: string, spec: object): void => {
  c.registry.create(PODS, { metadata: { name }, spec }, { namespace: 'default' });
};
const pod = (c: Cluster, name: string): Pod => c.registry.get(PODS, 'default', name) as Pod;

function exec(c: Cluster, k: Kubelet, name: string, argv: string[]): { output: string; code: number | undefined } {
  let output = '';
  const h = k.execInContainer('default', name, undefined, argv, { stdout: (t) => (output += t), stderr: (t) => (output += t) });
  c.settle();
  return { output, code: h.exitCode };
}

describe('pods running the container runtime', () => {
  it('logs what a busybox loop printed and completes', () => {
    const { c, k } = cluster();
    create(c, 'busybox', { restartPolicy: 'Never', containers: [{ name: 'busybox', image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3; do echo $i; sleep 1; done'] }] });
    c.settle();
    const status = pod(c, 'busybox').status!;
    expect(status.phase).toBe('Succeeded');
    const t = status.containerStatuses![0]!.state!.terminated!;
    expect(t).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(Date.parse(t.finishedAt!) - Date.parse(t.startedAt!)).toBe(3000);
    expect(k.getLogs('default', 'busybox', undefined)).toBe('1\n2\n3\n');
  });

  it('fails a pod whose script fails, with the shell error in the log', () => {
    const { c, k } = cluster();
    create(c, 'oops', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo starting; no-such-tool --flag'] }] });
    c.settle();
    expect(pod(c, 'oops').status!.containerStatuses![0]!.state!.terminated).toMatchObject({ exitCode: 127, reason: 'Error' });
    expect(k.getLogs('default', 'oops', undefined)).toBe('starting\nsh: no-such-tool: not found\n');
  });

  it('lets kubectl exec see what the main process wrote, in the same container', () => {
    const { c, k } = cluster();
    create(c, 'writer', { containers: [{ name: 'w', image: 'busybox:1.36', command: ['sh', '-c', 'date >> /tmp/data.txt && sleep 3600'] }] });
    c.settle();
    expect(exec(c, k, 'writer', ['cat', '/tmp/data.txt'])).toEqual({ output: 'Thu Jan  1 00:00:01 UTC 2026\n', code: 0 });
    expect(exec(c, k, 'writer', ['sh', '-c', 'hostname; ps'])).toEqual({
      // busybox `sh -c` execs its last command: the shell (PID 4) has become ps.
      output: 'writer\nPID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    4 root      0:00 ps\n',
      code: 0,
    });
  });

  it('takes the whole grace period to delete `sleep 3600` (PID 1 ignores SIGTERM) but not a trapping script', () => {
    const { c } = cluster();
    create(c, 'stubborn', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo hi; sleep 3600'] }] });
    create(c, 'polite', { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', "trap 'exit 0' TERM; sleep 3600 & wait"] }] });
    c.settle();
    const t0 = c.clock.now();
    const gone: Record<string, number> = {};
    c.store.subscribe((ch) => {
      if (ch.type === 'DELETED' && ch.gr.resource === 'pods') gone[ch.object.metadata!.name!] = c.clock.now() - t0;
    });
    c.registry.delete(PODS, 'default', 'stubborn');
    c.registry.delete(PODS, 'default', 'polite');
    c.settle();
    expect(gone.polite).toBeLessThan(1000);
    // The grace period runs from the deletion timestamp, which has whole seconds.
    expect(gone.stubborn).toBeGreaterThan(29_000);
  });

  it('starts a new container filesystem on restart: the ephemeral-pod lesson', () => {
    const { c, k } = cluster();
    create(c, 'scratch', { containers: [{ name: 'writer', image: 'busybox:1.36', command: ['sh', '-c', 'date >> /tmp/data.txt && sleep 3600'] }] });
    c.settle();
    exec(c, k, 'scratch', ['sh', '-c', 'echo extra >> /tmp/data.txt']);
    expect(exec(c, k, 'scratch', ['wc', '-l', '/tmp/data.txt']).output).toBe('2 /tmp/data.txt\n');
    exec(c, k, 'scratch', ['kill', '-9', '1']);
    c.settle();
    expect(pod(c, 'scratch').status!.containerStatuses![0]!.restartCount).toBe(1);
    expect(exec(c, k, 'scratch', ['wc', '-l', '/tmp/data.txt']).output).toBe('1 /tmp/data.txt\n');
  });
});
