import type { StatusView } from './restore-text';

/** A status as text with an icon; the colour only repeats it. */
export function RestoreBadge({ view, testId }: { view: StatusView; testId?: string }) {
  return (
    <span className={`status-badge tone-${view.tone}`} data-testid={testId} data-tone={view.tone}>
      <span aria-hidden="true">{view.icon} </span>
      {view.label}
    </span>
  );
}
