import type { Failure } from './restore-state';
import { failureHint } from './restore-text';

/**
 * A refused or failed request, as the other screens show one: what failed with its code, what to do about it (the
 * wizard's words for the codes it knows, or the caller's `hint`), then the message as the app or the helper gave
 * it, which says what exactly was wrong.
 */
export function FailureMessage({
  title,
  failure,
  hint,
  testId,
}: {
  title: string;
  failure: Failure;
  hint?: string | null;
  testId?: string;
}) {
  const advice = hint ?? failureHint(failure.code);
  return (
    <div className="callout callout-error" role="alert" data-code={failure.code} data-testid={testId}>
      <p>
        <strong>
          {title} ({failure.code}).
        </strong>
        {advice && ` ${advice}`}
      </p>
      <p className="mono small">{failure.message}</p>
    </div>
  );
}
