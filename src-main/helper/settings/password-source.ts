/**
 * Where a session's repository password comes from. The password is never written anywhere by the helper:
 * - the app (Electron main keeps it encrypted with safeStorage) hands it over with session/start; it is kept in
 *   memory for that session only, and forgotten when the session ends;
 * - scheduled and automatically restarted sessions have nobody to hand it over, so they read the password file of
 *   the helper settings, which must be a root-owned regular file with mode 0600;
 * - the CLI and the console may instead give the helper BACKUP_MANAGER_PASSWORD_FILE (same checks) or
 *   BACKUP_MANAGER_PASSWORD in its environment.
 * A configured file that is unsafe is refused (never skipped for the next source), so a misconfiguration is seen.
 */
import type { S3CredentialsParams } from '../../helper-protocol/protocol';
import type { HelperSettings } from '../../helper-protocol/session-model';
import { SessionError } from '../sessions/session-failure';
import { readSecretFile } from './secret-file';

export interface PasswordSourceOptions {
  settings: () => Promise<HelperSettings>;
  env: NodeJS.ProcessEnv;
  testMode: boolean;
}

export class PasswordSource {
  /** Session id → the password handed over with session/start. Memory only, by design. */
  private readonly remembered = new Map<string, string>();
  /** Session id → the S3 access keys handed over with session/start, kept like the password. */
  private readonly s3Keys = new Map<string, S3CredentialsParams>();

  constructor(private readonly options: PasswordSourceOptions) {}

  remember(sessionId: string, password: string): void {
    this.remembered.set(sessionId, password);
  }

  forget(sessionId: string): void {
    this.remembered.delete(sessionId);
    this.s3Keys.delete(sessionId);
  }

  rememberS3Credentials(sessionId: string, credentials: S3CredentialsParams): void {
    this.s3Keys.set(sessionId, credentials);
  }

  /** The S3 keys handed over for the session, if any (else the repository opener reads the settings' file). */
  s3Credentials(sessionId: string): S3CredentialsParams | undefined {
    return this.s3Keys.get(sessionId);
  }

  async resolve(sessionId: string): Promise<string> {
    const handedOver = this.remembered.get(sessionId);
    if (handedOver) return handedOver;

    const { passwordFile } = await this.options.settings();
    if (passwordFile) return this.fromFile(passwordFile, 'the password file of the helper settings');

    const envFile = this.options.env.BACKUP_MANAGER_PASSWORD_FILE;
    if (envFile) return this.fromFile(envFile, 'BACKUP_MANAGER_PASSWORD_FILE');

    const envPassword = this.options.env.BACKUP_MANAGER_PASSWORD;
    if (envPassword) return envPassword;

    throw new SessionError(
      'PASSWORD_REQUIRED',
      'no repository password: start the session from the app, or set a password file (mode 0600) in the helper settings',
    );
  }

  private async fromFile(file: string, origin: string): Promise<string> {
    const result = await readSecretFile(file, { testMode: this.options.testMode });
    if (!result.ok)
      throw new SessionError('PASSWORD_REQUIRED', `repository password (${origin}): ${result.problem}`);
    const password = passwordFromFileContents(result.contents);
    if (!password)
      throw new SessionError('PASSWORD_REQUIRED', `repository password (${origin}): ${file} is empty`);
    return password;
  }
}

/**
 * The password in a password file, read the way restic reads --password-file (textfile.Read, then
 * strings.TrimSpace), so a file written for restic opens the same repository here: a byte-order mark is dropped,
 * UTF-16 is decoded, and white space around the password (the trailing newline of `echo pw > file`) is removed.
 */
export function passwordFromFileContents(contents: Buffer): string {
  let text: string;
  if (contents[0] === 0xef && contents[1] === 0xbb && contents[2] === 0xbf) {
    text = contents.subarray(3).toString('utf8');
  } else if (contents[0] === 0xff && contents[1] === 0xfe) {
    text = contents.subarray(2).toString('utf16le');
  } else if (contents[0] === 0xfe && contents[1] === 0xff) {
    // swap16 needs an even length; a dangling last byte is not a character in either byte order.
    const evenLength = (contents.length - 2) & ~1;
    text = Buffer.from(contents.subarray(2, 2 + evenLength))
      .swap16()
      .toString('utf16le');
  } else {
    text = contents.toString('utf8');
  }
  return trimGoSpace(text);
}

/** Go's unicode.IsSpace set (what strings.TrimSpace removes); JavaScript's trim() differs (U+0085, U+FEFF). */
const goSpace = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const goSpaceAround = new RegExp(`^${goSpace}+|${goSpace}+$`, 'g');

function trimGoSpace(text: string): string {
  return text.replace(goSpaceAround, '');
}
