/**
 * Progress of a prune for its listener: the current phase and its counters, never more than `maxPerSecond`
 * updates (a trailing update shows the last state of a burst), and the final state when the prune ends — also
 * spaced, so the limit holds without exception.
 */
import { ThrottledEmitter } from '../progress/throttled-emitter';
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
  private readonly emitter: ThrottledEmitter<PruneProgress>;

  constructor(listener: ((progress: PruneProgress) => void) | undefined, maxPerSecond = 10) {
    this.emitter = new ThrottledEmitter(this.state, listener, maxPerSecond);
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
  finish(): Promise<void> {
    return this.emitter.finish();
  }

  /** Stops a pending update (the prune failed; no final state). */
  stop(): void {
    this.emitter.stop();
  }

  private changed(): void {
    this.emitter.changed();
  }
}
