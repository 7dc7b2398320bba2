/**
 * Verifying a restore after the fact: re-reads what is in the target and compares it with the snapshot — every
 * file's bytes blob by blob against the blob IDs (SHA-256 of each blob's range, and the exact length), symlink
 * targets, entry types, device numbers, and that hardlinked names share one inode. The restore already checked
 * each blob when it decoded it; this catches what happened after (a disk, a filesystem, another process).
 *
 * Reads never follow a symlink (O_NOFOLLOW, lstat) and use one fixed buffer per file, so memory stays bounded.
 * Entries the restore refused or could not restore are not in the target; they show up here as missing.
 */
import { createHash } from 'node:crypto';
import { type BigIntStats, constants } from 'node:fs';
import { lstat, open, readlink } from 'node:fs/promises';
import path from 'node:path';
import { EngineError, fromNodeError, isEngineError } from '../errors';
import type { Repository } from '../repository/repository';
import type { Node } from '../tree/node';
import { childPath } from './restore-paths';
import { parseSnapshotPath, RestoreSelection } from './restore-selection';
import type { RestoreFailure } from './restore-types';
import { printablePath, repositoryTreeLoader, resolveSubtree, walkTree } from './tree-walker';

const readSize = 1024 * 1024;
const cryptoOverhead = 32;
/** Files verified at the same time: enough to overlap reads and hashing on a few cores. */
const concurrentFiles = 4;

/**
 * Checks a restored file against its node's content list. Resolves with null when every byte matches, else with
 * why not (the first difference, naming the blob). Throws only when the content cannot be looked up (NOT_FOUND).
 */
export async function verifyRestoredFile(
  repository: Repository,
  node: Node,
  file: string | Buffer,
): Promise<string | null> {
  if (node.content === null) throw new EngineError('CORRUPT', 'file node without content list');
  const blobs = node.content.map((id) => {
    const location = repository.index.lookup('data', id)[0];
    if (location === undefined) throw new EngineError('NOT_FOUND', `data blob ${id} is not in the index`);
    return { id, length: location.uncompressedLength ?? location.length - cryptoOverhead };
  });
  const expectedLength = blobs.reduce((sum, blob) => sum + blob.length, 0);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    return describeOpenError(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return 'not a regular file';
    if (info.size !== expectedLength) return `has ${info.size} bytes, the snapshot has ${expectedLength}`;
    const buffer = Buffer.allocUnsafe(readSize);
    let position = 0;
    for (const blob of blobs) {
      const hash = createHash('sha256');
      for (let left = blob.length; left > 0; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(left, readSize), position);
        if (bytesRead === 0) return `ends at byte ${position}, inside data blob ${blob.id}`;
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
        left -= bytesRead;
      }
      if (hash.digest('hex') !== blob.id) {
        return `bytes ${position - blob.length}..${position} differ from data blob ${blob.id}`;
      }
    }
    return null;
  } finally {
    await handle.close();
  }
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'missing';
  if (code === 'ELOOP') return 'a symbolic link, not a file';
  return error instanceof Error ? error.message : String(error);
}

export interface VerifyOptions {
  source: { tree: string };
  target: string;
  subpath?: string;
  include?: readonly string[];
  signal?: AbortSignal;
  /** Called after each verified file with its content bytes. */
  onFileVerified?: (bytes: number) => void;
}

export interface VerifySummary {
  /** Entries checked (files, links, directories, special files). */
  entries: number;
  /** Content bytes re-read and hashed. */
  bytes: number;
  /** Entries that differ from the snapshot (CORRUPT) or are missing (NOT_FOUND). Empty = all match. */
  mismatches: RestoreFailure[];
}

/** Verifies a restore made with the same source, target, subpath and include options. */
export async function verifyRestore(repository: Repository, options: VerifyOptions): Promise<VerifySummary> {
  const loadTree = repositoryTreeLoader(repository);
  const subpath = options.subpath ?? '';
  const rootTree = await resolveSubtree(
    loadTree,
    options.source.tree,
    parseSnapshotPath(subpath, 'subpath'),
    subpath,
  );
  const target = Buffer.from(path.resolve(options.target));
  const summary: VerifySummary = { entries: 0, bytes: 0, mismatches: [] };
  const firstNames = new Map<string, { dev: bigint; ino: bigint }>();
  const running = new Set<Promise<void>>();
  const isRoot = process.geteuid?.() === 0;
  let unexpected: { error: unknown } | undefined;

  const mismatch = (display: string, problem: string, code: 'CORRUPT' | 'NOT_FOUND' = 'CORRUPT') =>
    summary.mismatches.push({ path: display, code, message: `${display}: ${problem}` });

  const checkEntry = async (node: Node, file: Buffer, display: string): Promise<void> => {
    let info: BigIntStats;
    try {
      info = await lstat(file, { bigint: true });
    } catch (error) {
      const mapped = fromNodeError(error, display);
      if (mapped.code === 'NOT_FOUND') return void mismatch(display, 'missing', 'NOT_FOUND');
      throw mapped;
    }
    summary.entries++;
    switch (node.type) {
      case 'file': {
        if (node.links > 1n && node.inode !== 0n) {
          const key = `${node.deviceId}:${node.inode}`;
          const first = firstNames.get(key);
          if (first === undefined) firstNames.set(key, { dev: info.dev, ino: info.ino });
          else if (first.dev !== info.dev || first.ino !== info.ino) {
            mismatch(display, 'is not a hardlink of the other names of its inode');
          }
        }
        const problem = await verifyRestoredFile(repository, node, file);
        if (problem !== null) mismatch(display, problem);
        else summary.bytes += Number(info.size);
        options.onFileVerified?.(Number(info.size));
        return;
      }
      case 'dir':
        if (!info.isDirectory()) mismatch(display, 'is not a directory');
        return;
      case 'symlink':
        if (!info.isSymbolicLink()) return void mismatch(display, 'is not a symbolic link');
        if (!(await readlink(file, { encoding: 'buffer' })).equals(node.linkTarget)) {
          mismatch(display, 'points somewhere else than in the snapshot');
        }
        return;
      case 'fifo':
        if (!info.isFIFO()) mismatch(display, 'is not a fifo');
        return;
      case 'dev':
      case 'chardev': {
        if (!isRoot) return; // not restored without root
        const isType = node.type === 'dev' ? info.isBlockDevice() : info.isCharacterDevice();
        if (!isType || info.rdev !== node.device) mismatch(display, `is not the ${node.type} ${node.device}`);
        return;
      }
      default:
        return; // sockets and irregular entries are not restored
    }
  };

  await walkTree(
    loadTree,
    rootTree,
    new RestoreSelection(options.include),
    {
      async visit({ node, relativePath }) {
        const display = printablePath(relativePath);
        const checking = checkEntry(node, childPath(target, relativePath), display).catch((error) => {
          if (!isEngineError(error)) throw error;
          mismatch(display, error.message, error.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'CORRUPT');
        });
        running.add(checking);
        checking.then(
          () => running.delete(checking),
          (error: unknown) => {
            running.delete(checking);
            unexpected ??= { error }; // rethrown after the walk
          },
        );
        if (running.size >= concurrentFiles) await Promise.race(running);
        return true;
      },
      problem() {
        // Refused or unreadable entries were reported by the restore and are not in the target.
      },
    },
    { signal: options.signal },
  );
  await Promise.all(running);
  if (unexpected !== undefined) throw unexpected.error;
  return summary;
}
