import type { HelperStatus } from '@contract';
import type { LinkState } from '../api/link';
import { useAppStore } from '../store/store-context';

const linkText: Record<LinkState, { label: string; tone: string }> = {
  connected: { label: 'Connected', tone: 'ok' },
  connecting: { label: 'Connecting…', tone: 'warn' },
  disconnected: { label: 'Disconnected, retrying…', tone: 'error' },
};

const helperText: Record<HelperStatus['state'], { label: string; tone: string }> = {
  connected: { label: 'Helper connected', tone: 'ok' },
  connecting: { label: 'Helper connecting…', tone: 'warn' },
  'not-installed': { label: 'Helper not installed', tone: 'error' },
  'version-mismatch': { label: 'Helper version mismatch', tone: 'error' },
};

/** The two links a user depends on: UI ↔ main, and main ↔ the elevated helper. */
export function StatusIndicators() {
  const link = useAppStore((state) => state.link);
  const helper = useAppStore((state) => state.helper);
  const linkInfo = linkText[link];
  return (
    <ul className="indicators" aria-label="Connection status">
      <li
        className={`indicator tone-${linkInfo.tone}`}
        data-testid="link-status"
        title="Link between this window and Backup Manager"
      >
        <span className="dot" aria-hidden="true" />
        {linkInfo.label}
      </li>
      {helper && (
        <li
          className={`indicator tone-${helperText[helper.state].tone}`}
          data-testid="helper-status"
          title={helper.detail}
        >
          <span className="dot" aria-hidden="true" />
          {helperText[helper.state].label}
        </li>
      )}
    </ul>
  );
}
