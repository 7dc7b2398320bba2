import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressMeter, type ProgressSnapshot } from './progress-meter';

describe('progress meter', () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  it('emits at most 10 updates per second however many changes arrive, then the final one on flush', () => {
    const seen: ProgressSnapshot[] = [];
    const meter = new ProgressMeter((p) => seen.push(p), { now: () => clock });
    meter.addTotals(1000, 1000 * 1000);
    for (let i = 0; i < 1000; i++) {
      meter.addDone(1, 1000);
      advance(2); // 1000 changes over 2 s
    }
    expect(seen.length).toBeLessThanOrEqual(21);
    expect(seen.length).toBeGreaterThanOrEqual(19);
    meter.flush();
    expect(seen.at(-1)?.filesDone).toBe(1000);
    expect(seen.at(-1)?.bytesDone).toBe(1_000_000);
  });

  it('reports rate and ETA once totals are final', () => {
    const meter = new ProgressMeter(undefined, { now: () => clock });
    meter.addTotals(10, 10_000_000);
    advance(1000);
    meter.addDone(1, 1_000_000);
    expect(meter.snapshot().etaSeconds).toBeNull(); // totals may still grow
    meter.finishTotals();
    advance(1000);
    meter.addDone(1, 1_000_000);
    const snap = meter.snapshot();
    expect(snap.bytesPerSecond).toBeGreaterThan(500_000);
    expect(snap.bytesPerSecond).toBeLessThan(2_000_000);
    expect(snap.etaSeconds).not.toBeNull();
    expect(snap.etaSeconds ?? 0).toBeGreaterThan(3);
    expect(snap.etaSeconds ?? 0).toBeLessThan(20);
    expect(snap.elapsedSeconds).toBe(2);
  });

  it('says 0 seconds left when everything is done', () => {
    const meter = new ProgressMeter(undefined, { now: () => clock });
    meter.addTotals(1, 0);
    meter.finishTotals();
    meter.addDone(1, 0);
    expect(meter.snapshot().etaSeconds).toBe(0);
  });
});
