/**
 * A restore job's `restore/changed` notifications, at most 10 a second: the engine reports progress (and a damaged
 * repository reports failures) far faster than a UI can draw, and each notification carries the whole job across
 * the helper socket. As with session progress (sessions/progress-throttle.ts): a change of phase or state goes out
 * at once, other changes within a 100 ms window are folded into one sent when the window ends, so what the UI shows
 * is never older than 100 ms and the last change is never lost (flush()).
 */
import type { RestoreJob } from '../../helper-protocol/restore-model';
import { progressWindowMs, type ThrottleClock } from '../sessions/progress-throttle';

const systemClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class RestoreJobAnnouncer {
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private lastKey: string | null = null;
  private pending = false;
  private timer: unknown = null;

  /** `emit` receives a copy: the job keeps changing after the notification is queued. */
  constructor(
    private readonly job: RestoreJob,
    private readonly emit: (job: RestoreJob) => void,
    private readonly clock: ThrottleClock = systemClock,
  ) {}

  /** The job changed; a new phase or state is announced at once, anything else within the window. */
  changed(): void {
    const now = this.clock.now();
    const key = `${this.job.phase}/${this.job.state}`;
    if (key !== this.lastKey || now - this.lastEmitAt >= progressWindowMs) {
      this.cancelTimer();
      this.send(now, key);
      return;
    }
    this.pending = true;
    if (this.timer === null)
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          this.flush();
        },
        this.lastEmitAt + progressWindowMs - now,
      );
  }

  /** Sends the change held back, if any. */
  flush(): void {
    this.cancelTimer();
    if (!this.pending) return;
    this.send(this.clock.now(), `${this.job.phase}/${this.job.state}`);
  }

  /** Stops the timer; a change still held back is dropped (flush() first to keep it). */
  dispose(): void {
    this.cancelTimer();
    this.pending = false;
  }

  private send(now: number, key: string): void {
    this.pending = false;
    this.lastEmitAt = now;
    this.lastKey = key;
    this.emit(structuredClone(this.job));
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
