import { describe, expect, it } from 'vitest';
import type { Deployment, DeploymentCondition, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { installAdmission } from './admission/index.ts';
import { Cluster } from './cluster.ts';
import { CORE } from './controller.ts';
import { DEPLOYMENTS, installWorkloadControllers } from './deployment.ts';
import { podTemplateHash } from './deployment/util.ts';
import { installEndpointControllers } from './endpoints.ts';
import { kindNodeImages } from './kind-system.ts';
import { createKindCluster } from './kind-cluster.ts';
import { installKubelet } from './kubelet/index.ts';
import type { KObject } from './objects.ts';
import { REPLICASETS } from './replicaset.ts';
import { installScheduler } from './scheduler.ts';
import { installServiceAllocation } from './service-ip.ts';

const PODS = CORE('pods');
const NS = 'default';
const BAD_IMAGE = 'registry.example.com/missing:1.0';

const setup = (): Cluster => createKindCluster({ seed: 'deployment' }).cluster;
const template = (image: string, annotations?: Record<string, string>): object => ({
  metadata: { labels: { app: 'web' }, ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'nginx', image }] },
});

function createDeployment(c: Cluster, spec: object = {}, image = 'nginx:1.26'): void {
  c.registry.create(DEPLOYMENTS, {
    metadata: { name: 'web' },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template(image), ...spec },
  }, { namespace: NS });
}

const deployment = (c: Cluster): Deployment => c.registry.get(DEPLOYMENTS, NS, 'web') as Deployment;

function update(c: Cluster, change: (spec: Record<string, unknown>) => void): void {
  const d = c.registry.get(DEPLOYMENTS, NS, 'web');
  const spec = structuredClone(d.spec) as Record<string, unknown>;
  change(spec);
  c.registry.update(DEPLOYMENTS, { ...d, spec });
}

const setImage = (c: Cluster, image: string): void => update(c, (s) => {
  (s.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image = image;
});

/** Sets, oldest first, as `name replicas/status.replicas revision`. */
const sets = (c: Cluster): string[] =>
  (c.registry.list(REPLICASETS, { namespace: NS }).items as ReplicaSet[])
    .sort((a, b) => (a.metadata!.creationTimestamp! < b.metadata!.creationTimestamp! ? -1 : a.metadata!.creationTimestamp! > b.metadata!.creationTimestamp! ? 1 : 0))
    .map((rs) => `${rs.metadata?.name} ${rs.spec?.replicas}/${rs.status?.replicas ?? 0} rev=${rs.metadata?.annotations?.['deployment.kubernetes.io/revision']}`);

const scalingEvents = (c: Cluster): string[] =>
  (c.registry.list(CORE('events'), { namespace: NS }).items as unknown as Event[])
    .filter((e) => e.reason === 'ScalingReplicaSet')
    .map((e) => e.message ?? '');

const condition = (c: Cluster, type: string): Omit<DeploymentCondition, 'lastUpdateTime' | 'lastTransitionTime'> | undefined => {
  const cond = deployment(c).status?.conditions?.find((x) => x.type === type);
  if (cond === undefined) return undefined;
  const { lastUpdateTime: _u, lastTransitionTime: _t, ...rest } = cond;
  return rest;
};

/** Records every ScalingReplicaSet message as it happens. */
function watchScaling(c: Cluster): string[] {
  const out: string[] = [];
  c.store.subscribe((ch) => {
    if (ch.gr.resource === 'events' && ch.type === 'ADDED' && (ch.object as unknown as Event).reason === 'ScalingReplicaSet') {
      out.push((ch.object as unknown as Event).message ?? '');
    }
  });
  return out;
}

const hashOf = (image: string): string => {
  // The template as the API server stores it (defaulted), which is what gets hashed.
  const c = setup();
  createDeployment(c, {}, image);
  return podTemplateHash(deployment(c).spec?.template, undefined);
};

describe('Deployment controller: the first rollout', () => {
  it('creates <name>-<pod-template-hash> with revision annotations, then reports a complete rollout', () => {
    const c = setup();
    createDeployment(c);
    c.settle();
    const d = deployment(c);
    const hash = podTemplateHash(d.spec?.template, undefined);
    const rs = c.registry.get(REPLICASETS, NS, `web-${hash}`) as ReplicaSet;
    expect(rs.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata?.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs.metadata?.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    expect(rs.spec?.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs.spec?.template?.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    for (const p of c.registry.list(PODS, { namespace: NS }).items) expect(p.metadata?.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));

    expect(d.metadata?.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    const { conditions, ...counts } = d.status!;
    expect(counts).toEqual({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(conditions?.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'],
      ['Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "web-${hash}" has successfully progressed.`],
    ]);
    expect(scalingEvents(c)).toEqual([`Scaled up replica set web-${hash} from 0 to 3`]);
  });

  it('goes through NewReplicaSetCreated and MinimumReplicasUnavailable on the way', () => {
    const c = setup();
    const seen: string[] = [];
    c.store.subscribe((ch) => {
      if (ch.gr.resource !== 'deployments' || ch.type === 'DELETED') return;
      const line = ((ch.object as Deployment).status?.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason}`).join(' ');
      if (line !== '' && seen.at(-1) !== line) seen.push(line);
    });
    createDeployment(c);
    c.settle();
    // Progress refreshes the Progressing condition by removing and re-adding it, which is
    // why a settled Deployment lists Available first.
    expect(seen).toEqual([
      'Progressing=True/NewReplicaSetCreated',
      'Progressing=True/NewReplicaSetCreated Available=False/MinimumReplicasUnavailable',
      'Available=False/MinimumReplicasUnavailable Progressing=True/ReplicaSetUpdated',
      'Available=True/MinimumReplicasAvailable Progressing=True/NewReplicaSetAvailable',
    ]);
  });
});

describe('Deployment controller: RollingUpdate', () => {
  /** Checks maxSurge/maxUnavailable at every store change of a rollout. */
  function rollOut(replicas: number, maxSurge: number | string, maxUnavailable: number | string, surge: number, unavailable: number): string[] {
    const c = setup();
    createDeployment(c, { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } });
    c.settle();
    const log = watchScaling(c);
    let worstTotal = 0;
    let worstAvailable = Infinity;
    c.store.subscribe(() => {
      const all = c.store.list(REPLICASETS, { namespace: NS }).items as ReplicaSet[];
      worstTotal = Math.max(worstTotal, all.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0));
      const ready = (c.store.list(PODS, { namespace: NS }).items as Pod[]).filter((p) =>
        p.metadata?.deletionTimestamp === undefined && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
      worstAvailable = Math.min(worstAvailable, ready.length);
    });
    setImage(c, 'nginx:1.27');
    c.settle();
    expect(worstTotal).toBe(replicas + surge);
    expect(worstAvailable).toBe(replicas - unavailable);
    expect(sets(c).map((s) => s.replace(/^web-\w+ /, ''))).toEqual([`0/0 rev=1`, `${replicas}/${replicas} rev=2`]);
    expect(deployment(c).status?.updatedReplicas).toBe(replicas);
    return log;
  }

  it('rolls 4 replicas with maxSurge 1, maxUnavailable 1', () => {
    const [o, n] = [hashOf('nginx:1.26'), hashOf('nginx:1.27')];
    expect(rollOut(4, 1, 1, 1, 1)).toEqual([
      `Scaled up replica set web-${n} from 0 to 1`,
      `Scaled down replica set web-${o} from 4 to 3`,
      `Scaled up replica set web-${n} from 1 to 2`,
      `Scaled down replica set web-${o} from 3 to 1`,
      `Scaled up replica set web-${n} from 2 to 4`,
      `Scaled down replica set web-${o} from 1 to 0`,
    ]);
  });

  it('rounds 25% of 10 to a surge of 3 (up) and 2 unavailable (down)', () => {
    const [o, n] = [hashOf('nginx:1.26'), hashOf('nginx:1.27')];
    expect(rollOut(10, '25%', '25%', 3, 2)).toEqual([
      `Scaled up replica set web-${n} from 0 to 3`,
      `Scaled down replica set web-${o} from 10 to 8`,
      `Scaled up replica set web-${n} from 3 to 5`,
      `Scaled down replica set web-${o} from 8 to 3`,
      `Scaled up replica set web-${n} from 5 to 10`,
      `Scaled down replica set web-${o} from 3 to 0`,
    ]);
  });

  it('keeps every old pod until a new one is available when maxUnavailable is 0', () => {
    rollOut(3, 1, 0, 1, 0);
  });

  it('scales old and new sets proportionally when scaled mid-rollout', () => {
    const c = setup();
    createDeployment(c, { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    c.settle();
    // A new image that never pulls: the rollout stalls with 8 old and 5 new.
    setImage(c, BAD_IMAGE);
    c.settle();
    expect(sets(c).map((s) => s.split(' ')[1])).toEqual(['8/8', '5/5']);
    update(c, (s) => { s.replicas = 15; });
    c.settle();
    // 5 more within maxSurge: 3 to the old set (8 of 13), 2 to the new one (5 of 13).
    expect(sets(c).map((s) => s.split(' ')[1])).toEqual(['11/11', '7/7']);
    for (const rs of c.registry.list(REPLICASETS, { namespace: NS }).items) {
      expect(rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('15');
      expect(rs.metadata?.annotations?.['deployment.kubernetes.io/max-replicas']).toBe('18');
    }
  });

  it('reports ProgressDeadlineExceeded when a rollout makes no progress in time', () => {
    const c = setup();
    createDeployment(c, { progressDeadlineSeconds: 30 });
    c.settle();
    setImage(c, BAD_IMAGE);
    c.settle();
    const newRS = `web-${podTemplateHash(deployment(c).spec?.template, undefined)}`;
    expect(condition(c, 'Progressing')).toEqual({ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newRS}" is progressing.` });
    c.runUntil(c.clock.now() + 40_000);
    expect(condition(c, 'Progressing')).toEqual({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newRS}" has timed out progressing.` });
    // Still available: the old pods were never taken down (maxUnavailable rounds 25% of 3 to 0).
    expect(condition(c, 'Available')?.status).toBe('True');
  });
});

describe('Deployment controller: failures', () => {
  it('copies the new ReplicaSet\'s ReplicaFailure condition', () => {
    const c = setup();
    c.registry.create(DEPLOYMENTS, {
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { serviceAccountName: 'robot', containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
    }, { namespace: NS });
    c.settle();
    expect(condition(c, 'ReplicaFailure')).toEqual({
      type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate',
      message: 'pods "web-' + podTemplateHash(deployment(c).spec?.template, undefined) + '-" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found',
    });
    expect(condition(c, 'Available')?.reason).toBe('MinimumReplicasUnavailable');
    c.registry.create(CORE('serviceaccounts'), { metadata: { name: 'robot' } }, { namespace: NS });
    c.runUntil(c.clock.now() + 5_000);
    c.settle();
    expect(condition(c, 'ReplicaFailure')).toBeUndefined();
    expect(deployment(c).status?.availableReplicas).toBe(2);
  });
});

describe('Deployment controller: Recreate', () => {
  it('scales the old set to zero and waits for its pods to be gone before creating the new one', () => {
    const c = setup();
    createDeployment(c, { strategy: { type: 'Recreate' } });
    c.settle();
    expect(deployment(c).spec?.strategy).toEqual({ type: 'Recreate' });
    let oldPodsWhenNewRSCreated = -1;
    c.store.subscribe((ch) => {
      if (ch.gr.resource === 'replicasets' && ch.type === 'ADDED') {
        oldPodsWhenNewRSCreated = c.store.list(PODS, { namespace: NS }).items.length;
      }
    });
    const log = watchScaling(c);
    setImage(c, 'nginx:1.27');
    c.settle();
    expect(oldPodsWhenNewRSCreated).toBe(0);
    const [o, n] = [hashOf('nginx:1.26'), hashOf('nginx:1.27')];
    expect(log).toEqual([
      `Scaled down replica set web-${o} from 3 to 0`,
      `Scaled up replica set web-${n} from 0 to 3`,
    ]);
    expect(deployment(c).status?.availableReplicas).toBe(3);
  });
});

describe('Deployment controller: revisions, rollback, pause', () => {
  it('rolls back by template (what kubectl rollout undo patches): the old set returns as a new revision', () => {
    const c = setup();
    createDeployment(c);
    c.settle();
    setImage(c, 'nginx:1.27');
    c.settle();
    const [o, n] = [hashOf('nginx:1.26'), hashOf('nginx:1.27')];
    expect(sets(c)).toEqual([`web-${o} 0/0 rev=1`, `web-${n} 3/3 rev=2`]);
    setImage(c, 'nginx:1.26');
    c.settle();
    expect(sets(c)).toEqual([`web-${o} 3/3 rev=3`, `web-${n} 0/0 rev=2`]);
    const old = c.registry.get(REPLICASETS, NS, `web-${o}`);
    expect(old.metadata?.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(deployment(c).metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('starts a new revision for kubectl rollout restart (a template annotation)', () => {
    const c = setup();
    createDeployment(c);
    c.settle();
    update(c, (s) => {
      const t = s.template as { metadata: { annotations?: Record<string, string> } };
      t.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:01:00Z' };
    });
    c.settle();
    expect(sets(c).map((s) => s.split(' ').slice(1).join(' '))).toEqual(['0/0 rev=1', '3/3 rev=2']);
  });

  it('keeps only revisionHistoryLimit old sets', () => {
    const c = setup();
    createDeployment(c, { revisionHistoryLimit: 1 });
    c.settle();
    for (const image of ['nginx:1.27', 'nginx:1.25', 'nginx:1.24']) {
      setImage(c, image);
      c.settle();
    }
    expect(sets(c).map((s) => s.split(' ').slice(1).join(' '))).toEqual(['0/0 rev=3', '3/3 rev=4']);
  });

  it('does not roll out while paused but still scales, and reports Paused/Resumed', () => {
    const c = setup();
    createDeployment(c);
    c.settle();
    update(c, (s) => { s.paused = true; });
    c.settle();
    expect(condition(c, 'Progressing')).toEqual({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    setImage(c, 'nginx:1.27');
    update(c, (s) => { s.replicas = 5; });
    c.settle();
    expect(sets(c).map((s) => s.split(' ')[1])).toEqual(['5/5']);
    expect(deployment(c).status?.observedGeneration).toBe(deployment(c).metadata?.generation);
    const resumed: string[] = [];
    c.store.subscribe((ch) => {
      const cond = (ch.object as Deployment).status?.conditions?.find((x) => x.type === 'Progressing');
      if (ch.gr.resource === 'deployments' && cond !== undefined && resumed.at(-1) !== cond.reason) resumed.push(cond.reason ?? '');
    });
    update(c, (s) => { s.paused = false; });
    c.settle();
    // (The first change is the resume itself, still showing the paused condition.)
    expect(resumed).toEqual(['DeploymentPaused', 'DeploymentResumed', 'NewReplicaSetCreated', 'ReplicaSetUpdated', 'NewReplicaSetAvailable']);
    expect(sets(c).map((s) => s.split(' ')[1])).toEqual(['0/0', '5/5']);
  });
});

describe('Deployment controller: ownership', () => {
  it('orphans its sets when deleted with propagationPolicy Orphan, and a new Deployment adopts them without churn', () => {
    const c = setup();
    createDeployment(c);
    c.settle();
    const before = c.registry.list(PODS, { namespace: NS }).items.map((p) => p.metadata?.name).sort();
    c.registry.delete(DEPLOYMENTS, NS, 'web', { propagationPolicy: 'Orphan' });
    c.settle();
    const [rs] = c.registry.list(REPLICASETS, { namespace: NS }).items;
    expect(rs?.metadata?.ownerReferences).toBeUndefined();
    expect(c.registry.list(PODS, { namespace: NS }).items.map((p) => p.metadata?.name).sort()).toEqual(before);

    createDeployment(c);
    c.settle();
    const adopted = c.registry.get(REPLICASETS, NS, rs!.metadata!.name!);
    expect(adopted.metadata?.ownerReferences?.[0]?.uid).toBe(deployment(c).metadata?.uid);
    expect(c.registry.list(REPLICASETS, { namespace: NS }).items).toHaveLength(1);
    expect(c.registry.list(PODS, { namespace: NS }).items.map((p) => p.metadata?.name).sort()).toEqual(before);
    expect(deployment(c).status?.availableReplicas).toBe(3);
  });

  it('cascades a background delete to sets and pods', () => {
    const c = setup();
    createDeployment(c);
    c.settle();
    c.registry.delete(DEPLOYMENTS, NS, 'web');
    c.settle();
    expect(c.registry.list(REPLICASETS, { namespace: NS }).items).toHaveLength(0);
    expect(c.registry.list(PODS, { namespace: NS }).items).toHaveLength(0);
  });
});

describe('kind bootstrap', () => {
  it('adopts the system Deployments and ReplicaSets without touching them', () => {
    // createKindCluster step by step, so the state before the workload and endpoint
    // controllers join can be compared with the state after they settle.
    const c = new Cluster({ seed: 'boot', install: [installAdmission, (x) => { installScheduler(x); }, installServiceAllocation] });
    installKubelet(c, { preloadedImages: kindNodeImages() });
    c.settle();
    const state = (gr: { group: string; resource: string }): string[] =>
      c.store.list(gr).items.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.resourceVersion}`);
    const watched = [PODS, REPLICASETS, DEPLOYMENTS, { group: 'apps', resource: 'daemonsets' }];
    const before = watched.map(state);
    installWorkloadControllers(c);
    installEndpointControllers(c);
    c.settle();
    expect(watched.map(state)).toEqual(before);
    expect(before[0]).toHaveLength(13);
    // And the kind cluster as built has those same pods.
    const k = createKindCluster({ seed: 'boot' }).cluster;
    expect(k.store.list(PODS).items.map((p) => p.metadata?.name)).toEqual(c.store.list(PODS).items.map((p) => p.metadata?.name));
  });
});

