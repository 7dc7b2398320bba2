/**
 * One interface for every snapshot technology: create → read through `path` → check it is still available →
 * delete (idempotent). Each snapshot carries its session id (in its name, an LVM tag or a ledger file) so that
 * the orphan sweep — run when the helper starts — finds and deletes what a crashed session left behind.
 */
export type SnapshotProviderKind = 'btrfs' | 'lvm' | 'vss' | 'temp-copy';

export interface SnapshotRequest {
  sessionId: string;
  /**
   * What to snapshot: a mounted directory of the btrfs filesystem (btrfs), a mount point on a logical volume
   * (lvm), a volume such as `C:\` (vss), or the system root whose component paths are copied (temp-copy).
   */
  source: string;
  /** The snapshot location: where the provider may put snapshot data and its bookkeeping. */
  location: string;
  /** Component paths (absolute on the live system); only the temporary copy needs them. */
  paths?: readonly string[];
  /** The System state estimate: VSS sizes the shadow copy storage it places on the location's drive from it. */
  estimateBytes?: number;
  /**
   * Stops a long creation (the temporary copy of a large tree) when the session is cancelled; what was made so far
   * is removed and the signal's reason is thrown. Providers whose creation is one quick command may ignore it.
   */
  signal?: AbortSignal;
}

export interface SnapshotHandle {
  provider: SnapshotProviderKind;
  sessionId: string;
  /** Provider-specific identity: subvolume path, `vg/lv`, shadow copy id, copy folder. */
  id: string;
  source: string;
  /** The snapshot location it was made for (its bookkeeping lives there). */
  location: string;
  /** Where the point-in-time content is read (a directory; for VSS the shadow device path). */
  path: string;
  createdAt: string;
  /** Things the provider could not capture but did not make the snapshot useless (temp copy: unreadable files). */
  warnings: string[];
}

export interface Availability {
  available: boolean;
  evidence: string[];
}

export interface SweepResult {
  deleted: SnapshotHandle[];
  kept: SnapshotHandle[];
  errors: { handle: SnapshotHandle; message: string }[];
}

export interface SnapshotProvider {
  readonly kind: SnapshotProviderKind;
  create(request: SnapshotRequest): Promise<SnapshotHandle>;
  isAvailable(handle: SnapshotHandle): Promise<Availability>;
  /** Deletes the snapshot; deleting one that is already gone succeeds. */
  delete(handle: SnapshotHandle): Promise<void>;
  /** Snapshots this provider made under `location` (or on this machine), whatever their session. */
  list(location: string): Promise<SnapshotHandle[]>;
}

/**
 * Deletes every snapshot of the provider whose session is not active. Errors are collected per snapshot (one
 * stuck snapshot must not keep the others alive) and returned for the helper's log.
 */
export async function sweepOrphans(
  provider: SnapshotProvider,
  location: string,
  isActiveSession: (sessionId: string) => boolean,
): Promise<SweepResult> {
  const result: SweepResult = { deleted: [], kept: [], errors: [] };
  for (const handle of await provider.list(location)) {
    if (isActiveSession(handle.sessionId)) {
      result.kept.push(handle);
      continue;
    }
    try {
      await provider.delete(handle);
      result.deleted.push(handle);
    } catch (error) {
      result.errors.push({ handle, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

/** The folder under a snapshot location that holds everything Backup Manager writes there. */
export const locationFolderName = 'backup-manager';
export const snapshotNamePrefix = 'bm-';
