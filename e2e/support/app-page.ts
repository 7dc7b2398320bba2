/** Page object for the Backup Manager shell, shared by the console and Electron suites. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export const screens = [
  { id: 'dashboard', title: 'Dashboard' },
  { id: 'data-sources', title: 'Data sources' },
  { id: 'snapshot-location', title: 'Snapshot location' },
  { id: 'sessions', title: 'Sessions' },
  { id: 'troubleshooting', title: 'Troubleshooting' },
  { id: 'settings', title: 'Settings' },
  { id: 'restore', title: 'Restore' },
] as const;

export const screenshotDir = path.resolve(__dirname, '..', '..', 'test-results', 'screens');

export class AppPage {
  constructor(readonly page: Page) {}

  navLink(title: string) {
    return this.page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('link', { name: title, exact: true });
  }

  async goTo(screen: (typeof screens)[number]) {
    await this.navLink(screen.title).click();
    await expect(this.page.locator('main')).toHaveAttribute('data-screen', screen.id);
    await expect(this.page.getByRole('heading', { level: 2, name: screen.title })).toBeVisible();
  }

  /** Opens the console at `url` with its (real) helper connected, on `screen`. */
  static async openWithHelper(page: Page, url: string, screen: (typeof screens)[number]): Promise<AppPage> {
    const app = new AppPage(page);
    await page.goto(url);
    await app.expectConnected();
    await expect(page.getByTestId('helper-status')).toHaveText('Helper connected');
    await app.goTo(screen);
    return app;
  }

  async expectConnected() {
    await expect(this.page.getByTestId('link-status')).toHaveText('Connected');
  }

  fact(id: string) {
    return this.page.locator(`[data-fact="${id}"] dd`);
  }

  /**
   * Photographs the page in the light and in the dark theme (`name.png`, `name-dark.png`), running `check` (an
   * accessibility audit) in each; the page is left in the light theme.
   */
  async screenshotsLightAndDark(name: string, check?: () => Promise<void>) {
    await this.screenshot(name);
    await check?.();
    await this.page.emulateMedia({ colorScheme: 'dark' });
    try {
      await this.screenshot(`${name}-dark`);
      await check?.();
    } finally {
      await this.page.emulateMedia({ colorScheme: 'light' });
    }
  }

  async screenshot(name: string) {
    mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}
