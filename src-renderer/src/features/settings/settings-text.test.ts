import { describe, expect, it } from 'vitest';
import {
  checkPath,
  checkRetention,
  describeRetention,
  emptyRetentionForm,
  retentionToForm,
} from './settings-text';

describe('settings text', () => {
  it('accepts only full paths, trimmed', () => {
    expect(checkPath('  /srv/repo ', '/x')).toEqual({ ok: true, path: '/srv/repo' });
    expect(checkPath('D:\\Backups', '/x')).toEqual({ ok: true, path: 'D:\\Backups' });
    expect(checkPath('', '/x')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('Type the full path'),
    });
    expect(checkPath('repo/here', '/x')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('repo/here is not a full path'),
    });
    expect(checkPath(`/${'a'.repeat(4096)}`, '/x').ok).toBe(false);
  });

  it('turns the retention form into the setting: null, rules, or problems per field', () => {
    expect(checkRetention({ ...emptyRetentionForm, keepDaily: '7' }, true)).toEqual({
      ok: true,
      retention: null,
    });
    expect(checkRetention({ ...emptyRetentionForm, keepDaily: ' 7 ', keepMonthly: '12' }, false)).toEqual({
      ok: true,
      retention: { keepDaily: 7, keepMonthly: 12 },
    });
    expect(checkRetention({ ...emptyRetentionForm, keepLast: '0', keepWeekly: '1.5' }, false)).toEqual({
      ok: false,
      problems: { keepLast: expect.any(String), keepWeekly: expect.any(String) },
      summary: null,
    });
    expect(checkRetention(emptyRetentionForm, false)).toMatchObject({
      ok: false,
      summary: expect.stringContaining('at least one number'),
    });
  });

  it('shows the current retention in the form and in words', () => {
    expect(retentionToForm(null)).toEqual(emptyRetentionForm);
    expect(retentionToForm({ keepLast: 3, keepDaily: 7 })).toEqual({
      ...emptyRetentionForm,
      keepLast: '3',
      keepDaily: '7',
    });
    expect(describeRetention(null)).toBe('Keeps everything: no snapshot is forgotten.');
    expect(describeRetention({ keepLast: 1, keepDaily: 7, keepWeekly: 4, keepMonthly: 6 })).toBe(
      'Keeps the last 1 snapshot, 7 daily, 4 weekly, 6 monthly.',
    );
  });
});
