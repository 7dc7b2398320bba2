/**
 * A helper session summary in the contract's shape. Field by field: the contract's schema is strict, so fields
 * the UI does not need (paths, stats, the repository) never leave main by accident.
 */
import type { SessionSummary as HelperSessionSummary } from '../helper-protocol/session-model';
import type { SessionSummary } from '../ipc/contract';

export function toContractSummary(session: HelperSessionSummary): SessionSummary {
  const { failure } = session;
  return {
    id: session.id,
    source: session.source,
    trigger: session.trigger,
    status: session.status,
    phase: session.phase,
    attempt: session.attempt,
    maxAttempts: session.maxAttempts,
    createdAt: session.createdAt,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    failure: failure === null ? null : { code: failure.code, message: failure.message, check: failure.check },
  };
}
