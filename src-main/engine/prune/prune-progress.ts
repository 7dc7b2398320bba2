/**
 * Progress of a prune for its listener: the current phase and its counters, never more than `maxPerSecond`
 * updates (a trailing update shows the last state of a burst), and the final state when the prune ends — also
 * spaced, so the limit holds without exception.
 */
import type { PrunePhase, PruneProgress } from './prune-types';

export class PruneProgressReporter {
  private readonly state: PruneProgress = {
    phase: 'index',
    done: 0,
    total: 0,
    bytesDone: 0,
    bytesTotal: 0,
    elapsedSeconds: 0,
  };
  private readonly started = performance.now();
  private lastEmit = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private readonly minInterval: number;

  constructor(
    private readonly listener: ((progress: PruneProgress) => void) | undefined,
    maxPerSecond = 10,
  ) {
    this.minInterval = 1000 / maxPerSecond;
  }

  phase(phase: PrunePhase, total = 0, bytesTotal = 0): void {
    Object.assign(this.state, { phase, done: 0, total, bytesDone: 0, bytesTotal });
    this.changed();
  }

  advance(count = 1, bytes = 0): void {
    this.state.done += count;
    this.state.bytesDone += bytes;
    this.changed();
  }

  /** Sets the counter of a phase whose items are counted elsewhere (trees loaded). */
  setDone(done: number): void {
    this.state.done = done;
    this.changed();
  }

  /** Emits the final state once the minimum interval since the last update has passed. */
  async finish(): Promise<void> {
    if (this.listener === undefined) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const wait = this.lastEmit + this.minInterval - performance.now();
    // Not unref'd: an unref'd timer lets the process exit right here, before the caller sees the result.
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.emit();
  }

  /** Stops a pending update (the prune failed; no final state). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(): void {
    if (this.listener === undefined || this.timer !== null) return;
    const wait = this.lastEmit + this.minInterval - performance.now();
    if (wait <= 0) {
      this.emit();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.emit();
    }, wait);
    this.timer.unref();
  }

  private emit(): void {
    this.lastEmit = performance.now();
    this.state.elapsedSeconds = (this.lastEmit - this.started) / 1000;
    this.listener?.({ ...this.state });
  }
}
