/**
 * `check`: verifies a repository's integrity as `restic check [--read-data | --read-data-subset]` does, and says
 * which snapshots and paths any damage affects.
 *
 *   1. index files: each loads, decrypts and decodes (index-check.ts)
 *   2. packs: every indexed pack exists with the size its entries imply, entries tile it, its header matches the
 *      index; unindexed packs are warnings (pack-files-check.ts)
 *   3. snapshots and trees: all load; every referenced blob is indexed; nodes follow restic's rules (tree-check.ts)
 *   4. with read-data: the selected packs are read once each and verified blob by blob in worker threads
 *      (pack-data-check.ts), alongside steps 2 and 3
 *   5. when anything is damaged: the snapshots and paths affected (affected-paths.ts)
 *
 * Damage found is reported in the result, never thrown: the check fails (CORRUPT) by returning errors. What is
 * thrown is what stops the check itself — CANCELLED, a dead worker, storage that cannot be listed.
 *
 * One difference from restic 0.14, on purpose: the structure check also reads each pack's header (restic reads
 * headers only with --read-data), so a pack whose header disagrees with the index is found without reading all
 * data. On every damage restic's structure check finds, the verdicts agree.
 *
 * The check loads the index itself, into its own MasterIndex (`repository.index` is left alone).
 */
import type { Id } from '../ids';
import { startMemoryTrimmer } from '../parallel/garbage-collector';
import type { Repository } from '../repository/repository';
import { AffectedPathFinder } from './affected-paths';
import { CheckProgressReporter } from './check-progress';
import type { CheckOptions, CheckResult } from './check-types';
import { throwIfCancelled } from './concurrency';
import { DamageLedger } from './damage-ledger';
import { selectPacks } from './data-subset';
import { listIndexFiles, loadIndexFiles } from './index-check';
import { PackDataChecker, type PackDataResult } from './pack-data-check';
import { checkPackFiles, type PackFilesContext } from './pack-files-check';
import { ProblemLog } from './problem-log';
import { checkSnapshots, checkTrees, type LoadedSnapshot } from './tree-check';
import { checkTreeLoader, type TreeLoader } from './tree-loader';

export type {
  AffectedSnapshot,
  CheckOptions,
  CheckPhase,
  CheckProblem,
  CheckProblemKind,
  CheckProgress,
  CheckResult,
  DataSubset,
} from './check-types';

export async function checkRepository(
  repository: Repository,
  options: CheckOptions = {},
): Promise<CheckResult> {
  const { signal } = options;
  const log = new ProblemLog();
  const ledger = new DamageLedger();
  const progress = new CheckProgressReporter(options.onProgress);
  options.ready?.catch(() => undefined); // awaited after the index has loaded; not unhandled before
  throwIfCancelled(signal);
  const stopTrimmer = startMemoryTrimmer();
  // Started first so the worker threads boot while the index loads.
  const dataChecker = options.readData
    ? new PackDataChecker({
        repository,
        log,
        ledger,
        signal,
        workers: { count: options.count, script: options.script },
        readWindowBytes: options.readWindowBytes,
      })
    : null;
  try {
    return await runCheck(repository, options, { log, ledger, progress, dataChecker });
  } finally {
    stopTrimmer();
    await dataChecker?.close();
  }
}

async function runCheck(
  repository: Repository,
  options: CheckOptions,
  { log, ledger, progress, dataChecker }: CheckState,
): Promise<CheckResult> {
  const { signal } = options;
  progress.phase('index');
  let loaded = await loadIndexFiles(repository, signal);
  if (options.ready !== undefined) {
    await options.ready;
    // Loaded before the repository could be relied on: if an index file came or went meanwhile (a prune that
    // finished just before our lock), load them again.
    const now = await listIndexFiles(repository);
    if (now.join() !== loaded.files.join()) loaded = await loadIndexFiles(repository, signal);
  }
  throwIfCancelled(signal);
  const { index, packs: indexedPacks } = loaded;
  for (const error of loaded.errors) log.error(error);
  for (const warning of loaded.warnings) log.warning(warning);

  const files = new Map<Id, number>();
  for await (const file of repository.backend.list('data')) files.set(file.name, file.size);
  const toRead = options.readData ? selectPacks(indexedPacks, options.readData) : new Set<Id>();
  const reading = dataChecker !== null && toRead.size > 0;

  // With read-data, the workers start on the packs right away and the structure check runs alongside on this
  // thread: it is mostly waiting for small reads, and the workers would otherwise idle through it.
  let data: Promise<PackDataResult> = Promise.resolve({ packsRead: 0, blobsChecked: 0, threaded: false });
  if (reading) {
    let bytesTotal = 0;
    for (const id of toRead) bytesTotal += files.get(id) ?? 0;
    progress.phase('read-data', toRead.size, bytesTotal);
    data = dataChecker.run(index, files, toRead, (bytes) => progress.packDone(bytes));
  } else {
    progress.phase('structure', indexedPacks.length);
  }
  const loadTree = checkTreeLoader(repository, index, files);
  let structure: { snapshots: LoadedSnapshot[]; treesChecked: number };
  try {
    structure = await checkStructure({
      repository,
      index,
      files,
      toRead,
      log,
      ledger,
      signal,
      loadTree,
      onPackDone: () => {
        if (!reading) progress.packDone();
      },
      onTreeDone: (count) => progress.treesChecked(count),
    });
  } catch (error) {
    // The data check stops on its own once cancelled; a structure failure must not leave it running unseen.
    await data.catch(() => undefined);
    throw error;
  }
  const { packsRead, blobsChecked, threaded } = await data;
  throwIfCancelled(signal);

  let affected: CheckResult['affected'] = [];
  if (!ledger.empty) {
    progress.phase('affected');
    ledger.resolve(index);
    affected = await new AffectedPathFinder(loadTree, ledger, signal).find(structure.snapshots);
  }
  progress.flush();

  return {
    errors: log.errors,
    warnings: log.warnings,
    omittedErrors: log.omittedErrors,
    omittedWarnings: log.omittedWarnings,
    affected,
    packsChecked: indexedPacks.length,
    packsRead,
    blobsChecked: structure.treesChecked + blobsChecked,
    snapshotsChecked: structure.snapshots.length,
    treesChecked: structure.treesChecked,
    threaded,
  };
}

interface CheckState {
  log: ProblemLog;
  ledger: DamageLedger;
  progress: CheckProgressReporter;
  dataChecker: PackDataChecker | null;
}

interface StructureContext extends PackFilesContext {
  loadTree: TreeLoader;
  onTreeDone: (count: number) => void;
}

/** Packs against the index, then snapshots and their trees. */
async function checkStructure(
  context: StructureContext,
): Promise<{ snapshots: LoadedSnapshot[]; treesChecked: number }> {
  await checkPackFiles(context);
  throwIfCancelled(context.signal);
  const snapshots = await checkSnapshots(context);
  const treesChecked = await checkTrees(context, snapshots);
  return { snapshots, treesChecked };
}
