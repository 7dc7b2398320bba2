/**
 * `backup-manager check [--read-data | --read-data-subset n/t|x%]`: verifies a repository as `restic check` does,
 * and says which snapshots and paths any damage affects. Exit 0 when no errors were found, 1 when some were (the
 * JSON summary then carries code CORRUPT), as restic.
 */
import {
  type CheckProblem,
  type CheckProgress,
  type CheckResult,
  checkRepository,
  type DataSubset,
} from '../../engine/check/checker';
import { parseDataSubset } from '../../engine/check/data-subset';
import { isEngineError } from '../../engine/errors';
import { shortId } from '../../engine/ids';
import { acquireLock } from '../../engine/lock/repository-lock';
import { optionValue, type ParsedArgs } from '../cli-args';
import { type CliCommand, CliError } from '../cli-command';
import { formatDuration, formatSize } from './cli-format';
import { openRepository, repositoryOptions } from './repository-access';

/** Exit code when the repository has errors (restic exits 1 too). */
export const exitErrorsFound = 1;

function dataSubsetOf(args: ParsedArgs): DataSubset | undefined {
  const subset = optionValue(args, 'read-data-subset');
  if (args.flags.has('read-data')) {
    if (subset !== undefined) {
      throw new CliError('USAGE', '--read-data and --read-data-subset cannot be used together', 2);
    }
    return { kind: 'all' };
  }
  if (subset === undefined) return undefined;
  try {
    return parseDataSubset(subset);
  } catch (error) {
    if (isEngineError(error, 'INVALID_ARGUMENT')) throw new CliError('USAGE', error.message, 2);
    throw error;
  }
}

function problemJson(problem: CheckProblem): Record<string, unknown> {
  return { ...problem };
}

function counted(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function humanSummary(result: CheckResult, seconds: number): string {
  const lines: string[] = [];
  const read = result.packsRead > 0 ? `, ${result.packsRead} read` : '';
  lines.push(
    `checked ${counted(result.snapshotsChecked, 'snapshot')}, ${counted(result.treesChecked, 'tree')}, ` +
      `${counted(result.packsChecked, 'pack')}${read}; ${counted(result.blobsChecked, 'blob')} verified ` +
      `in ${formatDuration(seconds)}`,
  );
  const listed = (problems: CheckProblem[], omitted: number, title: string) => {
    if (problems.length === 0 && omitted === 0) return;
    lines.push(`${title}:`);
    for (const problem of problems) lines.push(`  ${problem.message}`);
    if (omitted > 0) lines.push(`  … and ${omitted} more`);
  };
  listed(result.warnings, result.omittedWarnings, 'warnings (non-critical)');
  listed(result.errors, result.omittedErrors, 'errors');
  if (result.affected.length > 0) {
    lines.push(`damaged or missing data affects ${counted(result.affected.length, 'snapshot')}:`);
    for (const snapshot of result.affected) {
      const time = snapshot.time.slice(0, 19).replace('T', ' ');
      lines.push(
        `  snapshot ${shortId(snapshot.snapshot)} of ${time}: ${counted(snapshot.pathCount, 'path')}`,
      );
      for (const path of snapshot.paths) lines.push(`    ${path}`);
      if (snapshot.pathCount > snapshot.paths.length) {
        lines.push(`    … and ${snapshot.pathCount - snapshot.paths.length} more`);
      }
    }
  }
  const errorCount = result.errors.length + result.omittedErrors;
  lines.push(
    errorCount === 0 ? 'no errors were found' : `the repository contains ${counted(errorCount, 'error')}`,
  );
  return lines.join('\n');
}

/** `[0:12] read-data  12/55 packs  230.0 MiB/1.2 GiB  3111 trees` */
function progressText(p: CheckProgress): string {
  const parts = [`[${formatDuration(p.elapsedSeconds)}]`, p.phase];
  if (p.packsTotal > 0) parts.push(`${p.packsDone}/${p.packsTotal} packs`);
  if (p.bytesTotal > 0) parts.push(`${formatSize(p.bytesDone)}/${formatSize(p.bytesTotal)}`);
  if (p.treesChecked > 0) parts.push(`${p.treesChecked} trees`);
  return parts.join('  ');
}

export const checkCommand: CliCommand = {
  path: ['check'],
  summary: 'Check the repository for errors (with --read-data: read and verify all data)',
  usage: `Usage: backup-manager check --repo PATH [--read-data | --read-data-subset n/t|x%] [options]

Without options, checks the structure: index files, that every indexed pack exists with the right size and header,
and that every snapshot's trees load and reference only indexed blobs. --read-data also reads every pack and
verifies its hash and every blob in it; --read-data-subset reads part of them: n/t the n-th of t groups (by pack
ID, so 1/t … t/t together read everything once), x% a random x percent.

Options:
  --read-data               read and verify all data
  --read-data-subset SUBSET read and verify a subset of the packs (n/t or x%)
  --workers N               worker threads verifying data (default: one per CPU; 0 = none)
  --no-lock                 do not lock the repository (restic takes an exclusive lock for check)
  --quiet                   no progress line
  --json                    JSON lines: progress, and a summary with errors, warnings and affected paths
Exit codes: 0 no errors found, 1 errors found (listed; JSON code CORRUPT) or the check failed, 2 usage.`,
  options: {
    ...repositoryOptions,
    'read-data': {},
    'read-data-subset': { value: true },
    workers: { value: true },
    'no-lock': {},
    quiet: { short: 'q' },
  },
  async run(args, { out, env, signal }) {
    if (args.positionals.length > 0) throw new CliError('USAGE', 'check takes no arguments, only options', 2);
    const readData = dataSubsetOf(args);
    const workers = optionValue(args, 'workers');
    if (workers !== undefined && !/^\d+$/.test(workers)) {
      throw new CliError('USAGE', '--workers needs a number', 2);
    }
    const quiet = args.flags.has('quiet');
    const started = performance.now();
    const repository = await openRepository(args, env);
    // Exclusive, as restic's check. The check loads the index while the lock is being taken (restic waits 200 ms
    // for racing lockers) and relies on nothing it read before the lock is held (see CheckOptions.ready).
    const locking = args.flags.has('no-lock')
      ? undefined
      : acquireLock(repository, { exclusive: true, signal, onWarning: (message) => out.warn(message) });
    locking?.catch(() => undefined); // the check awaits it and fails with its error
    let result: CheckResult;
    try {
      result = await checkRepository(repository, {
        ready: locking,
        readData,
        signal,
        count: workers === undefined ? undefined : Number(workers),
        onProgress: quiet && !out.json ? undefined : (p) => out.progress({ ...p }, () => progressText(p)),
      });
    } finally {
      const lock = await locking?.catch(() => undefined);
      await lock?.release();
      await repository.backend.close();
    }
    out.endProgress();
    const seconds = (performance.now() - started) / 1000;
    const errorCount = result.errors.length + result.omittedErrors;
    out.result(
      {
        type: 'summary',
        ...(errorCount > 0 ? { code: 'CORRUPT' } : {}),
        errors: result.errors.map(problemJson),
        warnings: result.warnings.map(problemJson),
        omitted_errors: result.omittedErrors,
        omitted_warnings: result.omittedWarnings,
        affected: result.affected.map((a) => ({
          snapshot: a.snapshot,
          time: a.time,
          paths: a.paths,
          path_count: a.pathCount,
        })),
        snapshots_checked: result.snapshotsChecked,
        trees_checked: result.treesChecked,
        packs_checked: result.packsChecked,
        packs_read: result.packsRead,
        blobs_checked: result.blobsChecked,
        threaded: result.threaded,
        seconds,
      },
      () => humanSummary(result, seconds),
    );
    return errorCount > 0 ? exitErrorsFound : 0;
  },
};
