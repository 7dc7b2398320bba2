import { describe, expect, it } from 'vitest';
import {
  bootRepairBlocked,
  canRollBack,
  checkRepositoryPath,
  checkTargetFolder,
  checkUuid,
  defaultTargetFolder,
  describeMachine,
  failureHint,
  formatDateTime,
  hostnameMatches,
  isSameOrNewer,
  offersBootRepair,
  openErrorHint,
  phaseStates,
  progressLabel,
  runningHeadline,
  selectionSummary,
  servicesSummary,
  stepNumber,
} from './restore-text';
import { completedJob, job, machine, plan } from './test-fixtures';

describe('phases of a job', () => {
  it('a folder restore marks the rollback backup "not needed" and the current phase', () => {
    expect(phaseStates(job({ phase: 'verify' })).map((p) => [p.phase, p.state])).toEqual([
      ['prepare', 'done'],
      ['rollback-backup', 'skipped'],
      ['restore', 'done'],
      ['verify', 'current'],
      ['post-restore', 'pending'],
    ]);
  });

  it('an apply takes the rollback backup; a failed job is marked where it stopped; a finished one is all done', () => {
    const apply = { target: { kind: 'system' as const, confirmHostname: 'web-02' } };
    expect(phaseStates(job({ ...apply, phase: 'rollback-backup', state: 'failed' }))[1]?.state).toBe(
      'stopped',
    );
    expect(phaseStates(completedJob(apply)).every((p) => p.state === 'done')).toBe(true);
  });
});

describe('what the user types', () => {
  it('a target folder must be absolute and not a drive root', () => {
    expect(checkTargetFolder(' /mnt/target ')).toEqual({ ok: true, value: '/mnt/target' });
    expect(checkTargetFolder('D:\\Restore')).toEqual({ ok: true, value: 'D:\\Restore' });
    expect(checkTargetFolder('')).toMatchObject({ ok: false });
    expect(checkTargetFolder('mnt/target')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/absolute/),
    });
    expect(checkTargetFolder('/')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/Apply to this system/),
    });
    expect(checkTargetFolder('C:\\')).toMatchObject({ ok: false });
  });

  it('a repository path must be absolute', () => {
    expect(checkRepositoryPath('/media/usb/repo')).toEqual({
      ok: true,
      value: '/media/usb/repo',
      kind: 'local',
    });
    expect(checkRepositoryPath(' sftp:backup@nas:/srv/repo ')).toEqual({
      ok: true,
      value: 'sftp:backup@nas:/srv/repo',
      kind: 'sftp',
    });
    expect(checkRepositoryPath('s3:https://s3.example.net/bucket')).toMatchObject({ ok: true, kind: 's3' });
    expect(checkRepositoryPath('ftp://nas/repo')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('is not a full path or a remote location'),
    });
    expect(checkRepositoryPath('repo')).toMatchObject({ ok: false });
    expect(checkRepositoryPath(' ')).toMatchObject({ ok: false });
  });

  it('hostnames must match exactly, surrounding spaces aside; an empty one never matches', () => {
    expect(hostnameMatches(' web-02 ', 'web-02')).toBe(true);
    expect(hostnameMatches('WEB-02', 'web-02')).toBe(false);
    expect(hostnameMatches('web-0', 'web-02')).toBe(false);
    expect(hostnameMatches('', '')).toBe(false);
  });

  it('a UUID is hex digits and dashes; empty means no choice', () => {
    expect(checkUuid('')).toEqual({ ok: true, value: null });
    expect(checkUuid(' 1A2B-3C4D ')).toEqual({ ok: true, value: '1A2B-3C4D' });
    expect(checkUuid('/dev/sda1')).toMatchObject({ ok: false });
  });
});

it('the default target folder is named after the session, on the right platform', () => {
  expect(defaultTargetFolder('linux', 'web 01', 'aaaaaaaa')).toBe(
    '/var/tmp/backup-manager-restore/web_01-aaaaaaaa',
  );
  expect(defaultTargetFolder('win32', 'DC1', 'bbbbbbbb')).toBe('C:\\BackupManagerRestore\\DC1-bbbbbbbb');
  expect(checkTargetFolder(defaultTargetFolder(null, 'x', 'y')).ok).toBe(true);
});

it('an event or read older than what is shown never replaces it', () => {
  const verifying = job({ phase: 'verify', progress: { ...job().progress, filesDone: 5 } });
  expect(isSameOrNewer(verifying, job())).toBe(true);
  expect(isSameOrNewer(job(), verifying)).toBe(false);
  expect(isSameOrNewer(job({ progress: { ...job().progress, bytesDone: 1 } }), job())).toBe(false);
  expect(isSameOrNewer(completedJob(), verifying)).toBe(true);
  expect(isSameOrNewer(verifying, completedJob())).toBe(false);
  expect(isSameOrNewer(job(), job())).toBe(true);
});

it('boot repair is offered after a finished restore whose plan has one (or whose plan is unknown)', () => {
  expect(offersBootRepair(completedJob(), plan())).toBe(true);
  expect(offersBootRepair(completedJob(), null)).toBe(true);
  expect(offersBootRepair(completedJob(), plan({ bootRepair: null }))).toBe(false);
  expect(offersBootRepair(job(), plan())).toBe(false);
  expect(offersBootRepair(completedJob({ state: 'failed' }), plan())).toBe(false);
  expect(offersBootRepair(completedJob({ kind: 'test-restore' }), plan())).toBe(false);
});

it('boot repair that cannot run at all says why; services are counted by what happens to them', () => {
  expect(bootRepairBlocked(plan())).toBeNull();
  expect(bootRepairBlocked(null)).toBeNull();
  const none = plan();
  for (const step of none.bootRepair?.steps ?? []) {
    step.available = false;
    step.reason = `${step.id} missing.`;
  }
  expect(bootRepairBlocked(none)).toBe(
    'None of its steps can run in this target: initramfs missing. grub-install missing.',
  );
  expect(servicesSummary(plan().services)).toBe('1 already enabled, 1 not installed here');
  expect(servicesSummary([{ action: 'enable' }, { action: 'enable' }])).toBe('2 to enable');
});

it('only a finished apply with its rollback backup can be undone', () => {
  const apply = {
    target: { kind: 'system' as const, confirmHostname: 'h' },
    rollbackSnapshotId: 'f'.repeat(64),
  };
  expect(canRollBack(completedJob(apply))).toBe(true);
  expect(canRollBack(completedJob({ ...apply, state: 'cancelled' }))).toBe(true);
  expect(canRollBack(job(apply))).toBe(false);
  expect(canRollBack(completedJob({ ...apply, rollbackSnapshotId: null }))).toBe(false);
  expect(canRollBack(completedJob())).toBe(false);
  expect(canRollBack(completedJob({ ...apply, kind: 'rollback' }))).toBe(false);
});

it('words: machines, selections, errors, times, steps', () => {
  expect(describeMachine(machine())).toBe('Debian GNU/Linux 12 · x64 · UEFI');
  const bookworm = { family: 'linux' as const, name: 'Debian GNU/Linux 12 (bookworm)', version: '12' };
  expect(describeMachine(machine({ os: bookworm, bootMode: 'bios' }))).toBe(
    'Debian GNU/Linux 12 (bookworm) · x64 · BIOS',
  );
  expect(describeMachine(machine({ os: null, arch: null, bootMode: null }))).toMatch(
    /No machine description/,
  );
  expect(selectionSummary(0, 3)).toBe('No selection');
  expect(selectionSummary(3, 3)).toBe('All 3 components');
  expect(selectionSummary(1, 3)).toBe('1 of 3 components');
  expect(openErrorHint('WRONG_PASSWORD')).toMatch(/password is not right/);
  expect(openErrorHint('REPO_NOT_FOUND')).toMatch(/no backup repository at this path/);
  expect(openErrorHint('INTERNAL')).toBeNull();
  expect(openErrorHint('REPO_UNREACHABLE')).toMatch(/could not be reached/);
  expect(openErrorHint('AUTH_FAILED')).toMatch(/refused the login/);
  expect(openErrorHint('HOST_KEY_MISMATCH')).toMatch(/Compare it below/);
  expect(openErrorHint('QUOTA_EXCEEDED')).toMatch(/quota/);
  expect(failureHint('RESTORE_HANDLE_UNKNOWN')).toMatch(/open it again/);
  expect(failureHint('NOT_AUTHORIZED')).toMatch(/administrator/);
  expect(failureHint('WRONG_PASSWORD')).toBe(openErrorHint('WRONG_PASSWORD'));
  expect(formatDateTime('2026-11-24T02:00:00.000Z')).toMatch(/2026/);
  expect(formatDateTime('nonsense')).toBe('—');
  expect(stepNumber('repository')).toBe(1);
  expect(stepNumber('result')).toBe(7);
});

it('names the rollback backup while an apply takes it, and what the progress counts in each phase', () => {
  const apply = { kind: 'restore' as const, hostname: 'vm' };
  expect(runningHeadline({ ...apply, phase: 'rollback-backup' })).toMatch(
    /Backing up what applying vm's session/,
  );
  expect(runningHeadline({ ...apply, phase: 'restore' })).toBe("Restoring vm's session into");
  expect(runningHeadline({ kind: 'rollback', phase: 'restore', hostname: 'vm' })).toMatch(/^Rolling back/);
  expect(progressLabel({ phase: 'rollback-backup' })).toMatch(/rollback point/);
  expect(progressLabel({ phase: 'verify' })).toBe('Verified');
  expect(progressLabel({ phase: 'restore' })).toBe('Restored');
});
