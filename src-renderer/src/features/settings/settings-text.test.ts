import { describe, expect, it } from 'vitest';
import {
  checkPath,
  checkRetention,
  describeRetention,
  emptyRetentionForm,
  passwordStatusView,
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

  it('words the password status: remembered or not, usable or not, and where each kind of session gets it', () => {
    const base = {
      repository: '/srv/repo',
      remembered: true,
      source: 'keychain' as const,
      scheduledSource: 'none' as const,
      passwordFile: null,
      keychain: { available: true, reason: null },
      s3CredentialsRemembered: false,
    };
    expect(passwordStatusView(base)).toEqual({
      headline: 'A password is remembered for this repository (never shown).',
      tone: 'ok',
      sessions: 'Sessions you start here are handed the remembered password.',
      scheduled: 'Scheduled sessions have no password: set a password file for them.',
    });
    // Remembered, but the keychain is locked: it cannot be used, and the start falls back to the file.
    const locked = passwordStatusView({
      ...base,
      source: 'password-file',
      scheduledSource: 'password-file',
      passwordFile: '/etc/bm/pw',
      keychain: { available: false, reason: 'the login keyring is locked' },
    });
    expect(locked.tone).toBe('warn');
    expect(locked.headline).toContain('cannot be used now: the login keyring is locked');
    expect(locked.sessions).toBe("Sessions you start here use the helper's password file (/etc/bm/pw).");
    expect(locked.scheduled).toBe("Scheduled sessions read the helper's password file.");
    // Nothing anywhere.
    const nothing = passwordStatusView({ ...base, remembered: false, source: 'none' });
    expect(nothing.headline).toBe('No password remembered for this repository.');
    expect(nothing.tone).toBe('warn');
    expect(nothing.sessions).toContain('have no password');
    expect(
      passwordStatusView({ ...base, repository: null, remembered: false, source: 'none' }).headline,
    ).toBe('No password remembered: no repository is set yet.');
    // Console mode with a password file: nothing remembered, and that is fine.
    const console = passwordStatusView({
      ...base,
      remembered: false,
      source: 'password-file',
      scheduledSource: 'password-file',
      passwordFile: '/etc/bm/pw',
      keychain: { available: false, reason: 'console mode' },
    });
    expect(console).toMatchObject({ headline: 'No password remembered for this repository.', tone: 'ok' });
  });
});
