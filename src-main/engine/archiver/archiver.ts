/**
 * Backup: walks the given paths, stores what changed since the parent snapshot, and writes a snapshot.
 *
 * - Files go to the chunk workers (file-saver.ts); directories are scanned here, in the main thread, with their
 *   children handled concurrently and a bound on queued files, so memory stays bounded on any tree.
 * - A file unchanged since the parent (type, size, mtime, ctime, inode) keeps its content list unread.
 * - Files that vanish or cannot be read are reported and left out; files that change while read are reported.
 * - Cancellation (AbortSignal) stops the work, still indexes every pack already written (so the next run reuses
 *   them), writes no snapshot, and fails with CANCELLED. A crash at any point leaves at worst unindexed packs.
 * - Write order: packs, then the index naming them, then the snapshot (Repository/BlobSaver enforce it).
 */
import { hostname as osHostname, userInfo } from 'node:os';
import { EngineError, isEngineError } from '../errors';
import type { Id } from '../ids';
import { loadPosixFsAddon } from '../native/posix-fs-addon';
import { startMemoryTrimmer } from '../parallel/garbage-collector';
import { HeapPacer } from '../parallel/heap-pacer';
import { ProgressMeter, type ProgressSnapshot } from '../progress/progress-meter';
import type { Repository } from '../repository/repository';
import { formatRfc3339Nano } from '../repository/rfc3339';
import type { Snapshot } from '../repository/snapshot';
import { adoptUnindexedPacks, listUnindexedPacks } from '../repository/unindexed-packs';
import { AccountNames } from '../tree/fs/account-names';
import {
  eachEntryFromScan,
  readDirectoryScan,
  type ScannedEntry,
  scanDirectoryOneByOne,
} from '../tree/fs/directory-scan';
import { nodeFromPathSync } from '../tree/fs/node-from-path';
import type { XattrReadResult } from '../tree/fs/read-xattrs';
import { readExtendedAttributes } from '../tree/fs/read-xattrs';
import { goQuote } from '../tree/go/quote';
import type { Node } from '../tree/node';
import { sameRecordedNode, sameRecordedNodes } from '../tree/node-equal';
import { localZone } from '../tree/time/local-zone';
import type { TimeZone } from '../tree/time/zone';
import { compareNodeNames, encodeTree } from '../tree/tree-codec';
import {
  buildTargetTrie,
  LogicalPaths,
  normalizeTargets,
  type SourceMapping,
  type TargetTrie,
} from './backup-targets';
import { compileExcludes, type ExcludeMatcher, mapExcludes } from './exclude-patterns';
import { FileSaver } from './file-saver';
import { type ParentDirectory, ParentMatcher, ParentTrees, parentNamed } from './parent-tree';
import { ScanCache } from './scan-cache';
import { scanTotals } from './scanner';

export interface BackupOptions {
  paths: readonly string[];
  excludes?: readonly string[];
  tags?: readonly string[];
  hostname?: string;
  /** Parent snapshot: an ID, undefined = the latest one of this host with the same paths, null = none. */
  parent?: Id | null;
  signal?: AbortSignal;
  onProgress?: (progress: ProgressSnapshot) => void;
  onWarning?: (warning: BackupWarning) => void;
  /** Worker threads (default: one per CPU; 0 = in this thread). */
  workers?: number;
  /** Snapshot time (default: now). */
  time?: Date;
  /** Zone node times are written in (default: the local zone, as restic). */
  zone?: TimeZone;
  /**
   * Resolves when the repository may be relied on and written (the caller's lock is confirmed); until then only
   * the index is read, and it is read again if it changed. Rejects to fail the backup (e.g. REPO_LOCKED).
   */
  ready?: Promise<unknown>;
  /**
   * Targets read from elsewhere (a snapshot or a temporary copy of them) but recorded under their own path; each
   * `path` must be one of `paths`. Exclude patterns and warnings use the recorded paths.
   */
  sourceMap?: readonly SourceMapping[];
  /**
   * Index checkpoint interval during long backups (ms; default 5 minutes). Our own resume after a crash no longer
   * depends on it — the next backup adopts the packs left unindexed (unindexed-packs.ts) — but it still bounds what
   * adoption must read then (a header per pack written since the last checkpoint: thousands of requests on a remote
   * backend after hours), what restic, which does not adopt, would upload again, and what a `restic prune` run
   * before the next backup would delete as unreferenced. It costs one small index file per interval.
   */
  checkpointIntervalMs?: number;
}

export interface BackupWarning {
  path: string;
  message: string;
}

export interface BackupSummary {
  snapshotId: Id;
  snapshot: Snapshot;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dirs: number;
  /** Bytes of files read or reused (the size of what the snapshot holds). */
  bytesProcessed: number;
  /** Stored (compressed + encrypted) bytes of the blobs this backup added. */
  bytesAdded: number;
  blobsAdded: number;
  warnings: number;
  /** Entries left out because they could not be read (the snapshot is incomplete). */
  entriesLeftOut: number;
  /**
   * Set when extended attributes could not be read at all on this system (the native addon is missing or
   * broken): one warning says so, and no entry of the snapshot has its xattrs. The snapshot is incomplete.
   */
  xattrsUnavailable: string | null;
  seconds: number;
}

/** Queued files above which the scanner waits for the workers. */
const maxBacklog = 1024;

/**
 * Backs up `options.paths` into `repository`. The repository may still be opening (a promise): counting the
 * totals needs only the filesystem, so it starts at once and overlaps the key derivation and the index load.
 */
export async function backup(
  repositoryOrOpening: Repository | Promise<Repository>,
  options: BackupOptions,
): Promise<BackupSummary> {
  // Awaited below; until then a failure to open must not count as unhandled (e.g. if the paths are invalid).
  Promise.resolve(repositoryOrOpening).catch(() => undefined);
  options.ready?.catch(() => undefined);
  const started = performance.now();
  const time = options.time ?? new Date();
  const targets = normalizeTargets(options.paths);
  const hostname = options.hostname ?? osHostname();
  const signal = options.signal ?? new AbortController().signal;
  if (signal.aborted) throw cancelled();

  const meter = new ProgressMeter(options.onProgress);
  const summary = {
    filesNew: 0,
    filesChanged: 0,
    filesUnmodified: 0,
    dirs: 0,
    bytesProcessed: 0,
    bytesAdded: 0,
    blobsAdded: 0,
    warnings: 0,
    entriesLeftOut: 0,
    xattrsUnavailable: null as string | null,
  };
  const logical = new LogicalPaths(options.sourceMap ?? []);
  const warn = (path: Buffer | string, message: string) => {
    summary.warnings++;
    options.onWarning?.({ path: typeof path === 'string' ? path : goQuote(logical.of(path)), message });
  };
  // Checked once: without the addon every file would carry the same warning; one clear warning says it all.
  try {
    loadPosixFsAddon();
  } catch (error) {
    summary.xattrsUnavailable = (error as Error).message;
    warn(
      '(extended attributes)',
      `cannot be read on this system, so none are in this snapshot: ${summary.xattrsUnavailable}`,
    );
  }
  const excludes = mapExcludes(compileExcludes(options.excludes ?? []), logical);
  const trie = buildTargetTrie(targets, options.sourceMap);
  const counting = new AbortController();
  const stopCounting = () => counting.abort();
  signal.addEventListener('abort', stopCounting, { once: true });
  const scans = summary.xattrsUnavailable === null ? new ScanCache() : null;
  const totals = scanTotals(
    trie,
    excludes,
    counting.signal,
    (files, bytes) => meter.addTotals(files, bytes),
    scans,
  ).then(
    () => meter.finishTotals(),
    (error: unknown) => warn('(scan)', `counting the totals failed: ${(error as Error).message}`),
  );

  let repository: Repository;
  let parentId: Id | null;
  let parentSnapshot: Snapshot | null;
  /** Set when the walk runs ahead of the lock: resolves once writes may go to storage (see below). */
  let gate: Promise<void> | null = null;
  try {
    repository = await repositoryOrOpening;
    const opened = repository;
    const chooseParent = async () => {
      const id = options.parent === undefined ? await findParent(opened, hostname, targets) : options.parent;
      return { id, snapshot: id ? await opened.loadSnapshot(id) : null };
    };
    let choosing = chooseParent();
    choosing.catch(() => undefined); // awaited below
    await repository.loadIndex();
    const unindexed = await listUnindexedPacks(repository);
    if (options.ready !== undefined && unindexed.length === 0) {
      // The lock is being taken (its protocol waits 200 ms for racing writers): the walk starts now and only
      // reads; every write to storage waits for the lock. Should index files have come or gone meanwhile (a
      // forget/prune that finished just before our lock), nothing was written, and the backup starts over.
      const ready = options.ready;
      gate = ready.then(async () => {
        if (await opened.indexChangedSinceLoad()) throw new IndexChangedBeforeLock();
      });
      repository.deferWritesUntil(gate);
    }
    if (gate === null) {
      let reloaded = false;
      if (options.ready !== undefined) {
        // Resuming after a crash: adopting the packs writes an index file, so it waits for the lock.
        await options.ready;
        reloaded = await repository.reloadIndexIfChanged();
        if (reloaded) choosing = chooseParent();
      }
      // Packs an interrupted backup wrote after its last index checkpoint: indexed now, not uploaded again. The
      // list made against the first index is stale if the index was loaded again.
      await adoptUnindexedPacks(repository, {
        unindexed: reloaded ? undefined : unindexed,
        onWarning: (message) => warn('(repository)', message),
      });
    }
    ({ id: parentId, snapshot: parentSnapshot } = await choosing);
  } catch (error) {
    counting.abort();
    signal.removeEventListener('abort', stopCounting);
    await totals;
    throw error;
  }

  const saver = new FileSaver(repository, {
    count: options.workers,
    onBytesRead: (bytes) => meter.addDone(0, bytes),
    onBlobStored: (blob) => {
      summary.blobsAdded++;
      summary.bytesAdded += blob.data.length;
    },
  });
  if (!saver.threaded && options.workers !== 0) {
    warn('(engine)', 'the worker script was not found; backing up in a single thread');
  }
  const onAbort = () => saver.fail(cancelled());
  signal.addEventListener('abort', onAbort, { once: true });
  gate?.catch((error: unknown) => saver.fail(error)); // no lock, or a changed index: stop reading at once
  const stopTrimmer = startMemoryTrimmer();
  const checkpoints = setInterval(
    () => {
      repository.checkpoint().catch((error: unknown) => saver.fail(error));
    },
    options.checkpointIntervalMs ?? 5 * 60_000,
  );
  const walker = new TreeWalker(repository, saver, meter, summary, warn, {
    excludes,
    accounts: new AccountNames(),
    readXattrs: summary.xattrsUnavailable === null ? undefined : () => ({ attributes: [], warnings: [] }),
    parents: new ParentTrees(repository),
    scans,
    zone: options.zone ?? localZone(),
    signal,
  });

  try {
    const tree = await walker.archiveRoot(trie, parentSnapshot?.tree ?? null);
    await saver.drain();
    await totals;
    const snapshot: Snapshot = {
      time: formatRfc3339Nano(time),
      ...(parentId ? { parent: parentId } : {}),
      tree,
      paths: targets,
      hostname,
      ...currentUser(),
      ...(options.excludes?.length ? { excludes: [...options.excludes] } : {}),
      ...(options.tags?.length ? { tags: [...options.tags] } : {}),
    };
    const snapshotId = await repository.saveSnapshot(snapshot);
    meter.flush();
    return { snapshotId, snapshot, ...summary, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    // With the walk ahead of the lock, a failed gate means nothing was written: no lock (REPO_LOCKED), or start
    // over because the index changed.
    const gateError =
      gate === null
        ? null
        : await gate.then(
            () => null,
            (failure: unknown) => failure,
          );
    if (gateError !== null && signal.aborted) throw cancelled();
    if (gateError !== null && !(gateError instanceof IndexChangedBeforeLock)) throw gateError;
    if (gateError === null) {
      // Keep what was uploaded: index every pack written so far, so the next backup does not upload it again.
      await saver.drain().catch(() => undefined);
      await repository.flush().catch((flushError: unknown) => {
        warn(
          '(repository)',
          `could not index the data written before the failure: ${(flushError as Error).message}`,
        );
      });
      throw signal.aborted ? cancelled() : error;
    }
  } finally {
    clearInterval(checkpoints);
    stopTrimmer();
    counting.abort(); // a failed backup stops counting too
    scans?.clear();
    signal.removeEventListener('abort', onAbort);
    signal.removeEventListener('abort', stopCounting);
    await saver.close();
  }
  // Only after a restart (see IndexChangedBeforeLock): the lock is held now, so this run loads the index after it.
  warn(
    '(repository)',
    'the repository index changed while the lock was being taken; the backup started over',
  );
  repository.discardUnwrittenState();
  return backup(repository, { ...options, ready: undefined });
}

/** The index changed between loading it and confirming the lock: what was read cannot be trusted. */
class IndexChangedBeforeLock extends Error {
  constructor() {
    super('the repository index changed while the lock was being taken');
    this.name = 'IndexChangedBeforeLock';
  }
}

/**
 * Work that finishes later, wrapped so an async function can return it without awaiting it (a returned promise
 * would be adopted). The promise is marked handled now — its rejection still reaches whoever awaits `done` —
 * because scanning awaits per-entry results only when a directory is complete, and a rejection in the meantime
 * (cancellation, a failed pack write) must not count as unhandled and end the process.
 */
interface Later<T> {
  done: Promise<T>;
}

function later<T>(done: Promise<T>): Later<T> {
  done.catch(() => undefined);
  return { done };
}

function cancelled(): EngineError {
  return new EngineError('CANCELLED', 'the backup was cancelled; no snapshot was written');
}

function currentUser(): Pick<Snapshot, 'username' | 'uid' | 'gid'> {
  const user = userInfo();
  return { username: user.username, uid: user.uid, gid: user.gid };
}

/** restic's default parent: the newest snapshot of this host with exactly the same paths. */
async function findParent(
  repository: Repository,
  hostname: string,
  paths: readonly string[],
): Promise<Id | null> {
  const key = [...paths].sort().join('\0');
  const candidates = (await repository.listSnapshots()).filter(
    ({ snapshot }) => snapshot.hostname === hostname && [...snapshot.paths].sort().join('\0') === key,
  );
  return candidates.at(-1)?.id ?? null;
}

interface WalkerContext {
  excludes: ExcludeMatcher;
  accounts: AccountNames;
  /** Replaces the xattr reader (only when xattrs are unavailable, reported once). */
  readXattrs: ((path: Buffer) => XattrReadResult) | undefined;
  parents: ParentTrees;
  /** Scans left by the totals count (null without the addon). */
  scans: ScanCache | null;
  zone: TimeZone;
  signal: AbortSignal;
}

type Summary = Omit<BackupSummary, 'snapshotId' | 'snapshot' | 'seconds'>;

class TreeWalker {
  readonly excludes: ExcludeMatcher;
  private backlogWaiters: (() => void)[] = [];
  private entriesSinceYield = 0;
  /** Keeps the walk's dead directories and parent trees from piling up in the old generation. */
  private readonly heap = new HeapPacer();

  constructor(
    private readonly repository: Repository,
    private readonly saver: FileSaver,
    private readonly meter: ProgressMeter,
    private readonly summary: Summary,
    private readonly warn: (path: Buffer | string, message: string) => void,
    private readonly context: WalkerContext,
  ) {
    this.excludes = context.excludes;
  }

  /** The snapshot's root tree: the contents of `/` when it is a target, else the trie of intermediate dirs. */
  async archiveRoot(trie: TargetTrie, parentTree: Id | null): Promise<Id> {
    const parents = await this.context.parents.load(parentTree);
    if (trie.isTarget) return this.archiveDirectory(trie.path, parents);
    return this.archiveTrie(trie, parents);
  }

  private async archiveTrie(trie: TargetTrie, parents: ParentDirectory | null): Promise<Id> {
    const nodes: Node[] = [];
    for (const child of trie.children) {
      const parent = parentNamed(parents, child.name);
      const node = child.isTarget
        ? await this.archiveEntry(child.path, parent, child.name)
        : await this.archiveIntermediate(child, parent);
      if (node) nodes.push(node);
    }
    return this.saveTree(nodes, parents);
  }

  /** A directory on the way to a target: its own metadata, but only the trie's children. */
  private async archiveIntermediate(trie: TargetTrie, parent: Node | undefined): Promise<Node | null> {
    const result = this.lstatNode(trie.path);
    if (result === null) return null;
    result.name = trie.name; // a mapped target's ancestors are read under other names
    if (result.type !== 'dir') {
      this.warn(trie.path, 'is not a directory; the paths below it are skipped');
      return null;
    }
    result.subtree = await this.archiveTrie(trie, await this.context.parents.load(parent?.subtree));
    this.summary.dirs++;
    return result;
  }

  /**
   * Scans a directory and submits its work; resolves once the scan (and the scans below it) are submitted, with
   * a promise of the directory's tree ID that settles when all of its content is stored. Scanning thus runs
   * depth-first and in order, bounded only by the file backlog, while the workers stay busy; memory holds the
   * unfinished directories, not the whole tree.
   */
  private async scanDirectory(path: Buffer, parents: ParentDirectory | null): Promise<Later<Id>> {
    this.checkCancelled();
    this.heap.check();
    let entries: Iterable<ScannedEntry>;
    try {
      entries = this.listDirectory(path);
    } catch (error) {
      if (!isEngineError(error)) throw error;
      this.summary.entriesLeftOut++;
      this.warn(path, `cannot read the directory (${error.message}); it is stored empty`);
      entries = [];
    }
    // One pass over the entries, each decoded as it is taken: an entry that needs no work is finished at once and
    // recorded by the parent's node when that is recorded identically, so neither it nor its node outlives this
    // step — a directory of 18,000 unchanged entries no longer holds 18,000 of each beside the parent's nodes.
    // What needs work (directories, files to read) is kept, and submitted in order afterwards; the parent trees of
    // the subdirectories are all being read by then.
    const matcher = new ParentMatcher(parents);
    const { zone } = this.context;
    const pending: (Node | Promise<Node | null>)[] = [];
    const work: { path: Buffer; node: Node; parent: Node | undefined }[] = [];
    for (const entry of entries) {
      if (++this.entriesSinceYield >= 256) await this.yieldToEventLoop();
      if (this.excludes.excludes(entry.path)) continue;
      const node = this.nodeOfEntry(entry);
      if (node === null) continue;
      const parent = matcher.match(entry.name);
      if (node.type === 'dir' && parent?.type === 'dir') this.context.parents.prefetch(parent.subtree);
      if (this.finishNow(node, parent)) {
        pending.push(parent !== undefined && sameRecordedNode(node, parent, zone) ? parent : node);
      } else {
        work.push({ path: entry.path, node, parent });
      }
    }
    for (const { path: childPath, node, parent } of work) {
      pending.push((await this.submitEntry(childPath, node, parent)).done);
    }
    return later(
      Promise.all(pending).then((done) =>
        this.saveTree(
          done.filter((n): n is Node => n !== null),
          parents,
        ),
      ),
    );
  }

  private async archiveDirectory(path: Buffer, parents: ParentDirectory | null): Promise<Id> {
    return (await this.scanDirectory(path, parents)).done;
  }

  /**
   * A target: its node with content or subtree filled in, or null when it is left out. It is recorded under its
   * trie name, which differs from the name it is read under when the target is mapped (BackupOptions.sourceMap).
   */
  private async archiveEntry(path: Buffer, parent: Node | undefined, name: Buffer): Promise<Node | null> {
    const node = this.lstatNode(path);
    if (node === null) return null;
    node.name = name;
    return (await this.submitEntry(path, node, parent)).done;
  }

  /**
   * Finishes an entry that needs no work — not a directory, and not a file to read (a special file, or a file whose
   * parent snapshot's content is reused) — and says whether it did. Synchronous: in a backup where little changed
   * this is almost every entry, and a promise or two each was most of that backup's garbage.
   */
  private finishNow(node: Node, parent: Node | undefined): boolean {
    if (node.type === 'dir') return false;
    if (node.type !== 'file') {
      this.meter.addDone(1, 0);
      return true;
    }
    const reused = this.context.parents.reusableContent(node, parent);
    if (reused === null) return false;
    node.content = reused;
    this.summary.filesUnmodified++;
    this.summary.bytesProcessed += Number(node.size);
    this.meter.addDone(1, Number(node.size));
    return true;
  }

  /** Submits the work for one scanned entry; resolves (after submitting) with a promise of the finished node. */
  private async submitEntry(path: Buffer, node: Node, parent: Node | undefined): Promise<Later<Node | null>> {
    if (node.type === 'dir') {
      const parentEntries = await this.context.parents.load(parent?.type === 'dir' ? parent.subtree : null);
      const subtree = await this.scanDirectory(path, parentEntries);
      return later(
        subtree.done.then((id) => {
          node.subtree = id;
          this.summary.dirs++;
          return node;
        }),
      );
    }
    if (this.finishNow(node, parent)) return later(Promise.resolve(node));
    await this.waitForBacklog();
    const saved = this.saver.save(path, {
      size: Number(node.size),
      mtimeNs: node.mtime.sec * 1_000_000_000n + BigInt(node.mtime.nsec),
      ctimeNs: node.ctime.sec * 1_000_000_000n + BigInt(node.ctime.nsec),
    });
    return later(
      saved.then((outcome) => {
        this.releaseBacklog();
        for (const warning of outcome.warnings) this.warn(path, warning);
        this.meter.addDone(1, 0);
        if (outcome.content === null) {
          this.summary.entriesLeftOut++;
          this.warn(
            path,
            `cannot be read (${outcome.error?.code}: ${outcome.error?.message}); left out of the snapshot`,
          );
          return null;
        }
        node.content = outcome.content;
        // The snapshot describes the bytes actually read, even if the file changed since it was scanned.
        node.size = BigInt(outcome.size);
        this.summary.bytesProcessed += outcome.size;
        if (parent?.type === 'file') this.summary.filesChanged++;
        else this.summary.filesNew++;
        return node;
      }),
    );
  }

  /**
   * The walk's metadata calls are synchronous (see readDirectoryNamesSync); every few hundred entries it lets the
   * event loop run, so worker messages (chunk queries, encoded blobs) are not kept waiting.
   */
  private async yieldToEventLoop(): Promise<void> {
    this.entriesSinceYield = 0;
    await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * The entries of a directory with their nodes: one native call (its records decoded as they are taken), or one
   * lstat each without the addon. Throws when the directory cannot be listed.
   */
  private listDirectory(path: Buffer): Iterable<ScannedEntry> {
    const { accounts, readXattrs, scans } = this.context;
    if (readXattrs !== undefined || scans === null) {
      return scanDirectoryOneByOne(path, { accounts, readXattrs: readXattrs ?? readExtendedAttributes });
    }
    const scan = scans.take(path) ?? readDirectoryScan(path, true);
    return eachEntryFromScan(path, scan, { accounts, withXattrs: true });
  }

  private lstatNode(path: Buffer): Node | null {
    this.checkCancelled();
    try {
      const result = nodeFromPathSync(path, {
        accounts: this.context.accounts,
        ...(this.context.readXattrs ? { readXattrs: this.context.readXattrs } : {}),
      });
      return this.nodeOfEntry(
        result.kind === 'skipped'
          ? { kind: 'skipped', name: path, path, warning: result.warning }
          : { kind: 'node', name: path, path, node: result.node, warnings: result.warnings },
      );
    } catch (error) {
      if (!isEngineError(error)) throw error;
      return this.nodeOfEntry({ kind: 'error', name: path, path, error });
    }
  }

  /** The node of a scanned entry, its warnings reported; null (reported) when it is left out. */
  private nodeOfEntry(entry: ScannedEntry): Node | null {
    switch (entry.kind) {
      case 'node':
        for (const warning of entry.warnings) this.warn(entry.path, warning);
        return entry.node;
      case 'skipped':
        this.warn(entry.path, entry.warning);
        return null;
      case 'error':
        this.summary.entriesLeftOut++;
        this.warn(
          entry.path,
          `${entry.error.code === 'NOT_FOUND' ? 'vanished before it could be read' : entry.error.message}; left out`,
        );
        return null;
    }
  }

  /**
   * Stores a directory's tree. When every entry is recorded exactly as in the parent snapshot's version of the
   * directory, that tree is the one this backup would write, so it is kept as is: no encoding, no hashing.
   */
  private async saveTree(nodes: Node[], parent: ParentDirectory | null): Promise<Id> {
    const sorted = nodes.sort(compareNodeNames);
    if (
      parent !== null &&
      sameRecordedNodes(sorted, parent.nodes, this.context.zone) &&
      this.repository.hasBlob('tree', parent.id)
    ) {
      return parent.id;
    }
    const tree = encodeTree(sorted, this.context.zone);
    if (!this.repository.hasBlob('tree', tree.id)) {
      const saved = await this.repository.saveBlob('tree', tree.bytes);
      if (saved.stored) this.summary.blobsAdded++;
    }
    return tree.id;
  }

  private waitForBacklog(): Promise<void> {
    if (this.saver.backlog < maxBacklog) return Promise.resolve();
    return new Promise((resolve) => this.backlogWaiters.push(resolve));
  }

  private releaseBacklog(): void {
    while (this.backlogWaiters.length > 0 && this.saver.backlog < maxBacklog) this.backlogWaiters.shift()?.();
  }

  private checkCancelled(): void {
    if (this.context.signal.aborted) throw cancelled();
  }
}
