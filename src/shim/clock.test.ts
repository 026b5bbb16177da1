import { describe, expect, it } from 'vitest';
import { microTime, rfc3339, VirtualClock } from './clock.ts';
import { SeededRandom } from './random.ts';

describe('VirtualClock', () => {
  it('never fires a timer set for infinity, and refuses one set for NaN', () => {
    const clock = new VirtualClock(0);
    let fired = false;
    clock.after(Infinity, () => { fired = true; });
    expect(clock.nextTimerAt(true)).toBeUndefined();
    clock.advance(1e12);
    expect(fired).toBe(false);
    expect(() => clock.after(Number.NaN, () => undefined)).toThrow(RangeError);
    expect(clock.now()).toBe(1e12);
  });

  it('keeps time in whole milliseconds whatever fractions it is given', () => {
    const clock = new VirtualClock(1000);
    const fired: number[] = [];
    clock.after(0.4, () => fired.push(clock.now()));
    clock.advanceTo(1000.7);
    expect(clock.now()).toBe(1000);
    clock.advance(1.5);
    expect(fired).toEqual([1001]);
    expect(Number.isInteger(clock.now())).toBe(true);
  });

  it('starts at 2026-01-01T00:00:00Z unless told otherwise', () => {
    expect(rfc3339(new VirtualClock().now())).toBe('2026-01-01T00:00:00Z');
    expect(new VirtualClock(1000).now()).toBe(1000);
  });

  it('fires timers in time order, each at its own instant, and cancels', () => {
    const clock = new VirtualClock(0);
    const log: string[] = [];
    clock.after(300, () => log.push(`b@${clock.now()}`));
    clock.after(100, () => log.push(`a@${clock.now()}`));
    const cancel = clock.after(200, () => log.push('never'));
    cancel();
    expect(clock.nextTimerAt()).toBe(100);
    clock.advance(1000);
    expect(log).toEqual(['a@100', 'b@300']);
    expect(clock.now()).toBe(1000);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('keeps background timers out of nextTimerAt() unless asked', () => {
    const clock = new VirtualClock(0);
    clock.after(50, () => {}, { background: true });
    expect(clock.nextTimerAt()).toBeUndefined();
    expect(clock.nextTimerAt(true)).toBe(50);
  });

  it('formats metav1.Time and MicroTime', () => {
    expect(rfc3339(Date.UTC(2026, 0, 1, 10, 0, 0, 999))).toBe('2026-01-01T10:00:00Z');
    expect(microTime(Date.UTC(2026, 0, 1, 10, 0, 0, 123) + 0.456)).toBe('2026-01-01T10:00:00.123456Z');
    expect(microTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000000Z');
  });
});

describe('SeededRandom', () => {
  it('repeats per seed', () => {
    expect(new SeededRandom(7).uid()).toBe(new SeededRandom(7).uid());
    expect(new SeededRandom(7).uid()).not.toBe(new SeededRandom(8).uid());
  });

  it('makes v4-shaped uids and alphabet suffixes', () => {
    const r = new SeededRandom('x');
    for (let i = 0; i < 50; i++) {
      expect(r.uid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.suffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
  });
});
