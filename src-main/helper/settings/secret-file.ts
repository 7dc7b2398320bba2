/**
 * Reads a file that holds a secret (the repository password) only when nobody else could have read or changed it:
 * a regular file, no group or other permission bits, owned by root (or, in test mode, by the helper's own user).
 * The helper runs as root and the path comes from settings an unprivileged client may set, so every check is made
 * on the opened file descriptor (fstat), not on the path, and nothing but a regular file is ever opened.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';

/** A password is a line of text; anything bigger is not a password file (and is not read into memory). */
const maxSecretFileBytes = 64 * 1024;

export type SecretFileResult = { ok: true; contents: Buffer } | { ok: false; problem: string };

export interface SecretFileOptions {
  /** The helper runs as an ordinary user (development, tests): that user may own the file too. */
  testMode: boolean;
}

export async function readSecretFile(file: string, options: SecretFileOptions): Promise<SecretFileResult> {
  // Stat the path first so a FIFO or a device is never opened (opening either can block or have side effects).
  let before: Stats;
  try {
    before = await stat(file);
  } catch (error) {
    return { ok: false, problem: describeOpenError(file, error) };
  }
  if (!before.isFile()) return { ok: false, problem: `${file} is not a regular file` };

  let handle: FileHandle;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it must not hang the helper.
    handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    return { ok: false, problem: describeOpenError(file, error) };
  }
  try {
    const opened = await handle.stat();
    const problem = problemOf(file, opened, options);
    if (problem) return { ok: false, problem };
    return { ok: true, contents: await handle.readFile() };
  } finally {
    await handle.close();
  }
}

/** What is wrong with the opened file, or null when it is safe to read a secret from it. */
function problemOf(file: string, info: Stats, options: SecretFileOptions): string | null {
  if (!info.isFile()) return `${file} is not a regular file`;
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    return `${file} has mode ${mode}: other users may read or change it; run: chmod 600 ${file}`;
  }
  const owners = allowedOwners(options);
  if (!owners.includes(info.uid)) {
    const expected = owners.length > 1 ? `root or uid ${owners[1]}` : 'root';
    return `${file} is owned by uid ${info.uid}, not ${expected}; run: chown root:root ${file}`;
  }
  if (info.size > maxSecretFileBytes) return `${file} is too large for a password file (${info.size} bytes)`;
  return null;
}

function allowedOwners(options: SecretFileOptions): number[] {
  const self = process.getuid?.();
  return options.testMode && self !== undefined && self !== 0 ? [0, self] : [0];
}

function describeOpenError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return `${file} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return `${file} cannot be read (permission denied)`;
  const reason = error instanceof Error ? error.message : String(error);
  return `${file} cannot be read: ${reason}`;
}
