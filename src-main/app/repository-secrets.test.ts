import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedSecretsFile, SecretsError } from './repository-secrets';
import { testCipher } from './testing/test-cipher';

const repository = '/mnt/backup/repo';
const password = 'correct horse battery staple';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'repository-secrets-'));
  file = path.join(dir, 'profile', 'repository-passwords.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<SecretsError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  if (!(error instanceof SecretsError)) throw error;
  return error;
}

describe('EncryptedSecretsFile', () => {
  it('round-trips a password and never writes it in clear', async () => {
    const secrets = new EncryptedSecretsFile(testCipher(), file);
    expect(await secrets.get(repository)).toBeNull();
    await secrets.set(repository, password);
    expect(await secrets.get(repository)).toBe(password);
    // A second instance on the same file (the next app start) reads it back too.
    expect(await new EncryptedSecretsFile(testCipher(), file).get(repository)).toBe(password);

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(password).toString('base64'));
    const data = JSON.parse(text);
    expect(data).toEqual({ version: 1, secrets: { [repository]: expect.any(String) } });
  });

  it('writes the file with mode 0600 and leaves no temporary file behind', async () => {
    const secrets = new EncryptedSecretsFile(testCipher(), file);
    await secrets.set(repository, password);
    await secrets.set('/other/repo', 'another');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(path.dirname(file))).toEqual(['repository-passwords.json']);
  });

  it('keeps the passwords of other repositories, and forgets one', async () => {
    const secrets = new EncryptedSecretsFile(testCipher(), file);
    await Promise.all([secrets.set(repository, password), secrets.set('/other/repo', 'another')]);
    expect(await secrets.get('/other/repo')).toBe('another');
    await secrets.forget(repository);
    expect(await secrets.get(repository)).toBeNull();
    expect(await secrets.get('/other/repo')).toBe('another');
    await secrets.forget('/never/remembered'); // nothing to do, no failure
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).secrets)).toEqual(['/other/repo']);
  });

  it('refuses to remember or read a password while the cipher is unavailable, but can forget', async () => {
    const cipher = testCipher();
    const secrets = new EncryptedSecretsFile(cipher, file);
    await secrets.set(repository, password);
    cipher.lock('the keyring is locked');
    expect(secrets.available()).toEqual({ ok: false, reason: 'the keyring is locked' });

    const refused = await failure(secrets.set('/other/repo', 'another'));
    expect(refused.code).toBe('SECRETS_UNAVAILABLE');
    expect(refused.message).toContain('the keyring is locked');
    expect((await failure(secrets.get(repository))).code).toBe('SECRETS_UNAVAILABLE');
    // Nothing remembered for it: no need to decrypt anything.
    expect(await secrets.get('/other/repo')).toBeNull();

    await secrets.forget(repository);
    cipher.lock(null);
    expect(await secrets.get(repository)).toBeNull();
  });

  it('says whether a password is remembered without decrypting it, also while the keyring is locked', async () => {
    const cipher = testCipher();
    const secrets = new EncryptedSecretsFile(
      { ...cipher, decrypt: () => expect.unreachable('has() must not decrypt') },
      file,
    );
    expect(await secrets.has(repository)).toBe(false);
    await secrets.set(repository, password);
    cipher.lock('the keyring is locked');
    expect(await secrets.has(repository)).toBe(true);
    expect(await secrets.has('/other/repo')).toBe(false);
    await secrets.forget(repository);
    expect(await secrets.has(repository)).toBe(false);
  });

  it.each([
    ['not JSON', '{"version": 1, "secrets": {'],
    ['another version', '{"version": 2, "secrets": {}}'],
    ['secrets not an object', '{"version": 1, "secrets": []}'],
    ['an entry not base64', '{"version": 1, "secrets": {"/mnt/backup/repo": "not base64!"}}'],
  ])('reports a damaged file (%s) naming it, and never replaces it', async (_case, contents) => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, contents);
    const secrets = new EncryptedSecretsFile(testCipher(), file);
    for (const attempt of [
      secrets.get(repository),
      secrets.has(repository),
      secrets.set(repository, password),
      secrets.forget(repository),
    ]) {
      const error = await failure(attempt);
      expect(error.code).toBe('SECRETS_CORRUPT');
      expect(error.message).toContain(file);
    }
    expect(await readFile(file, 'utf8')).toBe(contents);
  });

  it('reports a password it cannot decrypt (another key) as SECRETS_CORRUPT, and can replace it', async () => {
    await new EncryptedSecretsFile(testCipher(Buffer.alloc(32, 1)), file).set(repository, password);
    const secrets = new EncryptedSecretsFile(testCipher(), file);
    const error = await failure(secrets.get(repository));
    expect(error.code).toBe('SECRETS_CORRUPT');
    expect(error.message).toContain(repository);
    expect(error.message).not.toContain(password);
    await secrets.set(repository, 'new password');
    expect(await secrets.get(repository)).toBe('new password');
  });

  it('reports a file it cannot read as SECRETS_IO_ERROR, not as damaged', async () => {
    // A directory where the file should be: reading it fails with EISDIR.
    await mkdir(file, { recursive: true });
    const error = await failure(new EncryptedSecretsFile(testCipher(), file).get(repository));
    expect(error.code).toBe('SECRETS_IO_ERROR');
    expect(error.message).toContain(file);
  });
});
