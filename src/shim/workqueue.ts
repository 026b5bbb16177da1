// The work queue the workload controllers share, after client-go's rate-limited delaying
// queue (K:staging/src/k8s.io/client-go/util/workqueue): keys waiting for the controller's
// next turn, a per-key exponential backoff after a failed sync
// (ItemExponentialFailureRateLimiter, 5 ms doubling up to 1000 s, as
// DefaultControllerRateLimiter), and wake-ups at a later virtual time (AddAfter).
// Retries run on background timers: a sync that cannot make progress must not keep
// settle() busy. Timer labels name the controller and key for settle()'s runaway report.
import type { VirtualClock } from './clock.ts';

const RETRY_BASE_MS = 5;
const RETRY_MAX_MS = 1_000_000;

export class WorkQueue {
  private readonly keys = new Set<string>();
  private readonly failures = new Map<string, { attempts: number; cancel: () => void }>();
  private readonly wakeups = new Map<string, number>();

  /** `name` starts the timers' labels: `replicaset retry default/web`. */
  constructor(private readonly clock: VirtualClock, private readonly name: string) {}

  get size(): number {
    return this.keys.size;
  }

  add(key: string): void {
    this.keys.add(key);
  }

  /** Everything queued so far, leaving the queue empty: one turn's work. */
  take(): string[] {
    const keys = [...this.keys];
    this.keys.clear();
    return keys;
  }

  /**
   * After a sync: a failure queues the key again after the backoff (AddRateLimited), a
   * success resets its backoff (Forget).
   */
  done(key: string, failed: boolean): void {
    const pending = this.failures.get(key);
    pending?.cancel();
    if (!failed) {
      this.failures.delete(key);
      return;
    }
    const attempts = (pending?.attempts ?? 0) + 1;
    const delay = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
    const cancel = this.clock.after(delay, () => this.keys.add(key), { background: true, label: `${this.name} retry ${key}` });
    this.failures.set(key, { attempts, cancel });
  }

  /**
   * Queues `key` at virtual time `at` (`what` names the reason in the timer's label). An
   * earlier wake-up still to come already covers it. A background one (a deadline rather
   * than work in flight) does not keep settle() waiting.
   */
  addAt(key: string, at: number, what: string, options: { background?: boolean } = {}): void {
    const pending = this.wakeups.get(key);
    if (pending !== undefined && pending <= at && pending > this.clock.now()) return;
    this.wakeups.set(key, at);
    this.clock.at(at, () => {
      if (this.wakeups.get(key) === at) this.wakeups.delete(key);
      this.keys.add(key);
    }, { label: `${this.name} ${what} ${key}`, ...(options.background ? { background: true } : {}) });
  }
}
