import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { AppPage, screens } from '../support/app-page';

test('the Electron window shows this machine and every screen', async () => {
  // Dynamic import: the locator is an ES module shared with `npm start`.
  const { locateElectronBinary } = await import('../../src-main/tooling/electron-binary.mjs');
  const located = locateElectronBinary();
  if (located.path === null) {
    const reason = `Electron e2e skipped: ${located.reason}; the Electron binary could not be downloaded on this machine.`;
    console.log(reason);
    test.skip(true, reason);
  }
  const app = await electron.launch({
    executablePath: located.path ?? undefined,
    args: [path.resolve(__dirname, '..', '..'), ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
  try {
    const appWindow = await app.firstWindow();
    const page = new AppPage(appWindow);
    await page.expectConnected();
    await expect(page.fact('hostname')).toHaveText(os.hostname());
    // The renderer is sandboxed: no Node in the page, only the typed bridge.
    expect(await appWindow.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
      'undefined',
    );
    const bridge = await appWindow.evaluate(() =>
      Object.keys((globalThis as { backupManager?: object }).backupManager ?? {}).sort(),
    );
    expect(bridge).toEqual(['invoke', 'subscribe']);
    for (const screen of screens) {
      await page.goTo(screen);
      await page.screenshot(`electron-${screen.id}`);
    }
  } finally {
    await app.close();
  }
});
