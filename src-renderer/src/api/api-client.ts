/**
 * Picks the transport: the preload's bridge inside Electron, the console WebSocket in a browser. Everything above
 * this file sees only `BackupManagerApi` plus the link observer.
 */
import type { BackupManagerApi } from '@contract';
import type { LinkObserver } from './link';
import { createWebSocketClient } from './websocket-client';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in console mode. */
    backupManager?: BackupManagerApi;
  }
}

export type ApiClient = BackupManagerApi & { link: LinkObserver; transport: 'electron' | 'console' };

export function createApiClient(): ApiClient {
  const bridge = window.backupManager;
  if (bridge) {
    const link: LinkObserver = { state: 'connected', onChange: () => () => undefined };
    return { invoke: bridge.invoke, subscribe: bridge.subscribe, link, transport: 'electron' };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createWebSocketClient({ url: `${scheme}//${window.location.host}/ws` });
  return { ...client, transport: 'console' };
}
