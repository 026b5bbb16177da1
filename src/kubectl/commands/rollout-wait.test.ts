import { describe, expect, it } from 'vitest';
import { testCluster } from './test-cluster.ts';

const DEPLOY = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: ${image}
`;

describe('kubectl rollout', () => {
  it('watches a rollout to the end, printing each step as kubectl does', async () => {
    const c = testCluster({ 'd.yaml': DEPLOY('nginx:1.27') });
    await c.run('apply -f d.yaml');
    const r = await c.runWhileTimePasses('rollout status deploy/web', 60);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Waiting for deployment "web" rollout to finish: /);
    expect(lines[lines.length - 1]).toBe('deployment "web" successfully rolled out');
    expect(await c.run('rollout status deploy/web --watch=false')).toEqual({ code: 0, stdout: 'deployment "web" successfully rolled out\n', stderr: '' });
    expect((await c.run('rollout status cm/kube-root-ca.crt')).stderr).toBe('error: no status viewer has been implemented for ConfigMap\n');
  });

  it('keeps history, undoes to a revision, restarts, pauses and resumes', async () => {
    const c = testCluster({ 'v1.yaml': DEPLOY('nginx:1.27'), 'v2.yaml': DEPLOY('nginx:1.28') });
    await c.run('apply -f v1.yaml');
    c.settle();
    await c.run('apply -f v2.yaml');
    c.settle();
    expect((await c.run('rollout history deploy/web')).stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    const rev1 = await c.run('rollout history deploy/web --revision=1');
    expect(rev1.stdout).toContain('deployment.apps/web with revision #1\nPod Template:\n  Labels:\tapp=web\n\tpod-template-hash=');
    expect(rev1.stdout).toContain('    Image:\tnginx:1.27\n');
    expect((await c.run('rollout history deploy/web --revision=7')).stderr).toBe('error: unable to find the specified revision\n');
    expect((await c.run('rollout undo deploy/web')).stdout).toBe('deployment.apps/web rolled back\n');
    c.settle();
    expect((await c.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout).toBe('nginx:1.27');
    expect((await c.run('rollout history deploy/web')).stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    expect((await c.run('rollout undo deploy/web --to-revision=9')).stderr).toBe('error: unable to find specified revision 9 in history\n');
    expect((await c.run('rollout restart deploy/web')).stdout).toBe('deployment.apps/web restarted\n');
    const restartedAt = (await c.run(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}'])).stdout;
    expect(restartedAt).toBe(new Date(Math.floor(c.transport.cluster.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    expect((await c.run('rollout pause deploy/web')).stdout).toBe('deployment.apps/web paused\n');
    expect((await c.run('rollout pause deploy/web')).stderr).toBe('error: deployments.apps "web" is already paused\n');
    expect((await c.run('rollout restart deploy/web')).stderr).toBe('error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n');
    expect((await c.run('rollout resume deploy/web')).stdout).toBe('deployment.apps/web resumed\n');
    expect((await c.run('rollout resume deploy/web')).stderr).toBe('error: deployments.apps "web" is not paused\n');
  });
});

describe('kubectl wait', () => {
  it('waits for conditions, JSONPath values and deletion, with kubectl\'s messages', async () => {
    const c = testCluster({ 'd.yaml': DEPLOY('nginx:1.27') });
    await c.run('apply -f d.yaml');
    const ready = await c.runWhileTimePasses('wait --for=condition=Available deploy/web', 60);
    expect(ready).toEqual({ code: 0, stdout: 'deployment.apps/web condition met\n', stderr: '' });
    const pods = await c.run('wait --for=condition=ready pods -l app=web');
    expect(pods.stdout.trim().split('\n')).toHaveLength(2);
    expect(pods.stdout).toMatch(/^pod\/web-[a-z0-9]+-[a-z0-9]+ condition met\n/);
    expect((await c.run(['wait', '--for=jsonpath={.spec.replicas}=2', 'deploy/web'])).stdout).toBe('deployment.apps/web condition met\n');
    expect(await c.run('wait --for=condition=Available=false deploy/web --timeout=0')).toEqual({ code: 1, stdout: '', stderr: 'error: condition not met for deployments/web\n' });
    expect((await c.run('wait deploy/web')).stderr).toBe('error: unrecognized condition: ""\n');
    expect((await c.run('wait --for=condition=Ready pods -l app=none')).stderr).toBe('error: no matching resources found\n');
    expect(await c.run('wait --for=delete pod/nope')).toEqual({ code: 0, stdout: '', stderr: '' });
    await c.run('run solo --image=nginx');
    c.settle();
    const gone = c.runWhileTimePasses('wait --for=delete pod/solo', 60);
    // Deleted once the wait is watching (the kubelet stops nginx at once, so it goes quickly).
    await new Promise((r) => setTimeout(r, 5));
    c.transport.requestSync({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/solo' });
    expect(await gone).toEqual({ code: 0, stdout: 'pod/solo condition met\n', stderr: '' });
  });
});
