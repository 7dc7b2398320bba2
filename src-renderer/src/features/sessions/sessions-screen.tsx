import { useEffect, useState } from 'react';
import './sessions.css';
import { useApi } from '../../api/api-context';
import { useAppStore } from '../../store/store-context';
import { BackUpNow } from './back-up-now';
import { LiveSessions } from './live-sessions';
import { SessionDetails } from './session-details';
import { SessionToasts } from './session-toasts';
import { SessionsHistory } from './sessions-history';
import { createSessionsStore, type SessionsStoreApi, useSessions } from './sessions-store';
import { isTerminal } from './sessions-text';

/** How often the open details of a running session read new log entries. */
const followMs = 1500;

export function SessionsScreen() {
  const api = useApi();
  const [store] = useState(() => createSessionsStore(api));
  const helperState = useAppStore((state) => state.helper?.state);

  useEffect(() => store.getState().connect(), [store]);
  // Read on opening, and again whenever the helper link changes.
  useEffect(() => {
    void helperState;
    void store.getState().load();
  }, [store, helperState]);

  return (
    <>
      <h2>Sessions</h2>
      <BackUpNow store={store} />
      <LiveSessions store={store} />
      <SessionsHistory store={store} />
      <SessionDetails store={store} />
      <FollowSelected store={store} />
      <SessionToasts store={store} />
    </>
  );
}

/** While the selected session runs, its log is followed (only the entries after the last one are read). */
function FollowSelected({ store }: { store: SessionsStoreApi }) {
  const running = useSessions(store, (s) => {
    const selected = s.sessions.find((x) => x.id === s.selectedId);
    return selected !== undefined && !isTerminal(selected.status);
  });
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void store.getState().refreshSelected(), followMs);
    return () => clearInterval(timer);
  }, [store, running]);
  return null;
}
