// A simulated replicated block-storage CSI driver, `block.statecraft.dev`, for lessons
// that contrast node-local storage with storage that outlives a node: its volumes have
// no node affinity (a pod may move anywhere), are made at once (Immediate binding), can
// grow, and record the class's parameters (`repl`, `secure`) as the PV's
// `csi.volumeAttributes`. It is not part of kind; a lab topology asks for it with
// `storageClasses: ['replicated']`. Its sidecars behave like kubernetes-csi's
// external-provisioner (LIB events, the PV finalizer, the deletion-secret annotations)
// and external-resizer (expansion.ts). A class with `allowedTopologies` on
// `topology.kubernetes.io/zone` makes zonal volumes instead: the PV is pinned to one zone
// by node affinity, so its pods can only run there.
import type { Node, PersistentVolume } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { Cluster } from '../cluster.ts';
import type { ControllerContext } from '../controller.ts';
import { ExternalResizer } from './expansion.ts';
import { ExternalProvisioner, type DeleteOutcome, type ProvisionOutcome, type ProvisionRequest, type VolumePlugin } from './provisioner.ts';
import { STORAGE_CLASSES, asObject, ignoreRace } from './pv-helpers.ts';

export const REPLICATED_DRIVER = 'block.statecraft.dev';
export const REPLICATED_CLASS = 'replicated';
/** CreateVolume / DeleteVolume round trips of the backend. */
const CREATE_MS = 1_000;
const DELETE_MS = 1_000;
const CSI_DRIVERS = { group: 'storage.k8s.io', resource: 'csidrivers' };
const CSI_NODES = { group: 'storage.k8s.io', resource: 'csinodes' };
const ZONE = 'topology.kubernetes.io/zone';

/** Go's hash/fnv New32 (FNV-1, not FNV-1a) over a claim name (ASCII, a DNS subdomain). */
function fnv1(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h, 0x01000193) ^ s.charCodeAt(i);
  return h >>> 0;
}

/**
 * getPVCNameHashAndIndexOffset: `www-web-2` hashes `web` and offsets by 2, so a
 * StatefulSet's volumes go round-robin over the zones.
 */
export function pvcNameHashAndIndex(name: string): { hash: number; index: number } {
  const dash = name.lastIndexOf('-');
  const id = dash < 0 ? '' : name.slice(dash + 1);
  if (!/^\d+$/.test(id) || Number(id) > 0xffffffff) return { hash: fnv1(name), index: 0 };
  const prefix = name.slice(0, dash);
  return { hash: fnv1(prefix.slice(prefix.lastIndexOf('-') + 1)), index: Number(id) };
}

/**
 * The zone of a new volume when the class's allowedTopologies name zones: the selected
 * node's (WaitForFirstConsumer), else the first of the sorted allowed zones shifted by the
 * claim name's hash, as external-provisioner's GenerateAccessibilityRequirements prefers
 * for Immediate binding. Undefined: the volume is reachable from every node.
 */
export function volumeZone(claimName: string, sc: StorageClass, selectedNode: Node | undefined): string | undefined {
  const zones = [...new Set((sc.allowedTopologies ?? []).flatMap((t) => (t.matchLabelExpressions ?? []).filter((e) => e.key === ZONE).flatMap((e) => e.values)))].sort();
  if (zones.length === 0) return undefined;
  if (selectedNode !== undefined) return selectedNode.metadata?.labels?.[ZONE];
  const { hash, index } = pvcNameHashAndIndex(claimName);
  return zones[((hash + index) >>> 0) % zones.length];
}

export class ReplicatedBlockPlugin implements VolumePlugin {
  readonly provisioner = REPLICATED_DRIVER;
  readonly supportsBlock = true;
  readonly addFinalizer = true;
  private readonly id: string;
  /** `storage.kubernetes.io/csiProvisionerIdentity`: start time in ms, a random number, the driver. */
  private readonly provisionerIdentity: string;

  constructor(ctx: ControllerContext) {
    this.id = `${REPLICATED_DRIVER}_csi-block-controller-0_${ctx.random.uid()}`;
    this.provisionerIdentity = `${ctx.clock.now()}-${ctx.random.int(10_000)}-${REPLICATED_DRIVER}`;
  }

  /** The driver's controller is always up: it runs outside the simulated nodes. */
  running(): boolean {
    return true;
  }

  identity(): string {
    return this.id;
  }

  provision({ claim, storageClass, pvName, selectedNode }: ProvisionRequest): ProvisionOutcome {
    const params = storageClass.parameters ?? {};
    for (const mode of claim.spec?.accessModes ?? []) {
      if (mode !== 'ReadWriteOnce' && mode !== 'ReadWriteOncePod') {
        return { error: `rpc error: code = InvalidArgument desc = access mode ${mode} is not supported: a ${REPLICATED_DRIVER} volume attaches to one node at a time` };
      }
    }
    const repl = params.repl ?? '3';
    if (!/^[1-5]$/.test(repl)) return { error: `rpc error: code = InvalidArgument desc = parameter repl: "${repl}" is not a number of replicas between 1 and 5` };
    const block = claim.spec?.volumeMode === 'Block';
    const zone = volumeZone(claim.metadata?.name ?? '', storageClass, selectedNode);
    const pv: PersistentVolume = {
      metadata: {
        name: pvName,
        // What csi-provisioner (v3.2+) writes when the class names no deletion secret.
        annotations: { 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' },
      },
      spec: {
        accessModes: claim.spec?.accessModes,
        capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
        csi: {
          driver: REPLICATED_DRIVER,
          ...(block ? {} : { fsType: params['csi.storage.k8s.io/fstype'] ?? 'ext4' }),
          volumeAttributes: { ...params, repl, 'storage.kubernetes.io/csiProvisionerIdentity': this.provisionerIdentity },
          volumeHandle: pvName,
        },
        ...(zone === undefined ? {} : { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: [zone] }] }] } } }),
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        volumeMode: block ? 'Block' : 'Filesystem',
      },
    };
    return { pv, delayMs: CREATE_MS };
  }

  delete(): DeleteOutcome {
    return { delayMs: DELETE_MS };
  }
}

/**
 * Installs the driver: its CSIDriver object, its registration on every node's CSINode,
 * the `replicated` StorageClass, and its provisioner and resizer sidecars.
 */
export function installReplicatedStorage(cluster: Cluster): void {
  const { registry, store } = cluster;
  if (store.get(CSI_DRIVERS, '', REPLICATED_DRIVER) === undefined) {
    registry.create(CSI_DRIVERS, {
      metadata: { name: REPLICATED_DRIVER },
      spec: {
        attachRequired: false,
        fsGroupPolicy: 'ReadWriteOnceWithFSType',
        podInfoOnMount: false,
        requiresRepublish: false,
        seLinuxMount: false,
        storageCapacity: false,
        volumeLifecycleModes: ['Persistent'],
      },
    });
  }
  for (const node of store.list(CSI_NODES).items) {
    const drivers = ((node.spec as { drivers?: Array<{ name: string }> | null } | undefined)?.drivers ?? []);
    if (drivers.some((d) => d.name === REPLICATED_DRIVER)) continue;
    const name = node.metadata?.name ?? '';
    // The node plugin reports the zone as its topology where the node has one.
    const zoned = (store.get({ group: '', resource: 'nodes' }, '', name) as Node | undefined)?.metadata?.labels?.[ZONE] !== undefined;
    ignoreRace(() => registry.update(CSI_NODES, { ...node, spec: { drivers: [...drivers, { name: REPLICATED_DRIVER, nodeID: name, topologyKeys: zoned ? [ZONE] : null }] } }));
  }
  if (store.get(STORAGE_CLASSES, '', REPLICATED_CLASS) === undefined) {
    registry.create(STORAGE_CLASSES, asObject({
      metadata: { name: REPLICATED_CLASS },
      provisioner: REPLICATED_DRIVER,
      parameters: { repl: '3', secure: 'true' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
    }));
  }
  cluster.addController((ctx) => new ExternalProvisioner(ctx, new ReplicatedBlockPlugin(ctx)));
  cluster.addController((ctx) => new ExternalResizer(ctx, REPLICATED_DRIVER, (pv) => pv.spec?.volumeMode !== 'Block'));
}
