/**
 * Path arithmetic of a session: the set of paths a snapshot records, and where each is read from when a snapshot
 * (or the staging folder) stands in for the live system.
 */
import path from 'node:path';
import type { SnapshotHandle } from '../../system-state/snapshots/snapshot-provider';

/**
 * Where the System state exports and the machine manifest are recorded in the snapshot, whatever the session's
 * staging folder was: a stable path, so the restore wizard finds the manifest at
 * `/.backup-manager/system-state/machine-manifest.json` and the next session finds its parent.
 */
export const systemStateExportPath = '/.backup-manager/system-state';

/**
 * Absolute, deduplicated, sorted, and without paths inside another one (`/etc/fstab` goes with `/etc`): the
 * temporary copy would otherwise copy a file twice, and the engine records each tree once anyway.
 */
export function normalizePaths(paths: readonly string[]): string[] {
  const absolute = [...new Set(paths.map((p) => path.resolve(p)))].sort();
  return absolute.filter(
    (candidate) => !absolute.some((other) => other !== candidate && isInside(candidate, other)),
  );
}

export function isInside(child: string, parent: string): boolean {
  return parent === '/' ? child !== '/' : child.startsWith(`${parent}/`);
}

/**
 * Where the live path `livePath` is inside the snapshot: the snapshot mirrors `handle.source` at `handle.path`
 * (the temporary copy mirrors `/`; btrfs and LVM mirror their mount point; VSS mirrors its volume).
 */
export function pathInSnapshot(handle: SnapshotHandle, livePath: string): string {
  const flavour = handle.provider === 'vss' ? path.win32 : path.posix;
  return flavour.join(handle.path, flavour.relative(handle.source, livePath));
}

export interface SourceMapping {
  path: string;
  readFrom: string;
}

/** Rewrites an engine path (read inside the snapshot or staging folder) back to the path the snapshot records. */
export function toRecordedPath(mappings: readonly SourceMapping[], enginePath: string): string {
  for (const mapping of mappings) {
    if (enginePath === mapping.readFrom) return mapping.path;
    if (enginePath.startsWith(`${mapping.readFrom}/`))
      return `${mapping.path}${enginePath.slice(mapping.readFrom.length)}`;
  }
  return enginePath;
}
