import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNamedZone } from './local-zone';
import {
  formatGoTime,
  GoTimeParseError,
  type NodeTime,
  nodeTimeFromNs,
  parseGoTime,
  parseGoTimeByPattern,
  zeroGoTime,
} from './rfc3339';
import { TimeZone } from './zone';

function zone(name: string): TimeZone {
  const loaded = loadNamedZone(name);
  if (loaded === undefined) throw new Error(`time zone ${name} is not installed (package tzdata)`);
  return loaded;
}

const utc = TimeZone.utc();
const t = (sec: bigint, nsec = 0): NodeTime => ({ sec, nsec });

describe('formatGoTime (Go RFC3339Nano after restic FixTime)', () => {
  it.each([
    [t(0n), '1970-01-01T00:00:00Z'],
    [t(0n, 500_000_000), '1970-01-01T00:00:00.5Z'],
    [t(0n, 1000), '1970-01-01T00:00:00.000001Z'],
    [t(1_700_000_000n, 123_456_789), '2023-11-14T22:13:20.123456789Z'],
    [t(-1n, 500_000_000), '1969-12-31T23:59:59.5Z'],
    [t(-2_208_988_800n), '1900-01-01T00:00:00Z'],
    [t(4_102_444_800n, 10), '2100-01-01T00:00:00.00000001Z'],
    [t(-62_135_596_800n), '0001-01-01T00:00:00Z'],
  ])('UTC: %o → %s', (time, expected) => {
    expect(formatGoTime(time, utc)).toBe(expected);
  });

  it('clamps years above 9999 and below 0 keeping month, day and clock', () => {
    expect(formatGoTime(t(300_000_000_000n, 500_000_000), utc)).toBe('9999-08-15T05:20:00.5Z');
    expect(formatGoTime(t(-70_000_000_000n), utc)).toBe('0000-10-15T19:33:20Z');
    // 10004-02-29 does not exist in 9999: Go's AddDate normalizes it to March 1.
    const leapDay10004 = BigInt((Date.UTC(2004, 1, 29, 12) / 1000) | 0) + 8000n * 31_556_952n;
    expect(formatGoTime(t(leapDay10004), utc)).toBe('9999-03-01T12:00:00Z');
  });

  it('writes local offsets of Europe/Berlin, including DST after the last recorded transition', () => {
    const berlin = zone('Europe/Berlin');
    expect(formatGoTime(t(1_688_212_800n), berlin)).toBe('2023-07-01T14:00:00+02:00');
    expect(formatGoTime(t(1_704_110_400n), berlin)).toBe('2024-01-01T13:00:00+01:00');
    expect(formatGoTime(t(2_224_231_200n), berlin)).toBe('2040-06-25T12:00:00+02:00');
    expect(formatGoTime(t(2_240_128_800n), berlin)).toBe('2040-12-26T11:00:00+01:00');
  });

  it('uses local mean time before the first transition, dropping the offset seconds as Go does', () => {
    // Berlin LMT is +00:53:28 until 1893.
    expect(formatGoTime(t(-2_524_521_600n), zone('Europe/Berlin'))).toBe('1890-01-01T00:53:28+00:53');
    // Monrovia used -00:44:30 until 1972.
    expect(formatGoTime(t(-631_152_000n), zone('Africa/Monrovia'))).toBe('1949-12-31T23:15:30-00:44');
  });

  it('writes a parsed time in the offset it was parsed with, whatever the zone', () => {
    const parsed = parseGoTime('2023-07-01T14:00:00.25+05:30');
    expect(formatGoTime(parsed, utc)).toBe('2023-07-01T14:00:00.25+05:30');
    expect(formatGoTime(parseGoTime('2023-07-01T14:00:00+00:00'), zone('Europe/Berlin'))).toBe(
      '2023-07-01T14:00:00Z',
    );
    expect(formatGoTime(zeroGoTime, zone('Europe/Berlin'))).toBe('0001-01-01T00:00:00Z');
  });

  it('agrees with Intl on offsets in several zones from 1980 to 2200', () => {
    const names = [
      'Europe/Berlin',
      'America/New_York',
      'Australia/Sydney',
      'Pacific/Chatham',
      'Asia/Kolkata',
    ];
    const zones = names.map((name) => [name, zone(name)] as const);
    fc.assert(
      fc.property(
        fc.integer({ min: 315_532_800, max: 7_258_118_400 }),
        fc.constantFrom(...zones),
        (sec, [name, z]) => {
          const text = formatGoTime(t(BigInt(sec)), z);
          const part = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' })
            .formatToParts(new Date(sec * 1000))
            .find((p) => p.type === 'timeZoneName')?.value;
          const expected = part === 'GMT' ? '+00:00' : part?.slice(3);
          expect(text.slice(-6)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('parseGoTime (time.Parse RFC3339, go1.19)', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0n, 0, 0],
    ['2023-07-01T14:00:00.123456789+02:00', 1_688_212_800n, 123_456_789, 7200],
    ['1969-12-31T23:59:59.5Z', -1n, 500_000_000, 0],
    ['1949-12-31T23:15:30-00:44', -631_152_030n, 0, -2640],
    ['2023-07-01T14:00:00,5Z', 1_688_220_000n, 500_000_000, 0],
    ['2023-07-01T14:00:00.1234567891Z', 1_688_220_000n, 123_456_789, 0],
    ['2023-07-01T4:00:00Z', 1_688_184_000n, 0, 0],
  ])('%s', (text, sec, nsec, offset) => {
    expect(parseGoTime(text)).toEqual({ sec, nsec, zoneOffset: offset });
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-01-01T24:00:00Z',
    '2023-01-01T00:60:00Z',
    '2023-01-01t00:00:00Z',
    '2023-01-01T00:00:00z',
    '2023-01-01T00:00:00',
    '2023-01-01T00:00:00+0100',
    '23-01-01T00:00:00Z',
    '2023-01-01T00:00:00Z ',
  ])('rejects %s', (text) => {
    expect(() => parseGoTime(text)).toThrow(GoTimeParseError);
  });

  it('gives the general parser’s verdict on every text, canonical or not (property)', () => {
    // Two digits, mostly in the field's range, sometimes anything.
    const field = (min: number, max: number) =>
      fc
        .oneof(
          { arbitrary: fc.integer({ min, max }), weight: 9 },
          { arbitrary: fc.integer({ min: 0, max: 99 }), weight: 1 },
        )
        .map((n) => String(n).padStart(2, '0'));
    const text = fc
      .tuple(
        fc.constantFrom('2023', '1600', '0000', '9999', '2024', '2100', '23', 'x023'),
        field(1, 12),
        field(1, 31),
        fc.constantFrom('T', 'T', 'T', 't'),
        fc.oneof({ arbitrary: field(0, 23), weight: 9 }, { arbitrary: fc.constantFrom('4', ''), weight: 1 }),
        field(0, 59),
        field(0, 59),
        fc.oneof(fc.constant(''), fc.stringMatching(/^[.,][0-9]{0,11}$/), fc.constantFrom('.', '.x')),
        fc.oneof(
          fc.constantFrom('Z', 'Z', 'Z', 'z', '', '+0100', 'Z '),
          fc
            .tuple(fc.constantFrom('+', '-'), field(0, 24), field(0, 60))
            .map(([sign, h, m]) => `${sign}${h}:${m}`),
        ),
      )
      .map(
        ([y, mo, d, t, h, mi, se, fraction, zone]) => `${y}-${mo}-${d}${t}${h}:${mi}:${se}${fraction}${zone}`,
      );
    const verdict = (parse: (text: string) => NodeTime, input: string) => {
      try {
        return parse(input);
      } catch (error) {
        return error instanceof GoTimeParseError ? 'rejected' : error;
      }
    };
    let accepted = 0;
    fc.assert(
      fc.property(text, (input) => {
        const general = verdict(parseGoTimeByPattern, input);
        expect(verdict(parseGoTime, input)).toEqual(general);
        if (general !== 'rejected') accepted++;
      }),
      { numRuns: 5000 },
    );
    expect(accepted).toBeGreaterThan(200);
  });

  it('round-trips format → parse to the same instant (up to the offset seconds Go drops)', () => {
    const zones = [utc, zone('Europe/Berlin'), zone('Africa/Monrovia'), zone('America/Sao_Paulo')];
    fc.assert(
      fc.property(
        fc.bigInt({ min: -62_135_596_800n, max: 253_402_214_400n }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.constantFrom(...zones),
        (sec, nsec, z) => {
          const parsed = parseGoTime(formatGoTime({ sec, nsec }, z));
          const offset = z.lookup(Number(sec)).offset;
          expect(parsed.nsec).toBe(nsec);
          expect(parsed.sec).toBe(sec + BigInt(offset % 60));
          expect(parsed.zoneOffset).toBe(offset - (offset % 60));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('nodeTimeFromNs', () => {
  it('splits nanoseconds with floor semantics for times before 1970', () => {
    expect(nodeTimeFromNs(-1_500_000_000n)).toEqual({ sec: -2n, nsec: 500_000_000 });
    expect(nodeTimeFromNs(1_500_000_001n)).toEqual({ sec: 1n, nsec: 500_000_001 });
  });
});
