/**
 * Progress of a check for its listener: the current phase with its counters, at most `maxPerSecond` updates
 * (a trailing update makes sure the last state of a burst is shown), and the final state when the check ends.
 */
import { ThrottledEmitter } from '../progress/throttled-emitter';
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
  private readonly emitter: ThrottledEmitter<CheckProgress>;

  constructor(listener: ((progress: CheckProgress) => void) | undefined, maxPerSecond = 10) {
    this.emitter = new ThrottledEmitter(this.state, listener, maxPerSecond);
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
    this.emitter.flush();
  }

  private changed(): void {
    this.emitter.changed();
  }
}
