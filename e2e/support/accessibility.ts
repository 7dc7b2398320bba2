/**
 * The accessibility bar of every screen: axe finds no serious or critical violation. Each violation is listed with
 * the elements it was found on, so a failure says where to look.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { AppPage } from './app-page';

export async function expectNoSeriousViolations(
  page: Page,
  options: { within?: string } = {},
): Promise<void> {
  const builder = new AxeBuilder({ page });
  if (options.within) builder.include(options.within);
  const audit = await builder.analyze();
  const serious = audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('; ')})`,
    ),
  ).toEqual([]);
}

/** Light and dark photographs of the current state (`name.png`, `name-dark.png`), each audited by axe. */
export async function auditedScreenshots(app: AppPage, name: string): Promise<void> {
  await app.screenshotsLightAndDark(name, () => expectNoSeriousViolations(app.page));
}
