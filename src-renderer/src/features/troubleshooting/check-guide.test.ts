import type { PreflightCheck } from '@contract';
import { describe, expect, it } from 'vitest';
import {
  checkAnchor,
  checkGuides,
  fixSteps,
  linkedCheckFromHash,
  notReported,
  showsCode,
  statusPresentation,
  summarize,
} from './check-guide';

const check = (over: Partial<PreflightCheck>): PreflightCheck => ({
  id: 'free-space',
  status: 'pass',
  code: 'OK',
  title: 'Free space for the snapshot',
  evidence: [],
  fix: '',
  blocksBackup: false,
  ...over,
});

describe('troubleshooting words', () => {
  it('has a plain-language intro for every check id the helper reports', () => {
    for (const id of [
      'services',
      'vss-writers',
      'provider-health',
      'snapshot-availability',
      'free-space',
      'shadow-copy-drives',
      'mbr-2tb-limit',
      'repository',
    ])
      expect(checkGuides[id]?.intro.length).toBeGreaterThan(40);
  });

  it('explains the repository check: reachable, login, host key, repository present', () => {
    const guide = checkGuides.repository;
    expect(guide?.title).toBe('Repository reachable');
    for (const part of ['answers', 'login', 'host key', 'repository is there'])
      expect(guide?.intro).toContain(part);
    // A linked repository check (from a failed session) has its card's anchor.
    expect(linkedCheckFromHash('#/troubleshooting?check=repository')).toBe('repository');
  });

  it('says the status in words, not only by colour', () => {
    expect(statusPresentation({ status: 'pass', code: 'OK' })).toMatchObject({ label: 'Pass', tone: 'ok' });
    expect(statusPresentation({ status: 'warn', code: 'LOW_FREE_SPACE' }).label).toBe('Warning');
    expect(statusPresentation({ status: 'fail', code: 'SERVICE_STOPPED' }).label).toBe('Failed');
    expect(statusPresentation({ status: 'pass', code: 'NOT_APPLICABLE' }).label).toBe('Not applicable');
    expect(showsCode({ code: 'OK' })).toBe(false);
    expect(showsCode({ code: 'SERVICE_NOT_INSTALLED' })).toBe(true);
  });

  it('splits the fix into steps on sentences and lines, keeping commands and paths whole', () => {
    expect(
      fixSteps(
        'On a machine booted with systemd this is checked; here, start the helper by hand (backup-manager-helper) before a session. Install the Backup Manager package (it installs and enables the helper unit).',
      ),
    ).toEqual([
      'On a machine booted with systemd this is checked; here, start the helper by hand (backup-manager-helper) before a session.',
      'Install the Backup Manager package (it installs and enables the helper unit).',
    ]);
    expect(
      fixSteps(
        'Move the snapshot location to /data (1.5× needed): backup-manager snapshot-location set /data.',
      ),
    ).toHaveLength(1);
    expect(fixSteps('1. Open Services.\n2. Start "Volume Shadow Copy".')).toEqual([
      'Open Services.',
      'Start "Volume Shadow Copy".',
    ]);
    expect(fixSteps('')).toEqual([]);
  });

  it('summarizes failures first, then warnings', () => {
    const summary = summarize(
      [
        check({ id: 'a', status: 'warn', title: 'A' }),
        check({ id: 'b', status: 'fail', title: 'B' }),
        check({ id: 'c' }),
      ],
      'fail',
    );
    expect(summary.attention.map((c) => c.id)).toEqual(['b', 'a']);
    expect(summary.headline).toMatch(/^1 check failed/);
    expect(summarize([check({})], 'pass').headline).toMatch(/^All 1 check passed/);
    expect(summarize([check({ status: 'warn' })], 'warn').headline).toMatch(/^1 check with a warning/);
  });

  it('lists the known checks this machine did not report', () => {
    const others = notReported([check({ id: 'free-space' }), check({ id: 'services' })]).map((o) => o.id);
    expect(others).toContain('vss-writers');
    expect(others).not.toContain('free-space');
  });

  it('reads the linked check from the hash, in both forms', () => {
    expect(linkedCheckFromHash('#/troubleshooting?check=free-space')).toBe('free-space');
    expect(linkedCheckFromHash('#/troubleshooting/free-space')).toBe('free-space');
    expect(linkedCheckFromHash('#/troubleshooting')).toBeNull();
    expect(linkedCheckFromHash('#/sessions?check=free-space')).toBeNull();
    expect(linkedCheckFromHash('#/troubleshooting?check=<script>')).toBeNull();
    expect(checkAnchor('free-space')).toBe('check-free-space');
  });
});
