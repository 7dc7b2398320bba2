/**
 * The engine commands of the built `backup-manager` binary (out/main/cli.js, kept current by vitest's global
 * setup), end to end against a real repository that the real restic checks.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, restic, resticOk, testPassword } from '../../engine/testing/restic-cli';

const cli = path.resolve(__dirname, '..', '..', '..', 'out', 'main', 'cli.js');
let dir: string;
let repo: string;
let source: string;

function run(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const fullEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    PATH: process.env.PATH,
    HOME: dir,
    BACKUP_MANAGER_PASSWORD: testPassword,
    ...env,
  })) {
    if (value !== undefined) fullEnv[name] = value;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: fullEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

beforeAll(async () => {
  dir = await makeTempDir('cli-engine');
  repo = path.join(dir, 'repo');
  source = path.join(dir, 'src');
  await mkdir(path.join(source, 'etc'), { recursive: true });
  await writeFile(path.join(source, 'etc', 'fstab'), 'UUID=1234 / ext4 defaults 0 1\n');
  await writeFile(path.join(source, 'notes.txt'), 'hello\n'.repeat(100));
});
afterAll(() => removeTempDir(dir));

describe('backup-manager engine commands', () => {
  it('init, backup (JSON lines), snapshots, ls, cat; restic agrees', async () => {
    const init = await run(['init', '--repo', repo, '--json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ repository: repo, version: 2 });

    const backup = await run(['backup', '--repo', repo, '--json', '--tag', 'system-state', source]);
    expect(backup.code, backup.stderr).toBe(0);
    const lines = backup.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const summary = lines.at(-1);
    expect(summary).toMatchObject({ type: 'summary', files_new: 2, entries_left_out: 0 });
    expect(lines.slice(0, -1).every((line) => line.type === 'progress')).toBe(true);

    const snapshots = JSON.parse((await run(['snapshots', '--repo', repo, '--json'])).stdout);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ id: summary.snapshot_id, paths: [source], tags: ['system-state'] });

    const ls = await run(['ls', '--repo', repo, 'latest']);
    expect(ls.stdout.split('\n')).toContain(`${source}/etc/fstab`);

    const config = JSON.parse((await run(['cat', '--repo', repo, 'config', '--json'])).stdout);
    const resticConfig = JSON.parse((await resticOk(['cat', 'config'], { repo })).stdout);
    expect(config).toEqual(resticConfig);

    const snapshot = JSON.parse(
      (await run(['cat', '--repo', repo, 'snapshot', summary.snapshot_id.slice(0, 8), '--json'])).stdout,
    );
    expect(snapshot.id).toBe(summary.snapshot_id);
    expect((await restic(['check', '--read-data'], { repo })).code).toBe(0);
  });

  it('says once that xattrs cannot be read when the addon is missing, and marks the snapshot incomplete (exit 3)', async () => {
    const result = await run(['backup', '--repo', repo, source], {
      BACKUP_MANAGER_POSIX_FS_ADDON: path.join(dir, 'missing-addon.node'),
    });
    expect(result.code).toBe(3);
    const warnings = result.stderr.trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^warning: \(extended attributes\): cannot be read on this system, so none are in this snapshot/,
    );
    expect(result.stdout).toContain('saved');
  });

  it('adds and removes a password', async () => {
    const newPassword = path.join(dir, 'new-password');
    await writeFile(newPassword, 'second password\n');
    const added = JSON.parse(
      (await run(['key', 'add', '--repo', repo, '--new-password-file', newPassword, '--json'])).stdout,
    );
    const listed = await run(['snapshots', '--repo', repo, '--password-file', newPassword]);
    expect(listed.code).toBe(0);
    expect((await restic(['snapshots'], { repo, password: 'second password' })).code).toBe(0);
    expect((await run(['key', 'remove', '--repo', repo, added.id.slice(0, 8)])).code).toBe(0);
    expect((await run(['snapshots', '--repo', repo, '--password-file', newPassword])).code).toBe(1);
  });

  it('changes the password: the new one opens it (for restic too), the old one no longer does', async () => {
    const newPassword = path.join(dir, 'changed-password');
    await writeFile(newPassword, 'changed password\n');
    const changed = await run([
      'key',
      'passwd',
      '--repo',
      repo,
      '--new-password-file',
      newPassword,
      '--json',
    ]);
    expect(changed.code, changed.stderr).toBe(0);
    const { added, removed } = JSON.parse(changed.stdout) as { added: string; removed: string };
    expect(added).not.toBe(removed);
    expect((await run(['snapshots', '--repo', repo])).stderr).toMatch(/WRONG_PASSWORD/);
    expect((await restic(['snapshots'], { repo, password: 'changed password' })).code).toBe(0);
    const keys = JSON.parse(
      (await run(['key', 'list', '--repo', repo, '--password-file', newPassword, '--json'])).stdout,
    ) as { id: string; current: boolean }[];
    expect(keys.map((k) => k.id)).toContain(added);
    expect(keys.map((k) => k.id)).not.toContain(removed);
    expect(await readdir(path.join(repo, 'locks'))).toEqual([]); // the exclusive lock was released
    // Back to the test password, for the tests that follow.
    const original = path.join(dir, 'original-password');
    await writeFile(original, testPassword);
    const back = await run([
      'key',
      'passwd',
      '--repo',
      repo,
      '--password-file',
      newPassword,
      '--new-password-file',
      original,
    ]);
    expect(back.code, back.stderr).toBe(0);
  });

  it('fails with one line and a code: wrong password, no repository, no password, bad usage', async () => {
    const wrong = await run(['snapshots', '--repo', repo], { BACKUP_MANAGER_PASSWORD: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/^backup-manager: WRONG_PASSWORD: /);

    const missing = await run(['snapshots', '--repo', path.join(dir, 'nowhere')]);
    expect(missing.stderr).toMatch(/^backup-manager: NOT_A_REPOSITORY: /);

    for (const password of [undefined, '']) {
      const noPassword = await run(['snapshots', '--repo', repo], { BACKUP_MANAGER_PASSWORD: password });
      expect(noPassword.code).toBe(2);
      expect(noPassword.stderr).toMatch(/^backup-manager: USAGE: no password/);
    }

    const usage = await run(['backup', '--repo', repo, '--bogus', source]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^backup-manager: USAGE: unknown option --bogus/);
  });
});
