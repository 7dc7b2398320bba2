/**
 * Creating the entries of a restore: regular files, hardlinks, symlinks, fifos and devices. Every creation is
 * exclusive (O_CREAT|O_EXCL, link, symlink, mknod — none of them follows a symlink at the final component), so
 * nothing is ever written *through* an entry that is already in the target: an existing file, symlink or device
 * of the same name is removed first and the new entry is created in its place. An existing directory is never
 * removed (its contents may be the user's); the entry fails instead.
 *
 * Parent directories must have been vouched for by DirectoryGuard: with them real directories and the final
 * component never followed, nothing lands outside the target.
 *
 * The calls are synchronous on purpose: each is one short syscall, and a restore makes hundreds of thousands of
 * them; going through libuv's thread pool for each (a round trip per call) made restoring many small files
 * latency-bound — twice as slow as restic on /usr/share. Nothing waits long on any single one of them.
 */
import {
  closeSync,
  constants,
  ftruncateSync,
  linkSync,
  lstatSync,
  openSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { EngineError, fromNodeError } from '../errors';
import type { PosixFsBinding } from '../native/posix-fs-addon';

const newFileFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Removes what is at `path` unless it is a directory (then the entry cannot be restored). */
function removeExisting(path: Buffer, display: string): void {
  if (lstatSync(path).isDirectory()) {
    throw new EngineError('IO_ERROR', `${display}: a directory of that name is already in the target`);
  }
  unlinkSync(path);
}

/** Runs `create`; when the name is taken, removes what is there (not a directory) and creates once more. */
function createReplacing<T>(path: Buffer, display: string, create: () => T): T {
  try {
    try {
      return create();
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      removeExisting(path, display);
      return create();
    }
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw fromNodeError(error, display);
  }
}

/**
 * A new regular file of `length` bytes, all of them a hole: blobs are written into it later at their offsets,
 * and blobs of zeros are not written at all, so the file is as sparse as the data allows.
 */
export function createRegularFile(path: Buffer, display: string, length: number): void {
  closeSync(openNewRegularFile(path, display, length));
}

/** As createRegularFile, but returns the open descriptor (write-only) for the caller to write and close. */
export function openNewRegularFile(path: Buffer, display: string, length: number): number {
  const fd = createReplacing(path, display, () => openSync(path, newFileFlags, 0o600));
  try {
    if (length > 0) ftruncateSync(fd, length);
  } catch (error) {
    closeSync(fd);
    throw fromNodeError(error, display);
  }
  return fd;
}

/** A hardlink at `path` to the already restored `existing`. */
export function createHardlink(existing: Buffer, path: Buffer, display: string): void {
  createReplacing(path, display, () => linkSync(existing, path));
}

/** A symlink with the target's raw bytes (the target is never looked at). */
export function createSymlink(target: Buffer, path: Buffer, display: string): void {
  if (target.length === 0 || target.includes(0)) {
    throw new EngineError('CORRUPT', `${display}: the symlink target is empty or contains a NUL byte`);
  }
  createReplacing(path, display, () => symlinkSync(target, path));
}

/** A fifo or a block/character device: `mode` carries the type bits and permissions, `device` the st_rdev. */
export function createSpecialFile(
  addon: PosixFsBinding,
  path: Buffer,
  display: string,
  mode: number,
  device: bigint,
): void {
  createReplacing(path, display, () => addon.mknod(path, mode, device));
}
