import type { HelperStatus } from '@contract';
import { HelperUnavailableCard } from '../../components/helper-unavailable-card';

/** Restoring runs in the helper: without one, the wizard is not shown (it would fail at its first step). */
export function RestoreUnavailable({ helper }: { helper: HelperStatus | null }) {
  return (
    <HelperUnavailableCard
      helper={helper}
      id="restore-unavailable"
      testId="restore-helper-unavailable"
      className="edge edge-error"
      cannot="Restoring is not possible"
      purpose="The restore runs in the Backup Manager helper, the part of Backup Manager with the rights to read the repository and write the restored files."
      onceConnected="the wizard appears"
    />
  );
}
