import type { SessionPhase, SessionSource } from '@contract';
import { stepStates } from './sessions-text';

const marks = { done: '✓', current: '●', pending: '○' } as const;
const spoken = { done: 'done', current: 'current', pending: 'not started' } as const;

/** The phases of a session, the done ones ticked and the current one highlighted (in text as well). */
export function PhaseStepper({ source, phase }: { source: SessionSource; phase: SessionPhase }) {
  return (
    <ol className="sessions-steps" aria-label="Phases">
      {stepStates(source, phase).map((step) => (
        <li
          key={step.phase}
          className={`sessions-step sessions-step-${step.state}`}
          data-phase={step.phase}
          data-state={step.state}
          aria-current={step.state === 'current' ? 'step' : undefined}
        >
          <span className="sessions-step-mark" aria-hidden="true">
            {marks[step.state]}
          </span>
          <span className="sessions-step-label">{step.label}</span>
          <span className="sr-only"> ({spoken[step.state]})</span>
        </li>
      ))}
    </ol>
  );
}
