import { describe, expect, it } from 'vitest';
import { testCluster } from './test-cluster.ts';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: duo
  labels: {app: duo}
spec:
  containers:
  - name: a
    image: busybox:1.36
    command: ["sh", "-c", "echo a is up; sleep 3600"]
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
  - name: b
    image: busybox:1.36
    command: ["sh", "-c", "echo b is up; sleep 3600"]
`;

describe('kubectl describe', () => {
  it('describes a pod with containers, conditions, volumes and its events table', async () => {
    const c = testCluster({ 'pod.yaml': POD });
    await c.run('apply -f pod.yaml');
    c.settle();
    const r = await c.run('describe pod duo');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Name:             duo');
    expect(lines).toContain('Labels:           app=duo');
    expect(lines).toContain('    Limits:');
    expect(lines).toContain('      memory:  128Mi');
    expect(lines).toContain('    Requests:');
    expect(lines).toContain('      cpu:        100m');
    expect(lines).toContain('QoS Class:                   Burstable');
    expect(lines).toContain('  Type                        Status');
    // The events table is aligned on its own, after a flush.
    expect(lines).toContain('Events:');
    expect(r.stdout).toMatch(/\n {2}Type {4}Reason {5}Age {3}From {15}Message\n {2}---- {4}------ {5}---- {2}---- {15}-------\n {2}Normal {2}Scheduled {2}\d+s +default-scheduler {2}Successfully assigned default\/duo to kind-worker2?\n/);
  });

  it('describes several objects two blank lines apart, and by name prefix', async () => {
    const c = testCluster();
    const r = await c.run('describe ns default kube-public');
    // As the real kubectl 1.32 prints them once the API serves ResourceQuotas and LimitRanges.
    expect(r.stdout).toBe('Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n\n\nName:         kube-public\nLabels:       kubernetes.io/metadata.name=kube-public\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n');
    const byPrefix = await c.run('describe sa def');
    expect(byPrefix.stdout).toBe('Name:                default\nNamespace:           default\nLabels:              <none>\nAnnotations:         <none>\nImage pull secrets:  <none>\nMountable secrets:   <none>\nTokens:              <none>\nEvents:              <none>\n\n');
  });

  it('reports what it cannot find as kubectl does', async () => {
    const c = testCluster();
    expect(await c.run('describe pods x y')).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "x" not found\nError from server (NotFound): pods "y" not found\n' });
    expect(await c.run('describe pods -l app=none')).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    expect((await c.run('describe cm nope')).stderr).toBe('Error from server (NotFound): configmaps "nope" not found\n');
  });

  it('falls back to every field for kinds without a describer', async () => {
    const c = testCluster();
    const r = await c.run('describe lease -n kube-node-lease kind-worker');
    expect(r.stdout).toContain('API Version:  coordination.k8s.io/v1\nKind:         Lease\nMetadata:\n  Creation Timestamp:');
    expect(r.stdout).toContain('  Holder Identity:         kind-worker\n  Lease Duration Seconds:  40\n');
  });

  it('describes a node with its lease, pods and allocated resources', async () => {
    const c = testCluster();
    const r = await c.run('describe node kind-control-plane');
    expect(r.stdout).toContain('Roles:              control-plane\n');
    expect(r.stdout).toContain('Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n');
    expect(r.stdout).toMatch(/Non-terminated Pods: {10}\(\d+ in total\)\n/);
    expect(r.stdout).toContain('Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  });
});
