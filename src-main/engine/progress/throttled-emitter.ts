/**
 * Hands a changing state to a listener at most `maxPerSecond` times a second: a change right after an update is
 * delivered by a trailing timer (so the last state of a burst is always shown), and `finish()` delivers the final
 * state — spaced too, so the limit holds without exception. Each update carries the seconds since the start.
 */
export class ThrottledEmitter<T extends { elapsedSeconds: number }> {
  private readonly started = performance.now();
  private lastEmit = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private readonly minInterval: number;

  constructor(
    private readonly state: T,
    private readonly listener: ((state: T) => void) | undefined,
    maxPerSecond = 10,
  ) {
    this.minInterval = 1000 / maxPerSecond;
  }

  /** Call after changing the state. */
  changed(): void {
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

  /** Emits the current state now and cancels a pending update. */
  flush(): void {
    if (this.listener === undefined) return;
    this.stop();
    this.emit();
  }

  /** Emits the final state once the minimum interval since the last update has passed. */
  async finish(): Promise<void> {
    if (this.listener === undefined) return;
    this.stop();
    const wait = this.lastEmit + this.minInterval - performance.now();
    // Not unref'd: an unref'd timer lets the process exit right here, before the caller sees the result.
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.emit();
  }

  /** Cancels a pending update (the work failed; no final state). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private emit(): void {
    this.lastEmit = performance.now();
    this.state.elapsedSeconds = (this.lastEmit - this.started) / 1000;
    this.listener?.({ ...this.state });
  }
}
