/**
 * Repository passwords remembered by the app, kept out of plain files: each one is encrypted with a key the
 * operating system keeps (Electron's safeStorage) and stored as base64 in one JSON file of mode 0600,
 * `{version: 1, secrets: {[repository]: ciphertext}}`. Main decrypts a password only to hand it to the helper
 * for one session; the helper keeps it in memory for that session only.
 *
 * A damaged file is an error naming the file, never silently replaced: replacing it would forget every other
 * remembered password without the user knowing why scheduled-from-the-app backups stopped working.
 */
import { readFile } from 'node:fs/promises';
import { writePrivateFileAtomically } from './private-file';
import type { CipherAvailability, SecretsCipher } from './secrets-cipher';

export interface RepositorySecrets {
  /** Whether passwords can be remembered here; the reason says what the user can do if not. */
  available(): CipherAvailability;
  /** The remembered password of `repository`, or null when none is remembered. */
  get(repository: string): Promise<string | null>;
  /**
   * Whether a password is remembered for `repository`. Decrypts nothing (so it answers while the keyring is
   * locked too, and a status request never brings a password into memory).
   */
  has(repository: string): Promise<boolean>;
  set(repository: string, password: string): Promise<void>;
  /** Forgets the password of `repository`; nothing to do when none is remembered. */
  forget(repository: string): Promise<void>;
}

export const secretsErrorCodes = [
  /** No usable encryption (no keyring, or console mode); the message says why and what to do. */
  'SECRETS_UNAVAILABLE',
  /** The file is not what this code writes, or a password in it cannot be decrypted. */
  'SECRETS_CORRUPT',
  /** Reading or writing the file failed (permissions, full disk). */
  'SECRETS_IO_ERROR',
] as const;
export type SecretsErrorCode = (typeof secretsErrorCodes)[number];

export class SecretsError extends Error {
  constructor(
    readonly code: SecretsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SecretsError';
  }
}

export function isSecretsError(error: unknown, code?: SecretsErrorCode): error is SecretsError {
  return error instanceof SecretsError && (code === undefined || error.code === code);
}

const fileVersion = 1;
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class EncryptedSecretsFile implements RepositorySecrets {
  /** Read-modify-write calls run one after the other, so two changes at once cannot lose one of them. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cipher: SecretsCipher,
    private readonly file: string,
  ) {}

  available(): CipherAvailability {
    return this.cipher.available();
  }

  get(repository: string): Promise<string | null> {
    return this.serialized(async () => {
      const ciphertext = (await this.load()).get(repository);
      if (ciphertext === undefined) return null;
      this.requireCipher('read the remembered password');
      try {
        return this.cipher.decrypt(Buffer.from(ciphertext, 'base64'));
      } catch (error) {
        // Typically the keyring was reset or the file came from another user or machine.
        throw new SecretsError(
          'SECRETS_CORRUPT',
          `The password remembered for ${repository} in ${this.file} cannot be decrypted (${errorText(error)}): enter it again to replace it.`,
          { cause: error },
        );
      }
    });
  }

  has(repository: string): Promise<boolean> {
    return this.serialized(async () => (await this.load()).has(repository));
  }

  set(repository: string, password: string): Promise<void> {
    return this.serialized(async () => {
      this.requireCipher('remember the password');
      const secrets = await this.load();
      let ciphertext: Buffer;
      try {
        ciphertext = this.cipher.encrypt(password);
      } catch (error) {
        throw new SecretsError('SECRETS_UNAVAILABLE', `Encrypting the password failed: ${errorText(error)}`, {
          cause: error,
        });
      }
      secrets.set(repository, ciphertext.toString('base64'));
      await this.save(secrets);
    });
  }

  /** Needs no encryption, so a password can be forgotten even while the keyring is unavailable. */
  forget(repository: string): Promise<void> {
    return this.serialized(async () => {
      const secrets = await this.load();
      if (!secrets.delete(repository)) return;
      await this.save(secrets);
    });
  }

  private requireCipher(what: string): void {
    const availability = this.cipher.available();
    if (!availability.ok) {
      throw new SecretsError('SECRETS_UNAVAILABLE', `Cannot ${what}: ${availability.reason}`);
    }
  }

  /** Repository → base64 ciphertext. A Map, so no repository name can reach an object's prototype. */
  private async load(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new SecretsError('SECRETS_IO_ERROR', `Cannot read ${this.file}: ${errorText(error)}`, {
        cause: error,
      });
    }
    return parseSecretsFile(text, this.file);
  }

  private async save(secrets: Map<string, string>): Promise<void> {
    const contents = `${JSON.stringify({ version: fileVersion, secrets: Object.fromEntries(secrets) }, null, 2)}\n`;
    try {
      await writePrivateFileAtomically(this.file, contents);
    } catch (error) {
      throw new SecretsError('SECRETS_IO_ERROR', `Cannot write ${this.file}: ${errorText(error)}`, {
        cause: error,
      });
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    // The next call waits for this one to settle, whatever its outcome; the caller still sees the failure.
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

function parseSecretsFile(text: string, file: string): Map<string, string> {
  const corrupt = (why: string) =>
    new SecretsError(
      'SECRETS_CORRUPT',
      `The file of remembered passwords ${file} is damaged (${why}). Move it away (the remembered passwords are ` +
        'lost) and enter the repository password again.',
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw corrupt(`not JSON: ${errorText(error)}`);
  }
  if (!isPlainObject(data)) throw corrupt('not a JSON object');
  if (data.version !== fileVersion) throw corrupt(`unknown version ${JSON.stringify(data.version)}`);
  const secrets = data.secrets;
  if (!isPlainObject(secrets)) throw corrupt('"secrets" is not an object');
  const result = new Map<string, string>();
  for (const [repository, value] of Object.entries(secrets)) {
    if (typeof value !== 'string' || value === '' || !base64.test(value)) {
      throw corrupt(`the entry of ${repository} is not base64 ciphertext`);
    }
    result.set(repository, value);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
