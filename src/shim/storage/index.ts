// Storage for a kind-shaped cluster: the PV controller, the protection, expansion and
// ephemeral-volume controllers, the scheduler's VolumeBinding plugin, kind's local-path
// provisioner, and whatever extra classes the lab topology asks for. Admission (default class, in-use
// finalizers, resize checks) lives with the other plugins in admission/.
import type { Cluster } from '../cluster.ts';
import type { Topology } from '../kind.ts';
import type { KObject } from '../objects.ts';
import { Scheduler } from '../scheduler.ts';
import { EphemeralVolumeController } from './ephemeral.ts';
import { ExpandController, NodeVolumeExpander } from './expansion.ts';
import { LocalPathPlugin } from './local-path.ts';
import { PVCProtectionController, PVProtectionController } from './protection.ts';
import { ExternalProvisioner } from './provisioner.ts';
import { PersistentVolumeController } from './pv-controller.ts';
import { STORAGE_CLASSES } from './pv-helpers.ts';
import { installReplicatedStorage } from './replicated.ts';
import { volumeBindingPlugin } from './volume-binding.ts';

export function installStorage(cluster: Cluster, topology: Topology = {}): void {
  const scheduler = cluster.controllers.find((c): c is Scheduler => c instanceof Scheduler);
  scheduler?.addPlugin(volumeBindingPlugin(cluster.context));
  cluster.addController((ctx) => new PersistentVolumeController(ctx));
  cluster.addController((ctx) => new PVCProtectionController(ctx));
  cluster.addController((ctx) => new PVProtectionController(ctx));
  cluster.addController((ctx) => new ExpandController(ctx));
  cluster.addController((ctx) => new NodeVolumeExpander(ctx));
  cluster.addController((ctx) => new EphemeralVolumeController(ctx));
  cluster.addController((ctx) => new ExternalProvisioner(ctx, new LocalPathPlugin(ctx)));
  for (const sc of topology.storageClasses ?? []) {
    if (sc === 'replicated') installReplicatedStorage(cluster);
    else cluster.registry.create(STORAGE_CLASSES, { ...sc } as KObject);
  }
}

export { registerVolumeDataStore, type VolumeDataStore } from './volume-data.ts';
export { REPLICATED_CLASS, REPLICATED_DRIVER } from './replicated.ts';
export { LOCAL_PATH_PROVISIONER } from './local-path.ts';
export { PV_CONTROLLER, PV_RESYNC_MS } from './pv-controller.ts';
