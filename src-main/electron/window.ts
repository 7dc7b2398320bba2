/**
 * The main window, locked down per Electron's security checklist: sandboxed renderer, context isolation, no Node
 * integration, no navigation away from the app, no new windows, no permission grants. The Content-Security-Policy
 * is in the page itself (src-renderer/index.html) so it holds for file:// loads too.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, shell } from 'electron';

export interface AppWindowOptions {
  /** Vite dev server URL during `electron-vite dev`; undefined for the built app. */
  devServerUrl: string | undefined;
}

export function rendererEntry(options: AppWindowOptions): string {
  return options.devServerUrl ?? pathToFileURL(path.join(__dirname, '..', 'renderer', 'index.html')).href;
}

/** Our own page and nothing else: same origin as the dev server, or the built index.html file. */
export function isTrustedRendererUrl(url: string, options: AppWindowOptions): boolean {
  const entry = rendererEntry(options);
  try {
    const given = new URL(url);
    const expected = new URL(entry);
    if (expected.protocol === 'file:')
      return given.protocol === 'file:' && given.pathname === expected.pathname;
    return given.origin === expected.origin;
  } catch {
    return false;
  }
}

export function createAppWindow(options: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'Backup Manager',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: path.join(__dirname, '..', 'preload', 'index.js'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });

  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedRendererUrl(url, options)) event.preventDefault();
  });
  window.webContents.on('will-redirect', (event, url) => {
    if (!isTrustedRendererUrl(url, options)) event.preventDefault();
  });
  // No new windows ever; an https link the user clicks opens in their browser instead.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.session.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  window.once('ready-to-show', () => window.show());

  void window.loadURL(rendererEntry(options));
  return window;
}
