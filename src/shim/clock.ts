// The shim never reads wall time: every timestamp and every delay comes from this
// clock, so a run is reproducible and time can be paused, stepped or fast-forwarded.

/** 2026-01-01T00:00:00Z, the default birth time of a simulated cluster. */
export const DEFAULT_START_MS = Date.UTC(2026, 0, 1);

export interface TimerOptions {
  /** Shown when a timer keeps a cluster from settling. */
  label?: string;
  /**
   * Background timers (resyncs, lease renewals) fire when the clock passes them but
   * never keep `Cluster.settle()` from returning.
   */
  background?: boolean;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  label: string;
  cancelled: boolean;
}

export class VirtualClock {
  private current: number;
  private seq = 0;
  // Two min-heaps on (at, seq): thousands of pods each hold a timer or two, and
  // settle() needs the next *foreground* timer without scanning the background ones.
  private readonly foreground = new TimerHeap();
  private readonly background = new TimerHeap();

  constructor(startMs: number = DEFAULT_START_MS) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Schedules `fn` at absolute virtual time `timeMs`; returns a cancel function. */
  at(timeMs: number, fn: () => void, options: TimerOptions = {}): () => void {
    if (Number.isNaN(timeMs)) throw new RangeError(`timer ${options.label ?? ''} scheduled at an invalid time`);
    // `sleep infinity`: a timer that never fires need not exist.
    if (timeMs === Infinity) return () => undefined;
    const timer: Timer = {
      // Whole milliseconds only: timestamps, event names and tests rely on it.
      at: Math.max(Math.ceil(timeMs), this.current),
      seq: this.seq++,
      fn,
      label: options.label ?? 'timer',
      cancelled: false,
    };
    (options.background === true ? this.background : this.foreground).push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  after(ms: number, fn: () => void, options: TimerOptions = {}): () => void {
    return this.at(this.current + ms, fn, options);
  }

  /** When the next timer is due (foreground only unless asked), or undefined. */
  nextTimerAt(includeBackground = false): number | undefined {
    const fg = this.foreground.peek()?.at;
    if (!includeBackground) return fg;
    const bg = this.background.peek()?.at;
    if (fg === undefined) return bg;
    return bg === undefined ? fg : Math.min(fg, bg);
  }

  /** Labels of pending foreground timers, soonest first (for diagnostics). */
  pendingLabels(limit = 5): string[] {
    return this.foreground
      .live()
      .sort(compare)
      .slice(0, limit)
      .map((t) => `${t.label} at +${t.at - this.current}ms`);
  }

  /** Labels of the timers (background ones too) due now: what keeps a cluster busy without writes. */
  dueLabels(limit = 5): string[] {
    return [...this.foreground.live(), ...this.background.live()]
      .filter((t) => t.at <= this.current)
      .sort(compare)
      .slice(0, limit)
      .map((t) => t.label);
  }

  /** Runs every timer due at or before now, in time order; returns how many ran. */
  runDue(): number {
    let ran = 0;
    for (;;) {
      const fg = this.foreground.peek();
      const bg = this.background.peek();
      const heap = bg !== undefined && (fg === undefined || compare(bg, fg) < 0) ? this.background : this.foreground;
      const top = heap.peek();
      if (top === undefined || top.at > this.current) return ran;
      heap.pop();
      top.cancelled = true;
      top.fn();
      ran++;
    }
  }

  /** Moves time forward by `ms`, firing timers in order, each at its own instant. */
  advance(ms: number): void {
    if (ms < 0) throw new Error(`cannot move the clock backwards (${ms}ms)`);
    this.advanceTo(this.current + ms);
  }

  advanceTo(until: number): void {
    const timeMs = Math.floor(until);
    for (;;) {
      const next = this.nextTimerAt(true);
      if (next === undefined || next > timeMs) break;
      this.current = Math.max(this.current, next);
      this.runDue();
    }
    this.current = Math.max(this.current, timeMs);
  }
}

class TimerHeap {
  private readonly h: Timer[] = [];

  /** The earliest live timer; cancelled ones are discarded lazily here. */
  peek(): Timer | undefined {
    while (this.h[0]?.cancelled === true) this.pop();
    return this.h[0];
  }

  live(): Timer[] {
    return this.h.filter((t) => !t.cancelled);
  }

  push(t: Timer): void {
    const h = this.h;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compare(h[i]!, h[p]!) >= 0) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): void {
    const h = this.h;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && compare(h[l]!, h[m]!) < 0) m = l;
      if (r < h.length && compare(h[r]!, h[m]!) < 0) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

function compare(a: Timer, b: Timer): number {
  return a.at - b.at || a.seq - b.seq;
}

/** metav1.Time as the API server writes it: RFC 3339, whole seconds, UTC, `Z`. */
let lastSecond = NaN;
let lastStamp = '';

export function rfc3339(ms: number): string {
  // Thousands of writes share a second of virtual time; format it once.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastStamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastStamp;
}

/** metav1.MicroTime (Lease renewTime, events.k8s.io eventTime): six fractional digits. */
export function microTime(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString(); // ...T00:00:00.123Z
  const micros = Math.round((ms - Math.floor(ms)) * 1000)
    .toString()
    .padStart(3, '0');
  return `${iso.slice(0, -1)}${micros}Z`;
}

/** Parses an RFC 3339 timestamp written by `rfc3339`/`microTime` back to ms. */
export function parseTime(value: string): number {
  return Date.parse(value);
}
