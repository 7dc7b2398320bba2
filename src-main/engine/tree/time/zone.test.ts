import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNamedZone, resolveLocalZone } from './local-zone';
import { parseTzRule } from './tzset';
import { TimeZone } from './zone';

interface TzifSpec {
  zones: Array<{ offset: number; isDst: boolean }>;
  transitions: Array<{ when: number; zone: number }>;
  footer: string;
}

/** A minimal TZif v2 file: an empty v1 block, then the 64-bit block and the footer. */
function tzif(spec: TzifSpec): Buffer {
  const header = (times: number, types: number, chars: number) => {
    const h = Buffer.alloc(44);
    h.write('TZif2', 0, 'latin1');
    h.writeUInt32BE(times, 32);
    h.writeUInt32BE(types, 36);
    h.writeUInt32BE(chars, 40);
    return h;
  };
  const v1 = Buffer.concat([header(0, 1, 1), Buffer.from([0, 0, 0, 0, 0, 0]), Buffer.from([0])]);
  const times = Buffer.alloc(spec.transitions.length * 8);
  for (const [i, t] of spec.transitions.entries()) times.writeBigInt64BE(BigInt(t.when), i * 8);
  const indexes = Buffer.from(spec.transitions.map((t) => t.zone));
  const types = Buffer.alloc(spec.zones.length * 6);
  spec.zones.forEach((z, i) => {
    types.writeInt32BE(z.offset, i * 6);
    types[i * 6 + 4] = z.isDst ? 1 : 0;
  });
  return Buffer.concat([
    v1,
    header(spec.transitions.length, spec.zones.length, 1),
    times,
    indexes,
    types,
    Buffer.from([0]),
    Buffer.from(`\n${spec.footer}\n`, 'latin1'),
  ]);
}

describe('TimeZone.fromTzif / lookup (Go LoadLocationFromTZData, Location.lookup)', () => {
  it('uses the first zone before the first transition when no transition uses it', () => {
    const zone = TimeZone.fromTzif(
      'test',
      tzif({
        zones: [
          { offset: 1000, isDst: false },
          { offset: 3600, isDst: false },
        ],
        transitions: [{ when: 0, zone: 1 }],
        footer: '',
      }),
    );
    expect(zone.lookup(-10).offset).toBe(1000);
    expect(zone.lookup(10).offset).toBe(3600);
  });

  it('otherwise picks the standard zone before a first transition into DST (Go case 2)', () => {
    const zone = TimeZone.fromTzif(
      'test',
      tzif({
        zones: [
          { offset: 100, isDst: false },
          { offset: 200, isDst: false },
          { offset: 300, isDst: true },
        ],
        transitions: [
          { when: 0, zone: 2 },
          { when: 50, zone: 0 },
          { when: 90, zone: 1 },
        ],
        footer: '',
      }),
    );
    expect(zone.lookup(-1).offset).toBe(200);
  });

  it('falls back to the first standard zone (Go case 3)', () => {
    const zone = TimeZone.fromTzif(
      'test',
      tzif({
        zones: [
          { offset: 100, isDst: true },
          { offset: 200, isDst: false },
        ],
        transitions: [
          { when: 0, zone: 0 },
          { when: 50, zone: 1 },
        ],
        footer: '',
      }),
    );
    expect(zone.lookup(-1).offset).toBe(200);
  });

  it('applies the footer rule after the last transition, southern hemisphere included', () => {
    const zone = TimeZone.fromTzif(
      'test',
      tzif({
        zones: [{ offset: 36000, isDst: false }],
        transitions: [{ when: 0, zone: 0 }],
        footer: 'AEST-10AEDT,M10.1.0,M4.1.0/3',
      }),
    );
    expect(zone.lookup(Date.UTC(2050, 0, 15) / 1000).offset).toBe(39600);
    expect(zone.lookup(Date.UTC(2050, 6, 15) / 1000).offset).toBe(36000);
  });

  it('ignores a footer Go cannot parse and keeps the last zone', () => {
    const zone = TimeZone.fromTzif(
      'test',
      tzif({
        zones: [{ offset: 7200, isDst: false }],
        transitions: [{ when: 0, zone: 0 }],
        footer: 'X1',
      }),
    );
    expect(zone.lookup(4_000_000_000).offset).toBe(7200);
  });

  it('answers from its remembered period exactly as a fresh zone does, in any order of lookups (property)', () => {
    for (const name of ['Europe/Berlin', 'Australia/Sydney', 'Etc/UTC', 'America/St_Johns']) {
      const reused = loadNamedZone(name);
      if (reused === undefined) throw new Error(`${name} missing (package tzdata)`);
      fc.assert(
        fc.property(
          // Around today's transitions, far ahead (the footer rule), and before 1970.
          fc.array(
            fc.oneof(
              fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }),
              fc.integer({ min: 0, max: 4_102_444_800 }),
              fc.integer({ min: -2_000_000_000, max: 0 }),
            ),
            { minLength: 1, maxLength: 40 },
          ),
          (seconds) => {
            for (const sec of seconds) {
              const fresh = loadNamedZone(name) as TimeZone;
              expect(reused.lookup(sec).offset).toBe(fresh.lookup(sec).offset);
            }
          },
        ),
        { numRuns: 60 },
      );
    }
  });

  it('reads fixed-offset system zones without transitions', () => {
    const zone = loadNamedZone('Etc/GMT+5');
    expect(zone?.lookup(0).offset).toBe(-5 * 3600);
    expect(zone?.lookup(-1e12).offset).toBe(-5 * 3600);
  });

  it('rejects data that is not TZif', () => {
    expect(() => TimeZone.fromTzif('bad', Buffer.from('not a zone file at all, definitely not'))).toThrow();
    expect(() => TimeZone.fromTzif('bad', tzif({ zones: [], transitions: [], footer: '' }))).toThrow();
  });

  it('resolves a wall-clock time inside a DST gap the way Go Date does', () => {
    const berlin = loadNamedZone('Europe/Berlin');
    if (berlin === undefined) throw new Error('Europe/Berlin missing (package tzdata)');
    // 2023-03-26 02:30 does not exist in Berlin; Go's Date maps it to 01:30 UTC (03:30 CEST).
    const local = Date.UTC(2023, 2, 26, 2, 30) / 1000;
    expect(berlin.unixFromLocal(local)).toBe(Date.UTC(2023, 2, 26, 1, 30) / 1000);
  });
});

describe('parseTzRule (Go tzset)', () => {
  it.each([
    ['CET-1CEST,M3.5.0,M10.5.0/3', 3600, 7200],
    ['EST5EDT', -18000, -14400],
    ['<+0330>-3:30', 12600, undefined],
    ['<-03>3<-02>,M3.5.0/-2,M10.5.0/-1', -10800, -7200],
    ['JST-9', 32400, undefined],
    ['XXX3YYY,J60/2,300/4', -10800, -7200],
  ])('%s', (text, std, dst) => {
    const rule = parseTzRule(text);
    expect(rule?.stdOffset).toBe(std);
    expect(rule?.dst?.offset).toBe(dst);
  });

  it.each(['', 'AB-1', 'CET', 'CET-1CEST,M13.5.0,M10.5.0', 'CET-1CEST,M3.5.0', 'CET-1CEST,M3.5.0,M10.5.0x'])(
    'rejects %j',
    (text) => {
      expect(parseTzRule(text)).toBeUndefined();
    },
  );
});

describe('resolveLocalZone (Go initLocal)', () => {
  const summer = Date.UTC(2023, 6, 1) / 1000;
  it.each([
    [{ TZ: 'Europe/Berlin' }, 7200],
    [{ TZ: ':Europe/Berlin' }, 7200],
    [{ TZ: '/usr/share/zoneinfo/Europe/Berlin' }, 7200],
    [{ TZ: '' }, 0],
    [{ TZ: 'UTC' }, 0],
    [{ TZ: 'No/Such_Zone' }, 0],
  ])('%o', (env, offset) => {
    expect(resolveLocalZone(env).lookup(summer).offset).toBe(offset);
  });

  it('reads /etc/localtime when TZ is unset', () => {
    const zone = resolveLocalZone({});
    expect(zone.name).toBe('Local');
  });
});
