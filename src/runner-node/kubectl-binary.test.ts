/**
 * A learner's commands.sh on a real cluster runs with the grader's
 * credentials: it may act on the learner's namespace only, and never read or
 * write the grader's disk. A stand-in kubectl prints what it was given.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KubectlBinaryRunner } from './kubectl-binary.ts';

const dir = mkdtempSync(join(tmpdir(), 'statecraft-fake-kubectl-'));
const fake = join(dir, 'kubectl');
writeFileSync(fake, '#!/bin/sh\necho "$@"\nif [ -f web.yaml ]; then cat web.yaml; fi\n');
chmodSync(fake, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runner = new KubectlBinaryRunner({ binary: fake, kubeconfig: '/grader/kubeconfig', context: 'kind-kind', namespace: 'team-a' });
const learner = (line: string) => runner.run(line, { untrusted: true, files: [{ path: 'web.yaml', text: 'kind: Service\n' }] });

describe('kubectl on a real cluster', () => {
  it('points kubectl at the grader\'s cluster and the learner\'s namespace, with the submission\'s files at hand', async () => {
    const r = await learner('kubectl apply -f web.yaml');
    expect(r).toMatchObject({ exitCode: 0, stdout: '--kubeconfig /grader/kubeconfig --context kind-kind --namespace team-a apply -f web.yaml\nkind: Service\n' });
  });

  it('keeps a namespace the line names, and runs lab authors\' lines as written', async () => {
    expect((await learner('kubectl get pods -n team-a')).stdout).toBe('--kubeconfig /grader/kubeconfig --context kind-kind get pods -n team-a\nkind: Service\n');
    expect((await runner.run('kubectl -n kube-system get pods')).exitCode).toBe(0);
  });

  it.each([
    ['kubectl cp web-0:/etc/shadow ./loot', 'kubectl cp is not allowed in a submission\'s commands'],
    ['kubectl config view --raw', 'kubectl config is not allowed in a submission\'s commands'],
    ['kubectl proxy --port 8001', 'kubectl proxy is not allowed in a submission\'s commands'],
    ['kubectl get secrets --kubeconfig=/root/.kube/admin', '--kubeconfig is not allowed in a submission\'s commands'],
    ['kubectl --context prod delete ns --all', '--context is not allowed in a submission\'s commands'],
    ['kubectl get pods -A', '-A is not allowed in a submission\'s commands'],
    ['kubectl -n kube-system delete pods --all', 'a submission\'s commands may only use namespace team-a'],
    ['kubectl delete pods --all --namespace=default', 'a submission\'s commands may only use namespace team-a'],
    ['kubectl apply -f /etc/passwd', '-f /etc/passwd: a submission\'s commands may only read the submission\'s own files'],
    ['kubectl apply -f ../../grader/secrets.yaml', '-f ../../grader/secrets.yaml: a submission\'s commands may only read the submission\'s own files'],
    ['kubectl apply -f https://example.com/x.yaml', '-f https://example.com/x.yaml: a submission\'s commands may only read the submission\'s own files'],
    ['kubectl create secret generic k --from-file=/home/grader/.ssh/id_rsa', '--from-file is not allowed in a submission\'s commands'],
  ])('refuses `%s`', async (line, why) => {
    expect(await learner(line)).toEqual({ exitCode: 1, stdout: '', stderr: `error: ${why}\n`, note: `refused: ${why}` });
  });

  it('runs nothing but kubectl', async () => {
    expect(await learner('rm -rf /')).toMatchObject({ exitCode: 127, note: 'only kubectl lines run against a real cluster' });
  });

  it('never runs docker: stopping a real node is for its owner', async () => {
    expect(await learner('docker stop kind-worker2')).toMatchObject({ exitCode: 127, note: "not run on a real cluster: `docker stop kind-worker2` must be done on the cluster's host, by its owner" });
  });

  it('powers a node of a statecraft serve cluster off and on, as docker prints it', async () => {
    const calls: string[] = [];
    const served = new KubectlBinaryRunner({
      binary: fake, namespace: 'team-a',
      nodePower: async (name, action) => { calls.push(`${action} ${name}`); return name === 'kind-worker9' ? 'no-such-node' : 'done'; },
    });
    expect(await served.run('docker stop kind-worker2', { untrusted: true })).toEqual({ exitCode: 0, stdout: 'kind-worker2\n', stderr: '' });
    expect(await served.run('docker start kind-worker9', { untrusted: true })).toEqual({ exitCode: 1, stdout: '', stderr: 'Error response from daemon: No such container: kind-worker9\n' });
    expect(calls).toEqual(['stop kind-worker2', 'start kind-worker9']);
    // Anything else docker can do stays refused, and so does a cluster without the endpoint.
    expect(await served.run('docker rm -f kind-worker2', { untrusted: true })).toMatchObject({ exitCode: 127, note: expect.stringMatching(/^not run on a real cluster/) });
    const real = new KubectlBinaryRunner({ binary: fake, nodePower: async () => 'unsupported' });
    expect(await real.run('docker stop kind-worker2', { untrusted: true })).toMatchObject({ exitCode: 127, note: expect.stringMatching(/^not run on a real cluster/) });
  });

  it('stops a line that does not end', async () => {
    writeFileSync(join(dir, 'slow'), '#!/bin/sh\nsleep 30\n');
    chmodSync(join(dir, 'slow'), 0o755);
    const r = await new KubectlBinaryRunner({ binary: join(dir, 'slow') }).run('kubectl get pods -w', { timeoutMs: 200 });
    expect(r).toMatchObject({ note: 'stopped after 200 ms' });
  });
});
