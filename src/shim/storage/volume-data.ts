// Where the bytes of a volume live is the volume-data layer's business; the storage
// controllers only say when a backend destroyed them: a provisioner's Delete (local-path's
// teardown helper pod, a CSI DeleteVolume), the hostPath deleter, or a Recycle scrub.
// Retain never calls this: deleting the PV object alone leaves the data where it was.
import type { PersistentVolume } from 'kubernetes-types/core/v1';
import type { Store } from '../store.ts';

export interface VolumeDataStore {
  /** The storage behind `pv` was wiped (its directory removed, its disk deleted or scrubbed). */
  deleteVolume(pv: PersistentVolume): void;
}

const stores = new WeakMap<Store, Set<VolumeDataStore>>();

/** Registers a data owner for one cluster (keyed by its store); returns the unregister function. */
export function registerVolumeDataStore(store: Store, data: VolumeDataStore): () => void {
  let set = stores.get(store);
  if (set === undefined) stores.set(store, (set = new Set()));
  set.add(data);
  return () => set.delete(data);
}

/** Called by the storage backends when they destroy a volume's data. */
export function volumeDataDeleted(store: Store, pv: PersistentVolume): void {
  for (const data of stores.get(store) ?? []) data.deleteVolume(pv);
}
