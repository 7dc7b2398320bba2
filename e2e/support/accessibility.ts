/**
 * The accessibility bar of every screen: axe finds no serious or critical violation. Each violation is listed with
 * the elements it was found on, so a failure says where to look.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

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
