// The contract between the cluster loop and its controllers (GC, namespace, and later
// scheduler, kubelet, statefulset…): controllers see every store change, queue work, and
// reconcile when the loop gives them a turn. Nothing runs concurrently, so runs replay.
import type { VirtualClock } from './clock.ts';
import type { SeededRandom } from './random.ts';
import type { Registry } from './registry.ts';
import type { ResourceCatalog } from './resources.ts';
import type { Change, Store } from './store.ts';

export interface ControllerContext {
  registry: Registry;
  store: Store;
  resources: ResourceCatalog;
  clock: VirtualClock;
  random: SeededRandom;
}

export interface Controller {
  readonly name: string;
  /** Sees every change in resourceVersion order; return true to ask for a reconcile. */
  observe(change: Change): boolean;
  /** Works off what `observe` queued. Writes go through the registry. */
  reconcile(): void;
  /** Work left over after a reconcile (e.g. a bounded batch); keeps the loop turning. */
  hasWork?(): boolean;
}

export type ControllerFactory = (ctx: ControllerContext) => Controller;

export const CORE = (resource: string): { group: string; resource: string } => ({ group: '', resource });
