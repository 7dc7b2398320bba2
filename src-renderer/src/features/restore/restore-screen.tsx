import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { useAppStore } from '../../store/store-context';
import { restoreStoreFor } from './restore-store';
import { RestoreUnavailable } from './restore-unavailable';
import { RestoreWizard } from './restore-wizard';
import { TestRestorePanel } from './test-restore-panel';
import { createTestRestoreStore } from './test-restore-store';
import './restore.css';

/**
 * The Restore screen: the wizard (System state onto this machine, a replacement one, or into a folder) and the test
 * restore. Both run in the helper; without one the screen says so and what to do.
 */
export function RestoreScreen() {
  const api = useApi();
  // The wizard outlives the screen (a restore goes on while the user looks elsewhere); the test panel does not.
  const store = restoreStoreFor(api);
  const [testStore] = useState(() => createTestRestoreStore(api));
  const helper = useAppStore((state) => state.helper);
  const mode = useAppStore((state) => state.app?.mode ?? null);
  const platform = useAppStore((state) =>
    state.overview.status === 'ready' ? state.overview.overview.os.platform : null,
  );
  const connected = helper?.state === 'connected';

  useEffect(() => store.getState().connect(), [store]);
  useEffect(() => testStore.getState().connect(), [testStore]);
  // On opening, and whenever the helper comes back: read what it has (events may have been missed meanwhile).
  useEffect(() => {
    if (!connected) return;
    void store.getState().init(platform);
    void store.getState().refreshJob();
    void testStore.getState().load();
  }, [store, testStore, connected, platform]);

  return (
    <>
      <h2>Restore</h2>
      {connected ? (
        <>
          <RestoreWizard store={store} mode={mode} />
          <TestRestorePanel store={testStore} />
        </>
      ) : (
        <RestoreUnavailable helper={helper} />
      )}
    </>
  );
}
