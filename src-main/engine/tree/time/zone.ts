/**
 * Time zones with Go 1.19's semantics: a TZif file (as in /usr/share/zoneinfo) read like
 * `time.LoadLocationFromTZData`, and the offset for an instant found like `Location.lookup` — including the
 * zone used before the first transition (`lookupFirstZone`, e.g. local mean time) and the TZ rule string for
 * instants after the last transition. restic formats node times in its process's local zone this way, so the same
 * rules are needed to write byte-identical timestamps. JavaScript's Intl cannot serve: it uses ICU's own tz data,
 * not the system's files, and its range is limited to ±275 000 years.
 */
import { evaluateTzRule, parseTzRule, type ZonePeriod } from './tzset';

interface ZoneType {
  offset: number;
  isDst: boolean;
}

interface Transition {
  /** Unix seconds (a Number: TZif's int64 values are far below 2^53 except the ±2^59 "big bang" sentinel). */
  when: number;
  zone: number;
}

/** Go's `alpha`/`omega` as Numbers, only compared against. */
const beginningOfTime = -Number.MAX_SAFE_INTEGER;
const endOfTime = Number.MAX_SAFE_INTEGER;

export class TimeZone {
  private readonly rule: ReturnType<typeof parseTzRule>;
  /**
   * The period of the last lookup: a backup formats and compares tens of thousands of times, mostly in the same
   * period, and evaluating the zone's rule afresh for each one was a measurable share of a no-change backup's
   * allocations. Go caches the same way (Location.cacheStart/cacheEnd), from the same periods.
   */
  private lastPeriod: ZonePeriod | undefined;

  private constructor(
    /** The name it was loaded under ("UTC", "Europe/Berlin", "Local", "+01:00"). */
    readonly name: string,
    private readonly zones: readonly ZoneType[],
    private readonly transitions: readonly Transition[],
    extend: string,
  ) {
    this.rule = extend === '' ? undefined : parseTzRule(extend);
  }

  /** UTC: no zones at all (Go's `utcLoc`). */
  static utc(): TimeZone {
    return new TimeZone('UTC', [], [], '');
  }

  /** A fixed offset (Go's `FixedZone`), used for times parsed with an explicit offset. */
  static fixed(offsetSeconds: number): TimeZone {
    return new TimeZone(
      'fixed',
      [{ offset: offsetSeconds, isDst: false }],
      [{ when: beginningOfTime, zone: 0 }],
      '',
    );
  }

  /** Reads TZif data (versions 1–3) like Go's `LoadLocationFromTZData`; throws on malformed data. */
  static fromTzif(name: string, data: Uint8Array): TimeZone {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let pos = 0;
    const need = (n: number): void => {
      if (pos + n > data.length) throw new Error(`time zone ${name}: truncated TZif data`);
    };
    need(44);
    if (Buffer.from(data.subarray(0, 4)).toString('latin1') !== 'TZif')
      throw new Error(`time zone ${name}: not TZif data`);
    const version = data[4];
    if (version !== 0 && version !== 0x32 && version !== 0x33)
      throw new Error(`time zone ${name}: unknown TZif version`);
    const readCounts = (): number[] => {
      need(24);
      const counts = [0, 1, 2, 3, 4, 5].map((i) => view.getUint32(pos + 4 * i));
      pos += 24;
      return counts;
    };
    pos = 20;
    let [utcLocal = 0, stdWall = 0, leap = 0, times = 0, types = 0, chars = 0] = readCounts();
    let timeSize = 4;
    if (version !== 0) {
      // Skip the 32-bit block and the second header; the 64-bit block covers a wider range.
      pos += times * 5 + types * 6 + chars + leap * 8 + stdWall + utcLocal + 20;
      [utcLocal = 0, stdWall = 0, leap = 0, times = 0, types = 0, chars = 0] = readCounts();
      timeSize = 8;
    }
    need(times * (timeSize + 1) + types * 6 + chars + leap * (timeSize + 4) + stdWall + utcLocal);
    if (types === 0) throw new Error(`time zone ${name}: no zone types`);
    const whens: number[] = [];
    for (let i = 0; i < times; i++) {
      whens.push(timeSize === 8 ? Number(view.getBigInt64(pos + 8 * i)) : view.getInt32(pos + 4 * i));
    }
    pos += times * timeSize;
    const transitions: Transition[] = [];
    for (let i = 0; i < times; i++) {
      const zone = data[pos + i] ?? 0;
      if (zone >= types) throw new Error(`time zone ${name}: bad zone index`);
      transitions.push({ when: whens[i] ?? 0, zone });
    }
    pos += times;
    const zones: ZoneType[] = [];
    for (let i = 0; i < types; i++) {
      zones.push({ offset: view.getInt32(pos + 6 * i), isDst: data[pos + 6 * i + 4] !== 0 });
    }
    pos += types * 6 + chars + leap * (timeSize + 4) + stdWall + utcLocal;
    // The footer: "\n<TZ rule>\n" after the 64-bit block.
    const rest = Buffer.from(data.subarray(pos)).toString('latin1');
    const extend = rest.length > 2 && rest.startsWith('\n') && rest.endsWith('\n') ? rest.slice(1, -1) : '';
    // Go adds a fake transition covering all time when there is none (fixed zones such as Etc/GMT+1).
    if (transitions.length === 0) transitions.push({ when: beginningOfTime, zone: 0 });
    return new TimeZone(name, zones, transitions, extend);
  }

  /** The offset (seconds east of UTC) in effect at Unix second `sec`, with the period it holds for. */
  lookup(sec: number): Readonly<ZonePeriod> {
    const last = this.lastPeriod;
    if (last !== undefined && sec >= last.start && sec < last.end) return last;
    const period = this.findPeriod(sec);
    // Not before 1970: there Go's rule evaluation is a day off near transitions (see evaluateTzRule), so a
    // period's bounds need not agree with a lookup of each second inside it.
    if (sec >= 0) this.lastPeriod = period;
    return period;
  }

  private findPeriod(sec: number): ZonePeriod {
    if (this.zones.length === 0) return { offset: 0, start: beginningOfTime, end: endOfTime };
    const first = this.transitions[0];
    if (first === undefined || sec < first.when) {
      const zone = this.zones[this.firstZoneIndex()];
      return { offset: zone?.offset ?? 0, start: beginningOfTime, end: first?.when ?? endOfTime };
    }
    // Binary search for the last transition at or before sec.
    let lo = 0;
    let hi = this.transitions.length;
    let end = endOfTime;
    while (hi - lo > 1) {
      const mid = lo + ((hi - lo) >> 1);
      const when = this.transitions[mid]?.when ?? 0;
      if (sec < when) {
        end = when;
        hi = mid;
      } else lo = mid;
    }
    const transition = this.transitions[lo];
    const offset = this.zones[transition?.zone ?? 0]?.offset ?? 0;
    if (lo === this.transitions.length - 1 && this.rule !== undefined) {
      // Go's tzset gets the time of the last transition (the period of a rule without DST starts there).
      return evaluateTzRule(this.rule, transition?.when ?? beginningOfTime, sec);
    }
    return { offset, start: transition?.when ?? beginningOfTime, end };
  }

  /** Go's `lookupFirstZone`: the zone for instants before the first transition. */
  private firstZoneIndex(): number {
    if (!this.transitions.some((t) => t.zone === 0)) return 0;
    const first = this.transitions[0];
    if (first !== undefined && this.zones[first.zone]?.isDst) {
      for (let i = first.zone - 1; i >= 0; i--) if (!this.zones[i]?.isDst) return i;
    }
    const standard = this.zones.findIndex((z) => !z.isDst);
    return Math.max(standard, 0); // -1 (no standard zone): Go's case 4, the first zone
  }

  /**
   * The Unix second of a local wall-clock second count (local seconds since 1970-01-01 00:00 in this zone), as
   * Go's `time.Date` resolves it: try the offset at the wall time read as UTC, re-check near transitions.
   */
  unixFromLocal(localSec: number): number {
    const first = this.lookup(localSec);
    if (first.offset === 0) return localSec;
    const utc = localSec - first.offset;
    const offset = utc < first.start || utc >= first.end ? this.lookup(utc).offset : first.offset;
    return localSec - offset;
  }
}
