import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';
import { WorkQueue } from './workqueue.ts';

const START = 1_000_000;

describe('WorkQueue', () => {
  it('hands out each queued key once per turn', () => {
    const q = new WorkQueue(new VirtualClock(START), 'test');
    q.add('default/a');
    q.add('default/b');
    q.add('default/a');
    expect(q.size).toBe(2);
    expect(q.take()).toEqual(['default/a', 'default/b']);
    expect(q.size).toBe(0);
    expect(q.take()).toEqual([]);
  });

  it('retries a failing key with doubling backoff on background timers, and forgets it after a success', () => {
    const clock = new VirtualClock(START);
    const q = new WorkQueue(clock, 'replicaset');
    const retryAfter = (): number => {
      const at = clock.nextTimerAt(true)!;
      expect(clock.nextTimerAt()).toBeUndefined(); // background: settle() does not wait for it
      clock.advanceTo(at);
      expect(q.take()).toEqual(['default/web']);
      return at - START;
    };
    q.done('default/web', true);
    expect(retryAfter()).toBe(5);
    q.done('default/web', true);
    expect(retryAfter()).toBe(5 + 10);
    q.done('default/web', true);
    expect(retryAfter()).toBe(5 + 10 + 20);
    q.done('default/web', false);
    expect(clock.nextTimerAt(true)).toBeUndefined();
    q.done('default/web', true);
    expect(retryAfter()).toBe(5 + 10 + 20 + 5);
  });

  it('caps the backoff at 1000 s', () => {
    const clock = new VirtualClock(START);
    const q = new WorkQueue(clock, 'x');
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = clock.now();
      q.done('k', true);
      clock.advanceTo(clock.nextTimerAt(true)!);
      delays.push(clock.now() - before);
    }
    expect(delays.slice(16)).toEqual([327_680, 655_360, 1_000_000, 1_000_000]);
  });

  it('wakes a key at a later time, keeping only the earliest wake-up still to come', () => {
    const clock = new VirtualClock(START);
    const q = new WorkQueue(clock, 'statefulset');
    q.addAt('default/web', START + 30_000, 'minReadySeconds');
    q.addAt('default/web', START + 50_000, 'minReadySeconds');
    expect(clock.pendingLabels()).toEqual(['statefulset minReadySeconds default/web at +30000ms']);
    q.addAt('default/web', START + 10_000, 'minReadySeconds');
    clock.advanceTo(START + 10_000);
    expect(q.take()).toEqual(['default/web']);
    // The 30 s wake-up still comes (an earlier one never cancels a later one).
    clock.advanceTo(START + 30_000);
    expect(q.take()).toEqual(['default/web']);
    // Once it has fired, a new wake-up is scheduled again.
    q.addAt('default/web', START + 40_000, 'minReadySeconds');
    clock.advanceTo(START + 40_000);
    expect(q.take()).toEqual(['default/web']);
  });

  it('keeps background wake-ups (deadlines) out of what settle() waits for', () => {
    const clock = new VirtualClock(START);
    const q = new WorkQueue(clock, 'deployment');
    q.addAt('default/web', START + 600_000, 'progress check', { background: true });
    expect(clock.nextTimerAt()).toBeUndefined();
    expect(clock.nextTimerAt(true)).toBe(START + 600_000);
  });
});
