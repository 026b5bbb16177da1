// An external provisioner, as kubernetes-sigs/sig-storage-lib-external-provisioner runs
// one (local-path-provisioner and every CSI external-provisioner are built on it): it
// takes the claims the PV controller marked with its name, creates a PV pre-bound to
// each, and deletes the storage and the PV of Released volumes whose policy is Delete.
// The backend (`VolumePlugin`) decides what a volume is; this file owns the protocol,
// the events and the retries. LIB:controller/controller.go (shouldProvision,
// provisionClaimOperation, provisionVolumeErrorHandling, syncVolume, shouldDelete,
// deleteVolumeOperation), LIB:controller/volume_store.go (ProvisioningSucceeded).
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { Controller, ControllerContext } from '../controller.ts';
import type { EventRecorder, EventType } from '../events.ts';
import { deepClone } from '../objects.ts';
import type { Change } from '../store.ts';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER,
  EXTERNAL_PROVISIONER_FINALIZER, NODES, PVCS, PVS, annotations, asObject, claimClass, claimKey, claimReference, getClass,
  ignoreRace, storageEvents,
} from './pv-helpers.ts';
import { volumeDataDeleted } from './volume-data.ts';

export interface ProvisionRequest {
  claim: PersistentVolumeClaim;
  storageClass: StorageClass;
  /** `pvc-<claim uid>`. */
  pvName: string;
  selectedNode?: Node;
}

/** A new volume and how long the backend takes to make it, or why it cannot. */
export type ProvisionOutcome =
  | { pv: PersistentVolume; delayMs: number }
  | { error: string };

/** How long deleting the storage takes, or why it cannot be deleted. */
export type DeleteOutcome = { delayMs: number } | { error: string };

/** The storage backend behind one provisioner name. */
export interface VolumePlugin {
  /** The name classes put in `provisioner` (and CSI PVs in `csi.driver`). */
  readonly provisioner: string;
  /** Whether it can make raw block volumes (BlockProvisioner.SupportsBlock). */
  readonly supportsBlock: boolean;
  /** Whether it marks its PVs with the external-provisioner finalizer (CSI, HonorPVReclaimPolicy). */
  readonly addFinalizer: boolean;
  /** Whether the provisioner runs at all (local-path: its pod is Running and Ready). */
  running(): boolean;
  /** The events' source while it runs: `<provisioner>_<host>_<uuid>`, the uuid made when the process starts. */
  identity(): string;
  /** Whether a cluster change may have started or stopped the provisioner itself. */
  affectsRunning?(change: Change): boolean;
  provision(request: ProvisionRequest): ProvisionOutcome;
  delete(pv: PersistentVolume): DeleteOutcome;
}

/** Claim and volume workers' retries: workqueue.NewItemExponentialFailureRateLimiter(15s, 1000s), 15 tries. */
const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 1_000_000;
const FAILED_THRESHOLD = 15;

export class ExternalProvisioner implements Controller {
  readonly name: string;
  private readonly claimQueue = new Set<string>();
  private readonly volumeQueue = new Set<string>();
  private readonly events: EventRecorder;
  /** claimsInProgress: provisioning started, PV not saved yet (by claim uid). */
  private readonly provisioning = new Set<string>();
  private readonly deleting = new Set<string>();
  private readonly failures = new Map<string, number>();
  private wasRunning = false;

  constructor(private readonly ctx: ControllerContext, readonly plugin: VolumePlugin) {
    this.name = `external-provisioner ${plugin.provisioner}`;
    this.events = storageEvents(ctx);
    this.enqueueAll();
  }

  observe(c: Change): boolean {
    if (this.plugin.affectsRunning?.(c) === true) {
      const running = this.plugin.running();
      // A provisioner that (re)starts lists every claim and volume again.
      if (running && !this.wasRunning) this.enqueueAll();
      this.wasRunning = running;
    }
    if (c.gr.group === '' && c.type !== 'DELETED') {
      if (c.gr.resource === 'persistentvolumeclaims') this.claimQueue.add(c.object.metadata?.uid ?? '');
      else if (c.gr.resource === 'persistentvolumes') this.volumeQueue.add(c.object.metadata?.name ?? '');
    }
    return this.hasWork();
  }

  hasWork(): boolean {
    return this.claimQueue.size + this.volumeQueue.size > 0;
  }

  reconcile(): void {
    this.wasRunning = this.plugin.running();
    const claims = [...this.claimQueue];
    const volumes = [...this.volumeQueue];
    this.claimQueue.clear();
    this.volumeQueue.clear();
    // Nobody is watching while the provisioner is down; it relists when it comes back.
    if (!this.wasRunning) return;
    for (const uid of claims) {
      const hit = this.ctx.store.getByUid(uid);
      if (hit !== undefined && hit.gr.resource === 'persistentvolumeclaims') this.syncClaim(hit.object as PersistentVolumeClaim);
    }
    for (const name of volumes) {
      const pv = this.ctx.store.get(PVS, '', name) as PersistentVolume | undefined;
      if (pv !== undefined) this.syncVolume(pv);
    }
  }

  private enqueueAll(): void {
    for (const c of this.ctx.store.list(PVCS).items) this.claimQueue.add(c.metadata?.uid ?? '');
    for (const v of this.ctx.store.list(PVS).items) this.volumeQueue.add(v.metadata?.name ?? '');
  }

  private event(obj: PersistentVolumeClaim | PersistentVolume, type: EventType, reason: string, message: string): void {
    this.events.record(asObject(obj), type, reason, message, { component: this.plugin.identity() });
  }

  // ------------------------------------------------------------------- provisioning

  /** shouldProvision: the claim is marked for this provisioner (and, for WFFC, has its node). */
  private shouldProvision(claim: PersistentVolumeClaim): boolean {
    if ((claim.spec?.volumeName ?? '') !== '') return false;
    const a = annotations(claim);
    const provisioner = a[ANN_STORAGE_PROVISIONER] ?? a[ANN_BETA_STORAGE_PROVISIONER];
    if (provisioner !== this.plugin.provisioner) return false;
    const sc = getClass(this.ctx.store, claimClass(claim));
    // A missing class is retried: it may be (re)created independently of the claim.
    if (sc === undefined) {
      this.retry(this.claimQueue, claim.metadata?.uid ?? '');
      return false;
    }
    if (sc.volumeBindingMode === 'WaitForFirstConsumer') return (a[ANN_SELECTED_NODE] ?? '') !== '';
    return true;
  }

  private syncClaim(claim: PersistentVolumeClaim): void {
    const uid = claim.metadata?.uid ?? '';
    if (this.provisioning.has(uid) || !this.shouldProvision(claim)) return;
    const pvName = `pvc-${uid}`;
    if (this.ctx.store.get(PVS, '', pvName) !== undefined) return;
    if (claim.spec?.volumeMode === 'Block' && !this.plugin.supportsBlock) {
      this.event(claim, 'Warning', 'ProvisioningFailed', `${this.plugin.provisioner} does not support block volume provisioning`);
      return;
    }
    const className = claimClass(claim);
    const storageClass = getClass(this.ctx.store, className)!;
    if (storageClass.provisioner !== this.plugin.provisioner) return;
    let selectedNode: Node | undefined;
    const nodeName = annotations(claim)[ANN_SELECTED_NODE];
    if (nodeName !== undefined) {
      selectedNode = this.ctx.store.get(NODES, '', nodeName) as Node | undefined;
      if (selectedNode === undefined) {
        this.event(claim, 'Warning', 'ProvisioningFailed', `node "${nodeName}" not found`);
        this.reschedule(claim);
        return;
      }
    }
    this.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claimKey(claim)}"`);
    const outcome = this.plugin.provision({ claim, storageClass, pvName, ...(selectedNode !== undefined ? { selectedNode } : {}) });
    if ('error' in outcome) {
      this.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${outcome.error}`);
      this.retry(this.claimQueue, uid);
      return;
    }
    this.provisioning.add(uid);
    const identity = this.plugin.identity();
    this.ctx.clock.after(outcome.delayMs, () => {
      this.provisioning.delete(uid);
      // A provisioner that died meanwhile took the operation with it; it starts over when back.
      if (!this.plugin.running() || this.plugin.identity() !== identity) {
        this.claimQueue.add(uid);
        return;
      }
      this.failures.delete(uid);
      this.saveVolume(claim, storageClass, outcome.pv);
    }, { label: `${this.name} provision ${claimKey(claim)}` });
  }

  /** The PV goes in pre-bound: the PV controller finishes the binding. */
  private saveVolume(claim: PersistentVolumeClaim, storageClass: StorageClass, pv: PersistentVolume): void {
    const volume = deepClone(pv);
    volume.spec = { ...volume.spec, claimRef: claimReference(claim), storageClassName: claimClass(claim) };
    volume.metadata = {
      ...volume.metadata,
      annotations: { ...volume.metadata?.annotations, [ANN_DYNAMICALLY_PROVISIONED]: storageClass.provisioner },
      ...(this.plugin.addFinalizer ? { finalizers: [...(volume.metadata?.finalizers ?? []), EXTERNAL_PROVISIONER_FINALIZER] } : {}),
    };
    // An AlreadyExists means an earlier attempt saved it: reuse it.
    ignoreRace(() => this.ctx.registry.create(PVS, asObject(volume)));
    this.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volume.metadata?.name ?? ''}`);
  }

  /** rescheduleProvisioning (the selected node is gone): drop it so the scheduler picks again. */
  private reschedule(claim: PersistentVolumeClaim): void {
    const next = deepClone(claim);
    const a = { ...next.metadata?.annotations };
    delete a[ANN_SELECTED_NODE];
    next.metadata = { ...next.metadata, annotations: a };
    ignoreRace(() => this.ctx.registry.update(PVCS, asObject(next)));
  }

  // ------------------------------------------------------------------- deleting

  private syncVolume(pv: PersistentVolume): void {
    if (!this.ownsVolume(pv)) return;
    pv = this.handleProtectionFinalizer(pv) ?? pv;
    if (!this.shouldDelete(pv)) return;
    const uid = pv.metadata?.uid ?? '';
    if (this.deleting.has(uid)) return;
    const outcome = this.plugin.delete(pv);
    if ('error' in outcome) {
      this.event(pv, 'Warning', 'VolumeFailedDelete', outcome.error);
      this.retry(this.volumeQueue, pv.metadata?.name ?? '');
      return;
    }
    this.deleting.add(uid);
    this.ctx.clock.after(outcome.delayMs, () => {
      this.deleting.delete(uid);
      const current = this.ctx.store.get(PVS, '', pv.metadata?.name ?? '') as PersistentVolume | undefined;
      if (current === undefined || current.metadata?.uid !== uid) return;
      volumeDataDeleted(this.ctx.store, current);
      ignoreRace(() => this.ctx.registry.delete(PVS, '', pv.metadata?.name ?? ''));
      if (this.plugin.addFinalizer) {
        const deleting = this.ctx.store.get(PVS, '', pv.metadata?.name ?? '') as PersistentVolume | undefined;
        if (deleting !== undefined) this.setFinalizer(deleting, false);
      }
    }, { label: `${this.name} delete ${pv.metadata?.name ?? ''}` });
  }

  /** isProvisionerForVolume. */
  private ownsVolume(pv: PersistentVolume): boolean {
    const by = annotations(pv)[ANN_DYNAMICALLY_PROVISIONED];
    if (by !== undefined) return by === this.plugin.provisioner;
    return pv.spec?.csi?.driver === this.plugin.provisioner;
  }

  /** The external-provisioner finalizer rides on Bound volumes that will be deleted. */
  private handleProtectionFinalizer(pv: PersistentVolume): PersistentVolume | undefined {
    const policy = pv.spec?.persistentVolumeReclaimPolicy;
    const has = (pv.metadata?.finalizers ?? []).includes(EXTERNAL_PROVISIONER_FINALIZER);
    if (this.plugin.addFinalizer && policy === 'Delete' && pv.metadata?.deletionTimestamp === undefined && pv.status?.phase === 'Bound' && !has) {
      return this.setFinalizer(pv, true);
    }
    if ((!this.plugin.addFinalizer || policy === 'Retain' || policy === 'Recycle') && has) return this.setFinalizer(pv, false);
    return undefined;
  }

  private setFinalizer(pv: PersistentVolume, on: boolean): PersistentVolume | undefined {
    const rest = (pv.metadata?.finalizers ?? []).filter((f) => f !== EXTERNAL_PROVISIONER_FINALIZER);
    const next = deepClone(pv);
    next.metadata = { ...next.metadata, finalizers: on ? [...rest, EXTERNAL_PROVISIONER_FINALIZER] : rest };
    return ignoreRace(() => this.ctx.registry.update(PVS, asObject(next))) as PersistentVolume | undefined;
  }

  private shouldDelete(pv: PersistentVolume): boolean {
    if (this.plugin.addFinalizer) {
      if (!(pv.metadata?.finalizers ?? []).includes(EXTERNAL_PROVISIONER_FINALIZER) && pv.metadata?.deletionTimestamp !== undefined) return false;
    } else if (pv.metadata?.deletionTimestamp !== undefined) return false;
    return pv.status?.phase === 'Released' && pv.spec?.persistentVolumeReclaimPolicy === 'Delete';
  }

  // ------------------------------------------------------------------- retries

  /** AddRateLimited: 15 s, doubling to 1000 s, given up after 15 failures; background, so a broken claim never keeps the cluster busy. */
  private retry(queue: Set<string>, key: string): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    if (n >= FAILED_THRESHOLD) return;
    const delay = Math.min(RETRY_BASE_MS * 2 ** (n - 1), RETRY_MAX_MS);
    this.ctx.clock.after(delay, () => queue.add(key), { background: true, label: `${this.name} retry ${key}` });
  }
}
