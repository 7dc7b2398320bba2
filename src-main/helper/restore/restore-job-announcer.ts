/**
 * A restore job's `restore/changed` notifications, at most 10 a second (ChangeThrottle, as session progress): the
 * engine reports progress (and a damaged repository reports failures) far faster than a UI can draw, and each
 * notification carries the whole job across the helper socket. A change of phase or state goes out at once, other
 * changes within a 100 ms window are folded into one sent when the window ends, so what the UI shows is never older
 * than 100 ms and the last change is never lost (flush()).
 */
import type { RestoreJob } from '../../helper-protocol/restore-model';
import { ChangeThrottle, systemClock, type ThrottleClock } from '../progress/change-throttle';

export class RestoreJobAnnouncer {
  private readonly throttle: ChangeThrottle<RestoreJob>;

  /** `emit` receives a copy, made when it is sent: the job keeps changing after the notification is queued. */
  constructor(
    private readonly job: RestoreJob,
    emit: (job: RestoreJob) => void,
    clock: ThrottleClock = systemClock,
  ) {
    this.throttle = new ChangeThrottle(
      (live) => emit(structuredClone(live)),
      (j) => `${j.phase}/${j.state}`,
      clock,
    );
  }

  /** The job changed; a new phase or state is announced at once, anything else within the window. */
  changed(): void {
    this.throttle.offer(this.job);
  }

  /** Sends the change held back, if any. */
  flush(): void {
    this.throttle.flush();
  }

  /** Stops the timer; a change still held back is dropped (flush() first to keep it). */
  dispose(): void {
    this.throttle.dispose();
  }
}
