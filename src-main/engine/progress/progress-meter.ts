/**
 * Progress of a long engine operation (backup, restore, check): files and bytes done against totals that may
 * still be growing (the scanner runs ahead of the work), a smoothed rate, an ETA, the current item, and a
 * throttle so listeners get at most `maxPerSecond` updates (UI and CLI redraws are not free).
 */

export interface ProgressSnapshot {
  filesDone: number;
  bytesDone: number;
  /** Totals known so far; `totalsFinal` tells whether the scan has finished. */
  filesTotal: number;
  bytesTotal: number;
  totalsFinal: boolean;
  /** Bytes per second, smoothed. */
  bytesPerSecond: number;
  /** Seconds left, or null while unknown (totals not final, or no rate yet). */
  etaSeconds: number | null;
  elapsedSeconds: number;
  currentItem: string | null;
}

export type ProgressListener = (progress: ProgressSnapshot) => void;

export interface ProgressMeterOptions {
  maxPerSecond?: number;
  now?: () => number;
  /** Smoothing window of the rate in seconds. */
  rateWindowSeconds?: number;
}

export class ProgressMeter {
  private filesDone = 0;
  private bytesDone = 0;
  private filesTotal = 0;
  private bytesTotal = 0;
  private totalsFinal = false;
  private currentItem: string | null = null;
  private readonly started: number;
  private lastEmit = Number.NEGATIVE_INFINITY;
  private rate = 0;
  private rateSampleTime: number;
  private rateSampleBytes = 0;
  private readonly minInterval: number;
  private readonly now: () => number;
  private readonly rateWindow: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly listener: ProgressListener | undefined,
    options: ProgressMeterOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.minInterval = 1000 / (options.maxPerSecond ?? 10);
    this.rateWindow = (options.rateWindowSeconds ?? 5) * 1000;
    this.started = this.now();
    this.rateSampleTime = this.started;
  }

  addTotals(files: number, bytes: number): void {
    this.filesTotal += files;
    this.bytesTotal += bytes;
    this.changed();
  }

  finishTotals(): void {
    this.totalsFinal = true;
    this.changed();
  }

  addDone(files: number, bytes: number): void {
    this.filesDone += files;
    this.bytesDone += bytes;
    this.changed();
  }

  setCurrent(item: string | null): void {
    this.currentItem = item;
    this.changed();
  }

  snapshot(): ProgressSnapshot {
    const now = this.now();
    this.updateRate(now);
    const remaining = Math.max(0, this.bytesTotal - this.bytesDone);
    return {
      filesDone: this.filesDone,
      bytesDone: this.bytesDone,
      filesTotal: this.filesTotal,
      bytesTotal: this.bytesTotal,
      totalsFinal: this.totalsFinal,
      bytesPerSecond: this.rate,
      etaSeconds:
        this.totalsFinal && this.rate > 0
          ? remaining / this.rate
          : this.totalsFinal && remaining === 0
            ? 0
            : null,
      elapsedSeconds: (now - this.started) / 1000,
      currentItem: this.currentItem,
    };
  }

  /** Emits the final state now, whatever the throttle says, and stops any pending emit. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.emit();
  }

  private changed(): void {
    if (!this.listener || this.timer) return;
    const wait = this.lastEmit + this.minInterval - this.now();
    if (wait <= 0) this.emit();
    else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.emit();
      }, wait);
      this.timer.unref?.();
    }
  }

  private emit(): void {
    this.lastEmit = this.now();
    this.listener?.(this.snapshot());
  }

  /** Exponentially smoothed bytes/s, sampled at most every 250 ms so bursts do not make the ETA jump. */
  private updateRate(now: number): void {
    const dt = now - this.rateSampleTime;
    if (dt < 250) return;
    const instant = ((this.bytesDone - this.rateSampleBytes) / dt) * 1000;
    const alpha = Math.min(1, dt / this.rateWindow);
    this.rate = this.rate === 0 ? instant : this.rate + alpha * (instant - this.rate);
    this.rateSampleTime = now;
    this.rateSampleBytes = this.bytesDone;
  }
}
