import type { HelperStatus } from '@contract';
import type { Failure } from './settings-store';

/**
 * The settings could not be read: the code, and when no helper answered, the helper's own words (what is the
 * matter and what to do); then a way to try again.
 */
export function SettingsUnavailable({
  failure,
  helper,
  onRetry,
}: {
  failure: Failure;
  helper: HelperStatus | null;
  onRetry(): void;
}) {
  const helperDown = failure.code === 'HELPER_UNAVAILABLE' && helper !== null && helper.state !== 'connected';
  return (
    <section
      className="card edge edge-error settings-unavailable"
      aria-labelledby="settings-unavailable-title"
      data-testid="settings-unavailable"
    >
      <h3 id="settings-unavailable-title">The settings cannot be read or changed right now</h3>
      <p>
        The repository, the password file and the retention are kept by the helper service, and it did not
        answer.
      </p>
      <div className="callout callout-error" role="alert" data-code={failure.code}>
        <p>
          <strong>{failure.code}</strong> {helperDown ? helper.detail : failure.message}
        </p>
      </div>
      {helperDown && helper.action && (
        <p>
          <strong>What to do:</strong> {helper.action}
        </p>
      )}
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </section>
  );
}
