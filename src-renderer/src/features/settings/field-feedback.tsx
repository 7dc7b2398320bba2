import type { Change } from './settings-store';
import { refusalExplanation } from './settings-text';

/**
 * What became of a change, next to its control: a problem found in the form, a refusal with its code (what it
 * means, then the reason given), or what was done. The status line is always there so screen readers hear it.
 */
export function FieldFeedback({ change, id }: { change: Change; id: string }) {
  return (
    <>
      {change.problem !== null && (
        <p className="field-problem" role="alert" id={`${id}-problem`} data-testid={`${id}-problem`}>
          <strong>Not saved:</strong> {change.problem}
        </p>
      )}
      {change.refusal !== null && (
        <div
          className="callout callout-error"
          role="alert"
          id={`${id}-refusal`}
          data-testid={`${id}-refusal`}
          data-code={change.refusal.code}
        >
          <p>
            <strong>Refused ({change.refusal.code}).</strong> {refusalExplanation(change.refusal.code)}
          </p>
          <p className="mono small">{change.refusal.message}</p>
        </div>
      )}
      <p className="notice" role="status" data-testid={`${id}-notice`}>
        {change.notice}
      </p>
    </>
  );
}

/** The ids a field's aria-describedby names: its hint, and its problem or refusal when there is one. */
export function describedBy(change: Change, id: string, hint?: string): string | undefined {
  const ids = [
    hint,
    change.problem !== null ? `${id}-problem` : undefined,
    change.refusal !== null ? `${id}-refusal` : undefined,
  ].filter((part): part is string => part !== undefined);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function isInvalid(change: Change): true | undefined {
  return change.problem !== null || change.refusal !== null ? true : undefined;
}
