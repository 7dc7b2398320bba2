/**
 * The Files-and-folders phases before the backup: the selected paths must exist and be readable; when all of
 * them lie on one btrfs filesystem, that filesystem is snapshotted (read-only, on the same filesystem, which is
 * the only place a btrfs snapshot can live) and the backup reads the point-in-time copy. Elsewhere there is no
 * snapshot technology for arbitrary folders, and the files are read live.
 */
import { lstat } from 'node:fs/promises';
import { isSystemStateError } from '../../system-state/errors';
import { driveOf, listLinuxDrives } from '../../system-state/location/local-drives';
import type { AttemptContext } from './session-context';
import { SessionError } from './session-failure';
import { normalizePaths } from './session-paths';
import { recordSnapshot } from './session-snapshot';
import type { PreflightOutcome } from './system-state-phases';

export async function filesPreflight(context: AttemptContext): Promise<PreflightOutcome> {
  const { log } = context;
  const paths = normalizePaths(context.session.paths);
  if (paths.length === 0) return { kind: 'no-selection', reason: 'no files or folders are selected' };
  for (const selected of paths) {
    try {
      const info = await lstat(selected);
      log.info(`Selected ${selected} (${info.isDirectory() ? 'folder' : info.isFile() ? 'file' : 'other'})`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new SessionError(
        'SOURCE_UNREADABLE',
        code === 'ENOENT'
          ? `the selected path ${selected} does not exist`
          : `the selected path ${selected} cannot be read (${code})`,
        { retryable: false, cause: error },
      );
    }
  }
  context.paths = paths;
  context.snapshotPlan = process.platform === 'linux' ? await btrfsPlan(paths) : null;
  if (context.snapshotPlan === null) log.info('No snapshot technology for these paths: files are read live');
  else
    log.info(
      `All selected paths are on the btrfs filesystem ${context.snapshotPlan.source}: it is snapshotted`,
    );
  return { kind: 'ready' };
}

/** The btrfs filesystem holding every path, or null when they are elsewhere or spread over filesystems. */
async function btrfsPlan(paths: readonly string[]): Promise<AttemptContext['snapshotPlan']> {
  const drives = await listLinuxDrives();
  const mounts = new Set(paths.map((p) => driveOf(drives, p)));
  const [drive] = mounts;
  if (mounts.size !== 1 || drive === undefined || drive.fsType !== 'btrfs' || drive.readOnly) return null;
  return { kind: 'btrfs', source: drive.mountPoint, location: drive.mountPoint };
}

export async function filesSnapshot(context: AttemptContext): Promise<void> {
  const plan = context.snapshotPlan;
  if (plan === null) return;
  const provider = context.deps.providers[plan.kind];
  context.log.info(`Creating the ${plan.kind} snapshot of ${plan.source}`);
  try {
    const handle = await provider.create({
      sessionId: context.session.id,
      source: plan.source,
      location: plan.location,
      paths: context.paths,
    });
    recordSnapshot(context, provider, handle);
  } catch (error) {
    // A mount that is not a subvolume of its own, or no btrfs tools: the files can still be read live. A real
    // snapshot failure (no space, a failing command) is the session's failure.
    if (!isSystemStateError(error, 'SNAPSHOT_UNSUPPORTED') && !isSystemStateError(error, 'TOOL_MISSING'))
      throw error;
    context.snapshotPlan = null;
    context.log.warning(`No snapshot (${error.message}): files are read live`);
  }
}
