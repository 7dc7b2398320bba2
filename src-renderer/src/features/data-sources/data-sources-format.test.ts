import { describe, expect, it } from 'vitest';
import {
  checkNewExclude,
  checkNewPath,
  describeIn,
  describeNextRun,
  describeSpec,
  formatFileCount,
  isValidTime,
} from './data-sources-format';

describe('data sources words', () => {
  it('describes schedules', () => {
    expect(describeSpec({ kind: 'off' })).toBe('Off');
    expect(describeSpec({ kind: 'daily', time: '02:30' })).toBe('Daily at 02:30');
    expect(describeSpec({ kind: 'weekly', weekdays: [4, 1], time: '21:00' })).toBe(
      'Weekly on Mon, Thu at 21:00',
    );
  });

  it('says when the next run is, for humans', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    expect(describeIn(new Date('2030-01-01T00:25:00Z'), now)).toBe('in 25 minutes');
    expect(describeIn(new Date('2030-01-01T02:30:00Z'), now)).toBe('in 3 hours');
    expect(describeIn(new Date('2030-01-06T00:00:00Z'), now)).toBe('in 5 days');
    expect(describeNextRun(null)).toBe('Not scheduled');
    expect(describeNextRun('2030-01-01T02:30:00Z', now)).toMatch(/2030.*\(in 3 hours\)$/);
  });

  it('counts files', () => {
    expect(formatFileCount(1)).toBe('1 file');
    expect(formatFileCount(12345)).toBe('12,345 files');
  });

  it('accepts absolute paths only, once each', () => {
    expect(checkNewPath('  /srv/data ', [])).toEqual({ ok: true, path: '/srv/data' });
    expect(checkNewPath('C:\\Users\\Alex', [])).toEqual({ ok: true, path: 'C:\\Users\\Alex' });
    expect(checkNewPath('', [])).toMatchObject({ ok: false, reason: expect.stringMatching(/full path/) });
    expect(checkNewPath('docs', [])).toMatchObject({ ok: false, reason: expect.stringMatching(/absolute/) });
    expect(checkNewPath('/srv', ['/srv'])).toMatchObject({ ok: false, reason: '/srv is already selected.' });
    expect(checkNewPath(`/${'a'.repeat(4096)}`, [])).toMatchObject({ ok: false });
  });

  it('checks times as the helper does', () => {
    expect(isValidTime('02:30')).toBe(true);
    expect(isValidTime('23:59')).toBe(true);
    expect(isValidTime('24:00')).toBe(false);
    expect(isValidTime('2:30')).toBe(false);
  });

  it('checks a typed exclude pattern before the helper compiles it', () => {
    expect(checkNewExclude('  *.tmp ', [])).toEqual({ ok: true, pattern: '*.tmp' });
    expect(checkNewExclude('   ', [])).toMatchObject({ ok: false });
    expect(checkNewExclude('*.tmp', ['*.tmp'])).toEqual({ ok: false, reason: '*.tmp is already excluded.' });
    expect(checkNewExclude('x'.repeat(4097), [])).toMatchObject({ ok: false });
  });
});
