/**
 * The 10 Hz rule shared by session progress and restore job notifications, on a hand-moved clock: what goes out at
 * once, what waits for the end of its 100 ms window (and exactly when), what flush() and dispose() do, and that the
 * key of a live object is judged when it is sent. The two users are tested on their own as well
 * (sessions/progress-throttle.test.ts, restore/restore-job-announcer.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ChangeThrottle, progressWindowMs } from './change-throttle';
import { ManualClock } from './testing/manual-clock';

interface Value {
  key: string;
  n: number;
}

function setup() {
  const clock = new ManualClock();
  const sent: { at: number; value: Value }[] = [];
  const throttle = new ChangeThrottle<Value>(
    (value) => sent.push({ at: clock.now(), value: { ...value } }),
    (value) => value.key,
    clock,
  );
  return { clock, sent, throttle };
}

describe('ChangeThrottle', () => {
  it('sends the first value at once and the latest of a window when the window ends', () => {
    const { clock, sent, throttle } = setup();
    throttle.offer({ key: 'a', n: 1 });
    clock.advance(30);
    throttle.offer({ key: 'a', n: 2 });
    clock.advance(30);
    throttle.offer({ key: 'a', n: 3 });
    expect(sent.map((s) => s.value.n)).toEqual([1]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(39);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent.map((s) => [s.at, s.value.n])).toEqual([
      [0, 1],
      [progressWindowMs, 3],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('sends a value of a new key at once and drops the one held back', () => {
    const { clock, sent, throttle } = setup();
    throttle.offer({ key: 'a', n: 1 });
    throttle.offer({ key: 'a', n: 2 });
    throttle.offer({ key: 'b', n: 3 });
    clock.advance(1000);
    expect(sent.map((s) => s.value.n)).toEqual([1, 3]);
  });

  it('sends at once after a quiet window, without a timer', () => {
    const { clock, sent, throttle } = setup();
    throttle.offer({ key: 'a', n: 1 });
    clock.advance(progressWindowMs);
    throttle.offer({ key: 'a', n: 2 });
    expect(sent.map((s) => s.value.n)).toEqual([1, 2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('flush() sends what is held back once; dispose() drops it', () => {
    const { clock, sent, throttle } = setup();
    throttle.offer({ key: 'a', n: 1 });
    throttle.offer({ key: 'a', n: 2 });
    throttle.flush();
    throttle.flush();
    expect(sent.map((s) => s.value.n)).toEqual([1, 2]);
    clock.advance(10);
    throttle.offer({ key: 'a', n: 3 });
    throttle.dispose();
    clock.advance(1000);
    expect(sent.map((s) => s.value.n)).toEqual([1, 2]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('judges a live object by its key when it is sent', () => {
    const { clock, sent, throttle } = setup();
    const live: Value = { key: 'a', n: 1 };
    throttle.offer(live);
    live.n = 2;
    throttle.offer(live);
    // Changed after it was offered, before its window ended: sent with its new key, which is then the last one.
    live.key = 'b';
    clock.advance(progressWindowMs);
    expect(sent.map((s) => s.value)).toEqual([
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
    ]);
    live.n = 3;
    throttle.offer(live);
    live.n = 4;
    throttle.offer(live);
    expect(sent).toHaveLength(2);
  });
});
