/** The end of a session, said in the page (the console has no desktop notifications). Always mounted to be heard. */
import { type SessionsStoreApi, useSessions } from './sessions-store';

export function SessionToasts({ store }: { store: SessionsStoreApi }) {
  const toasts = useSessions(store, (s) => s.toasts);
  return (
    <div className="sessions-toasts" role="status" aria-live="polite" data-testid="session-toasts">
      {toasts.map((toast) => (
        <div
          key={toast.key}
          className={`panel edge edge-${toast.tone} sessions-toast`}
          data-testid="session-toast"
        >
          <span>{toast.text}</span>
          <button
            type="button"
            className="button"
            aria-label={`Dismiss: ${toast.text}`}
            onClick={() => store.getState().dismissToast(toast.key)}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
