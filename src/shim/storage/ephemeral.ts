// Generic ephemeral volumes: for each `ephemeral` volume of a pod, kube-controller-manager's
// ephemeral-volume controller creates the claim `<pod>-<volume>` from its template, owned
// by the pod (so it goes with the pod), and the claim then binds like any other.
// K:pkg/controller/volume/ephemeral/controller.go (handleVolume),
// K:staging/src/k8s.io/component-helpers/storage/ephemeral/ephemeral.go (VolumeIsForPod).
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { Controller, ControllerContext } from '../controller.ts';
import { isStatusError } from '../errors.ts';
import type { Change } from '../store.ts';
import { PODS, PVCS, asObject, storageEvents } from './pv-helpers.ts';

/** VolumeIsForPod: the claim of that name must be the pod's own. */
export function ephemeralClaimError(pod: Pod, claim: PersistentVolumeClaim): string | undefined {
  if ((claim.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata?.uid)) return undefined;
  const ns = pod.metadata?.namespace ?? '';
  return `PVC ${ns}/${claim.metadata?.name ?? ''} was not created for pod ${ns}/${pod.metadata?.name ?? ''} (pod is not owner)`;
}

export class EphemeralVolumeController implements Controller {
  readonly name = 'ephemeral-volume-controller';
  private readonly queue = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    for (const p of ctx.store.list(PODS).items) if (hasEphemeral(p as Pod)) this.queue.add(p.metadata?.uid ?? '');
  }

  observe(c: Change): boolean {
    if (c.gr.group === '' && c.gr.resource === 'pods' && c.type !== 'DELETED' && hasEphemeral(c.object as Pod)) this.queue.add(c.object.metadata?.uid ?? '');
    return this.queue.size > 0;
  }

  reconcile(): void {
    const uids = [...this.queue];
    this.queue.clear();
    for (const uid of uids) {
      const pod = this.ctx.store.getByUid(uid)?.object as Pod | undefined;
      if (pod !== undefined && pod.metadata?.deletionTimestamp === undefined) this.syncPod(pod);
    }
  }

  private syncPod(pod: Pod): void {
    const ns = pod.metadata?.namespace ?? '';
    for (const vol of pod.spec?.volumes ?? []) {
      const template = vol.ephemeral?.volumeClaimTemplate;
      if (template === undefined) continue;
      const name = `${pod.metadata?.name ?? ''}-${vol.name}`;
      if (this.ctx.store.get(PVCS, ns, name) !== undefined) continue;
      try {
        this.ctx.registry.create(PVCS, asObject({
          metadata: {
            name,
            namespace: ns,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
            ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
            ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}),
          },
          spec: template.spec,
        }));
      } catch (e) {
        if (!isStatusError(e)) throw e;
        storageEvents(this.ctx).record(asObject(pod), 'Warning', 'FailedBinding', `ephemeral volume ${vol.name}: create PVC ${name}: ${e.status.message ?? ''}`, { component: 'ephemeral_volume' });
      }
    }
  }
}

const hasEphemeral = (pod: Pod): boolean => (pod.spec?.volumes ?? []).some((v) => v.ephemeral !== undefined);
