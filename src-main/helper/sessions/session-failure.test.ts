import { describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/errors';
import { type SessionErrorCode, sessionErrorCodes } from '../../helper-protocol/session-model';
import { SystemStateError } from '../../system-state/errors';
import { StateFileError } from '../settings/state-file';
import { classifyFailure, SessionError, troubleshootingCheckOf } from './session-failure';

function errno(code: string, path?: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: failed${path ? `, open '${path}'` : ''}`);
  error.code = code;
  if (path) error.path = path;
  return error;
}

describe('SessionError', () => {
  it('carries its code, a retryability that defaults by code, and its cause', () => {
    const cause = new Error('writer said no');
    const error = new SessionError('VSS_WRITER_UNSTABLE', 'System Writer is not stable', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SessionError');
    expect(error.code).toBe('VSS_WRITER_UNSTABLE');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(new SessionError('WRONG_PASSWORD', 'no').retryable).toBe(false);
    expect(new SessionError('SNAPSHOT_UNAVAILABLE', 'gone', { retryable: false }).retryable).toBe(false);
  });
});

describe('classifyFailure', () => {
  it('keeps a SessionError as it is, with its check and retryability', () => {
    const { failure, retryable } = classifyFailure(
      new SessionError('SNAPSHOT_UNAVAILABLE', 'the snapshot of / vanished'),
    );
    expect(failure.code).toBe('SNAPSHOT_UNAVAILABLE');
    expect(failure.check).toBe('snapshot-availability');
    expect(failure.message).toMatch(/^the snapshot of \/ vanished\. .*run the backup again/i);
    expect(retryable).toBe(true);

    const preflight = classifyFailure(
      new SessionError('PREFLIGHT_FAILED', 'Free space: 1 GiB free, 3 GiB needed', { check: 'free-space' }),
    );
    expect(preflight.failure.check).toBe('free-space');
    expect(preflight.retryable).toBe(false);
  });

  it.each([
    ['WRONG_PASSWORD', 'WRONG_PASSWORD', false, 'repository'],
    ['REPO_LOCKED', 'REPO_LOCKED', true, 'repository'],
    ['NOT_A_REPOSITORY', 'REPO_UNREACHABLE', false, 'repository'],
    ['NOT_FOUND', 'REPO_UNREACHABLE', false, 'repository'],
    ['CORRUPT', 'REPO_CORRUPT', false, 'repository'],
    ['NO_SPACE', 'INSUFFICIENT_SPACE', false, 'free-space'],
    ['CANCELLED', 'CANCELLED', false, null],
    ['IO_ERROR', 'REPO_UNREACHABLE', false, 'repository'],
    ['INVALID_ARGUMENT', 'INTERNAL_ERROR', false, null],
  ] as const)('maps engine %s to %s', (engineCode, code, retryable, check) => {
    const result = classifyFailure(new EngineError(engineCode, `engine says ${engineCode}`));
    expect(result).toEqual({
      failure: { code, check, message: expect.stringContaining(`engine says ${engineCode}.`) },
      retryable,
    });
  });

  it.each([
    ['SNAPSHOT_UNAVAILABLE', 'SNAPSHOT_UNAVAILABLE', true, 'snapshot-availability'],
    ['VSS_WRITER_UNSTABLE', 'VSS_WRITER_UNSTABLE', true, 'vss-writers'],
    ['VSS_UNAVAILABLE', 'VSS_UNAVAILABLE', true, 'vss-writers'],
    ['SERVICE_STOPPED', 'SERVICE_STOPPED', true, 'services'],
    ['SERVICE_NOT_INSTALLED', 'SERVICE_STOPPED', false, 'services'],
    ['INSUFFICIENT_SPACE', 'INSUFFICIENT_SPACE', false, 'free-space'],
    ['INVALID_LOCATION', 'INVALID_LOCATION', false, 'free-space'],
    ['SNAPSHOT_FAILED', 'SNAPSHOT_FAILED', true, 'snapshot-availability'],
    ['PROVIDER_UNHEALTHY', 'SNAPSHOT_FAILED', false, 'provider-health'],
    ['MBR_OVER_2TB', 'PREFLIGHT_FAILED', false, 'mbr-2tb-limit'],
    ['SHADOW_COPY_DISABLED', 'PREFLIGHT_FAILED', false, 'shadow-copy-drives'],
    ['IO_ERROR', 'SOURCE_UNREADABLE', false, null],
    ['UNEXPECTED_OUTPUT', 'INTERNAL_ERROR', false, null],
  ] as const)('maps System state %s to %s', (stateCode, code, retryable, check) => {
    const result = classifyFailure(new SystemStateError(stateCode, `system state says ${stateCode}`));
    expect(result.failure.code).toBe(code);
    expect(result.failure.check).toBe(check);
    expect(result.retryable).toBe(retryable);
  });

  it('matches by name and code, so errors that crossed a thread as plain objects classify too', () => {
    const plain = { name: 'EngineError', code: 'REPO_LOCKED', message: 'locked by pid 42 on host' };
    expect(classifyFailure(plain).failure.code).toBe('REPO_LOCKED');
    // The same code string from another room means something else: IO_ERROR of System state is the source.
    expect(classifyFailure({ name: 'SystemStateError', code: 'IO_ERROR', message: 'x' }).failure.code).toBe(
      'SOURCE_UNREADABLE',
    );
    expect(classifyFailure({ name: 'Error', code: 'REPO_LOCKED', message: 'x' }).failure.code).toBe(
      'INTERNAL_ERROR',
    );
  });

  it("classifies the helper's damaged settings as a preflight failure pointing at the repository check", () => {
    const invalid = new StateFileError('SETTINGS_INVALID', '/var/lib/backup-manager/settings.json: not JSON');
    expect(classifyFailure(invalid)).toMatchObject({
      retryable: false,
      failure: { code: 'PREFLIGHT_FAILED', check: 'repository' },
    });
  });

  it('maps Node errno errors: no space always, permissions only under the repository', () => {
    expect(classifyFailure(errno('ENOSPC')).failure.code).toBe('INSUFFICIENT_SPACE');
    expect(classifyFailure(errno('EDQUOT')).failure.code).toBe('INSUFFICIENT_SPACE');
    const repository = '/mnt/backup/repo';
    expect(classifyFailure(errno('EACCES', '/mnt/backup/repo/data/ab'), { repository }).failure.code).toBe(
      'REPO_UNREACHABLE',
    );
    expect(classifyFailure(errno('EACCES', '/mnt/backup/repository2/x'), { repository }).failure.code).toBe(
      'INTERNAL_ERROR',
    );
    expect(classifyFailure(errno('EPERM', '/etc/shadow'), { repository }).failure.code).toBe(
      'INTERNAL_ERROR',
    );
    expect(classifyFailure(errno('EACCES', '/mnt/backup/repo/x')).failure.code).toBe('INTERNAL_ERROR');
  });

  it('classifies a wrapped error by its cause, and AbortError as cancelled', () => {
    const wrapped = new Error('backup failed', {
      cause: new EngineError('WRONG_PASSWORD', 'wrong password'),
    });
    expect(classifyFailure(wrapped).failure.code).toBe('WRONG_PASSWORD');
    const abort = new DOMException('The operation was aborted.', 'AbortError');
    expect(classifyFailure(abort)).toMatchObject({
      failure: { code: 'CANCELLED', check: null },
      retryable: false,
    });
  });

  it('classifies remote repository failures: a dropped connection is retried, refusals are not', () => {
    const cases = [
      ['REPO_UNREACHABLE', 'REPO_UNREACHABLE', true],
      ['AUTH_FAILED', 'AUTH_FAILED', false],
      ['HOST_KEY_MISMATCH', 'HOST_KEY_MISMATCH', false],
      ['QUOTA_EXCEEDED', 'QUOTA_EXCEEDED', false],
    ] as const;
    for (const [engineCode, sessionCode, retryable] of cases) {
      const classified = classifyFailure(new EngineError(engineCode, 'sftp://backup.lan: it happened'));
      expect(classified.failure.code, engineCode).toBe(sessionCode);
      expect(classified.retryable, engineCode).toBe(retryable);
      expect(classified.failure.check, engineCode).toBe('repository');
    }
  });

  it('classifies anything else as INTERNAL_ERROR with a readable message', () => {
    expect(classifyFailure('boom')).toEqual({
      failure: { code: 'INTERNAL_ERROR', check: null, message: expect.stringMatching(/^boom\. .*support/) },
      retryable: false,
    });
    expect(classifyFailure(new TypeError('x is undefined')).failure.code).toBe('INTERNAL_ERROR');
    expect(classifyFailure(null).failure.code).toBe('INTERNAL_ERROR');
  });

  it('says what to do next in every message, once', () => {
    for (const code of sessionErrorCodes) {
      const { failure } = classifyFailure(new SessionError(code, 'Something happened'));
      expect(failure.message.length).toBeGreaterThan('Something happened. '.length + 10);
      const again = classifyFailure(new SessionError(code, failure.message));
      expect(again.failure.message).toBe(failure.message);
    }
  });
});

describe('troubleshootingCheckOf', () => {
  it('names a known check for every code that has one', () => {
    const known = new Set([
      'services',
      'vss-writers',
      'snapshot-availability',
      'free-space',
      'provider-health',
      'shadow-copy-drives',
      'mbr-2tb-limit',
      'repository',
    ]);
    const expected: Partial<Record<SessionErrorCode, string | null>> = {
      SERVICE_STOPPED: 'services',
      VSS_WRITER_UNSTABLE: 'vss-writers',
      VSS_UNAVAILABLE: 'vss-writers',
      SNAPSHOT_UNAVAILABLE: 'snapshot-availability',
      MACHINE_RESTARTED: 'snapshot-availability',
      HELPER_CRASHED: 'snapshot-availability',
      SNAPSHOT_FAILED: 'snapshot-availability',
      INSUFFICIENT_SPACE: 'free-space',
      INVALID_LOCATION: 'free-space',
      REPO_LOCKED: 'repository',
      REPO_UNREACHABLE: 'repository',
      REPO_CORRUPT: 'repository',
      WRONG_PASSWORD: 'repository',
      PASSWORD_REQUIRED: 'repository',
      CANCELLED: null,
      INTERNAL_ERROR: null,
      AUTH_FAILED: 'repository',
      HOST_KEY_MISMATCH: 'repository',
      QUOTA_EXCEEDED: 'repository',
    };
    for (const [code, check] of Object.entries(expected))
      expect(troubleshootingCheckOf(code as SessionErrorCode), code).toBe(check);
    for (const code of sessionErrorCodes) {
      const check = troubleshootingCheckOf(code);
      if (check !== null) expect(known.has(check), `${code} → ${check}`).toBe(true);
    }
  });
});
