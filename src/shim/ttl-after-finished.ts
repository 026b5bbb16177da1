// The TTL-after-finished controller: deletes a finished Job (and, in the foreground, its
// pods) ttlSecondsAfterFinished after it completed or failed.
// K:pkg/controller/ttlafterfinished/ttlafterfinished_controller.go (processJob, timeLeft).
import type { Job } from 'kubernetes-types/batch/v1';
import type { Cluster } from './cluster.ts';
import type { Controller, ControllerContext } from './controller.ts';
import { keyOf, splitKey, tolerate } from './controller-utils.ts';
import { isJobFinished, jobFinishTime, JOBS } from './job.ts';
import type { Change } from './store.ts';

export function installTTLAfterFinishedController(cluster: Cluster): Controller {
  return cluster.addController((ctx) => new TTLAfterFinishedController(ctx));
}

export class TTLAfterFinishedController implements Controller {
  readonly name = 'ttl-after-finished-controller';
  private readonly queue = new Set<string>();
  private readonly timers = new Map<string, () => void>();

  constructor(private readonly ctx: ControllerContext) {
    for (const job of ctx.store.list(JOBS).items) this.queue.add(keyOf(job));
  }

  observe(c: Change): boolean {
    if (c.gr.group !== 'batch' || c.gr.resource !== 'jobs' || c.type === 'DELETED') return false;
    const job = c.object as Job;
    if (job.spec?.ttlSecondsAfterFinished === undefined || !isJobFinished(job)) return false;
    this.queue.add(keyOf(c.object));
    return true;
  }

  hasWork(): boolean {
    return this.queue.size > 0;
  }

  reconcile(): void {
    const keys = [...this.queue];
    this.queue.clear();
    for (const key of keys) this.process(key);
  }

  private process(key: string): void {
    const [ns, name] = splitKey(key);
    const job = this.ctx.store.get(JOBS, ns, name) as Job | undefined;
    const ttl = job?.spec?.ttlSecondsAfterFinished ?? undefined;
    if (job === undefined || ttl === undefined || job.metadata?.deletionTimestamp !== undefined || !isJobFinished(job)) return;
    const finished = jobFinishTime(job);
    if (finished === undefined) return;
    const expireAt = finished + ttl * 1000;
    if (this.ctx.clock.now() < expireAt) {
      this.timers.get(key)?.();
      // A background timer: a job that expires in a day must not hold settle() for a day.
      this.timers.set(key, this.ctx.clock.at(expireAt, () => {
        this.timers.delete(key);
        this.queue.add(key);
      }, { background: true, label: `ttl-after-finished ${key}` }));
      return;
    }
    tolerate(() => this.ctx.registry.delete(JOBS, ns, name, { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata?.uid } }));
  }
}
