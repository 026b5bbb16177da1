// A whole simulated cluster: clock, randomness, storage, the registry and the
// controllers, stepped deterministically. `settle()` runs everything until nothing is
// left to do, moving virtual time forward to the next timer when the cluster is idle.
import { DEFAULT_START_MS, VirtualClock } from './clock.ts';
import type { Controller, ControllerContext, ControllerFactory } from './controller.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { bootstrapKind, type Topology } from './kind.ts';
import { NamespaceController } from './namespace-controller.ts';
import { SeededRandom } from './random.ts';
import { Registry } from './registry.ts';
import { ResourceCatalog } from './resources.ts';
import { Store } from './store.ts';

export interface ClusterOptions {
  topology?: Topology;
  seed?: number | string;
  /** ms since epoch or an RFC 3339 string; default 2026-01-01T00:00:00Z. */
  startTime?: number | string;
  /** Change-log entries kept for watches; older ones answer 410 Expired. */
  maxLogEntries?: number;
  /** Create kind's nodes, namespaces and system pods (default true). */
  bootstrap?: boolean;
  /**
   * Admission plugins and controllers to install before the bootstrap objects
   * are created (so they are defaulted and adopted like anything else).
   */
  install?: ReadonlyArray<(cluster: Cluster) => void>;
}

export interface SettleOptions {
  /** Controller turns and timer batches before giving up (default 100 000). */
  maxSteps?: number;
  /** Virtual time settle may skip over (default one hour). */
  maxVirtualMs?: number;
}

export interface SettleResult {
  steps: number;
  /** Virtual time that passed. */
  virtualMs: number;
}

interface Slot {
  controller: Controller;
  dirty: boolean;
  runs: number;
}

export class Cluster {
  readonly clock: VirtualClock;
  readonly random: SeededRandom;
  readonly store: Store;
  readonly resources: ResourceCatalog;
  readonly registry: Registry;
  readonly context: ControllerContext;
  private readonly slots: Slot[] = [];
  private running: string | undefined;
  // Writes per object while settling, to name a runaway controller's victims.
  private writes: Map<string, { count: number; by: string }> | undefined;

  constructor(options: ClusterOptions = {}) {
    const start = typeof options.startTime === 'string' ? Date.parse(options.startTime) : options.startTime;
    this.clock = new VirtualClock(start ?? DEFAULT_START_MS);
    this.random = new SeededRandom(options.seed ?? 1);
    this.store = new Store(options.maxLogEntries !== undefined ? { maxLogEntries: options.maxLogEntries } : {});
    this.resources = new ResourceCatalog();
    this.registry = new Registry({ store: this.store, resources: this.resources, clock: this.clock, random: this.random });
    this.context = { registry: this.registry, store: this.store, resources: this.resources, clock: this.clock, random: this.random };
    this.store.subscribe((change) => {
      for (const slot of this.slots) if (slot.controller.observe(change)) slot.dirty = true;
      if (this.writes !== undefined) {
        const m = change.object.metadata;
        const key = `${change.gr.resource}${change.gr.group === '' ? '' : `.${change.gr.group}`} ${m?.namespace ? `${m.namespace}/` : ''}${m?.name ?? ''}`;
        const entry = this.writes.get(key) ?? { count: 0, by: '' };
        entry.count++;
        entry.by = this.running ?? 'a timer or client';
        this.writes.set(key, entry);
      }
    });
    this.addController((ctx) => new GarbageCollector(ctx));
    this.addController((ctx) => new NamespaceController(ctx));
    for (const install of options.install ?? []) install(this);
    if (options.bootstrap !== false) {
      bootstrapKind(this.context, options.topology ?? {});
      // Let the namespace controller give every namespace its defaults before anyone looks.
      this.settle();
    }
  }

  /** Controllers in the order they get their turn. */
  get controllers(): readonly Controller[] {
    return this.slots.map((s) => s.controller);
  }

  /** Registers a controller; it starts with a turn so it can look at existing state. */
  addController(c: Controller | ControllerFactory): Controller {
    const controller = typeof c === 'function' ? c(this.context) : c;
    this.slots.push({ controller, dirty: true, runs: 0 });
    return controller;
  }

  /** Whether anything can happen without moving the clock. */
  get busy(): boolean {
    return this.slots.some((s) => s.dirty || s.controller.hasWork?.() === true) || (this.clock.nextTimerAt(true) ?? Infinity) <= this.clock.now();
  }

  /**
   * One step: fire timers due now, then give every controller with queued work one
   * turn, in registration order. Returns false when there was nothing to do.
   */
  step(): boolean {
    let did = this.clock.runDue() > 0;
    for (const slot of this.slots) {
      if (!slot.dirty && slot.controller.hasWork?.() !== true) continue;
      slot.dirty = false;
      slot.runs++;
      this.running = slot.controller.name;
      try {
        slot.controller.reconcile();
      } finally {
        this.running = undefined;
      }
      did = true;
    }
    return did;
  }

  /**
   * Runs controllers and timers until quiet: no queued work and no foreground timer
   * left (background timers such as resyncs do not count). Throws, naming what keeps
   * changing, if that takes more than `maxSteps` steps or `maxVirtualMs` of clock.
   */
  settle(options: SettleOptions = {}): SettleResult {
    const maxSteps = options.maxSteps ?? 100_000;
    const maxVirtualMs = options.maxVirtualMs ?? 3_600_000;
    const started = this.clock.now();
    let steps = 0;
    for (;;) {
      if (this.busy) {
        if (steps === Math.floor(maxSteps / 2)) this.writes = new Map();
        if (steps >= maxSteps) throw this.runaway(`did not settle after ${steps} steps`);
        this.step();
        steps++;
        continue;
      }
      const next = this.clock.nextTimerAt();
      if (next === undefined) break;
      if (next - started > maxVirtualMs) {
        throw this.runaway(`did not settle within ${maxVirtualMs}ms of virtual time; pending timers: ${this.clock.pendingLabels().join(', ')}`);
      }
      this.clock.advanceTo(next);
      steps++;
    }
    this.writes = undefined;
    return { steps, virtualMs: this.clock.now() - started };
  }

  /**
   * Real-time mode: lets the cluster live until virtual time `timeMs`, timer by
   * timer with every controller reacting in between, and never beyond it (the
   * server and the browser call this as the wall clock moves, times a speed).
   */
  runUntil(timeMs: number, maxSteps = 100_000): void {
    let steps = 0;
    for (;;) {
      while (this.busy) {
        if (++steps > maxSteps) throw this.runaway(`did not settle after ${steps} steps`);
        this.step();
      }
      const next = this.clock.nextTimerAt(true);
      if (next === undefined || next > timeMs) break;
      this.clock.advanceTo(next);
    }
    if (this.clock.now() < timeMs) this.clock.advanceTo(timeMs);
  }

  /** Gives controllers their turns until none has work, without moving the clock. */
  react(maxSteps = 100_000): void {
    let steps = 0;
    while (this.busy) {
      if (++steps > maxSteps) throw this.runaway(`did not settle after ${steps} steps`);
      this.step();
    }
  }

  private runaway(what: string): Error {
    const busy = this.slots.filter((s) => s.dirty || s.controller.hasWork?.() === true).map((s) => `"${s.controller.name}"`);
    const hot = [...(this.writes ?? new Map<string, { count: number; by: string }>())]
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 3)
      .map(([key, e]) => `${key} (${e.count} writes, last by "${e.by}")`);
    this.writes = undefined;
    const parts = [`cluster ${what}`];
    if (busy.length > 0) parts.push(`still busy: controller ${busy.join(', ')}`);
    if (hot.length > 0) parts.push(`most-changed objects: ${hot.join('; ')}`);
    // Timers that keep coming due at the same instant keep the loop turning without a dirty controller.
    const due = this.clock.dueLabels();
    if (due.length > 0) parts.push(`timers due now: ${due.join(', ')}`);
    return new Error(parts.join('; '));
  }
}
