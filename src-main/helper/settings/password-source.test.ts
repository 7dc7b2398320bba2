import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyHelperSettings, type HelperSettings } from '../../helper-protocol/session-model';
import { SessionError } from '../sessions/session-failure';
import { PasswordSource, passwordFromFileContents } from './password-source';

const isRoot = process.getuid?.() === 0;
const noSettings: HelperSettings = {
  ...emptyHelperSettings(),
};

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'password-source-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function secretFile(name: string, contents: string | Buffer, mode: number): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, contents);
  // chmod after writing: writeFile's mode is filtered by the umask, and the tests need the exact mode.
  await chmod(file, mode);
  return file;
}

function source(options: { passwordFile?: string | null; env?: NodeJS.ProcessEnv } = {}): PasswordSource {
  return new PasswordSource({
    settings: async () => ({ ...noSettings, passwordFile: options.passwordFile ?? null }),
    env: options.env ?? {},
    testMode: true,
  });
}

async function refusal(promise: Promise<string>): Promise<SessionError> {
  const error = await promise.then(
    (password) => new Error(`resolved with ${password.length} characters`),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SessionError);
  expect((error as SessionError).code).toBe('PASSWORD_REQUIRED');
  return error as SessionError;
}

describe('PasswordSource', () => {
  it('prefers the password handed over with the session, and falls back once it is forgotten', async () => {
    const file = await secretFile('password', 'from-file\n', 0o600);
    const passwords = source({ passwordFile: file, env: { BACKUP_MANAGER_PASSWORD: 'from-env' } });
    passwords.remember('20250101-101010-abcdef', 'handed-over');

    expect(await passwords.resolve('20250101-101010-abcdef')).toBe('handed-over');
    // Another session does not see it.
    expect(await passwords.resolve('20250101-101010-000000')).toBe('from-file');
    passwords.forget('20250101-101010-abcdef');
    expect(await passwords.resolve('20250101-101010-abcdef')).toBe('from-file');
  });

  it('reads a mode 0600 password file of the settings, without its trailing newline', async () => {
    const file = await secretFile('password', 'correct horse battery\n', 0o600);
    expect(await source({ passwordFile: file }).resolve('s')).toBe('correct horse battery');
  });

  it('accepts a read-only 0400 file', async () => {
    const file = await secretFile('password', 'pw', 0o400);
    expect(await source({ passwordFile: file }).resolve('s')).toBe('pw');
  });

  it('refuses a 0644 password file with the chmod that fixes it, and does not fall back to the environment', async () => {
    const file = await secretFile('password', 'pw\n', 0o644);
    const error = await refusal(
      source({ passwordFile: file, env: { BACKUP_MANAGER_PASSWORD: 'from-env' } }).resolve('s'),
    );
    expect(error.message).toContain('mode 0644');
    expect(error.message).toContain(`chmod 600 ${file}`);
  });

  it('refuses a group-readable 0640 file', async () => {
    const file = await secretFile('password', 'pw', 0o640);
    expect((await refusal(source({ passwordFile: file }).resolve('s'))).message).toContain('mode 0640');
  });

  it('says so when the password file does not exist', async () => {
    const file = path.join(dir, 'absent');
    const error = await refusal(source({ passwordFile: file }).resolve('s'));
    expect(error.message).toContain(`${file} does not exist`);
  });

  it('refuses a directory and a FIFO (without blocking on it)', async () => {
    const folder = path.join(dir, 'folder');
    await mkdir(folder, { mode: 0o700 });
    expect((await refusal(source({ passwordFile: folder }).resolve('s'))).message).toContain(
      'not a regular file',
    );
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    expect((await refusal(source({ passwordFile: fifo }).resolve('s'))).message).toContain(
      'not a regular file',
    );
  });

  it('refuses an empty password file', async () => {
    const file = await secretFile('password', '\n', 0o600);
    expect((await refusal(source({ passwordFile: file }).resolve('s'))).message).toContain(
      `${file} is empty`,
    );
  });

  it.runIf(isRoot)('refuses a file owned by another user, naming the owner', async () => {
    const file = await secretFile('password', 'pw', 0o600);
    await chown(file, 12345, 12345);
    const error = await refusal(source({ passwordFile: file }).resolve('s'));
    expect(error.message).toContain('owned by uid 12345');
    expect(error.message).toContain(`chown root:root ${file}`);
  });

  it.runIf(!isRoot)(
    'in test mode accepts a file owned by the helper user, outside test mode refuses it',
    async () => {
      const file = await secretFile('password', 'pw', 0o600);
      expect(await source({ passwordFile: file }).resolve('s')).toBe('pw');
      const strict = new PasswordSource({
        settings: async () => ({ ...noSettings, passwordFile: file }),
        env: {},
        testMode: false,
      });
      expect((await refusal(strict.resolve('s'))).message).toContain('not root');
    },
  );

  it('reads BACKUP_MANAGER_PASSWORD_FILE with the same checks', async () => {
    const good = await secretFile('good', 'env-file-pw\r\n', 0o600);
    expect(await source({ env: { BACKUP_MANAGER_PASSWORD_FILE: good } }).resolve('s')).toBe('env-file-pw');
    const loose = await secretFile('loose', 'pw', 0o604);
    const error = await refusal(
      source({ env: { BACKUP_MANAGER_PASSWORD_FILE: loose, BACKUP_MANAGER_PASSWORD: 'x' } }).resolve('s'),
    );
    expect(error.message).toContain('BACKUP_MANAGER_PASSWORD_FILE');
    expect(error.message).toContain(`chmod 600 ${loose}`);
  });

  it('the settings file comes before the environment', async () => {
    const fromSettings = await secretFile('settings-pw', 'settings', 0o600);
    const fromEnv = await secretFile('env-pw', 'env', 0o600);
    const passwords = source({
      passwordFile: fromSettings,
      env: { BACKUP_MANAGER_PASSWORD_FILE: fromEnv, BACKUP_MANAGER_PASSWORD: 'plain' },
    });
    expect(await passwords.resolve('s')).toBe('settings');
  });

  it('uses a non-empty BACKUP_MANAGER_PASSWORD last', async () => {
    expect(await source({ env: { BACKUP_MANAGER_PASSWORD: ' spaced ' } }).resolve('s')).toBe(' spaced ');
    const error = await refusal(source({ env: { BACKUP_MANAGER_PASSWORD: '' } }).resolve('s'));
    expect(error.message).toBe(
      'no repository password: start the session from the app, or set a password file (mode 0600) in the helper settings',
    );
  });
});

describe('passwordFromFileContents', () => {
  it('trims white space around the password as restic does, and keeps it inside', () => {
    expect(passwordFromFileContents(Buffer.from('  two words \t\n'))).toBe('two words');
    expect(passwordFromFileContents(Buffer.from('pw\u0085'))).toBe('pw');
  });

  it('drops a UTF-8 byte-order mark and decodes UTF-16 in either byte order', () => {
    expect(passwordFromFileContents(Buffer.from('\ufeffpässword\n'))).toBe('pässword');
    const little = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('pässword\n', 'utf16le')]);
    expect(passwordFromFileContents(little)).toBe('pässword');
    const big = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('pässword\n', 'utf16le').swap16()]);
    expect(passwordFromFileContents(big)).toBe('pässword');
  });
});
