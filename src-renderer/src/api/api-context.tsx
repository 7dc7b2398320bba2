/**
 * The typed API for the screens: feature stores call requests through it (`invoke`, always a Result with a code)
 * and subscribe to live events. Provided once at the root; tests provide a fake BackupManagerApi.
 */
import type { BackupManagerApi } from '@contract';
import { createContext, type ReactNode, useContext } from 'react';

const ApiContext = createContext<BackupManagerApi | null>(null);

export function ApiProvider({ api, children }: { api: BackupManagerApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): BackupManagerApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi needs an <ApiProvider>.');
  return api;
}
