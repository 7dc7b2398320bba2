/** `backup-manager unlock [--remove-all]`: removes stale locks (as `restic unlock`), or every lock. */
import { shortId } from '../../engine/ids';
import { describeLock } from '../../engine/lock/lock-listing';
import { removeLocks } from '../../engine/lock/lock-removal';
import type { CliCommand } from '../cli-command';
import { openRepository, repositoryOptions } from './repository-access';

export const unlockCommand: CliCommand = {
  path: ['unlock'],
  summary: 'Remove stale locks (or all locks) from a repository',
  usage: `Usage: backup-manager unlock --repo PATH [--remove-all] [--json]

A lock is stale when it was not refreshed for 30 minutes, or when it was taken on this machine by a process that
is no longer running. Stale locks still block exclusive operations (here and in restic) until they are removed.

Options:
  --remove-all   remove every lock, also those of operations that may still be running
  --json         print {"removed": N, "lock_files": [...], "kept": N, "unreadable": N}`,
  options: { ...repositoryOptions, 'remove-all': {} },
  async run(args, { out, env }) {
    const repository = await openRepository(args, env);
    const all = args.flags.has('remove-all');
    const { removed, kept, unreadable } = await removeLocks(repository, { all });
    for (const u of unreadable) {
      out.warn(
        `lock file ${shortId(u.id)} cannot be read and was left in place (${u.reason}); --remove-all removes it`,
      );
    }
    for (const lock of kept) out.line(`kept ${describeLock(lock)}`);
    out.result(
      { removed: removed.length, lock_files: removed, kept: kept.length, unreadable: unreadable.length },
      () => `removed ${removed.length} ${all ? '' : 'stale '}${removed.length === 1 ? 'lock' : 'locks'}`,
    );
    return 0;
  },
};
