/**
 * Replaces a file that only its owner may read (mode 0600) all at once: a crash or a full disk while writing
 * leaves either the old file or the new one, never half of each.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export async function writePrivateFileAtomically(file: string, contents: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // 'wx': never write through a file (or link) someone placed at the temporary name. Mode 0600 is set at
    // creation, so the secret is never readable by others, not even for a moment.
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch((cleanup: unknown) => {
      throw new AggregateError([error, cleanup], `${errorText(error)} (and removing ${temp} failed)`);
    });
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes the rename durable. Windows cannot open a directory for syncing; its rename is durable enough there. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
