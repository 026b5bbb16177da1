// persistentvolume-controller (kube-controller-manager): binds claims to volumes, hands
// claims with a class to their provisioner, gives class-less claims the default class
// after the fact, and releases and reclaims volumes whose claim is gone. The decision
// tree follows upstream's "space shuttle" code branch for branch, with its event texts:
// K:pkg/controller/volume/persistentvolume/pv_controller.go (syncUnboundClaim,
// syncBoundClaim, syncVolume, bind, reclaimVolume, provisionClaimOperationExternal),
// pv_controller_base.go (queues, 15 s resync, setClaimProvisioner).
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimStatus, Pod } from 'kubernetes-types/core/v1';
import type { Controller, ControllerContext } from '../controller.ts';
import type { EventRecorder, EventType } from '../events.ts';
import { defaultStorageClassName } from '../admission/defaults/plugins.ts';
import { deepClone, deepEqual, type KObject } from '../objects.ts';
import type { Change } from '../store.ts';
import { checkVolumeSatisfyClaim, findBestMatchForClaim } from './binding.ts';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED, ANN_MIGRATED_TO,
  ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, PODS, PVCS, PVS, asObject, claimClass, claimHasClass,
  claimKey, claimReference, getClass, hasAnnotation, ignoreRace, isDelayBinding, isPodTerminated, isVolumeBoundToClaim,
  podClaimNames, storageEvents, volumeModeMismatch,
} from './pv-helpers.ts';
import { volumeDataDeleted } from './volume-data.ts';

export const PV_CONTROLLER = 'persistentvolume-controller';
/** kube-controller-manager --pvclaimbinder-sync-period. */
export const PV_RESYNC_MS = 15_000;
/** How long the in-tree hostPath deleter or recycler takes (a scrub of one directory). */
const IN_TREE_RECLAIM_MS = 1_000;

type ClaimPhase = 'Pending' | 'Bound' | 'Lost';
type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';

export class PersistentVolumeController implements Controller {
  readonly name = PV_CONTROLLER;
  private readonly claimQueue = new Set<string>();
  private readonly volumeQueue = new Set<string>();
  private readonly events: EventRecorder;
  private resyncing = false;
  /**
   * Claims whose hand-off to an external provisioner was just written. Upstream runs the
   * hand-off as an operation; the claim update it causes arrives while that operation is
   * still registered, so it does not announce ExternalProvisioning a second time.
   */
  private readonly handingOff = new Set<string>();
  /** In-tree delete/recycle operations under way, by PV uid (goroutinemap). */
  private readonly operations = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.events = storageEvents(ctx);
    for (const c of ctx.store.list(PVCS).items) this.claimQueue.add(claimKey(c));
    for (const v of ctx.store.list(PVS).items) this.volumeQueue.add(v.metadata?.name ?? '');
    if (this.claimQueue.size + this.volumeQueue.size > 0) this.ensureResync();
  }

  observe(c: Change): boolean {
    if (c.gr.group !== '') return false;
    if (c.gr.resource === 'persistentvolumeclaims') {
      const claim = c.object as PersistentVolumeClaim;
      if (c.type === 'DELETED') {
        // deleteClaim: the volume learns at once that it is released.
        const volume = claim.spec?.volumeName ?? '';
        if (volume !== '') this.volumeQueue.add(volume);
        this.handingOff.delete(claim.metadata?.uid ?? '');
      } else this.claimQueue.add(claimKey(claim));
    } else if (c.gr.resource === 'persistentvolumes') {
      const pv = c.object as PersistentVolume;
      if (c.type === 'DELETED') {
        // deleteVolume: the claim learns at once that it is lost.
        const ref = pv.spec?.claimRef;
        if (ref?.name !== undefined) this.claimQueue.add(`${ref.namespace ?? ''}/${ref.name}`);
      } else this.volumeQueue.add(pv.metadata?.name ?? '');
    } else return false;
    this.ensureResync();
    return this.claimQueue.size + this.volumeQueue.size > 0;
  }

  /**
   * Volumes first: a new PV becomes Available before the claims queued with it look for
   * one (upstream's two workers race; a claim that loses waits for the resync).
   */
  reconcile(): void {
    const volumes = [...this.volumeQueue];
    this.volumeQueue.clear();
    for (const name of volumes) {
      const pv = this.ctx.store.get(PVS, '', name) as PersistentVolume | undefined;
      if (pv !== undefined) this.syncVolume(pv);
    }
    const claims = [...this.claimQueue];
    this.claimQueue.clear();
    for (const key of claims) {
      const [ns = '', name = ''] = key.split('/');
      const claim = this.ctx.store.get(PVCS, ns, name) as PersistentVolumeClaim | undefined;
      if (claim !== undefined) this.syncClaim(claim);
    }
  }

  /** The periodic resync re-queues everything (and so re-announces waiting claims). */
  private ensureResync(): void {
    if (this.resyncing) return;
    this.resyncing = true;
    const tick = (): void => {
      const claims = this.ctx.store.list(PVCS).items;
      const volumes = this.ctx.store.list(PVS).items;
      for (const c of claims) this.claimQueue.add(claimKey(c));
      for (const v of volumes) this.volumeQueue.add(v.metadata?.name ?? '');
      // An empty cluster needs no resync; the next claim or volume starts it again.
      if (claims.length + volumes.length === 0) {
        this.resyncing = false;
        return;
      }
      this.ctx.clock.after(PV_RESYNC_MS, tick, { background: true, label: 'persistentvolume-controller resync' });
    };
    this.ctx.clock.after(PV_RESYNC_MS, tick, { background: true, label: 'persistentvolume-controller resync' });
  }

  /** The resync fills the queues from a timer; this is how the cluster loop notices. */
  hasWork(): boolean {
    return this.claimQueue.size + this.volumeQueue.size > 0;
  }

  private event(obj: PersistentVolumeClaim | PersistentVolume, type: EventType, reason: string, message: string): void {
    this.events.record(asObject(obj), type, reason, message, { component: PV_CONTROLLER });
  }

  // ------------------------------------------------------------------- claims

  private syncClaim(claim: PersistentVolumeClaim): void {
    if (!hasAnnotation(claim, ANN_BIND_COMPLETED)) this.syncUnboundClaim(claim);
    else this.syncBoundClaim(claim);
  }

  private syncUnboundClaim(claim: PersistentVolumeClaim): void {
    const volumeName = claim.spec?.volumeName ?? '';
    if (volumeName === '') {
      const delayBinding = isDelayBinding(this.ctx.store, claim);
      const volume = findBestMatchForClaim(claim, this.volumesList(), delayBinding);
      if (volume !== undefined) {
        this.bind(volume, claim);
        return;
      }
      if (this.assignDefaultStorageClass(claim)) return;
      if (delayBinding && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
        this.emitEventForUnboundDelayBindingClaim(claim);
      } else if (claimClass(claim) !== '') {
        this.provisionClaim(claim);
        return;
      } else {
        this.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      }
      this.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    // The user asked for a specific volume.
    const pv = this.ctx.store.get(PVS, '', volumeName) as PersistentVolume | undefined;
    if (pv === undefined) {
      this.updateClaimStatus(claim, 'Pending', undefined);
    } else if (pv.spec?.claimRef === undefined || pv.spec.claimRef === null) {
      const mismatch = checkVolumeSatisfyClaim(pv, claim);
      if (mismatch !== undefined) {
        this.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volumeName}": ${mismatch}`);
        this.updateClaimStatus(claim, 'Pending', undefined);
      } else this.bind(pv, claim);
    } else if (isVolumeBoundToClaim(pv, claim)) {
      this.bind(pv, claim);
    } else {
      this.event(claim, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
      // A claim the controller bound itself cannot get here unless someone removed
      // bind-completed; upstream then only logs, and so leaves the phase alone.
      if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) this.updateClaimStatus(claim, 'Pending', undefined);
    }
  }

  private syncBoundClaim(claim: PersistentVolumeClaim): void {
    const volumeName = claim.spec?.volumeName ?? '';
    if (volumeName === '') {
      this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const pv = this.ctx.store.get(PVS, '', volumeName) as PersistentVolume | undefined;
    if (pv === undefined) {
      this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    } else if (pv.spec?.claimRef === undefined || pv.spec.claimRef === null || pv.spec.claimRef.uid === claim.metadata?.uid) {
      // Unbound volume (fix it) or all is well (bind is then a no-op).
      this.bind(pv, claim);
    } else {
      this.updateClaimStatusWithEvent(claim, 'Lost', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
    }
  }

  /** RetroactiveDefaultStorageClass: a claim without any class gets today's default. */
  private assignDefaultStorageClass(claim: PersistentVolumeClaim): boolean {
    if (claimHasClass(claim)) return false;
    const name = defaultStorageClassName(this.ctx.store);
    if (name === undefined) return false;
    const next = deepClone(claim);
    next.spec = { ...next.spec, storageClassName: name };
    return ignoreRace(() => this.ctx.registry.update(PVCS, asObject(next))) !== undefined;
  }

  private emitEventForUnboundDelayBindingClaim(claim: PersistentVolumeClaim): void {
    const waiting = this.podsUsing(claim)
      .filter((p) => !isPodTerminated(p) && (p.spec?.nodeName ?? '') === '')
      .map((p) => p.metadata?.name ?? '');
    if (waiting.length === 0) this.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    else if (waiting.length === 1) this.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pod ${waiting[0]!} to be scheduled`);
    else this.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pods ${waiting.join(',')} to be scheduled`);
  }

  /** provisionClaim → provisionClaimOperationExternal: mark the claim for its provisioner. */
  private provisionClaim(claim: PersistentVolumeClaim): void {
    const uid = claim.metadata?.uid ?? '';
    if (this.handingOff.delete(uid)) return;
    const className = claimClass(claim);
    const sc = getClass(this.ctx.store, className);
    if (sc === undefined) {
      this.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = sc.provisioner;
    // In-tree plugins are the only ones the controller runs itself; kind has none, and
    // `kubernetes.io/no-provisioner` is a marker for static volumes, not a plugin.
    if (provisioner.startsWith('kubernetes.io/')) {
      this.event(claim, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner}`);
      return;
    }
    const a = claim.metadata?.annotations ?? {};
    if (a[ANN_STORAGE_PROVISIONER] !== provisioner) {
      const next = deepClone(claim);
      next.metadata = { ...next.metadata, annotations: { ...a, [ANN_BETA_STORAGE_PROVISIONER]: provisioner, [ANN_STORAGE_PROVISIONER]: provisioner } };
      const written = ignoreRace(() => this.ctx.registry.update(PVCS, asObject(next))) as PersistentVolumeClaim | undefined;
      if (written === undefined) {
        this.event(claim, 'Warning', 'ProvisioningFailed', 'Error saving claim: the object has been modified; please apply your changes to the latest version and try again');
        return;
      }
      this.handingOff.add(uid);
      claim = written;
    }
    this.event(
      claim,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  // ------------------------------------------------------------------- volumes

  private syncVolume(pv: PersistentVolume): void {
    const ref = pv.spec?.claimRef;
    if (ref === undefined || ref === null || (ref.uid ?? '') === '') {
      // Unused, or pre-bound to a claim by name that the claim sync will pick up.
      this.updateVolumePhase(pv, 'Available');
      return;
    }
    let claim = this.ctx.store.get(PVCS, ref.namespace ?? '', ref.name ?? '') as PersistentVolumeClaim | undefined;
    // A claim of the same name but another uid is a new claim: the old one is gone.
    if (claim !== undefined && claim.metadata?.uid !== ref.uid) claim = undefined;
    if (claim === undefined) {
      if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') {
        pv = this.updateVolumePhase(pv, 'Released') ?? pv;
      }
      this.reclaimVolume(pv);
      return;
    }
    const volumeName = claim.spec?.volumeName ?? '';
    if (volumeName === '') {
      if (volumeModeMismatch(claim, pv)) {
        this.event(pv, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata?.name ?? ''}" due to incompatible volumeMode.`);
        this.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${pv.metadata?.name ?? ''}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
        return;
      }
      // Bound on the volume's side only (a provisioner or the scheduler wrote claimRef):
      // the claim sync completes the binding.
      this.claimQueue.add(claimKey(claim));
    } else if (volumeName === pv.metadata?.name) {
      this.updateVolumePhase(pv, 'Bound');
    } else if (hasAnnotation(pv, ANN_DYNAMICALLY_PROVISIONED) && pv.spec?.persistentVolumeReclaimPolicy === 'Delete') {
      // Provisioned for this claim, which got bound elsewhere: not needed, delete it.
      if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') pv = this.updateVolumePhase(pv, 'Released') ?? pv;
      this.reclaimVolume(pv);
    } else {
      this.unbindVolume(pv);
    }
  }

  /** reclaimVolume: what `persistentVolumeReclaimPolicy` asks for once the claim is gone. */
  private reclaimVolume(pv: PersistentVolume): void {
    if (hasAnnotation(pv, ANN_MIGRATED_TO)) return;
    switch (pv.spec?.persistentVolumeReclaimPolicy) {
      case 'Retain':
        return;
      case 'Recycle':
        if (pv.spec?.hostPath === undefined && pv.spec?.nfs === undefined) {
          this.updateVolumePhaseWithEvent(pv, 'Failed', 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
        } else this.startOperation(pv, () => this.recycleVolume(pv));
        return;
      case 'Delete':
        this.deleteVolume(pv);
        return;
      default:
        this.updateVolumePhaseWithEvent(pv, 'Failed', 'Warning', 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
    }
  }

  /** deleteVolumeOperation + findDeletablePlugin, for the plugins a kind controller-manager has. */
  private deleteVolume(pv: PersistentVolume): void {
    const provisionedBy = pv.metadata?.annotations?.[ANN_DYNAMICALLY_PROVISIONED] ?? '';
    // An external provisioner (local-path, any CSI driver) deletes its own volumes.
    if (provisionedBy !== '' && !provisionedBy.startsWith('kubernetes.io/')) return;
    if (provisionedBy === '' && pv.spec?.csi !== undefined) return;
    let error: string | undefined;
    if (provisionedBy !== '') error = `no volume plugin matched name: ${provisionedBy}`;
    else if (pv.spec?.hostPath !== undefined) {
      const path = pv.spec.hostPath.path;
      if (!/\/tmp\/.+/.test(path)) error = `host_path deleter only supports /tmp/.+ but received provided ${path}`;
    } else if (pv.spec?.nfs !== undefined) error = `error getting deleter volume plugin for volume "${pv.metadata?.name ?? ''}": no deletable volume plugin matched`;
    else error = `error getting deleter volume plugin for volume "${pv.metadata?.name ?? ''}": no volume plugin matched`;
    if (error !== undefined) {
      // The phase change carries the event; later retries stay quiet while it is Failed.
      this.updateVolumePhaseWithEvent(pv, 'Failed', 'Warning', 'VolumeFailedDelete', error);
      return;
    }
    this.startOperation(pv, () => {
      const current = this.ctx.store.get(PVS, '', pv.metadata?.name ?? '') as PersistentVolume | undefined;
      if (current === undefined || current.metadata?.uid !== pv.metadata?.uid || !this.isVolumeReleased(current)) return;
      volumeDataDeleted(this.ctx.store, current);
      ignoreRace(() => this.ctx.registry.delete(PVS, '', current.metadata?.name ?? ''));
    });
  }

  /** recycleVolumeOperation (Recycle is deprecated): the hostPath or NFS volume is scrubbed and offered again. */
  private recycleVolume(pv: PersistentVolume): void {
    const current = this.ctx.store.get(PVS, '', pv.metadata?.name ?? '') as PersistentVolume | undefined;
    if (current === undefined || current.metadata?.uid !== pv.metadata?.uid || !this.isVolumeReleased(current)) return;
    const ref = current.spec!.claimRef!;
    const users = this.ctx.store.list(PODS, { namespace: ref.namespace ?? '' }).items
      .map((p) => p as Pod)
      .filter((p) => !isPodTerminated(p) && podClaimNames(p).some((c) => c.claim === ref.name))
      .map((p) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`)
      .sort();
    const claimCached = this.ctx.store.get(PVCS, ref.namespace ?? '', ref.name ?? '') !== undefined;
    if (users.length > 0 && !claimCached) {
      this.event(current, 'Normal', 'VolumeFailedRecycle', `Volume is used by pods: ${users.join(',')}`);
      return;
    }
    volumeDataDeleted(this.ctx.store, current);
    this.event(current, 'Normal', 'VolumeRecycled', 'Volume recycled');
    this.unbindVolume(current);
  }

  /** Runs an in-tree reclaim operation once, after the time the plugin takes. */
  private startOperation(pv: PersistentVolume, fn: () => void): void {
    const uid = pv.metadata?.uid ?? '';
    if (this.operations.has(uid)) return;
    this.operations.add(uid);
    this.ctx.clock.after(IN_TREE_RECLAIM_MS, () => {
      this.operations.delete(uid);
      fn();
    }, { label: `persistentvolume-controller reclaim ${pv.metadata?.name ?? ''}` });
  }

  /** isVolumeReleased: bound to a claim that is gone or bound to another volume. */
  private isVolumeReleased(pv: PersistentVolume): boolean {
    const ref = pv.spec?.claimRef;
    if (ref === undefined || ref === null || (ref.uid ?? '') === '') return false;
    const claim = this.ctx.store.get(PVCS, ref.namespace ?? '', ref.name ?? '') as PersistentVolumeClaim | undefined;
    if (claim !== undefined && claim.metadata?.uid === ref.uid) {
      const bound = claim.spec?.volumeName ?? '';
      return bound !== '' && bound !== pv.metadata?.name;
    }
    return true;
  }

  /** unbindVolume: undo the controller's binding, or only the uid of a user's pre-binding. */
  private unbindVolume(pv: PersistentVolume): void {
    const next = deepClone(pv);
    if (hasAnnotation(pv, ANN_BOUND_BY_CONTROLLER)) {
      delete next.spec!.claimRef;
      const a = { ...next.metadata?.annotations };
      delete a[ANN_BOUND_BY_CONTROLLER];
      next.metadata = { ...next.metadata, annotations: Object.keys(a).length > 0 ? a : undefined };
    } else {
      next.spec = { ...next.spec, claimRef: { ...next.spec!.claimRef, uid: '' } };
    }
    const written = ignoreRace(() => this.ctx.registry.update(PVS, asObject(next))) as PersistentVolume | undefined;
    if (written !== undefined) this.updateVolumePhase(written, 'Available');
  }

  // ------------------------------------------------------------------- binding

  /** bind: volume spec, volume status, claim spec, claim status — in that order. */
  private bind(volume: PersistentVolume, claim: PersistentVolumeClaim): void {
    let pv: PersistentVolume | undefined = volume;
    // GetBindVolumeToClaim
    if (!isVolumeBoundToClaim(pv, claim) || pv.spec?.claimRef?.uid !== claim.metadata?.uid) {
      const next = deepClone(pv);
      next.spec = { ...next.spec, claimRef: claimReference(claim) };
      if (!isVolumeBoundToClaim(volume, claim) && !hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
        next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
      }
      pv = ignoreRace(() => this.ctx.registry.update(PVS, asObject(next))) as PersistentVolume | undefined;
      if (pv === undefined) return;
    }
    pv = this.updateVolumePhase(pv, 'Bound');
    if (pv === undefined) return;
    // bindClaimToVolume
    let bound: PersistentVolumeClaim | undefined = claim;
    const a = { ...claim.metadata?.annotations };
    let dirty = false;
    const next = deepClone(claim);
    if (claim.spec?.volumeName !== pv.metadata?.name) {
      next.spec = { ...next.spec, volumeName: pv.metadata?.name };
      if (a[ANN_BOUND_BY_CONTROLLER] === undefined) a[ANN_BOUND_BY_CONTROLLER] = 'yes';
      dirty = true;
    }
    if (a[ANN_BIND_COMPLETED] === undefined) {
      a[ANN_BIND_COMPLETED] = 'yes';
      dirty = true;
    }
    if (dirty) {
      next.metadata = { ...next.metadata, annotations: a };
      bound = ignoreRace(() => this.ctx.registry.update(PVCS, asObject(next))) as PersistentVolumeClaim | undefined;
      if (bound === undefined) return;
    }
    this.updateClaimStatus(bound, 'Bound', pv);
  }

  /** updateClaimStatus: phase, and access modes and capacity from the volume (capacity only on the way to Bound). */
  private updateClaimStatus(claim: PersistentVolumeClaim, phase: ClaimPhase, volume: PersistentVolume | undefined): PersistentVolumeClaim | undefined {
    const status: PersistentVolumeClaimStatus = { ...claim.status };
    if (volume === undefined) {
      delete status.accessModes;
      delete status.capacity;
    } else {
      if (!deepEqual(status.accessModes, volume.spec?.accessModes)) status.accessModes = volume.spec?.accessModes;
      if (claim.status?.phase !== phase && !deepEqual(status.capacity?.storage, volume.spec?.capacity?.storage)) status.capacity = { ...volume.spec?.capacity };
    }
    status.phase = phase;
    if (deepEqual(status, claim.status)) return claim;
    return ignoreRace(() => this.ctx.registry.update(PVCS, { ...asObject(claim), status } as KObject, { subresource: 'status' })) as PersistentVolumeClaim | undefined;
  }

  private updateClaimStatusWithEvent(claim: PersistentVolumeClaim, phase: ClaimPhase, reason: string, message: string): void {
    if (claim.status?.phase === phase) return;
    const written = this.updateClaimStatus(claim, phase, undefined);
    if (written !== undefined) this.event(written, 'Warning', reason, message);
  }

  private updateVolumePhase(pv: PersistentVolume, phase: VolumePhase, message = ''): PersistentVolume | undefined {
    if (pv.status?.phase === phase) return pv;
    const status = { ...pv.status, phase };
    if (message !== '') status.message = message;
    else delete status.message;
    return ignoreRace(() => this.ctx.registry.update(PVS, { ...asObject(pv), status } as KObject, { subresource: 'status' })) as PersistentVolume | undefined;
  }

  private updateVolumePhaseWithEvent(pv: PersistentVolume, phase: VolumePhase, type: EventType, reason: string, message: string): void {
    if (pv.status?.phase === phase) return;
    const written = this.updateVolumePhase(pv, phase, message);
    if (written !== undefined) this.event(written, type, reason, message);
  }

  // ------------------------------------------------------------------- lookups

  private volumesList(): PersistentVolume[] {
    return this.ctx.store.list(PVS).items as PersistentVolume[];
  }

  private podsUsing(claim: PersistentVolumeClaim): Pod[] {
    return (this.ctx.store.list(PODS, { namespace: claim.metadata?.namespace ?? '' }).items as Pod[])
      .filter((p) => podClaimNames(p).some((c) => c.claim === claim.metadata?.name));
  }
}
