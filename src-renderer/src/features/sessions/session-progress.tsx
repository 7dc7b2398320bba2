/**
 * The live numbers of one running session. It reads only this session's progress from the store, so a progress
 * event of another session does not render it again; the fixed layout keeps it from jumping as numbers change.
 */
import type { SessionProgress, SessionSummary } from '@contract';
import { memo } from 'react';
import { ProgressFigures } from '../../components/progress-figures';
import { Stepper } from '../../components/stepper';
import { progressOf, type SessionsStoreApi, useSessions } from './sessions-store';
import { stepStates } from './sessions-text';

const spoken = { done: 'done', current: 'current', pending: 'not started' } as const;

export const SessionProgressView = memo(function SessionProgressView({
  store,
  session,
}: {
  store: SessionsStoreApi;
  session: Pick<SessionSummary, 'id' | 'source' | 'phase'>;
}) {
  const progress = useSessions(store, progressOf(session.id));
  return (
    <ProgressNumbers source={session.source} phase={progress?.phase ?? session.phase} progress={progress} />
  );
});

/** Presentational: the phases (the done ones ticked, the current one highlighted), the bar and the numbers. */
export function ProgressNumbers({
  source,
  phase,
  progress,
}: {
  source: SessionSummary['source'];
  phase: SessionSummary['phase'];
  progress: SessionProgress | undefined;
}) {
  const steps = stepStates(source, phase).map((step) => ({
    id: step.phase,
    label: step.label,
    state: step.state,
  }));
  return (
    <div className="sessions-progress" data-testid="session-progress">
      <Stepper label="Phases" items={steps} spoken={spoken} idAttribute="data-phase" />
      <ProgressFigures progress={progress ?? null} barLabel="Backed up" factPrefix="progress" />
    </div>
  );
}
