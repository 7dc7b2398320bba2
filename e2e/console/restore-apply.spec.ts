/**
 * Journey: "Apply to this system" and "Undo (roll back)" with a real helper whose system root is a sandbox
 * (`--system-root`, test mode), so that applying and undoing change a folder, never this machine. The helper backs
 * up this machine's System state; the sandbox is a copy of /etc that differs from that session in one changed file
 * (other content, mode and time), one file the session does not have and one the session has but the sandbox
 * lacks. The wizard applies the session to "this system": a wrong hostname is refused (in the page, and by the
 * helper), the right one starts the job, which takes the rollback backup first and restores to a verified result;
 * the sandbox then holds the backed-up files. Undo, confirmed with the hostname again, brings the sandbox back to
 * exactly what it was: every entry's content, mode, owner and times, and what the apply created gone. Every new
 * state is axe-audited and photographed in light and dark.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { auditedScreenshots } from '../support/accessibility';
import { AppPage, screens } from '../support/app-page';
import {
  backUpSystemState,
  e2eRepositoryPassword,
  type HelperEnvironment,
  startHelperEnvironment,
} from '../support/helper-process';

const screen = screens.find((s) => s.id === 'restore') ?? screens[6];
/** The sandbox's three differences from the backed-up /etc. */
const changedFile = 'etc/hostname';
const changedText = 'sandbox-before-apply\n';
const onlyInSandbox = 'etc/backup-manager-e2e-sandbox-only.conf';
const onlyInSandboxText = 'only the sandbox has this\n';
const onlyInBackup = 'etc/issue';

let env: HelperEnvironment;
let sandbox: string;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  test.setTimeout(240_000);
  env = await startHelperEnvironment({ helperArgs: (dir) => ['--system-root', path.join(dir, 'system')] });
  sandbox = path.join(env.dir, 'system');
  // The session the wizard applies: System state of this machine, made by the real helper.
  backUpSystemState(env);
  // "This system": /etc as backed up, except for the three differences.
  mkdirSync(sandbox, { mode: 0o755 });
  const copy = spawnSync('cp', ['-a', '/etc', path.join(sandbox, 'etc')], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`cp -a /etc: ${copy.stderr}`);
  expect(readFileSync(`/${changedFile}`, 'utf8')).not.toBe(changedText);
  writeFileSync(path.join(sandbox, changedFile), changedText);
  chmodSync(path.join(sandbox, changedFile), 0o600);
  utimesSync(
    path.join(sandbox, changedFile),
    new Date('2021-03-04T05:06:07Z'),
    new Date('2021-03-04T05:06:07Z'),
  );
  writeFileSync(path.join(sandbox, onlyInSandbox), onlyInSandboxText, { mode: 0o640 });
  expect(existsSync(`/${onlyInBackup}`)).toBe(true);
  rmSync(path.join(sandbox, onlyInBackup));
});
test.afterAll(async () => {
  await env?.dispose();
});

function stepTitle(page: Page) {
  return page.locator('#restore-step-title');
}

type Tree = Map<string, string>;

/**
 * Every entry under `root` (the root included, symlinks not followed): its kind, mode, owner, content hash and
 * link target, and the modification time to the nanosecond of files and folders.
 */
function describeTree(root: string): Tree {
  const tree: Tree = new Map();
  const visit = (relative: string) => {
    const full = path.join(root, relative);
    const info = lstatSync(full, { bigint: true });
    const kind = info.isDirectory()
      ? 'folder'
      : info.isSymbolicLink()
        ? 'symlink'
        : info.isFile()
          ? 'file'
          : 'other';
    const facts = [kind, `mode ${(Number(info.mode) & 0o7777).toString(8)}`, `owner ${info.uid}:${info.gid}`];
    if (kind === 'file')
      facts.push(`sha256 ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    if (kind === 'symlink') facts.push(`→ ${readlinkSync(full)}`);
    if (kind === 'file' || kind === 'folder') facts.push(`mtime ${info.mtimeNs}`);
    tree.set(relative === '' ? '.' : relative, facts.join(', '));
    if (kind === 'folder') for (const name of readdirSync(full).sort()) visit(path.join(relative, name));
  };
  visit('');
  return tree;
}

/** What differs between two descriptions of the same tree, one line per entry (empty: the same). */
function differences(before: Tree, after: Tree): string[] {
  const lines: string[] = [];
  for (const [entry, was] of before) {
    const now = after.get(entry);
    if (now === undefined) lines.push(`gone: ${entry}`);
    else if (now !== was) lines.push(`changed: ${entry}: ${was} ⇒ ${now}`);
  }
  for (const entry of after.keys()) if (!before.has(entry)) lines.push(`new: ${entry}`);
  return lines;
}

const modeOf = (file: string) => statSync(file).mode & 0o7777;

/** Steps 1–4 as the folder journey tests them: this machine's repository and newest session, all components. */
async function walkToTarget(page: Page) {
  const next = page.getByTestId('wizard-next');
  await expect(stepTitle(page)).toContainText('Step 1 of 7');
  await page.getByTestId('use-configured-repository').click();
  await page.getByTestId('password-input').fill(e2eRepositoryPassword);
  await page.getByTestId('open-repository').click();
  await expect(stepTitle(page)).toContainText('Step 2 of 7', { timeout: 30_000 });
  const sessionRow = page.locator('[data-testid="sessions"] tbody tr').first();
  await expect(sessionRow.getByRole('radio')).toBeChecked();
  await expect(sessionRow).toHaveAttribute('data-rollback', 'false');
  await next.click();
  await expect(stepTitle(page)).toContainText('Step 3 of 7');
  await next.click();
  await expect(stepTitle(page)).toContainText('Step 4 of 7');
  await expect(page.getByTestId('compatibility')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('compatibility')).not.toHaveAttribute('data-overall', 'fail');
  await next.click();
  await expect(stepTitle(page)).toContainText('Step 5 of 7');
}

/** Records, in the page, every phase a restore job's progress showed (however briefly). */
async function recordPhases(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { phasesSeen: string[] }).phasesSeen = seen;
    new MutationObserver(() => {
      const phase = document.querySelector('[data-testid="job-progress"]')?.getAttribute('data-phase');
      if (phase && !seen.includes(phase)) seen.push(phase);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

function phasesSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { phasesSeen: string[] }).phasesSeen);
}

/**
 * Pauses the helper (SIGSTOP) as soon as the page shows the job in `phase`; false when the job was past it first.
 * The caller resumes it (SIGCONT).
 */
async function pauseHelperIn(page: Page, phase: string): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const shown = await page.evaluate(
      () => document.querySelector('[data-testid="job-progress"]')?.getAttribute('data-phase') ?? null,
    );
    if (shown === phase) {
      process.kill(env.helperPid(), 'SIGSTOP');
      return true;
    }
    if (shown !== null && shown !== 'prepare') return false;
    if (await page.getByTestId('result-step').isVisible()) return false;
    await page.waitForTimeout(20);
  }
  return false;
}

test('apply to this system (a sandbox): wrong hostname refused, rollback backup, restore, verified result; undo puts everything back', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const before = describeTree(sandbox);
  expect(before.size).toBeGreaterThan(100);
  const app = await AppPage.openWithHelper(page, env.console.url, screen);
  const next = page.getByTestId('wizard-next');
  await walkToTarget(page);

  // 5 Target: "Apply to this system", with the warning, the hostname field and the plan for the sandbox root.
  await page.getByTestId('target-system').check();
  const confirmation = page.getByTestId('system-confirmation');
  await expect(confirmation).toContainText('This overwrites the configuration of this running system');
  await expect(confirmation).toContainText(`Type this machine's name, ${hostname()}, to confirm`);
  await expect(page.getByTestId('plan-state')).toHaveText('Current for these choices.', { timeout: 30_000 });
  await expect(page.getByTestId('restore-plan')).toContainText(sandbox);
  await expect(next).toHaveText('Apply to this system');
  await expect(next).toHaveAttribute('aria-disabled', 'true');
  await auditedScreenshots(app, 'restore-apply-1-choice');

  // A wrong name: refused on the spot, the apply stays blocked and says why; pressing it changes nothing.
  const typed = page.getByTestId('confirm-hostname');
  const typedState = page.getByTestId('confirm-hostname-state');
  await typed.fill(`not-${hostname()}`);
  await expect(typedState).toHaveAttribute('data-state', 'mismatch');
  await expect(typedState).toContainText('Not this machine’s name');
  await expect(next).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('wizard-next-reason')).toHaveText(
    `Type this machine's name, ${hostname()}, to confirm.`,
  );
  // Still reachable from the keyboard (it says why it is blocked), and pressing it starts nothing.
  await next.focus();
  await page.keyboard.press('Enter');
  await expect(stepTitle(page)).toContainText('Step 5 of 7');
  await expect(page.getByTestId('run-step')).toHaveCount(0);
  await auditedScreenshots(app, 'restore-apply-2-wrong-hostname');
  // The page is not the only guard: the helper refuses the same request itself.
  expect(() =>
    env.cli([
      'restore-wizard',
      'run',
      '--repo',
      env.repository,
      '--apply-to-system',
      '--confirm-hostname',
      `not-${hostname()}`,
    ]),
  ).toThrow(/CONFIRMATION_MISMATCH/);
  expect(differences(before, describeTree(sandbox))).toEqual([]);

  // The right name: the apply can start.
  await typed.fill(hostname());
  await expect(typedState).toHaveAttribute('data-state', 'match');
  await expect(typedState).toHaveText('✓ Matches this machine.');
  await expect(next).not.toHaveAttribute('aria-disabled', 'true');
  await auditedScreenshots(app, 'restore-apply-3-confirmed');

  // 6 Run: the rollback backup first (photographed with the helper paused in it when the page shows it in
  // time), then the restore.
  await recordPhases(page);
  await next.click();
  const run = page.getByTestId('run-step');
  const result = page.getByTestId('result-step');
  await expect(run.or(result)).toBeVisible({ timeout: 30_000 });
  const paused = await pauseHelperIn(page, 'rollback-backup');
  try {
    if (paused) {
      const progress = run.getByTestId('job-progress');
      await expect(progress).toHaveAttribute('data-phase', 'rollback-backup');
      await expect(progress.locator('[aria-current="step"]')).toContainText('Rollback backup');
      await expect(run.getByTestId('job-state')).toHaveText(/Running/);
      await expect(run).toContainText(`into ${sandbox}`);
      await expect(run).toContainText('“Undo (roll back)” afterwards puts the system back');
      await auditedScreenshots(app, 'restore-apply-4-rollback-backup');
    } else {
      test.info().annotations.push({
        type: 'note',
        description: 'the rollback backup ended before the page could be paused in it',
      });
    }
  } finally {
    if (paused) process.kill(env.helperPid(), 'SIGCONT');
  }

  // 7 Result: completed and verified, with the rollback point and the way back.
  await expect(result).toBeVisible({ timeout: 180_000 });
  const seen = await phasesSeen(page);
  expect(seen).toContain('rollback-backup');
  expect(seen.indexOf('rollback-backup')).toBeLessThan(
    seen.includes('restore') ? seen.indexOf('restore') : Number.POSITIVE_INFINITY,
  );
  await expect(stepTitle(page)).toContainText('Step 7 of 7');
  const outcome = result.getByTestId('job-outcome').first();
  await expect(outcome).toHaveAttribute('data-state', 'completed');
  await expect(app.fact('verified-mismatches')).toHaveText(/(^|\s)0$/);
  await expect(result.locator('[data-item="rollback"]')).toContainText('Rollback point');
  const rollback = page.getByTestId('rollback');
  await expect(rollback).toContainText('the rollback backup');
  await expect(page.getByTestId('undo-restore')).toBeVisible();
  await auditedScreenshots(app, 'restore-apply-5-result-with-undo');

  // On disk: the sandbox now has the backed-up content; what the session does not have is left alone.
  const afterApply = describeTree(sandbox);
  expect(readFileSync(path.join(sandbox, changedFile))).toEqual(readFileSync(`/${changedFile}`));
  expect(modeOf(path.join(sandbox, changedFile))).toBe(modeOf(`/${changedFile}`));
  expect(readFileSync(path.join(sandbox, onlyInBackup))).toEqual(readFileSync(`/${onlyInBackup}`));
  expect(readFileSync(path.join(sandbox, onlyInSandbox), 'utf8')).toBe(onlyInSandboxText);
  expect(modeOf(path.join(sandbox, onlyInSandbox))).toBe(0o640);
  const created = differences(before, afterApply).filter((line) => line.startsWith('new: '));
  expect(created).toContain(`new: ${onlyInBackup}`);
  expect(differences(before, afterApply).filter((line) => line.startsWith('gone: '))).toEqual([]);

  // 8 Undo: the hostname again; a wrong one leaves the confirmation blocked and the sandbox as the apply left it.
  await page.getByTestId('undo-restore').click();
  const dialog = page.getByTestId('rollback-dialog');
  await expect(dialog).toBeVisible();
  const undoTyped = dialog.getByTestId('rollback-hostname');
  const undoState = dialog.getByTestId('rollback-hostname-state');
  const undoConfirm = page.getByTestId('rollback-dialog-confirm');
  await undoTyped.fill(`not-${hostname()}`);
  await expect(undoState).toHaveAttribute('data-state', 'mismatch');
  await expect(undoConfirm).toHaveAttribute('aria-disabled', 'true');
  await undoConfirm.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await auditedScreenshots(app, 'restore-apply-6-undo-wrong-hostname');
  expect(differences(afterApply, describeTree(sandbox))).toEqual([]);
  await undoTyped.fill(hostname());
  await expect(undoState).toHaveAttribute('data-state', 'match');
  await expect(undoConfirm).not.toHaveAttribute('aria-disabled', 'true');
  await auditedScreenshots(app, 'restore-apply-7-undo-confirmed');
  await undoConfirm.click();
  await expect(dialog).toHaveCount(0, { timeout: 30_000 });
  const undone = rollback.getByTestId('job-outcome');
  await expect(undone).toHaveAttribute('data-state', 'completed', { timeout: 180_000 });
  await expect(undone.getByTestId('outcome-state')).toHaveText(/Completed/);
  await expect(undone).toContainText('The rollback completed');
  await expect(undone.locator('[data-fact="verified-mismatches"] dd')).toHaveText(/(^|\s)0$/);
  await expect(page.getByTestId('undo-restore')).toHaveCount(0);
  await auditedScreenshots(app, 'restore-apply-8-undone');

  // On disk: exactly the sandbox of before the apply — contents, modes, owners, times — and what it created gone.
  expect(differences(before, describeTree(sandbox))).toEqual([]);
  expect(existsSync(path.join(sandbox, onlyInBackup))).toBe(false);
  expect(readFileSync(path.join(sandbox, changedFile), 'utf8')).toBe(changedText);
  expect(modeOf(path.join(sandbox, changedFile))).toBe(0o600);
  expect(readFileSync(path.join(sandbox, onlyInSandbox), 'utf8')).toBe(onlyInSandboxText);
});
