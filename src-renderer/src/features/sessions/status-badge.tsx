import type { SessionStatus } from '@contract';
import { statusViews } from './sessions-text';

/** A session status as text with an icon; the colour only repeats it. */
export function SessionStatusBadge({ status }: { status: SessionStatus }) {
  const view = statusViews[status];
  return (
    <span className={`status-badge tone-${view.tone}`} data-status={status}>
      <span aria-hidden="true">{view.icon} </span>
      {view.label}
    </span>
  );
}
