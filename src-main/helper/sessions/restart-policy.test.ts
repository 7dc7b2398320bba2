import { describe, expect, it } from 'vitest';
import type { SessionErrorCode, SessionFailure } from '../../helper-protocol/session-model';
import { decideAfterFailure, defaultRestartPolicy } from './restart-policy';

const minute = 60_000;

function failure(code: SessionErrorCode): SessionFailure {
  return { code, message: `${code} happened.`, check: null };
}

describe('defaultRestartPolicy', () => {
  it('waits per cause before the second attempt', () => {
    const policy = defaultRestartPolicy();
    expect(policy.maxAttempts).toBe(3);
    expect(policy.delayMs('VSS_WRITER_UNSTABLE', 1)).toBe(10 * minute);
    expect(policy.delayMs('VSS_UNAVAILABLE', 1)).toBe(10 * minute);
    expect(policy.delayMs('HELPER_CRASHED', 1)).toBe(30_000);
    expect(policy.delayMs('MACHINE_RESTARTED', 1)).toBe(30_000);
    expect(policy.delayMs('SNAPSHOT_UNAVAILABLE', 1)).toBe(minute);
    expect(policy.delayMs('REPO_LOCKED', 1)).toBe(5 * minute);
    expect(policy.delayMs('SERVICE_STOPPED', 1)).toBe(minute);
    expect(policy.delayMs('SNAPSHOT_FAILED', 1)).toBe(minute);
  });

  it('doubles the delay per further attempt, capped at 30 minutes', () => {
    const policy = defaultRestartPolicy({ maxAttempts: 10 });
    expect(policy.delayMs('REPO_LOCKED', 2)).toBe(10 * minute);
    expect(policy.delayMs('REPO_LOCKED', 3)).toBe(20 * minute);
    expect(policy.delayMs('REPO_LOCKED', 4)).toBe(30 * minute);
    expect(policy.delayMs('VSS_WRITER_UNSTABLE', 3)).toBe(30 * minute);
    expect(policy.delayMs('HELPER_CRASHED', 9)).toBe(30 * minute);
  });

  it('scales every delay (short waits in tests)', () => {
    const policy = defaultRestartPolicy({ scale: 0.001, maxAttempts: 5 });
    expect(policy.maxAttempts).toBe(5);
    expect(policy.delayMs('VSS_WRITER_UNSTABLE', 1)).toBe(600);
    expect(policy.delayMs('HELPER_CRASHED', 2)).toBe(60);
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => defaultRestartPolicy({ scale: 0 })).toThrow(RangeError);
    expect(() => defaultRestartPolicy({ maxAttempts: 0 })).toThrow(RangeError);
  });
});

describe('decideAfterFailure', () => {
  const now = new Date('2025-03-01T10:00:00.000Z');
  const policy = defaultRestartPolicy();

  it('restarts a retryable failure after the policy delay while attempts remain', () => {
    const decision = decideAfterFailure(failure('VSS_WRITER_UNSTABLE'), true, 1, policy, now);
    expect(decision).toEqual({ kind: 'restart', at: new Date('2025-03-01T10:10:00.000Z') });
    const second = decideAfterFailure(failure('HELPER_CRASHED'), true, 2, policy, now);
    expect(second).toEqual({ kind: 'restart', at: new Date('2025-03-01T10:01:00.000Z') });
  });

  it('fails once the attempts are used up', () => {
    expect(decideAfterFailure(failure('VSS_WRITER_UNSTABLE'), true, 3, policy, now)).toEqual({
      kind: 'fail',
    });
    expect(decideAfterFailure(failure('REPO_LOCKED'), true, 4, policy, now)).toEqual({ kind: 'fail' });
  });

  it('fails a failure that is not retryable, and never restarts a cancelled session', () => {
    expect(decideAfterFailure(failure('WRONG_PASSWORD'), false, 1, policy, now)).toEqual({ kind: 'fail' });
    expect(decideAfterFailure(failure('CANCELLED'), true, 1, policy, now)).toEqual({ kind: 'fail' });
  });
});
