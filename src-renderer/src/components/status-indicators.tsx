import type { HelperState, HelperStatus } from '@contract';
import type { LinkState } from '../api/link';
import { useAppStore } from '../store/store-context';

const linkText: Record<LinkState, { label: string; tone: string }> = {
  connected: { label: 'Connected', tone: 'ok' },
  connecting: { label: 'Connecting…', tone: 'warn' },
  disconnected: { label: 'Disconnected, retrying…', tone: 'error' },
};

/** A Record over the contract's states: a state added to the contract without a label here fails to compile. */
const helperText: Record<HelperState, { label: string; tone: string }> = {
  connected: { label: 'Helper connected', tone: 'ok' },
  connecting: { label: 'Helper connecting…', tone: 'warn' },
  'not-installed': { label: 'Helper not installed', tone: 'error' },
  'version-mismatch': { label: 'Helper version mismatch', tone: 'error' },
  untrusted: { label: 'Helper not trusted', tone: 'error' },
  unreachable: { label: 'Helper not responding', tone: 'error' },
};

export interface HelperIndicator {
  label: string;
  tone: string;
  /** The tooltip: what is the matter, what to do, and which helper answered. */
  title: string;
  /** Shown next to the indicator whenever there is something to do, so a help desk reading a screenshot or a
   * user on the phone sees it without hovering. Null when nothing needs doing. */
  action: string | null;
}

export function helperIndicator(status: HelperStatus): HelperIndicator {
  const { label, tone } = helperText[status.state];
  const version = status.helperVersion === null ? null : `Helper version ${status.helperVersion}.`;
  const action = status.action.trim() === '' ? null : status.action;
  return {
    label,
    tone,
    title: [status.detail, action, version].filter((part) => part !== null && part !== '').join(' '),
    action,
  };
}

/** The two links a user depends on: UI ↔ main, and main ↔ the elevated helper. */
export function StatusIndicators() {
  const link = useAppStore((state) => state.link);
  const helper = useAppStore((state) => state.helper);
  const linkInfo = linkText[link];
  const helperInfo = helper && helperIndicator(helper);
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
      {helperInfo && (
        <li
          className={`indicator tone-${helperInfo.tone}`}
          data-testid="helper-status"
          title={helperInfo.title}
          aria-describedby={helperInfo.action ? 'helper-action' : undefined}
        >
          <span className="dot" aria-hidden="true" />
          {helperInfo.label}
        </li>
      )}
      {helperInfo?.action && (
        <li className="indicator muted" id="helper-action" data-testid="helper-action" title={helper?.detail}>
          {helperInfo.action}
        </li>
      )}
    </ul>
  );
}
