import { describe, expect, it } from 'vitest';
import type { SessionProgress } from '../../helper-protocol/session-model';
import { ManualClock } from '../progress/testing/manual-clock';
import { ProgressThrottle, type RawProgress } from './progress-throttle';

function raw(overrides: Partial<RawProgress> = {}): RawProgress {
  return {
    sessionId: '20250101-120000-abcdef',
    attempt: 1,
    phase: 'backup',
    filesDone: 0,
    filesTotal: null,
    bytesDone: 0,
    bytesTotal: null,
    currentItem: null,
    ...overrides,
  };
}

function setup() {
  const clock = new ManualClock();
  const emitted: { at: number; progress: SessionProgress }[] = [];
  const throttle = new ProgressThrottle((progress) => emitted.push({ at: clock.now(), progress }), clock);
  return { clock, emitted, throttle };
}

describe('ProgressThrottle', () => {
  it('emits at most 10 times per second under 1000 pushes a second, the first at once', () => {
    const { clock, emitted, throttle } = setup();
    for (let i = 0; i < 3000; i++) {
      throttle.push(raw({ bytesDone: i * 1000, filesDone: i }));
      clock.advance(1);
    }
    throttle.flush();
    expect(emitted[0]?.at).toBe(0);
    const perSecond = new Map<number, number>();
    for (const { at } of emitted)
      perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    for (const count of perSecond.values()) expect(count).toBeLessThanOrEqual(10);
    // …and not far fewer: the UI still sees ~10 updates a second.
    expect(perSecond.get(1)).toBe(10);
    for (let i = 1; i < emitted.length; i++)
      expect((emitted[i]?.at ?? 0) - (emitted[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(100);
  });

  it('always delivers the final value: by the window timer, or by flush()', () => {
    const { clock, emitted, throttle } = setup();
    throttle.push(raw({ bytesDone: 1 }));
    throttle.push(raw({ bytesDone: 2 }));
    throttle.push(raw({ bytesDone: 3 }));
    expect(emitted.map((e) => e.progress.bytesDone)).toEqual([1]);
    clock.advance(100);
    expect(emitted.map((e) => e.progress.bytesDone)).toEqual([1, 3]);
    expect(emitted[1]?.at).toBe(100);

    throttle.push(raw({ bytesDone: 4 }));
    throttle.flush();
    expect(emitted.map((e) => e.progress.bytesDone)).toEqual([1, 3, 4]);
    expect(clock.pendingTimers).toBe(0);
    // Nothing held back: flush emits nothing more, and the timer never fires twice.
    throttle.flush();
    clock.advance(1000);
    expect(emitted).toHaveLength(3);
  });

  it('emits a phase change at once, even inside the window', () => {
    const { clock, emitted, throttle } = setup();
    throttle.push(raw({ phase: 'backup', bytesDone: 10 }));
    clock.advance(10);
    throttle.push(raw({ phase: 'backup', bytesDone: 20 }));
    throttle.push(raw({ phase: 'verify', bytesDone: 0 }));
    expect(emitted.map((e) => [e.progress.phase, e.progress.bytesDone])).toEqual([
      ['backup', 10],
      ['verify', 0],
    ]);
    // The held-back backup value is superseded by the phase change, not sent afterwards.
    clock.advance(500);
    expect(emitted).toHaveLength(2);
  });

  it('computes the rate over the last ~5 seconds and the ETA from it', () => {
    const { clock, emitted, throttle } = setup();
    const total = 100_000_000;
    // 1 MB/s for 10 s, then 4 MB/s for 10 s.
    let bytes = 0;
    for (let t = 0; t < 20_000; t += 250) {
      throttle.push(raw({ bytesDone: bytes, bytesTotal: total }));
      clock.advance(250);
      bytes += t < 10_000 ? 250_000 : 1_000_000;
    }
    throttle.flush();
    const at = (ms: number) => emitted.filter((e) => e.at <= ms).at(-1)?.progress;
    expect(at(9_750)?.bytesPerSecond).toBeCloseTo(1_000_000, 0);
    const last = at(19_750);
    expect(last?.bytesPerSecond).toBeCloseTo(4_000_000, 0);
    expect(last?.etaSeconds).toBeCloseTo((total - (last?.bytesDone ?? 0)) / 4_000_000, 6);
  });

  it('reports no ETA without a total or without progress, and a zero rate at first', () => {
    const { clock, emitted, throttle } = setup();
    throttle.push(raw({ bytesDone: 0, bytesTotal: 1000 }));
    expect(emitted[0]?.progress).toMatchObject({ bytesPerSecond: 0, etaSeconds: null });
    clock.advance(1000);
    throttle.push(raw({ bytesDone: 500, bytesTotal: null }));
    expect(emitted[1]?.progress).toMatchObject({ bytesPerSecond: 500, etaSeconds: null });
    clock.advance(1000);
    throttle.push(raw({ bytesDone: 500, bytesTotal: 1000 }));
    expect(emitted[2]?.progress.bytesPerSecond).toBe(250);
    expect(emitted[2]?.progress.etaSeconds).toBe(2);
  });

  it('dispose() cancels the pending timer', () => {
    const { clock, emitted, throttle } = setup();
    throttle.push(raw({ bytesDone: 1 }));
    throttle.push(raw({ bytesDone: 2 }));
    expect(clock.pendingTimers).toBe(1);
    throttle.dispose();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    expect(emitted).toHaveLength(1);
  });

  it('works with the real clock', async () => {
    const emitted: SessionProgress[] = [];
    const throttle = new ProgressThrottle((p) => emitted.push(p));
    throttle.push(raw({ bytesDone: 1 }));
    throttle.push(raw({ bytesDone: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(emitted.map((p) => p.bytesDone)).toEqual([1, 2]);
    throttle.dispose();
  });
});
