import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordedCommandRunner } from '../../system-state/command-runner/recorded-command-runner';
import { AdminAuthorization, processStartTime, restorePolkitAction } from './admin-authorization';

let procDir: string;
beforeEach(async () => {
  procDir = await mkdtemp(path.join(os.tmpdir(), 'bm-proc-'));
  // A command name with a space and a parenthesis, as /proc shows it: the fields are counted after the last ')'.
  await mkdir(path.join(procDir, '4242'));
  await writeFile(
    path.join(procDir, '4242', 'stat'),
    '4242 (node (app) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 2 0 0 20 0 11 0 987654 1000 50 ' +
      '18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 17 1 0 0 0 0 0\n',
  );
});
afterEach(async () => {
  await rm(procDir, { recursive: true, force: true });
});

const pkcheck = (uid: number) =>
  [
    'pkcheck',
    '--action-id',
    restorePolkitAction,
    '--process',
    `4242,987654,${uid}`,
    '--allow-user-interaction',
  ] as const;
const peer = (uid: number, pid = 4242) => ({ uid, gid: uid, pid });

describe('AdminAuthorization', () => {
  it('lets root write without asking polkit', async () => {
    const runner = new RecordedCommandRunner([]);
    const admins = new AdminAuthorization({ runner, testMode: false, ownUid: 0, platform: 'linux', procDir });
    await expect(admins.require(peer(0), 'Restoring')).resolves.toBeUndefined();
    expect(runner.calls).toEqual([]);
  });

  it('in test mode lets the helper’s own user write, and asks polkit for anyone else', async () => {
    const runner = new RecordedCommandRunner([{ argv: pkcheck(1001), answer: { exitCode: 1 } }]);
    const admins = new AdminAuthorization({
      runner,
      testMode: true,
      ownUid: 1000,
      platform: 'linux',
      procDir,
    });
    await expect(admins.require(peer(1000), 'Restoring')).resolves.toBeUndefined();
    await expect(admins.require(peer(1001), 'Restoring')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(runner.calls).toHaveLength(1);
  });

  it('asks polkit for a group member’s exact process (pid, start time, uid) and follows its answer', async () => {
    const runner = new RecordedCommandRunner([
      { argv: pkcheck(1000), answer: { exitCode: 0 } },
      {
        argv: pkcheck(1000),
        answer: {
          exitCode: 1,
          stderr: 'Error checking for authorization org.backupmanager.restore: Not authorized',
        },
      },
    ]);
    const admins = new AdminAuthorization({ runner, testMode: false, ownUid: 0, platform: 'linux', procDir });
    await expect(admins.require(peer(1000), 'Restoring')).resolves.toBeUndefined();
    const refusal = admins.require(peer(1000), 'Restoring');
    await expect(refusal).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    await expect(refusal).rejects.toThrow(
      /Restoring needs an administrator; polkit did not authorize uid 1000/,
    );
    await expect(refusal).rejects.toThrow(/Not authorized/);
  });

  it('without pkcheck tells the user to run the restore as root', async () => {
    const runner = new RecordedCommandRunner([{ argv: pkcheck(1000), answer: { missing: true } }]);
    const admins = new AdminAuthorization({ runner, testMode: false, ownUid: 0, platform: 'linux', procDir });
    await expect(admins.require(peer(1000), 'Restoring')).rejects.toThrow(/pkcheck\) is not installed.*sudo/);
  });

  it('refuses when the requesting process is gone, and everyone but root on other systems', async () => {
    const runner = new RecordedCommandRunner([]);
    const linux = new AdminAuthorization({ runner, testMode: false, ownUid: 0, platform: 'linux', procDir });
    await expect(linux.require(peer(1000, 999_999), 'Restoring')).rejects.toThrow(/pid 999999\) is gone/);
    const windows = new AdminAuthorization({
      runner,
      testMode: false,
      ownUid: 0,
      platform: 'win32',
      procDir,
    });
    await expect(windows.require(peer(1000), 'Restoring')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    expect(runner.calls).toEqual([]);
  });
});

it('is the action the installed polkit policy declares (admin only: no rule grants it to the group)', async () => {
  const policy = await readFile(
    path.join(__dirname, '../../../resources/linux/org.backupmanager.helper.policy'),
    'utf8',
  );
  expect(policy).toContain(`<action id="${restorePolkitAction}">`);
});

describe('processStartTime', () => {
  it('reads field 22 of the real /proc entry of this process, and null for a process that is gone', async () => {
    const start = await processStartTime(process.pid);
    expect(start).toMatch(/^\d+$/);
    expect(await processStartTime(process.pid)).toBe(start);
    expect(await processStartTime(999_999, procDir)).toBeNull();
    expect(await processStartTime(4242, procDir)).toBe('987654');
  });
});
