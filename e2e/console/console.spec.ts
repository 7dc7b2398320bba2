import os from 'node:os';
import { expect, test } from '@playwright/test';
import { AppPage, screens } from '../support/app-page';
import { type RunningConsole, startConsole } from '../support/console-process';

let server: RunningConsole;

test.beforeAll(async () => {
  server = await startConsole();
});
test.afterAll(async () => {
  await server.stop();
});

/** Fails the test on any console error or uncaught page error (CSP violations show up here too). */
function collectPageErrors(page: import('@playwright/test').Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

test('refuses requests without the token', async ({ request }) => {
  const res = await request.get(`${server.origin}/`);
  expect(res.status()).toBe(401);
  const wrong = await request.get(`${server.origin}/?token=wrong`);
  expect(wrong.status()).toBe(401);
});

test('shows this machine on the dashboard and every screen renders, with no console errors', async ({
  page,
}) => {
  const errors = collectPageErrors(page);
  const app = new AppPage(page);
  await page.goto(server.url);
  // The token was exchanged for a cookie and removed from the address bar.
  expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  await app.expectConnected();

  await expect(app.fact('hostname')).toHaveText(os.hostname());
  await expect(app.fact('arch')).toHaveText(process.arch);
  await expect(app.fact('kernel')).toHaveText(os.release());
  await expect(page.locator('tr[data-mount="/"]')).toContainText('System disk');
  await expect(page.getByTestId('helper-status')).toHaveText('Helper not installed');

  for (const screen of screens) {
    await app.goTo(screen);
    await app.screenshot(`console-${screen.id}`);
  }
  await app.goTo(screens[2]);
  await expect(page.getByTestId('default-location')).toContainText('/');

  await page.emulateMedia({ colorScheme: 'dark' });
  await app.goTo(screens[0]);
  await expect(app.fact('hostname')).toHaveText(os.hostname());
  await app.screenshot('console-dashboard-dark');
  expect(errors).toEqual([]);
});

test('a reload keeps the session through the cookie', async ({ page }) => {
  const app = new AppPage(page);
  await page.goto(server.url);
  await app.expectConnected();
  await page.reload();
  await app.expectConnected();
  await expect(app.fact('hostname')).toHaveText(os.hostname());
});

test('every screen is reachable with the keyboard alone', async ({ page }) => {
  const app = new AppPage(page);
  await page.goto(server.url);
  await app.expectConnected();
  // Tab from the top of the page until the Troubleshooting link has focus, then activate it with Enter.
  const target = app.navLink('Troubleshooting');
  let reached = false;
  for (let i = 0; i < 15 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await target.evaluate((el) => el === document.activeElement);
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toHaveAttribute('data-screen', 'troubleshooting');
  await expect(page.locator('main')).toBeFocused();
});

test('a page from another origin cannot open the WebSocket', async ({ page }) => {
  // Log in first so the browser holds the cookie, then try from a foreign origin (a data: page has origin "null").
  await page.goto(server.url);
  await new AppPage(page).expectConnected();
  const wsUrl = `${server.origin.replace('http', 'ws')}/ws`;
  await page.goto('about:blank');
  const outcome = await page.evaluate(
    (url) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    wsUrl,
  );
  expect(outcome).toBe('refused');
});
