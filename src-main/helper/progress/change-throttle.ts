/**
 * At most 10 notifications a second of something that changes far faster: a session's progress (the engine reports
 * per chunk, thousands a second) or a restore job (progress, and a damaged repository reports failures as fast).
 * Every notification crosses the helper socket and re-renders the UI. The first value and every change of key (a new
 * phase, a new state) go out at once; within a 100 ms window only the latest value is kept and sent when the window
 * ends, so the UI never shows a value older than 100 ms and the last one is never lost (flush()).
 */

export interface ThrottleClock {
  /** Milliseconds, monotonic enough for rates. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** 10 emits per second at most. */
export const progressWindowMs = 100;

export class ChangeThrottle<T> {
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private lastKey: string | null = null;
  /** Boxed: a held-back value may itself be falsy or null. */
  private pending: { value: T } | null = null;
  private timer: unknown = null;

  /**
   * `keyOf` is read when a value is offered and when it is sent: a value that is a live object (a restore job that
   * keeps changing) is judged by what it is at that moment.
   */
  constructor(
    private readonly emit: (value: T) => void,
    private readonly keyOf: (value: T) => string,
    private readonly clock: ThrottleClock = systemClock,
  ) {}

  /** A new value: sent at once when its key changed or the window has passed, else held back to the window's end. */
  offer(value: T): void {
    const now = this.clock.now();
    if (this.keyOf(value) !== this.lastKey || now - this.lastEmitAt >= progressWindowMs) {
      // Sent now: a value held back is superseded, not sent afterwards.
      this.cancelTimer();
      this.pending = null;
      this.send(value, now);
      return;
    }
    this.pending = { value };
    if (this.timer === null)
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          this.flush();
        },
        this.lastEmitAt + progressWindowMs - now,
      );
  }

  /** Emits the value held back, if any (call it when the phase or the work ends). */
  flush(): void {
    this.cancelTimer();
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.send(pending.value, this.clock.now());
  }

  /** Stops the timer; a value still held back is dropped (flush() first to keep it). */
  dispose(): void {
    this.cancelTimer();
    this.pending = null;
  }

  private send(value: T, now: number): void {
    this.lastEmitAt = now;
    this.lastKey = this.keyOf(value);
    this.emit(value);
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
