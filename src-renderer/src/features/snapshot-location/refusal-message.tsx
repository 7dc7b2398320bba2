import type { Failure } from './snapshot-location-store';
import { refusalExplanation } from './snapshot-location-text';

/**
 * A refused change next to the control that asked for it (the code, what it means, the helper's reason), or a
 * request that could not be answered (`kind="error"`: the code and the message, which says what to do).
 */
export function RefusalMessage({
  failure,
  id,
  kind = 'refusal',
}: {
  failure: Failure;
  id: string;
  kind?: 'refusal' | 'error';
}) {
  return (
    <div
      className="callout callout-error snapshot-location-refusal"
      role="alert"
      id={id}
      data-testid={id}
      data-code={failure.code}
    >
      {kind === 'refusal' ? (
        <>
          <p>
            <strong>Refused ({failure.code}).</strong> {refusalExplanation(failure.code)}
          </p>
          <p className="mono small">{failure.message}</p>
        </>
      ) : (
        <p>
          <strong>{failure.code}:</strong> {failure.message}
        </p>
      )}
    </div>
  );
}
