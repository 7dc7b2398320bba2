/**
 * Restore: a snapshot (or a directory inside it, or some paths of it) into a target directory, with content and
 * metadata, refusing anything that would land outside the target.
 *
 * Order of work (restic's restorer does the same, for the same reasons):
 * 1. A second walk over the trees, running alongside, counts files and bytes, so progress has totals and an ETA.
 * 2. The main walk creates directories (0700 while being filled), fifos and devices, and plans regular files;
 *    ContentWriter creates them and writes their contents in batches (grouped by pack, decoded and written in
 *    worker threads) while the walk plans the next batch; a file gets its metadata as soon as its content is
 *    complete; hardlinks are made after the batch that completed their first name.
 * 3. Symlinks are created only after everything else — so no symlink made by this restore can be on the path of
 *    anything this restore writes.
 * 4. Directory metadata last, deepest first: adding entries changes a directory's mtime, and a read-only mode
 *    would stop us from adding them.
 * Refused entries (PATH_ESCAPE) and damaged data (CORRUPT, NOT_FOUND) fail only the entries concerned: they are
 * listed in the summary, the rest is restored. NO_SPACE, a dead worker and cancellation stop the restore (what was
 * written stays) and throw.
 */

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EngineError, fromNodeError, isEngineError } from '../errors';
import { loadPosixFsAddon, type PosixFsBinding } from '../native/posix-fs-addon';
import { startMemoryTrimmer } from '../parallel/garbage-collector';
import { ProgressMeter } from '../progress/progress-meter';
import type { Repository } from '../repository/repository';
import type { Node } from '../tree/node';
import { decodeTreeFast } from '../tree/tree-fast-decode';
import { ContentWriter } from './content-writer';
import { restoreMetadata } from './node-metadata';
import { createHardlink, createSpecialFile, createSymlink } from './restore-entries';
import { childPath, DirectoryGuard } from './restore-paths';
import { parseSnapshotPath, RestoreSelection } from './restore-selection';
import { countRestoreTotals } from './restore-totals';
import type { RestoreFailure, RestoreOptions, RestoreSummary, RestoreWarning } from './restore-types';
import { SharedTreeReads } from './shared-tree-reads';
import {
  printablePath,
  repositoryTreeLoader,
  resolveSubtree,
  type TreeLoader,
  throwIfCancelled,
  type WalkEntry,
  walkTree,
} from './tree-walker';

export type { RestoreFailure, RestoreOptions, RestoreSummary, RestoreWarning } from './restore-types';

const maxKeptWarnings = 1000;
const specialTypeBits = { fifo: 0o010000, chardev: 0o020000, dev: 0o060000 } as const;

interface RestoredEntry {
  path: Buffer;
  display: string;
  node: Node;
}

/** The first name of a hardlinked inode in this restore, and whether it was restored. */
interface HardlinkSource {
  path: Buffer;
  display: string;
  state: 'pending' | 'restored' | 'failed';
}

/** Restores `options.source` into `options.target`; see the module comment. */
export async function restore(repository: Repository, options: RestoreOptions): Promise<RestoreSummary> {
  const loadTree = repositoryTreeLoader(repository);
  const selection = new RestoreSelection(options.include);
  const subpath = options.subpath ?? '';
  const rootTree = await resolveSubtree(
    loadTree,
    options.source.tree,
    parseSnapshotPath(subpath, 'subpath'),
    subpath,
  );
  const addon = loadPosixFsAddon();
  const target = Buffer.from(path.resolve(options.target));
  try {
    await mkdir(target, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fromNodeError(error, `restore target ${target.toString()}`);
  }
  const restorer = new Restorer(repository, options, addon, target);
  return restorer.run(rootTree, selection);
}

class Restorer {
  private readonly started = performance.now();
  private readonly guard: DirectoryGuard;
  /** Trees read by the totals walk, handed to the restore walk (each tree is read and verified once). */
  private readonly trees: SharedTreeReads;
  private readonly loadTree: TreeLoader;
  private readonly meter: ProgressMeter;
  private readonly content: ContentWriter;
  private readonly ownership: boolean;
  private readonly isRoot = process.geteuid?.() === 0;
  private readonly batchFiles: number;
  private readonly batchBytes: number;
  /** The batch being written, with its hardlinks (see startBatch). */
  private writing: Promise<void> = Promise.resolve();
  private readonly hardlinks = new Map<string, HardlinkSource>();
  private pendingLinks: { entry: RestoredEntry; source: HardlinkSource }[] = [];
  private readonly symlinks: RestoredEntry[] = [];
  /** Directories to finish, deepest first (the walk leaves a directory after its contents). */
  private readonly directories: RestoredEntry[] = [];
  private readonly summary: RestoreSummary = {
    files: 0,
    hardlinks: 0,
    directories: 0,
    symlinks: 0,
    specialFiles: 0,
    bytes: 0,
    failures: [],
    warnings: [],
    warningCount: 0,
    threaded: false,
    workers: 0,
    elapsedSeconds: 0,
  };

  constructor(
    repository: Repository,
    private readonly options: RestoreOptions,
    private readonly addon: PosixFsBinding,
    private readonly target: Buffer,
  ) {
    this.trees = new SharedTreeReads(repository);
    this.loadTree = async (id) => decodeTreeFast(await this.trees.take(id), id);
    this.guard = new DirectoryGuard(target);
    this.meter = new ProgressMeter(options.onProgress);
    this.ownership = options.ownership ?? this.isRoot;
    this.batchFiles = options.batchFiles ?? 2000;
    this.batchBytes = options.batchBytes ?? 256 * 1024 * 1024;
    this.content = new ContentWriter(repository, {
      count: options.workers,
      script: options.workerScript,
      signal: options.signal,
      onBytes: (bytes) => {
        this.summary.bytes += bytes;
        this.meter.addDone(0, bytes);
      },
    });
    this.summary.threaded = this.content.threaded;
    this.summary.workers = this.content.workerCount;
  }

  async run(rootTree: string, selection: RestoreSelection): Promise<RestoreSummary> {
    const stopTrimmer = startMemoryTrimmer();
    try {
      const counting = countRestoreTotals((id) => this.trees.readAndKeep(id), rootTree, selection, {
        signal: this.options.signal,
        onCounted: (entries, bytes) => this.meter.addTotals(entries, bytes),
      }).then(() => this.meter.finishTotals());
      // Observed below (awaited after the walk); this only keeps a failure from counting as unhandled meanwhile.
      counting.catch(() => undefined);
      await this.ensureDirectory(this.target, '.');
      await walkTree(
        this.loadTree,
        rootTree,
        selection,
        {
          visit: (entry) => this.visit(entry),
          leaveDirectory: (entry) => this.leaveDirectory(entry),
          problem: (where, error) => this.fail(where, error),
        },
        { signal: this.options.signal },
      );
      await this.startBatch();
      await this.writing;
      await counting;
      this.createSymlinks();
      this.finishDirectories();
    } finally {
      stopTrimmer();
      await this.content.close();
      this.meter.setCurrent(null);
      this.meter.flush();
    }
    this.summary.elapsedSeconds = (performance.now() - this.started) / 1000;
    return this.summary;
  }

  private async visit(walked: WalkEntry): Promise<boolean> {
    const entry: RestoredEntry = {
      path: childPath(this.target, walked.relativePath),
      display: printablePath(walked.relativePath),
      node: walked.node,
    };
    try {
      await this.ensureParents(entry.path, walked.components);
      switch (entry.node.type) {
        case 'dir':
          await this.ensureDirectory(entry.path, entry.display);
          this.summary.directories++;
          return true;
        case 'file':
          await this.restoreFile(entry);
          break;
        case 'symlink':
          this.symlinks.push(entry);
          break;
        case 'fifo':
        case 'dev':
        case 'chardev':
          await this.restoreSpecialFile(entry, entry.node.type);
          break;
        default:
          // Sockets belong to the process that listened on them; `irregular` nodes (Windows reparse points and
          // the like) have no POSIX equivalent. Neither is restored, as in restic.
          this.warn(entry.display, `a ${entry.node.type} is not restored`);
          this.meter.addDone(1, 0);
      }
    } catch (error) {
      if (!isEngineError(error) || error.code === 'CANCELLED' || error.code === 'NO_SPACE') throw error;
      this.fail(entry.display, error);
      return false;
    }
    return true;
  }

  private async leaveDirectory(walked: WalkEntry): Promise<void> {
    const dir = childPath(this.target, walked.relativePath);
    // Ancestors of included paths are created on demand; only what exists gets metadata.
    if (this.guard.isVerified(dir)) {
      this.directories.push({ path: dir, display: printablePath(walked.relativePath), node: walked.node });
    }
  }

  /**
   * Creates the directories on the way to an entry that are not there yet: ancestors of included paths are not
   * visited themselves. Usually the parent is known already and this costs one lookup.
   */
  private async ensureParents(entryPath: Buffer, components: readonly Buffer[]): Promise<void> {
    const parent = entryPath.subarray(0, Math.max(entryPath.lastIndexOf(0x2f), this.target.length));
    if (this.guard.isVerified(parent)) return;
    let dir = this.target;
    let relative: Buffer = Buffer.alloc(0);
    for (const component of components.slice(0, -1)) {
      dir = childPath(dir, component);
      relative = childPath(relative, component);
      await this.ensureDirectory(dir, printablePath(relative));
    }
  }

  private async ensureDirectory(dir: Buffer, display: string): Promise<void> {
    try {
      await this.guard.ensureDirectory(dir);
    } catch (error) {
      throw isEngineError(error) ? error : fromNodeError(error, display);
    }
  }

  private async restoreFile(entry: RestoredEntry): Promise<void> {
    const { node } = entry;
    if (node.content === null)
      throw new EngineError('CORRUPT', `${entry.display}: file node without content list`);
    // restic records links for files; an inode with more names is restored once and linked for the others.
    const linkKey = node.links > 1n && node.inode !== 0n ? `${node.deviceId}:${node.inode}` : null;
    const source = linkKey === null ? undefined : this.hardlinks.get(linkKey);
    if (source !== undefined) {
      this.pendingLinks.push({ entry, source });
      return;
    }
    const planned = this.content.plan(node.content);
    if (BigInt(planned.length) !== node.size) {
      this.warn(
        entry.display,
        `the content has ${planned.length} bytes, the node says ${node.size}; restored as stored`,
      );
    }
    const hardlink: HardlinkSource = { path: entry.path, display: entry.display, state: 'pending' };
    if (linkKey !== null) this.hardlinks.set(linkKey, hardlink);
    this.meter.setCurrent(entry.display);
    this.content.add(entry.path, entry.display, planned, (problem) => {
      if (problem !== undefined) {
        hardlink.state = 'failed';
        this.fail(entry.display, new EngineError(problem.code, problem.message));
        this.meter.addDone(1, 0);
        return;
      }
      this.restoreMetadataOf(entry);
      hardlink.state = 'restored';
      this.summary.files++;
      this.meter.addDone(1, 0);
    });
    if (this.content.queuedFiles >= this.batchFiles || this.content.queuedBytes >= this.batchBytes) {
      await this.startBatch();
    }
  }

  /**
   * Hands the queued files to the content writer as one batch (each file gets its metadata when complete, the
   * batch's hardlinks after it and the batches before it), and waits for the previous batch: the walk plans the
   * next batch while this one is written, so reading trees and writing files overlap, and at most two batches
   * are in memory.
   */
  private async startBatch(): Promise<void> {
    const links = this.pendingLinks;
    this.pendingLinks = [];
    const previous = this.writing;
    const batch = Promise.all([previous, this.content.flush()]).then(() => this.makeHardlinks(links));
    // Observed through `this.writing` (awaited by the next batch and at the end); this only keeps a failure
    // from counting as unhandled while the walk goes on.
    batch.catch(() => undefined);
    this.writing = batch;
    await previous;
  }

  private makeHardlinks(links: readonly { entry: RestoredEntry; source: HardlinkSource }[]): void {
    for (const { entry, source } of links) {
      if (source.state !== 'restored') {
        this.fail(
          entry.display,
          new EngineError(
            'NOT_FOUND',
            `${entry.display}: not linked, its first name ${source.display} was not restored`,
          ),
        );
        continue;
      }
      try {
        createHardlink(source.path, entry.path, entry.display);
        this.summary.hardlinks++;
      } catch (error) {
        if (!isEngineError(error)) throw error;
        this.fail(entry.display, error);
      }
      this.meter.addDone(1, 0);
    }
  }

  private async restoreSpecialFile(entry: RestoredEntry, type: keyof typeof specialTypeBits): Promise<void> {
    if (type !== 'fifo' && !this.isRoot) {
      this.warn(
        entry.display,
        `a ${type === 'dev' ? 'block' : 'character'} device needs root to be restored; skipped`,
      );
      this.meter.addDone(1, 0);
      return;
    }
    const mode = specialTypeBits[type] | (entry.node.mode & 0o777);
    createSpecialFile(this.addon, entry.path, entry.display, mode, entry.node.device);
    this.restoreMetadataOf(entry);
    this.summary.specialFiles++;
    this.meter.addDone(1, 0);
  }

  private createSymlinks(): void {
    for (const entry of this.symlinks) {
      throwIfCancelled(this.options.signal);
      try {
        createSymlink(entry.node.linkTarget, entry.path, entry.display);
      } catch (error) {
        if (!isEngineError(error)) throw error;
        this.fail(entry.display, error);
        continue;
      }
      this.restoreMetadataOf(entry);
      this.summary.symlinks++;
      this.meter.addDone(1, 0);
    }
  }

  private finishDirectories(): void {
    for (const entry of this.directories) {
      throwIfCancelled(this.options.signal);
      this.restoreMetadataOf(entry);
    }
  }

  private restoreMetadataOf(entry: RestoredEntry): void {
    const warnings = restoreMetadata(entry.path, entry.node, {
      addon: this.addon,
      ownership: this.ownership,
    });
    for (const warning of warnings) this.warn(entry.display, warning);
  }

  private fail(where: string, error: EngineError): void {
    const failure: RestoreFailure = { path: where, code: error.code, message: error.message };
    this.summary.failures.push(failure);
    this.options.onFailure?.(failure);
  }

  private warn(where: string, message: string): void {
    const warning: RestoreWarning = { path: where, message };
    this.summary.warningCount++;
    if (this.summary.warnings.length < maxKeptWarnings) this.summary.warnings.push(warning);
    this.options.onWarning?.(warning);
  }
}
