import { describe, expect, it } from 'vitest';
import { CheckProgressReporter } from './check-progress';
import type { CheckProgress } from './check-types';

describe('check progress', () => {
  it('reports at most 10 times a second however often it changes, and the last state when flushed', async () => {
    const seen: { at: number; progress: CheckProgress }[] = [];
    const reporter = new CheckProgressReporter((progress) => seen.push({ at: performance.now(), progress }));
    reporter.phase('read-data', 5000, 5000 * 10);
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      reporter.packDone(10);
      if (i % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    reporter.flush();
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThan(0.2);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 2; i < seen.length - 1; i++) {
      expect((seen[i]?.at ?? 0) - (seen[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
    }
    expect(seen.at(-1)?.progress).toMatchObject({ phase: 'read-data', packsDone: 5000, bytesDone: 50_000 });
  });

  it('does nothing without a listener', () => {
    const reporter = new CheckProgressReporter(undefined);
    reporter.phase('structure', 3);
    reporter.packDone();
    reporter.treesChecked(4);
    reporter.flush();
  });
});
