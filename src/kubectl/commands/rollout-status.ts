/**
 * The rollout status viewers (K:staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go):
 * one line saying how far a Deployment, DaemonSet or StatefulSet has got, and
 * whether it is done.
 */
import type { Obj } from '../describe/writer.ts';

export interface RolloutStatus {
  message: string;
  done: boolean;
}

export function rolloutStatus(kind: string, obj: Obj, revision: number): RolloutStatus {
  const name = obj.metadata?.name;
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  const generation = obj.metadata?.generation ?? 0;
  if (kind === 'Deployment') {
    if (revision > 0) {
      const current = Number(obj.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
      if (current !== revision) throw new Error(`desired revision (${revision}) is different from the running revision (${current})`);
    }
    if (generation > (st.observedGeneration ?? 0)) return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
    const progressing = ((st.conditions ?? []) as Obj[]).find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') throw new Error(`deployment ${JSON.stringify(name)} exceeded its progress deadline`);
    const replicas = spec.replicas ?? 1;
    const updated = st.updatedReplicas ?? 0;
    if (updated < replicas) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`, done: false };
    if ((st.replicas ?? 0) > updated) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
    if ((st.availableReplicas ?? 0) < updated) return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
    return { message: `deployment ${JSON.stringify(name)} successfully rolled out\n`, done: true };
  }
  if (kind === 'DaemonSet') {
    if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new Error('rollout status is only available for RollingUpdate strategy type');
    if (generation > (st.observedGeneration ?? 0)) return { message: 'Waiting for daemon set spec update to be observed...\n', done: false };
    const desired = st.desiredNumberScheduled ?? 0;
    if ((st.updatedNumberScheduled ?? 0) < desired) return { message: `Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...\n`, done: false };
    if ((st.numberAvailable ?? 0) < desired) return { message: `Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...\n`, done: false };
    return { message: `daemon set ${JSON.stringify(name)} successfully rolled out\n`, done: true };
  }
  if (kind === 'StatefulSet') {
    if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new Error('rollout status is only available for RollingUpdate strategy type');
    if (!st.observedGeneration || generation > st.observedGeneration) return { message: 'Waiting for statefulset spec update to be observed...\n', done: false };
    const replicas = spec.replicas ?? 1;
    if ((st.readyReplicas ?? 0) < replicas) return { message: `Waiting for ${replicas - (st.readyReplicas ?? 0)} pods to be ready...\n`, done: false };
    const ru = spec.updateStrategy?.rollingUpdate;
    if (ru) {
      if (ru.partition !== undefined && (st.updatedReplicas ?? 0) < replicas - ru.partition) {
        return { message: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${replicas - ru.partition} new pods have been updated...\n`, done: false };
      }
      return { message: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...\n`, done: true };
    }
    if (st.updateRevision !== st.currentRevision) return { message: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...\n`, done: false };
    return { message: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision}...\n`, done: true };
  }
  throw new Error(`no status viewer has been implemented for ${kind}`);
}
