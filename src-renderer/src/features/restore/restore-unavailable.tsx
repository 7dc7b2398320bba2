import type { HelperStatus } from '@contract';
import { helperIndicator } from '../../components/status-indicators';

/**
 * Restoring runs in the helper: without one, say so with what to do — never a spinner, never a wizard that fails
 * at its first step. `helper` is null before main has reported on it.
 */
export function RestoreUnavailable({ helper }: { helper: HelperStatus | null }) {
  const info = helper && helperIndicator(helper);
  const connecting = helper === null || helper.state === 'connecting';
  return (
    <section
      className="card edge edge-error"
      aria-labelledby="restore-unavailable-title"
      data-testid="restore-helper-unavailable"
    >
      <h3 id="restore-unavailable-title">
        {connecting ? 'Waiting for the helper' : `Restoring is not possible: ${info?.label.toLowerCase()}`}
      </h3>
      <p>
        The restore runs in the Backup Manager helper, the part of Backup Manager with the rights to read the
        repository and write the restored files.{' '}
        {connecting && 'Backup Manager is connecting to it; the wizard appears as soon as it answers.'}
      </p>
      {helper?.detail && <p>{helper.detail}</p>}
      {info?.action && (
        <p>
          <strong>What to do:</strong> {info.action}
        </p>
      )}
    </section>
  );
}
