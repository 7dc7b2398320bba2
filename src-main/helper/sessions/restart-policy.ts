/**
 * When an interrupted session runs again: a bounded number of attempts, each after a delay that suits the cause
 * (a VSS writer needs minutes to settle, a crashed helper only seconds), doubled per further attempt.
 */
import type { SessionErrorCode, SessionFailure } from '../../helper-protocol/session-model';

export interface RestartPolicy {
  /** Attempts in all, the first run included. */
  maxAttempts: number;
  /** How long to wait after attempt `attempt` (1, 2, …) failed with `code`, before the next one. */
  delayMs(code: SessionErrorCode, attempt: number): number;
}

const second = 1000;
const minute = 60 * second;

/**
 * The wait before the second attempt. VSS writers: Microsoft's documented handling of VSS_E_WRITERERROR_TIMEOUT,
 * _RETRYABLE and _OUTOFRESOURCES is "wait ten minutes and then repeat the operation, up to three times"
 * (CVssWriterEx2::SetWriterFailureEx, https://learn.microsoft.com/en-us/windows/win32/api/vswriter/nf-vswriter-cvsswriterex2-setwriterfailureex),
 * which is also where the default of three attempts comes from.
 */
const firstDelayMs: Partial<Record<SessionErrorCode, number>> = {
  VSS_WRITER_UNSTABLE: 10 * minute,
  VSS_UNAVAILABLE: 10 * minute,
  // The helper is back already (it is the one restarting the session): only let the system settle.
  HELPER_CRASHED: 30 * second,
  MACHINE_RESTARTED: 30 * second,
  SNAPSHOT_UNAVAILABLE: minute,
  // Another backup, prune or check holds the lock; most finish within minutes.
  REPO_LOCKED: 5 * minute,
  SERVICE_STOPPED: minute,
};
/** Codes not listed above (e.g. SNAPSHOT_FAILED) that are retryable. */
const defaultFirstDelayMs = minute;
const maxDelayMs = 30 * minute;

export function defaultRestartPolicy(options: { scale?: number; maxAttempts?: number } = {}): RestartPolicy {
  const scale = options.scale ?? 1;
  const maxAttempts = options.maxAttempts ?? 3;
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError(`restart policy scale must be a positive number, not ${scale}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError(`restart policy maxAttempts must be a whole number ≥ 1, not ${maxAttempts}`);
  return {
    maxAttempts,
    delayMs(code, attempt) {
      const first = firstDelayMs[code] ?? defaultFirstDelayMs;
      const doublings = Math.max(0, Math.floor(attempt) - 1);
      // 2 ** 30 overflows nothing but is pointless; the cap is reached long before.
      const unscaled = Math.min(first * 2 ** Math.min(doublings, 30), maxDelayMs);
      return Math.round(unscaled * scale);
    },
  };
}

export type RestartDecision = { kind: 'restart'; at: Date } | { kind: 'fail' };

/** After attempt `attempt` failed: restart later, or end the session Failed. */
export function decideAfterFailure(
  failure: SessionFailure,
  retryable: boolean,
  attempt: number,
  policy: RestartPolicy,
  now: Date,
): RestartDecision {
  // A cancelled session never restarts, whatever its error said.
  if (!retryable || failure.code === 'CANCELLED' || attempt >= policy.maxAttempts) return { kind: 'fail' };
  return { kind: 'restart', at: new Date(now.getTime() + policy.delayMs(failure.code, attempt)) };
}
