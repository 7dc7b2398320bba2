/**
 * Rewrites the filesystem UUIDs in one restored configuration file (fstab, crypttab, bootloader configuration)
 * with the plan's mapping (system-state/restore/uuid-remap.ts applyUuidRemap). The file is replaced whole — a new
 * file with the same owner and mode beside it, synced, renamed over the old one — so a crash leaves the old or
 * the new fstab, never half of one. The restored tree is the backup's: a symlink in it (`etc -> /`) must not make
 * the helper rewrite a file of this machine, so the folder is resolved and must stay inside the target, and the
 * file itself is opened without following a symlink.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { applyUuidRemap } from '../../system-state/restore/uuid-remap';
import { RestoreError } from './restore-error';
import { isInsideOrSame } from './restore-target';

/** Configuration files are small; anything bigger is not one (and is not read into memory). */
const maxConfigBytes = 4 * 1024 * 1024;

/**
 * Applies `mapping` to the restored `livePath` under `targetRoot` (a real path); returns how many UUIDs were
 * replaced (0: the file is left untouched, not even rewritten).
 */
export async function remapConfigFile(
  targetRoot: string,
  livePath: string,
  mapping: ReadonlyMap<string, string>,
): Promise<number> {
  const folder = await realpath(path.join(targetRoot, path.posix.dirname(livePath)));
  if (!isInsideOrSame(folder, targetRoot))
    throw new RestoreError(
      'INVALID_TARGET',
      `${livePath}: its folder resolves to ${folder}, outside the restored system ${targetRoot}; not rewritten`,
    );
  const file = path.join(folder, path.posix.basename(livePath));
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  let text: string;
  let info: Awaited<ReturnType<typeof handle.stat>>;
  try {
    info = await handle.stat();
    if (!info.isFile()) throw new RestoreError('INVALID_TARGET', `${livePath} is not a regular file`);
    if (info.size > maxConfigBytes)
      throw new RestoreError('INVALID_TARGET', `${livePath} is too large for a configuration file`);
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  const remapped = applyUuidRemap(text, mapping);
  if (remapped.replaced === 0) return 0;
  const temporary = path.join(folder, `.${path.basename(file)}.bm-remap-${randomBytes(4).toString('hex')}`);
  try {
    const output = await open(temporary, 'wx', 0o600);
    try {
      await output.writeFile(remapped.text, 'utf8');
      // Owner before mode: chown clears set-id bits. As an ordinary user (tests) the owner is ours already.
      if (process.getuid?.() === 0) await output.chown(info.uid, info.gid);
      await output.chmod(info.mode & 0o7777);
      await output.sync();
    } finally {
      await output.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return remapped.replaced;
}
