/**
 * Progress of one session with its rate and ETA, thinned to at most 10 notifications a second (ChangeThrottle: the
 * first value and every phase change go out at once, the latest value of a 100 ms window when it ends, the last one
 * is never lost with flush()).
 */
import type { SessionProgress } from '../../helper-protocol/session-model';
import { ChangeThrottle, systemClock, type ThrottleClock } from '../progress/change-throttle';

export type RawProgress = Omit<SessionProgress, 'bytesPerSecond' | 'etaSeconds'>;

/** The rate is the average over about this long, so a stalled chunk upload does not make it jump to zero. */
export const rateWindowMs = 5000;

interface Sample {
  at: number;
  bytes: number;
}

export class ProgressThrottle {
  private lastPhase: RawProgress['phase'] | null = null;
  private samples: Sample[] = [];
  private readonly throttle: ChangeThrottle<SessionProgress>;

  constructor(
    emit: (progress: SessionProgress) => void,
    private readonly clock: ThrottleClock = systemClock,
  ) {
    this.throttle = new ChangeThrottle(emit, (progress) => progress.phase, clock);
  }

  push(raw: RawProgress): void {
    const now = this.clock.now();
    // Bytes restart from zero in a new phase (verify re-reads) or a new attempt: the old samples would lie.
    const last = this.samples.at(-1);
    if (raw.phase !== this.lastPhase || (last !== undefined && raw.bytesDone < last.bytes)) this.samples = [];
    this.lastPhase = raw.phase;
    this.addSample(now, raw.bytesDone);
    this.throttle.offer(this.withRate(raw));
  }

  /** Emits the value held back, if any (call it when the phase or the session ends). */
  flush(): void {
    this.throttle.flush();
  }

  /** Stops the timer; a value still held back is dropped (flush() first to keep it). */
  dispose(): void {
    this.throttle.dispose();
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
