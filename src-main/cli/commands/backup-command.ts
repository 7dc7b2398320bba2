/** `backup-manager backup PATH...`: a snapshot of the given paths. */
import { type BackupSummary, backup } from '../../engine/archiver/archiver';
import { acquireLock } from '../../engine/lock/repository-lock';
import { optionValue } from '../cli-args';
import { type CliCommand, CliError } from '../cli-command';
import { formatDuration, formatSize, progressLine } from './cli-format';
import { openRepository, repositoryOptions } from './repository-access';

/** Exit code when a snapshot was written but some files could not be read (as restic). */
export const exitIncomplete = 3;

export const backupCommand: CliCommand = {
  path: ['backup'],
  summary: 'Back up files and directories into a new snapshot',
  usage: `Usage: backup-manager backup --repo PATH [options] PATH...

Options:
  --exclude PATTERN   leave out matching entries (repeatable; * ? ** [..], / anchors at the root)
  --tag TAG           tag the snapshot (repeatable)
  --host NAME         hostname recorded in the snapshot (default: this machine's)
  --parent ID         compare with this snapshot (default: the latest of this host with the same paths)
  --force             read every file again (no parent)
  --workers N         worker threads (default: one per CPU)
  --quiet             no progress line
  --json              JSON lines: progress, warnings, and a summary
Exit codes: 0 done, 3 snapshot written but some entries could not be read (listed as warnings), 1 failed.`,
  options: {
    ...repositoryOptions,
    exclude: { value: true, repeat: true },
    tag: { value: true, repeat: true },
    host: { value: true },
    parent: { value: true },
    force: {},
    workers: { value: true },
    quiet: { short: 'q' },
  },
  async run(args, { out, env, signal }) {
    if (args.positionals.length === 0)
      throw new CliError('USAGE', 'nothing to back up: give at least one path', 2);
    const workers = optionValue(args, 'workers');
    if (workers !== undefined && !/^\d+$/.test(workers))
      throw new CliError('USAGE', '--workers needs a number', 2);
    const quiet = args.flags.has('quiet');
    let warnings = 0;
    // Not awaited here: backup() counts the files while the key is derived, and loads the index while the lock is
    // taken (non-exclusive, as restic's backup; the protocol waits 200 ms for racing writers).
    const opening = openRepository(args, env);
    const locking = opening.then(async (repository) => ({
      repository,
      lock: await acquireLock(repository, { exclusive: false, signal, onWarning: (m) => out.warn(m) }),
    }));
    let summary: BackupSummary;
    try {
      summary = await backup(opening, {
        ready: locking,
        paths: args.positionals,
        excludes: args.options.get('exclude') ?? [],
        tags: args.options.get('tag') ?? [],
        hostname: optionValue(args, 'host'),
        parent: args.flags.has('force') ? null : optionValue(args, 'parent'),
        workers: workers === undefined ? undefined : Number(workers),
        signal,
        onProgress: quiet && !out.json ? undefined : (p) => out.progress({ ...p }, () => progressLine(p)),
        onWarning: (w) => {
          warnings++;
          out.warn(`${w.path}: ${w.message}`);
        },
      });
    } finally {
      // backup() may fail before it awaits the repository (cancelled at once): the lock is taken meanwhile, so wait for
      // it to release it. A failure to open or lock is backup()'s error, already on its way to the user.
      const held = await locking.catch(() => undefined);
      // A lock left behind only delays exclusive operations until it turns stale: a warning, not a failure.
      await held?.lock.release().catch((error: unknown) => out.warn((error as Error).message));
    }
    out.endProgress();
    out.result(
      {
        type: 'summary',
        snapshot_id: summary.snapshotId,
        files_new: summary.filesNew,
        files_changed: summary.filesChanged,
        files_unmodified: summary.filesUnmodified,
        dirs: summary.dirs,
        bytes_processed: summary.bytesProcessed,
        bytes_added: summary.bytesAdded,
        blobs_added: summary.blobsAdded,
        warnings: summary.warnings,
        entries_left_out: summary.entriesLeftOut,
        xattrs_unavailable: summary.xattrsUnavailable,
        seconds: summary.seconds,
      },
      () =>
        [
          `Files: ${summary.filesNew} new, ${summary.filesChanged} changed, ${summary.filesUnmodified} unmodified; ${summary.dirs} directories`,
          `Added to the repository: ${formatSize(summary.bytesAdded)} (${summary.blobsAdded} blobs); processed ${formatSize(summary.bytesProcessed)} in ${formatDuration(summary.seconds)}`,
          `snapshot ${summary.snapshotId.slice(0, 8)} saved${warnings > 0 ? ` (${warnings} warnings above)` : ''}`,
        ].join('\n'),
    );
    return summary.entriesLeftOut > 0 || summary.xattrsUnavailable !== null ? exitIncomplete : 0;
  },
};
