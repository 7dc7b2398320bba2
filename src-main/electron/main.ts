/**
 * Electron main-process entry: single instance, one window, the contract over ipcMain, the shared app service.
 */
import path from 'node:path';
import { app, BrowserWindow, Notification } from 'electron';
import { createRealAppService } from '../app/create-app';
import { EncryptedSecretsFile } from '../app/repository-secrets';
import { watchSessionEnds } from '../app/session-end-notices';
import { createRequestDispatcher } from '../ipc/request-dispatcher';
import { registerElectronTransport } from './ipc-transport';
import { safeStorageCipher } from './safe-storage-cipher';
import { type AppWindowOptions, createAppWindow, isTrustedRendererUrl } from './window';

const windowOptions: AppWindowOptions = { devServerUrl: process.env.ELECTRON_RENDERER_URL };

if (!app.requestSingleInstanceLock()) {
  // Another Backup Manager is running; it gets focused through 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  // Defence in depth for any web contents, not only our window: no <webview>, no new windows.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.whenReady().then(() => {
    // After 'ready': safeStorage reports no encryption before it. The file holds only ciphertext (mode 0600).
    const secrets = new EncryptedSecretsFile(
      safeStorageCipher(),
      path.join(app.getPath('userData'), 'repository-passwords.json'),
    );
    const service = createRealAppService('electron', secrets);
    const dispatcher = createRequestDispatcher(service.handlers, {
      onInternalError: (channel, error) => console.error(`[main] ${channel}: ${String(error)}`),
    });
    registerElectronTransport({
      dispatcher,
      events: service.events,
      isTrustedUrl: (url) => isTrustedRendererUrl(url, windowOptions),
      windows: () => BrowserWindow.getAllWindows(),
    });
    createAppWindow(windowOptions);
    // The end of every session as a desktop notification (scheduled ones too: they end while nobody watches).
    const stopNotices = watchSessionEnds(service.events, (notice) => {
      if (!Notification.isSupported()) return;
      new Notification({
        title: notice.title,
        body: notice.body,
        urgency: notice.urgent ? 'critical' : 'normal',
      }).show();
    });
    app.on('will-quit', () => {
      stopNotices();
      service.dispose(); // stops reconnecting to the helper
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createAppWindow(windowOptions);
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
