/**
 * Progress of a check for its listener: the current phase with its counters, at most `maxPerSecond` updates
 * (a trailing update makes sure the last state of a burst is shown), and the final state when the check ends.
 */
import type { CheckPhase, CheckProgress } from './check-types';

export class CheckProgressReporter {
  private readonly state: CheckProgress = {
    phase: 'index',
    packsDone: 0,
    packsTotal: 0,
    treesChecked: 0,
    bytesDone: 0,
    bytesTotal: 0,
    elapsedSeconds: 0,
  };
  private readonly started = performance.now();
  private lastEmit = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private readonly minInterval: number;

  constructor(
    private readonly listener: ((progress: CheckProgress) => void) | undefined,
    maxPerSecond = 10,
  ) {
    this.minInterval = 1000 / maxPerSecond;
  }

  phase(phase: CheckPhase, packsTotal = 0, bytesTotal = 0): void {
    Object.assign(this.state, { phase, packsDone: 0, packsTotal, bytesDone: 0, bytesTotal });
    this.changed();
  }

  packDone(bytes = 0): void {
    this.state.packsDone++;
    this.state.bytesDone += bytes;
    this.changed();
  }

  treesChecked(count: number): void {
    this.state.treesChecked = count;
    this.changed();
  }

  /** Emits the current state now and cancels a pending update. */
  flush(): void {
    if (this.listener === undefined) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.emit();
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
