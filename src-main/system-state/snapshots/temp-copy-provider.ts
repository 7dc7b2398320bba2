/**
 * The fallback where no snapshot technology exists (as Windows XP used temporary files): the component paths are
 * copied into the snapshot location, and the copy is what the backup reads. Not atomic like a real snapshot, so
 * each file is copied once and whatever could not be read is listed in the handle's warnings. Running out of
 * space removes the partial copy and fails with INSUFFICIENT_SPACE: never a half-written snapshot.
 */
import { constants } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { assertSessionId, fromNodeError, SystemStateError } from '../errors';
import type { Availability, SnapshotHandle, SnapshotProvider, SnapshotRequest } from './snapshot-provider';
import { locationFolderName, snapshotNamePrefix } from './snapshot-provider';

const markerName = '.backup-manager-snapshot.json';
const markerSchema = z.object({
  provider: z.literal('temp-copy'),
  sessionId: z.string(),
  source: z.string(),
  createdAt: z.string(),
  warnings: z.array(z.string()),
});

export class TempCopyProvider implements SnapshotProvider {
  readonly kind = 'temp-copy' as const;

  static folderFor(location: string, sessionId: string): string {
    return path.join(location, locationFolderName, 'snapshots', `${snapshotNamePrefix}${sessionId}`);
  }

  async create(request: SnapshotRequest): Promise<SnapshotHandle> {
    assertSessionId(request.sessionId);
    if (!path.isAbsolute(request.source) || !path.isAbsolute(request.location))
      throw new SystemStateError('INVALID_ARGUMENT', 'source and location must be absolute paths');
    const folder = TempCopyProvider.folderFor(request.location, request.sessionId);
    const handle: SnapshotHandle = {
      provider: 'temp-copy',
      sessionId: request.sessionId,
      id: folder,
      source: request.source,
      location: request.location,
      path: path.join(folder, 'root'),
      createdAt: new Date().toISOString(),
      warnings: [],
    };
    try {
      await rm(folder, { recursive: true, force: true }); // a retry of the same session starts clean
      await mkdir(handle.path, { recursive: true });
      for (const systemPath of request.paths ?? []) {
        await copyEntry(
          path.join(request.source, systemPath),
          path.join(handle.path, systemPath),
          handle.warnings,
          request.signal,
        );
      }
      await writeFile(
        path.join(folder, markerName),
        JSON.stringify({ ...handle, provider: 'temp-copy' }, null, 2),
      );
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      if (error instanceof SystemStateError || request.signal?.aborted) throw error;
      throw fromNodeError(error, `temporary copy into ${folder}`);
    }
    return handle;
  }

  async isAvailable(handle: SnapshotHandle): Promise<Availability> {
    try {
      const marker = markerSchema.parse(JSON.parse(await readFile(path.join(handle.id, markerName), 'utf8')));
      if (marker.sessionId !== handle.sessionId)
        return { available: false, evidence: [`${handle.id} belongs to session ${marker.sessionId}`] };
      await lstat(handle.path);
      return { available: true, evidence: [`temporary copy present at ${handle.path}`] };
    } catch (error) {
      return {
        available: false,
        evidence: [
          `temporary copy ${handle.id} is gone or damaged (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        ],
      };
    }
  }

  async delete(handle: SnapshotHandle): Promise<void> {
    // A folder that does not exist is already deleted (force: true), so deleting twice succeeds.
    await rm(handle.id, { recursive: true, force: true }).catch((error: unknown) => {
      throw fromNodeError(error, `deleting temporary copy ${handle.id}`);
    });
  }

  async list(location: string): Promise<SnapshotHandle[]> {
    const base = path.join(location, locationFolderName, 'snapshots');
    let names: string[];
    try {
      names = await readdir(base);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromNodeError(error, `listing ${base}`);
    }
    const handles: SnapshotHandle[] = [];
    for (const name of names.filter((n) => n.startsWith(snapshotNamePrefix))) {
      const folder = path.join(base, name);
      const sessionId = name.slice(snapshotNamePrefix.length);
      // A copy interrupted by a crash has no marker yet: it is still ours (by its name) and must be swept.
      const marker = await readFile(path.join(folder, markerName), 'utf8').then(
        (text) => markerSchema.safeParse(JSON.parse(text)),
        () => null,
      );
      handles.push({
        provider: 'temp-copy',
        sessionId,
        id: folder,
        source: marker?.success ? marker.data.source : '',
        location,
        path: path.join(folder, 'root'),
        createdAt: marker?.success ? marker.data.createdAt : '',
        warnings: marker?.success ? marker.data.warnings : ['interrupted copy (no marker)'],
      });
    }
    return handles;
  }
}

/** Copies a file tree keeping modes, times and symlinks; unreadable entries become warnings, not silence. */
async function copyEntry(from: string, to: string, warnings: string[], signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(from);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // a component path that does not exist on this machine
    warnings.push(`${from}: not copied (${code})`);
    return;
  }
  await mkdir(path.dirname(to), { recursive: true });
  if (info.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    return;
  }
  if (info.isDirectory()) {
    await mkdir(to, { recursive: true, mode: info.mode & 0o7777 });
    let names: string[];
    try {
      names = await readdir(from);
    } catch (error) {
      warnings.push(`${from}: folder not readable (${(error as NodeJS.ErrnoException).code})`);
      return;
    }
    for (const name of names) await copyEntry(path.join(from, name), path.join(to, name), warnings, signal);
    await utimes(to, info.atime, info.mtime);
    return;
  }
  if (!info.isFile()) {
    warnings.push(`${from}: skipped (socket, FIFO or device node)`);
    return;
  }
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
    await utimes(to, info.atime, info.mtime);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw error; // no space: the whole snapshot fails
    // Deleted between listing its folder and copying it (a tool rewriting its file, as LVM does in /etc/lvm):
    // it no longer exists, so the copy is complete without it — the same as a path that was never there.
    if (code === 'ENOENT') return;
    if (code === 'EACCES' || code === 'EPERM') {
      warnings.push(`${from}: not copied (${code})`);
      return;
    }
    throw error;
  }
}
