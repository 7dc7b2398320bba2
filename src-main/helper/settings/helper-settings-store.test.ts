import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HelperSettings } from '../../helper-protocol/session-model';
import { HelperSettingsStore } from './helper-settings-store';
import { StateFileError } from './state-file';

let stateDir: string;
let store: HelperSettingsStore;

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'helper-settings-'));
  store = HelperSettingsStore.inStateDir(stateDir, { testMode: true });
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const settingsFile = () => path.join(stateDir, 'settings.json');

async function refusal(promise: Promise<unknown>): Promise<StateFileError> {
  const error = await promise.then(
    () => new Error('resolved'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StateFileError);
  expect((error as StateFileError).code).toBe('SETTINGS_INVALID');
  return error as StateFileError;
}

async function passwordFile(mode: number): Promise<string> {
  const file = path.join(stateDir, `password-${mode.toString(8)}`);
  await writeFile(file, 'pw\n');
  await chmod(file, mode);
  return file;
}

describe('HelperSettingsStore', () => {
  it('reads all null when there is no settings file yet', async () => {
    expect(await store.read()).toEqual({
      repository: null,
      snapshotLocation: null,
      passwordFile: null,
      retention: null,
      sshKeyFile: null,
      trustedHostKeys: [],
      s3CredentialsFile: null,
    });
  });

  it('saves an update as a 0600 file that a new store reads back', async () => {
    const snapshots = path.join(stateDir, 'snapshots');
    await mkdir(snapshots);
    const password = await passwordFile(0o600);
    const saved = await store.update({
      repository: '/srv/backups/repo',
      snapshotLocation: snapshots,
      passwordFile: password,
      retention: { keepDaily: 7, keepWeekly: 4 },
    });

    const expected: HelperSettings = {
      repository: '/srv/backups/repo',
      snapshotLocation: snapshots,
      passwordFile: password,
      retention: { keepDaily: 7, keepWeekly: 4 },
      sshKeyFile: null,
      trustedHostKeys: [],
      s3CredentialsFile: null,
    };
    expect(saved).toEqual(expected);
    expect(await HelperSettingsStore.inStateDir(stateDir, { testMode: true }).read()).toEqual(expected);
    expect((await stat(settingsFile())).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(settingsFile(), 'utf8'))).toEqual(expected);
  });

  it('replaces the file by rename (a new inode, no temporary file left) and makes a loose file 0600', async () => {
    await writeFile(settingsFile(), '{"repository": "/old"}\n');
    await chmod(settingsFile(), 0o644);
    const before = await stat(settingsFile());

    await store.update({ repository: '/new' });

    const after = await stat(settingsFile());
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readdir(stateDir)).toEqual(['settings.json']);
  });

  it('keeps the fields an update leaves out, and clears a field set to null', async () => {
    await store.update({ repository: '/srv/repo', retention: { keepLast: 3 } });
    await store.update({ retention: null });
    expect(await store.read()).toMatchObject({ repository: '/srv/repo', retention: null });
  });

  it('creates the state directory when it does not exist yet', async () => {
    const nested = HelperSettingsStore.inStateDir(path.join(stateDir, 'a', 'b'), { testMode: true });
    await nested.update({ repository: '/srv/repo' });
    expect((await nested.read()).repository).toBe('/srv/repo');
  });

  it('refuses a relative repository, naming the field, and saves nothing', async () => {
    const error = await refusal(store.update({ repository: 'backups/repo' }));
    expect(error.message).toBe('repository: must be an absolute path, not "backups/repo"');
    await expect(stat(settingsFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a snapshot location that is missing or not a directory', async () => {
    const missing = path.join(stateDir, 'missing');
    expect((await refusal(store.update({ snapshotLocation: missing }))).message).toBe(
      `snapshotLocation: ${missing} does not exist`,
    );
    const file = await passwordFile(0o600);
    expect((await refusal(store.update({ snapshotLocation: file }))).message).toBe(
      `snapshotLocation: ${file} is not a directory`,
    );
    expect((await refusal(store.update({ snapshotLocation: 'relative' }))).message).toContain(
      'snapshotLocation: must be an absolute path',
    );
  });

  it('refuses a password file other users can read, with the chmod that fixes it', async () => {
    const loose = await passwordFile(0o644);
    const error = await refusal(store.update({ passwordFile: loose }));
    expect(error.message).toContain('passwordFile: ');
    expect(error.message).toContain(`chmod 600 ${loose}`);
    const missing = path.join(stateDir, 'nope');
    expect((await refusal(store.update({ passwordFile: missing }))).message).toBe(
      `passwordFile: ${missing} does not exist`,
    );
  });

  it('refuses invalid retention and unknown fields, naming them', async () => {
    expect((await refusal(store.update({ retention: { keepDaily: 0 } }))).message).toMatch(
      /^retention\.keepDaily: /,
    );
    const unknown = { repository: '/srv/repo', colour: 'blue' } as Partial<HelperSettings>;
    expect((await refusal(store.update(unknown))).message).toContain('colour');
  });

  it('refuses a corrupt settings file, naming it, and does not overwrite it', async () => {
    await writeFile(settingsFile(), '{"repository": "/srv/re');
    const error = await refusal(store.read());
    expect(error.message).toContain(settingsFile());
    expect(error.message).toContain('not valid JSON');
    await refusal(store.update({ retention: { keepLast: 1 } }));
    expect(await readFile(settingsFile(), 'utf8')).toBe('{"repository": "/srv/re');
  });

  it('refuses a settings file with a field of the wrong type, naming the field', async () => {
    await writeFile(settingsFile(), JSON.stringify({ repository: 42 }));
    const error = await refusal(store.read());
    expect(error.message).toContain(settingsFile());
    expect(error.message).toContain('repository');
  });

  it('keeps both of two concurrent updates, and a failing one does not stop the next', async () => {
    const results = await Promise.allSettled([
      store.update({ repository: '/srv/repo' }),
      store.update({ snapshotLocation: 'not/absolute' }),
      store.update({ retention: { keepLast: 5 } }),
      store.update({ passwordFile: null }),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await store.read()).toEqual({
      repository: '/srv/repo',
      snapshotLocation: null,
      passwordFile: null,
      retention: { keepLast: 5 },
      sshKeyFile: null,
      trustedHostKeys: [],
      s3CredentialsFile: null,
    });
  });

  it('accepts remote repositories in restic notation and refuses malformed ones or keys in them', async () => {
    await store.update({ repository: 'sftp:backup@nas.example:/srv/repo' });
    expect((await store.read()).repository).toBe('sftp:backup@nas.example:/srv/repo');
    await store.update({ repository: 's3:https://s3.example/bucket/prefix' });
    expect((await refusal(store.update({ repository: 'sftp:nas.example' }))).message).toMatch(
      /^repository: repository location "sftp:nas.example": expected sftp:user@host:\/path/,
    );
    const withKeys = await refusal(
      store.update({ repository: 's3:https://AKIAKEY:secret@s3.example/bucket' }),
    );
    expect(withKeys.message).toContain('access keys do not belong in the location');
    // The refusal must not repeat the secret it refuses to store.
    expect(withKeys.message).not.toContain('secret');
    expect((await store.read()).repository).toBe('s3:https://s3.example/bucket/prefix');
  });

  it('checks the SSH key and S3 credentials files like the password file', async () => {
    const loose = await passwordFile(0o644);
    expect((await refusal(store.update({ sshKeyFile: loose }))).message).toContain(`sshKeyFile: `);
    expect((await refusal(store.update({ s3CredentialsFile: loose }))).message).toContain(
      `chmod 600 ${loose}`,
    );
    const tight = await passwordFile(0o600);
    await store.update({ sshKeyFile: tight, s3CredentialsFile: tight });
    expect(await store.read()).toMatchObject({ sshKeyFile: tight, s3CredentialsFile: tight });
  });

  it('computes an update from the settings inside the queue, so concurrent ones are all kept', async () => {
    const add = (host: string) =>
      store.updateFrom((current) => ({
        trustedHostKeys: [
          ...current.trustedHostKeys,
          { host, port: 22, fingerprint: `SHA256:${'A'.repeat(43)}` },
        ],
      }));
    await Promise.all([add('a.example'), add('b.example'), add('c.example')]);
    expect((await store.read()).trustedHostKeys.map((entry) => entry.host).sort()).toEqual([
      'a.example',
      'b.example',
      'c.example',
    ]);
  });
});
