/**
 * Electron transport of the contract: one `ipcMain.handle` channel for every request (routed through the same
 * dispatcher the console uses) and one channel for pushed events. Requests from any frame other than our own
 * renderer are refused before they reach the dispatcher.
 */
import { type BrowserWindow, type IpcMainInvokeEvent, ipcMain } from 'electron';
import type { Result } from '../ipc/contract';
import { electronChannels } from '../ipc/electron-channels';
import type { EventBus } from '../ipc/event-bus';
import type { RequestDispatcher } from '../ipc/request-dispatcher';

export function registerElectronTransport(options: {
  dispatcher: RequestDispatcher;
  events: EventBus;
  /** True when the URL is the app's own renderer page. */
  isTrustedUrl: (url: string) => boolean;
  windows: () => BrowserWindow[];
}): () => void {
  ipcMain.handle(
    electronChannels.invoke,
    async (event: IpcMainInvokeEvent, channel: unknown, params: unknown): Promise<Result<unknown>> => {
      const url = event.senderFrame?.url ?? '';
      if (!options.isTrustedUrl(url)) {
        return {
          ok: false,
          code: 'INVALID_REQUEST',
          message: 'Requests are accepted from the app window only.',
        };
      }
      return options.dispatcher.dispatch(channel, params);
    },
  );
  const unsubscribe = options.events.onAny((event, payload) => {
    for (const window of options.windows()) {
      if (!window.isDestroyed()) window.webContents.send(electronChannels.event, event, payload);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(electronChannels.invoke);
  };
}
