/**
 * The snapshot location: where snapshot data (temporary copy, VSS shadow storage) and the staging folder go.
 * Default: the system disk. Candidates: local drives with their free space, filesystem type and whether the
 * provider can put its snapshot data there. A choice is validated — exists, local, writable, enough space —
 * and a refusal says why, with a code.
 */
import { access, constants, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { SystemStateError } from '../errors';
import { snapshotDataPlacement } from '../snapshots/choose-provider';
import type { SnapshotProviderKind } from '../snapshots/snapshot-provider';
import type { LocalDrive } from './local-drives';
import { driveOf, isNetworkFs } from './local-drives';

/** Free space needed to accept a location: a snapshot can reach the size of what it captures. See free-space-check. */
export const failRatio = 1.1;
export const warnRatio = 1.5;

export interface LocationCandidate {
  path: string;
  fsType: string;
  device: string;
  totalBytes: number;
  freeBytes: number;
  isSystemDrive: boolean;
  snapshotData: { possible: boolean; reason: string };
}

export interface LocationContext {
  drives: LocalDrive[];
  systemDrive: LocalDrive | undefined;
  provider: SnapshotProviderKind;
  windows: boolean;
}

export function defaultLocation(context: LocationContext): string {
  return context.systemDrive?.mountPoint ?? (context.windows ? 'C:\\' : '/');
}

export function listCandidates(context: LocationContext): LocationCandidate[] {
  return context.drives
    .filter((d) => !d.readOnly)
    .map((d) => ({
      path: d.mountPoint,
      fsType: d.fsType,
      device: d.device,
      totalBytes: d.totalBytes,
      freeBytes: d.freeBytes,
      isSystemDrive: d.mountPoint === context.systemDrive?.mountPoint,
      snapshotData: snapshotDataPlacement(context.provider, d, context.systemDrive),
    }))
    .sort((a, b) => Number(b.isSystemDrive) - Number(a.isSystemDrive) || b.freeBytes - a.freeBytes);
}

export interface ValidatedLocation {
  path: string;
  drive: LocalDrive;
}

/** Throws INVALID_LOCATION or INSUFFICIENT_SPACE with the reason; returns the drive the location is on. */
export async function validateLocation(
  candidate: string,
  context: LocationContext,
  estimateBytes: number,
): Promise<ValidatedLocation> {
  const absolute = context.windows ? path.win32.isAbsolute(candidate) : path.isAbsolute(candidate);
  if (!absolute) throw new SystemStateError('INVALID_LOCATION', `${candidate}: give an absolute path`);
  const resolved = context.windows ? path.win32.resolve(candidate) : path.resolve(candidate);
  const info = await stat(resolved).catch((error: NodeJS.ErrnoException) => {
    throw new SystemStateError('INVALID_LOCATION', `${resolved}: does not exist (${error.code})`, {
      cause: error,
    });
  });
  if (!info.isDirectory()) throw new SystemStateError('INVALID_LOCATION', `${resolved}: not a folder`);
  const drive = driveOf(context.drives, resolved, context.windows);
  if (drive === undefined || isNetworkFs(drive.fsType))
    throw new SystemStateError(
      'INVALID_LOCATION',
      `${resolved}: not on a local drive (snapshots must stay on this machine)`,
    );
  if (drive.readOnly)
    throw new SystemStateError('INVALID_LOCATION', `${resolved}: ${drive.mountPoint} is mounted read-only`);
  try {
    await access(resolved, constants.W_OK);
    const probe = await mkdtemp(path.join(resolved, '.backup-manager-write-test-'));
    await rm(probe, { recursive: true, force: true });
  } catch (error) {
    throw new SystemStateError(
      'INVALID_LOCATION',
      `${resolved}: not writable (${(error as NodeJS.ErrnoException).code})`,
      { cause: error },
    );
  }
  const needed = Math.ceil(estimateBytes * failRatio);
  if (drive.freeBytes < needed)
    throw new SystemStateError(
      'INSUFFICIENT_SPACE',
      `${resolved}: ${drive.freeBytes} bytes free on ${drive.mountPoint}, at least ${needed} needed (1.1 × the ${estimateBytes}-byte estimate)`,
    );
  return { path: resolved, drive };
}
