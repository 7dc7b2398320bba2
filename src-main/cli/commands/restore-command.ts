/**
 * `backup-manager restore SNAPSHOT[:SUBPATH] --target DIR`: a snapshot, or the contents of a directory inside it,
 * into a target directory. Entries that cannot be restored (refused names, damaged data) are listed and make the
 * exit code 1, with a last line naming the error code; everything else is restored.
 */
import { acquireLock } from '../../engine/lock/repository-lock';
import type { ProgressSnapshot } from '../../engine/progress/progress-meter';
import { resolveSnapshot } from '../../engine/repository/snapshot-ref';
import { parseSnapshotPath } from '../../engine/restore/restore-selection';
import { verifyRestore } from '../../engine/restore/restore-verifier';
import { type RestoreFailure, restore } from '../../engine/restore/restorer';
import { optionValue } from '../cli-args';
import { type CliCommand, CliError } from '../cli-command';
import { formatDuration, formatSize, progressLine } from './cli-format';
import { openRepository, repositoryOptions } from './repository-access';

/** `ID[:PATH]`: snapshot IDs are hex or `latest`, so the first colon ends the snapshot reference. */
export function parseRestoreSource(argument: string): { snapshot: string; subpath: string } {
  const colon = argument.indexOf(':');
  return colon < 0
    ? { snapshot: argument, subpath: '' }
    : { snapshot: argument.slice(0, colon), subpath: argument.slice(colon + 1) };
}

/** The code the whole run fails with: a refused escape matters most, then the first failure's code. */
function overallCode(failures: readonly RestoreFailure[]): string {
  return failures.some((f) => f.code === 'PATH_ESCAPE') ? 'PATH_ESCAPE' : (failures[0]?.code ?? 'IO_ERROR');
}

function countsByCode(failures: readonly RestoreFailure[]): string {
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure.code, (counts.get(failure.code) ?? 0) + 1);
  return [...counts].map(([code, count]) => `${count} ${code}`).join(', ');
}

function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export const restoreCommand: CliCommand = {
  path: ['restore'],
  summary: 'Restore a snapshot (or a directory inside it) into a target directory',
  usage: `Usage: backup-manager restore --repo PATH SNAPSHOT[:SUBPATH] --target DIR [options]

SNAPSHOT is a snapshot ID, a unique prefix of one, or "latest". With :SUBPATH (a directory inside the snapshot,
e.g. latest:/etc/ssh) the contents of that directory land directly in DIR.

Options:
  --target DIR          where to restore (created when missing); nothing is written outside it
  --include-path PATH   restore only PATH (relative to what is restored; repeatable), keeping its place under DIR
  --verify              afterwards, re-read every restored file and compare it with the snapshot
  --workers N           worker threads decoding and writing (default: one per CPU; 0 = none)
  --quiet               no progress line
  --json                JSON lines: progress, failures, warnings, and a summary
Owners are restored (by uid/gid) when running as root; devices need root.
Exit codes: 0 all restored, 1 something was not restored or did not verify (listed), 2 usage.`,
  options: {
    ...repositoryOptions,
    target: { value: true, short: 't' },
    'include-path': { value: true, repeat: true },
    verify: {},
    workers: { value: true },
    quiet: { short: 'q' },
  },
  async run(args, { out, env, signal }) {
    const [sourceArgument, ...extra] = args.positionals;
    if (sourceArgument === undefined || extra.length > 0) {
      throw new CliError('USAGE', 'give exactly one SNAPSHOT[:SUBPATH] (e.g. latest or latest:/etc)', 2);
    }
    const target = optionValue(args, 'target');
    if (target === undefined || target === '') throw new CliError('USAGE', 'no target: give --target DIR', 2);
    const workers = optionValue(args, 'workers');
    if (workers !== undefined && !/^\d+$/.test(workers))
      throw new CliError('USAGE', '--workers needs a number', 2);
    const { snapshot: reference, subpath } = parseRestoreSource(sourceArgument);
    const include = args.options.get('include-path') ?? [];
    // Refuse a climbing subpath or include path before opening anything (the restorer checks them again).
    parseSnapshotPath(subpath, 'subpath');
    for (const path of include) parseSnapshotPath(path, 'include path');

    const repository = await openRepository(args, env);
    // Non-exclusive, as restic's restore: other backups and restores may run, prune/forget/check may not.
    const lock = await acquireLock(repository, {
      exclusive: false,
      signal,
      onWarning: (message) => out.warn(message),
    });
    try {
      await repository.loadIndex();
      const { id, snapshot } = await resolveSnapshot(repository, reference);
      const from = subpath === '' ? '' : ` (directory ${subpath})`;
      const host = snapshot.hostname === undefined ? '' : ` on ${snapshot.hostname}`;
      out.line(
        `restoring snapshot ${id.slice(0, 8)}${from} of ${snapshot.paths.join(', ')}${host} at ${snapshot.time} to ${target}`,
      );
      const quiet = args.flags.has('quiet');
      const failures: RestoreFailure[] = [];
      const summary = await restore(repository, {
        source: snapshot,
        target,
        subpath,
        include,
        signal,
        workers: workers === undefined ? undefined : Number(workers),
        onProgress:
          quiet && !out.json
            ? undefined
            : (p: ProgressSnapshot) =>
                out.progress(
                  { ...p },
                  () => `${progressLine(p)}${p.currentItem ? `  ${p.currentItem}` : ''}`,
                ),
        onWarning: (w) => out.warn(`${w.path}: ${w.message}`),
        onFailure: (f) => {
          failures.push(f);
          // In JSON mode each failure is a line of its own as it happens (typed like progress lines).
          if (out.json) out.progress({ type: 'failure', ...f }, () => '');
          else out.line(`failed: ${f.path}: ${f.code}: ${f.message}`);
        },
      });
      out.endProgress();

      let mismatches: RestoreFailure[] = [];
      if (args.flags.has('verify')) {
        const verified = await verifyRestore(repository, {
          source: snapshot,
          target,
          subpath,
          include,
          signal,
        });
        // Entries that failed to restore are already listed; only new differences are news.
        const failed = new Set(failures.map((f) => f.path));
        mismatches = verified.mismatches.filter((m) => !failed.has(m.path));
        for (const m of mismatches) {
          if (out.json) out.progress({ type: 'verify_mismatch', ...m }, () => '');
          else out.line(`differs: ${m.path}: ${m.code}: ${m.message}`);
        }
        out.line(
          `verified ${counted(verified.entries, 'entry', 'entries')}, ${formatSize(verified.bytes)} re-read: ` +
            (mismatches.length === 0 ? 'all match the snapshot' : `${mismatches.length} differ`),
        );
      }

      out.result(
        {
          type: 'summary',
          snapshot_id: id,
          target,
          subpath,
          files: summary.files,
          hardlinks: summary.hardlinks,
          directories: summary.directories,
          symlinks: summary.symlinks,
          special_files: summary.specialFiles,
          bytes: summary.bytes,
          failures: summary.failures,
          warnings: summary.warningCount,
          verify_mismatches: args.flags.has('verify') ? mismatches : undefined,
          threaded: summary.threaded,
          workers: summary.workers,
          seconds: summary.elapsedSeconds,
        },
        () =>
          `Restored ${counted(summary.files, 'file')}, ${counted(summary.directories, 'directory', 'directories')}, ` +
          `${counted(summary.symlinks, 'symlink')}, ${counted(summary.hardlinks, 'hardlink')}, ` +
          `${counted(summary.specialFiles, 'special file')} (${formatSize(summary.bytes)}) in ` +
          `${formatDuration(summary.elapsedSeconds)}` +
          (summary.warningCount > 0 ? `; ${counted(summary.warningCount, 'warning')} above` : ''),
      );
      if (summary.failures.length > 0) {
        throw new CliError(
          overallCode(summary.failures),
          `${summary.failures.length} ${summary.failures.length === 1 ? 'entry was' : 'entries were'} not restored ` +
            `(${countsByCode(summary.failures)}; listed above)`,
        );
      }
      if (mismatches.length > 0) {
        throw new CliError(
          'CORRUPT',
          `${counted(mismatches.length, 'restored entry', 'restored entries')} differ from the snapshot (listed above)`,
        );
      }
      return 0;
    } finally {
      // A lock left behind only delays exclusive operations until it turns stale: a warning, not a failure.
      await lock.release().catch((error: unknown) => out.warn((error as Error).message));
    }
  },
};
