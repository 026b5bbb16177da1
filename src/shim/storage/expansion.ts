// Growing a bound claim (admission has already checked the class allows it):
// kube-controller-manager's expand controller hands CSI volumes to the driver's
// external-resizer (K:pkg/controller/volume/expand/expand_controller.go), which grows the
// backend and the PV and, for a filesystem, leaves the last step to the kubelet of a node
// that mounts the volume (external-resizer pkg/controller/expand_and_recover.go,
// resize_status.go; K:pkg/volume/util/operationexecutor nodeExpandVolume, resize_util.go
// MarkFSResizeFinished). RecoverVolumeExpansionFailure is on in 1.32, so the claim also
// carries `allocatedResources` and `allocatedResourceStatuses`.
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimCondition, PersistentVolumeClaimStatus, Pod } from 'kubernetes-types/core/v1';
import { rfc3339 } from '../clock.ts';
import type { Controller, ControllerContext } from '../controller.ts';
import type { EventRecorder } from '../events.ts';
import { deepClone, type KObject } from '../objects.ts';
import type { Change } from '../store.ts';
import { PODS, PVCS, PVS, asObject, claimKey, compareSize, ignoreRace, podClaimNames, requestedStorage, storageEvents } from './pv-helpers.ts';

const RESIZE_CONDITIONS = new Set(['Resizing', 'FileSystemResizePending', 'ControllerResizeError', 'NodeResizeError']);
/** ControllerExpandVolume round trip. */
const CONTROLLER_RESIZE_MS = 1_000;
/** The kubelet's volume manager noticing a pending resize of a mounted volume, and resize2fs. */
const NODE_RESIZE_MS = 1_000;

const statusCapacity = (claim: PersistentVolumeClaim): string => String(claim.status?.capacity?.storage ?? '0');
const resizeStatus = (claim: PersistentVolumeClaim): string | undefined => claim.status?.allocatedResourceStatuses?.storage;

/** MergeResizeConditionsOfPVC: replace the resize conditions, keep every other one. */
function withResizeConditions(claim: PersistentVolumeClaim, conditions: PersistentVolumeClaimCondition[]): PersistentVolumeClaimCondition[] | undefined {
  const kept = (claim.status?.conditions ?? []).filter((c) => !RESIZE_CONDITIONS.has(c.type));
  const merged = [...kept, ...conditions];
  return merged.length > 0 ? merged : undefined;
}

function writeStatus(ctx: ControllerContext, claim: PersistentVolumeClaim, edit: (s: PersistentVolumeClaimStatus) => void): PersistentVolumeClaim | undefined {
  const status = deepClone(claim.status ?? {});
  edit(status);
  for (const k of Object.keys(status) as Array<keyof PersistentVolumeClaimStatus>) if (status[k] === undefined) delete status[k];
  return ignoreRace(() => ctx.registry.update(PVCS, { ...asObject(claim), status } as KObject, { subresource: 'status' })) as PersistentVolumeClaim | undefined;
}

function dropStorageStatus(s: PersistentVolumeClaimStatus): void {
  const rest = { ...s.allocatedResourceStatuses };
  delete rest.storage;
  s.allocatedResourceStatuses = Object.keys(rest).length > 0 ? rest : undefined;
}

/** The claim's volume, when it is really bound to this claim (same uid). */
function boundVolume(ctx: ControllerContext, claim: PersistentVolumeClaim): PersistentVolume | undefined {
  if (claim.status?.phase !== 'Bound') return undefined;
  const pv = ctx.store.get(PVS, '', claim.spec?.volumeName ?? '') as PersistentVolume | undefined;
  if (pv === undefined || pv.spec?.claimRef?.uid !== claim.metadata?.uid) return undefined;
  return pv;
}

/** kube-controller-manager's expand controller: kind has no in-tree resizers, so it only hands over. */
export class ExpandController implements Controller {
  readonly name = 'volume_expand';
  private readonly queue = new Set<string>();
  private readonly events: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.events = storageEvents(ctx);
  }

  observe(c: Change): boolean {
    if (c.gr.group !== '' || c.gr.resource !== 'persistentvolumeclaims' || c.type !== 'MODIFIED') return false;
    const claim = c.object as PersistentVolumeClaim;
    // Only a bigger request is worth a look (enqueuePVC: and only for a bound claim).
    const grew = compareSize(requestedStorage(claim), requestedStorage(c.previous as PersistentVolumeClaim)) > 0;
    if (grew && claim.status?.phase === 'Bound') this.queue.add(claimKey(claim));
    return this.queue.size > 0;
  }

  reconcile(): void {
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) {
      const [ns = '', name = ''] = key.split('/');
      const claim = this.ctx.store.get(PVCS, ns, name) as PersistentVolumeClaim | undefined;
      if (claim === undefined || boundVolume(this.ctx, claim) === undefined) continue;
      if (compareSize(requestedStorage(claim), statusCapacity(claim)) <= 0) continue;
      // FindExpandablePluginBySpec finds no plugin for a CSI or hostPath volume: an error,
      // hence a Warning, and no requeue (an external controller will do it).
      this.events.record(asObject(claim), 'Warning', 'ExternalExpanding', 'waiting for an external controller to expand this PVC', { component: 'volume_expand' });
    }
  }
}

/** A CSI driver's external-resizer sidecar (RecoverVolumeExpansionFailure flow). */
export class ExternalResizer implements Controller {
  readonly name: string;
  private readonly queue = new Set<string>();
  private readonly events: EventRecorder;
  private readonly resizing = new Set<string>();
  private readonly component: string;

  /** `nodeExpansion`: whether the driver needs the kubelet to grow the filesystem afterwards. */
  constructor(private readonly ctx: ControllerContext, readonly driver: string, private readonly nodeExpansion: (pv: PersistentVolume) => boolean) {
    this.name = `external-resizer ${driver}`;
    this.component = `external-resizer ${driver}`;
    this.events = storageEvents(ctx);
  }

  observe(c: Change): boolean {
    if (c.gr.group === '' && c.gr.resource === 'persistentvolumeclaims' && c.type !== 'DELETED') this.queue.add(claimKey(c.object));
    return this.queue.size > 0;
  }

  reconcile(): void {
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) {
      const [ns = '', name = ''] = key.split('/');
      const claim = this.ctx.store.get(PVCS, ns, name) as PersistentVolumeClaim | undefined;
      if (claim !== undefined) this.sync(claim);
    }
  }

  private sync(claim: PersistentVolumeClaim): void {
    const pv = boundVolume(this.ctx, claim);
    if (pv === undefined || pv.spec?.csi?.driver !== this.driver || this.resizing.has(claim.metadata?.uid ?? '')) return;
    const request = requestedStorage(claim);
    if (compareSize(request, statusCapacity(claim)) <= 0) return;
    const state = resizeStatus(claim);
    // The volume already grew: the node's part is pending or under way.
    if (compareSize(String(pv.spec.capacity?.storage ?? '0'), request) >= 0 && (state === 'NodeResizePending' || state === 'NodeResizeInProgress')) return;
    const allocated = claim.status?.allocatedResources?.storage;
    const newSize = state === 'ControllerResizeInProgress' && allocated !== undefined ? String(allocated) : request;
    const now = rfc3339(this.ctx.clock.now());
    const marked = writeStatus(this.ctx, claim, (s) => {
      const previous = (claim.status?.conditions ?? []).find((c) => c.type === 'Resizing' && c.status === 'True');
      s.conditions = withResizeConditions(claim, [{ type: 'Resizing', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: previous?.lastTransitionTime ?? now }]);
      s.allocatedResourceStatuses = { ...s.allocatedResourceStatuses, storage: 'ControllerResizeInProgress' };
      s.allocatedResources = { ...s.allocatedResources, storage: newSize };
    });
    if (marked === undefined) return;
    this.events.record(asObject(marked), 'Normal', 'Resizing', `External resizer is resizing volume ${pv.metadata?.name ?? ''}`, { component: this.component });
    const uid = claim.metadata?.uid ?? '';
    this.resizing.add(uid);
    this.ctx.clock.after(CONTROLLER_RESIZE_MS, () => {
      this.resizing.delete(uid);
      this.finishControllerResize(claimKey(claim), uid, newSize);
    }, { label: `${this.name} ${claimKey(claim)}` });
  }

  private finishControllerResize(key: string, uid: string, newSize: string): void {
    const [ns = '', name = ''] = key.split('/');
    const claim = this.ctx.store.get(PVCS, ns, name) as PersistentVolumeClaim | undefined;
    if (claim === undefined || claim.metadata?.uid !== uid) return;
    const pv = boundVolume(this.ctx, claim);
    if (pv === undefined) return;
    const grown = deepClone(pv);
    grown.spec = { ...grown.spec, capacity: { ...grown.spec?.capacity, storage: newSize } };
    if (ignoreRace(() => this.ctx.registry.update(PVS, asObject(grown))) === undefined) return;
    if (this.nodeExpansion(pv)) {
      const now = rfc3339(this.ctx.clock.now());
      const pending = writeStatus(this.ctx, claim, (s) => {
        s.conditions = withResizeConditions(claim, [{
          type: 'FileSystemResizePending', status: 'True', lastProbeTime: null as unknown as string, lastTransitionTime: now,
          message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.',
        }]);
        s.allocatedResourceStatuses = { ...s.allocatedResourceStatuses, storage: 'NodeResizePending' };
      });
      if (pending !== undefined) this.events.record(asObject(pending), 'Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node', { component: this.component });
      return;
    }
    const done = writeStatus(this.ctx, claim, (s) => {
      s.capacity = { ...s.capacity, storage: newSize };
      s.conditions = withResizeConditions(claim, []);
      dropStorageStatus(s);
    });
    if (done !== undefined) this.events.record(asObject(done), 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded', { component: this.component });
  }
}

/**
 * The kubelet's half of a filesystem resize: when a running pod on a node mounts a claim
 * whose resize waits for the node, NodeExpandVolume runs and the claim's capacity grows.
 */
export class NodeVolumeExpander implements Controller {
  readonly name = 'kubelet volume expander';
  private readonly queue = new Set<string>();
  private readonly events: EventRecorder;
  private readonly expanding = new Set<string>();

  constructor(private readonly ctx: ControllerContext) {
    this.events = storageEvents(ctx);
  }

  observe(c: Change): boolean {
    if (c.gr.group !== '' || c.type === 'DELETED') return false;
    if (c.gr.resource === 'persistentvolumeclaims') {
      if (resizeStatus(c.object as PersistentVolumeClaim) === 'NodeResizePending') this.queue.add(claimKey(c.object));
    } else if (c.gr.resource === 'pods' && (c.object as Pod).status?.phase === 'Running' && (c.previous as Pod | undefined)?.status?.phase !== 'Running') {
      for (const { claim } of podClaimNames(c.object as Pod)) this.queue.add(`${c.object.metadata?.namespace ?? ''}/${claim}`);
    }
    return this.queue.size > 0;
  }

  reconcile(): void {
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) {
      const [ns = '', name = ''] = key.split('/');
      const claim = this.ctx.store.get(PVCS, ns, name) as PersistentVolumeClaim | undefined;
      if (claim === undefined || resizeStatus(claim) !== 'NodeResizePending' || this.expanding.has(claim.metadata?.uid ?? '')) continue;
      const pod = (this.ctx.store.list(PODS, { namespace: ns }).items as Pod[]).find((p) =>
        p.status?.phase === 'Running' && (p.spec?.nodeName ?? '') !== '' && podClaimNames(p).some((c) => c.claim === name));
      if (pod !== undefined) this.expand(claim, pod);
    }
  }

  private expand(claim: PersistentVolumeClaim, pod: Pod): void {
    const uid = claim.metadata?.uid ?? '';
    const node = pod.spec?.nodeName ?? '';
    const started = writeStatus(this.ctx, claim, (s) => {
      s.allocatedResourceStatuses = { ...s.allocatedResourceStatuses, storage: 'NodeResizeInProgress' };
    });
    if (started === undefined) return;
    this.expanding.add(uid);
    this.ctx.clock.after(NODE_RESIZE_MS, () => {
      this.expanding.delete(uid);
      const current = this.ctx.store.get(PVCS, claim.metadata?.namespace ?? '', claim.metadata?.name ?? '') as PersistentVolumeClaim | undefined;
      if (current === undefined || current.metadata?.uid !== uid) return;
      const pv = boundVolume(this.ctx, current);
      if (pv === undefined) return;
      const done = writeStatus(this.ctx, current, (s) => {
        s.capacity = { ...s.capacity, storage: String(pv.spec?.capacity?.storage ?? '0') };
        s.conditions = withResizeConditions(current, []);
        dropStorageStatus(s);
      });
      if (done === undefined) return;
      const message = `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata?.name ?? ''}" ${node}`;
      const source = { component: 'kubelet', host: node };
      const livePod = this.ctx.store.get(PODS, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '');
      if (livePod !== undefined) this.events.record(livePod, 'Normal', 'FileSystemResizeSuccessful', message, source);
      this.events.record(asObject(done), 'Normal', 'FileSystemResizeSuccessful', message, source);
    }, { label: `kubelet NodeExpandVolume ${claimKey(claim)}` });
  }
}
