import type { HelperStatus } from '@contract';
import type { RequestError } from './data-sources-store';

/**
 * A refused or failed request, with its code. When no helper could do the work, the helper's own words: what is
 * the matter and what to do about it.
 */
export function RequestErrorPanel({
  what,
  error,
  helper,
}: {
  what: string;
  error: RequestError;
  helper: HelperStatus | null;
}) {
  const helperDown = error.code === 'HELPER_UNAVAILABLE' && helper !== null && helper.state !== 'connected';
  return (
    <div className="callout callout-error data-sources-error" role="alert" data-code={error.code}>
      <p className="data-sources-error-title">
        <span className="badge badge-error">{error.code}</span> {what}
      </p>
      {helperDown ? (
        <>
          <p>{helper.detail}</p>
          {helper.action && (
            <p>
              <strong>What to do:</strong> {helper.action}
            </p>
          )}
        </>
      ) : (
        <p>{error.message}</p>
      )}
    </div>
  );
}
