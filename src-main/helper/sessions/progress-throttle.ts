/**
 * Progress of one session, thinned to at most 10 notifications a second: the engine reports per chunk (thousands
 * a second), and every notification crosses the helper socket and re-renders the UI. The first value and every
 * phase change go out at once; within a 100 ms window only the latest value is kept and sent when the window ends,
 * so the UI never shows a value older than 100 ms and the last one is never lost (flush()).
 */
import type { SessionProgress } from '../../helper-protocol/session-model';

export type RawProgress = Omit<SessionProgress, 'bytesPerSecond' | 'etaSeconds'>;

export interface ThrottleClock {
  /** Milliseconds, monotonic enough for rates. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** 10 emits per second at most. */
export const progressWindowMs = 100;
/** The rate is the average over about this long, so a stalled chunk upload does not make it jump to zero. */
export const rateWindowMs = 5000;

interface Sample {
  at: number;
  bytes: number;
}

export class ProgressThrottle {
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private lastPhase: RawProgress['phase'] | null = null;
  private pending: SessionProgress | null = null;
  private timer: unknown = null;
  private samples: Sample[] = [];

  constructor(
    private readonly emit: (progress: SessionProgress) => void,
    private readonly clock: ThrottleClock = systemClock,
  ) {}

  push(raw: RawProgress): void {
    const now = this.clock.now();
    const phaseChanged = raw.phase !== this.lastPhase;
    // Bytes restart from zero in a new phase (verify re-reads) or a new attempt: the old samples would lie.
    const last = this.samples.at(-1);
    if (phaseChanged || (last !== undefined && raw.bytesDone < last.bytes)) this.samples = [];
    this.addSample(now, raw.bytesDone);
    const progress = this.withRate(raw);
    this.lastPhase = raw.phase;
    if (phaseChanged || now - this.lastEmitAt >= progressWindowMs) {
      this.cancelTimer();
      this.pending = null;
      this.send(progress, now);
      return;
    }
    this.pending = progress;
    if (this.timer === null)
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          this.flush();
        },
        this.lastEmitAt + progressWindowMs - now,
      );
  }

  /** Emits the value held back, if any (call it when the phase or the session ends). */
  flush(): void {
    this.cancelTimer();
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.send(pending, this.clock.now());
  }

  /** Stops the timer; a value still held back is dropped (flush() first to keep it). */
  dispose(): void {
    this.cancelTimer();
    this.pending = null;
  }

  private send(progress: SessionProgress, now: number): void {
    this.lastEmitAt = now;
    this.emit(progress);
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private addSample(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    // Keep the newest sample at or before the window's start as the baseline, drop older ones.
    const windowStart = at - rateWindowMs;
    let firstKept = 0;
    while (firstKept + 1 < this.samples.length && (this.samples[firstKept + 1]?.at ?? at) <= windowStart)
      firstKept++;
    if (firstKept > 0) this.samples.splice(0, firstKept);
  }

  private withRate(raw: RawProgress): SessionProgress {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    const seconds = first && last ? (last.at - first.at) / 1000 : 0;
    const bytesPerSecond = first && last && seconds > 0 ? (last.bytes - first.bytes) / seconds : 0;
    const etaSeconds =
      raw.bytesTotal !== null && bytesPerSecond > 0
        ? Math.max(0, raw.bytesTotal - raw.bytesDone) / bytesPerSecond
        : null;
    return { ...raw, bytesPerSecond, etaSeconds };
  }
}
