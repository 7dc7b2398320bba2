/**
 * restic's backup, our restore: a rich directory backed up by the real restic 0.14 (repository v2, default
 * compression) and restored by our restorer must equal the source — content, modes, owners, nanosecond mtimes,
 * symlink targets, hardlinks, xattrs, device numbers, fifos — and sparse files must stay sparse. Both ways of
 * running the decoders are exercised and checked: inline (`workers: 0`) and worker threads (the built worker).
 */
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { isEngineError } from '../errors';
import { loadPosixFsAddon } from '../native/posix-fs-addon';
import type { ProgressSnapshot } from '../progress/progress-meter';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, resticOk, testPassword } from '../testing/restic-cli';
import { restore } from './restorer';
import { compareTrees, createRestoreSource, sparseFile } from './testing/restore-fixture';

const isRoot = process.getuid?.() === 0;
const engineWorker = path.resolve('out/main/engine-worker.js');

let work = '';
let source = '';
let closeSocket: (() => Promise<void>) | undefined;
let repository: Repository;
let tree = '';

beforeAll(async () => {
  work = await makeTempDir('restore-restic');
  source = path.join(work, 'src');
  closeSocket = await createRestoreSource(source);
  const repo = path.join(work, 'repo');
  await resticOk(['init', '--repository-version', '2'], { repo });
  await resticOk(['backup', 'data'], { repo, cwd: source });
  const snapshots = JSON.parse((await resticOk(['--no-lock', 'snapshots', '--json'], { repo })).stdout) as {
    tree: string;
  }[];
  tree = snapshots[0]?.tree ?? '';
  repository = await Repository.open(new LocalBackend(repo), testPassword);
  await repository.loadIndex();
}, 120_000);

afterAll(async () => {
  await closeSocket?.();
  if (work) await removeTempDir(work);
});

async function expectSparse(file: string) {
  const [original, restored] = await Promise.all([
    lstat(path.join(source, 'data', 'bulk', sparseFile.name)),
    lstat(file),
  ]);
  expect(restored.size).toBe(sparseFile.size);
  // Each data region may drag up to one minimum-size chunk (512 KiB) of zeros along as data; the 250+ MiB of
  // holes between them must stay holes.
  const slackBlocks = (3 * 512 * 1024) / 512;
  expect(restored.blocks).toBeLessThanOrEqual(original.blocks + slackBlocks);
  expect(restored.blocks * 512).toBeLessThan(sparseFile.size / 50);
}

describe.runIf(isRoot)('restoring a restic-made snapshot', () => {
  it('inline (workers: 0): equals the source in every detail, sparse files stay sparse', async () => {
    const target = path.join(work, 'inline');
    const progress: ProgressSnapshot[] = [];
    const summary = await restore(repository, {
      source: { tree },
      target,
      workers: 0,
      onProgress: (p) => progress.push(p),
    });
    expect(summary.threaded).toBe(false);
    expect(summary.failures).toEqual([]);
    expect(await compareTrees(path.join(source, 'data'), path.join(target, 'data'))).toEqual([]);
    expect(await readdir(target)).toEqual(['data']);
    await expectSparse(path.join(target, 'data', 'bulk', sparseFile.name));
    expect(summary.hardlinks).toBe(1);
    expect(summary.specialFiles).toBe(3);
    expect(summary.warnings).toEqual([]); // restic 0.14 leaves sockets out of the snapshot
    const last = progress.at(-1);
    expect(last).toMatchObject({ bytesDone: summary.bytes, bytesTotal: summary.bytes, totalsFinal: true });
    expect(last?.filesDone).toBe(last?.filesTotal);
    expect(last?.filesDone).toBeGreaterThan(40);
  });

  it('the comparison itself notices a difference in mode, mtime, xattrs, link target or content', async () => {
    const target = path.join(work, 'inline', 'data');
    const addon = loadPosixFsAddon();
    await chmod(path.join(target, 'plain.txt'), 0o604);
    addon.lutimes(Buffer.from(path.join(target, 'times', 'y2100')), 0, 0, 4_102_444_800, 123_456_788);
    addon.lsetxattr(
      Buffer.from(path.join(target, 'xattrs', 'file')),
      Buffer.from('user.text'),
      Buffer.from('x'),
    );
    await rm(path.join(target, 'links', 'relative'));
    await symlink('../plain.tx', path.join(target, 'links', 'relative'));
    await writeFile(path.join(target, 'bulk', 'small.txt'), 'a small file!!');
    const diffs = await compareTrees(path.join(source, 'data'), target);
    expect(diffs).toEqual([
      expect.stringMatching(/^bulk\/small\.txt: mtime/),
      expect.stringMatching(/^bulk\/small\.txt: size/),
      expect.stringMatching(/^bulk\/small\.txt: content/),
      expect.stringMatching(/^links: mtime/), // re-creating the link touched its directory
      expect.stringMatching(/^links\/relative: mtime/),
      expect.stringMatching(/^links\/relative: link target/),
      expect.stringMatching(/^plain\.txt: mode 100644 → 100604/),
      expect.stringMatching(/^times\/y2100: mtime/),
      expect.stringMatching(/^xattrs\/file: xattrs/),
    ]);
  });

  it('restoring again over that changed target replaces every entry with the snapshot one', async () => {
    const target = path.join(work, 'inline');
    const summary = await restore(repository, { source: { tree }, target, workers: 0 });
    expect(summary.failures).toEqual([]);
    expect(await compareTrees(path.join(source, 'data'), path.join(target, 'data'))).toEqual([]);
  });

  it('with worker threads (the built worker script): equals the source', async () => {
    const target = path.join(work, 'threads');
    const summary = await restore(repository, {
      source: { tree },
      target,
      workers: 2,
      workerScript: engineWorker,
    });
    expect(summary.threaded).toBe(true);
    expect(summary.workers).toBe(2);
    expect(summary.failures).toEqual([]);
    expect(await compareTrees(path.join(source, 'data'), path.join(target, 'data'))).toEqual([]);
    await expectSparse(path.join(target, 'data', 'bulk', sparseFile.name));
  });

  it('in batches of one file (every batch boundary, hardlinks across batches): equals the source', async () => {
    const target = path.join(work, 'tiny-batches');
    const summary = await restore(repository, {
      source: { tree },
      target,
      workers: 2,
      workerScript: engineWorker,
      batchFiles: 1,
    });
    expect(summary.failures).toEqual([]);
    expect(summary.hardlinks).toBe(1);
    expect(await compareTrees(path.join(source, 'data'), path.join(target, 'data'))).toEqual([]);
  });

  it('restores a subtree: the contents of /data/bulk land in the target', async () => {
    const target = path.join(work, 'subtree');
    const summary = await restore(repository, {
      source: { tree },
      target,
      subpath: '/data/bulk',
      workers: 0,
    });
    expect(summary.failures).toEqual([]);
    expect(await compareTrees(path.join(source, 'data', 'bulk'), target, { topMetadata: false })).toEqual([]);
  });

  it('restores only included paths, with the directories on their way', async () => {
    const target = path.join(work, 'include');
    const summary = await restore(repository, {
      source: { tree },
      target,
      include: ['data/links', '/data/bulk/nested/deeper/deepest/leaf.txt'],
      workers: 0,
    });
    expect(summary.failures).toEqual([]);
    expect(
      await compareTrees(path.join(source, 'data', 'links'), path.join(target, 'data', 'links')),
    ).toEqual([]);
    expect((await readdir(path.join(target, 'data'))).sort()).toEqual(['bulk', 'links']);
    expect(await readdir(path.join(target, 'data', 'bulk'))).toEqual(['nested']);
    const leaf = path.join(target, 'data', 'bulk', 'nested', 'deeper', 'deepest', 'leaf.txt');
    expect(await readFile(leaf, 'utf8')).toBe('deep leaf\n');
    // The directories on the way get their snapshot metadata once something below them is restored.
    const [sourceNested, restoredNested] = await Promise.all([
      lstat(path.join(source, 'data', 'bulk', 'nested'), { bigint: true }),
      lstat(path.join(target, 'data', 'bulk', 'nested'), { bigint: true }),
    ]);
    expect(restoredNested.mtimeNs).toBe(sourceNested.mtimeNs);
    expect(restoredNested.mode).toBe(sourceNested.mode);
  });

  it('cancellation stops the restore cleanly: CANCELLED, what was written stays, workers stop', async () => {
    const target = path.join(work, 'cancelled');
    const controller = new AbortController();
    // The stop button is pressed exactly when file content is first read (not at a moment a timer picks).
    const dataPacks = new Set(
      [...repository.index.packs()].filter((p) => p.blobs.some((b) => b.type === 'data')).map((p) => p.id),
    );
    const backend = new LocalBackend(path.join(work, 'repo'));
    const read = backend.read.bind(backend);
    backend.read = (file, range) => {
      if (dataPacks.has(file.name)) controller.abort(new Error('the user pressed stop'));
      return read(file, range);
    };
    const cancellable = await Repository.open(backend, testPassword);
    await cancellable.loadIndex();
    const error = await restore(cancellable, {
      source: { tree },
      target,
      workers: 2,
      workerScript: engineWorker,
      signal: controller.signal,
      batchFiles: 5,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isEngineError(error, 'CANCELLED'), String(error)).toBe(true);
    expect((error as Error).message).toContain('the user pressed stop');
    // Stopped early: the first batch's files may be there, most of the snapshot is not.
    expect(await readdir(path.join(target, 'data'))).not.toEqual([]);
    const restored = await readdir(path.join(target, 'data'), { recursive: true });
    expect(restored.length).toBeLessThan(20);
  });

  it('a full disk stops the restore with NO_SPACE', async () => {
    const mountPoint = path.join(work, 'small-fs');
    await mkdir(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
    try {
      const error = await restore(repository, {
        source: { tree },
        target: mountPoint,
        include: ['data/bulk/twelve-mib.bin'],
        workers: 0,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isEngineError(error, 'NO_SPACE'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/writing data blob [0-9a-f]{64}: no space left/);
    } finally {
      execFileSync('umount', [mountPoint]); // never leave a mount behind
    }
  });
});
