/**
 * The archiver's behaviour across runs: parent reuse, change detection, excludes, several paths, unreadable and
 * changing files, cancellation, progress throttling, and the same results from worker threads as inline.
 */
import { appendFile, chmod, mkdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { EngineError, isEngineError } from '../errors';
import type { ProgressSnapshot } from '../progress/progress-meter';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, restic, resticOk, testPassword } from '../testing/restic-cli';
import { subtreeOf } from '../testing/source-subtree';
import { TimeZone } from '../tree/time/zone';
import { backup } from './archiver';
import { FileSaver } from './file-saver';

let dir: string;
let source: string;
let location: string;
let repo: Repository;

beforeEach(async () => {
  dir = await makeTempDir('archiver-runs');
  source = path.join(dir, 'src');
  location = path.join(dir, 'repo');
  await mkdir(path.join(source, 'etc', 'ssh'), { recursive: true });
  await mkdir(path.join(source, 'var', 'cache'), { recursive: true });
  await writeFile(path.join(source, 'etc', 'hostname'), 'machine\n');
  await writeFile(path.join(source, 'etc', 'ssh', 'sshd_config'), 'Port 22\n'.repeat(1000));
  await writeFile(path.join(source, 'var', 'cache', 'big.tmp'), Buffer.alloc(2 * 1024 * 1024, 7));
  await writeFile(path.join(source, 'var', 'log.txt'), 'log line\n'.repeat(5000));
  await symlink('etc/hostname', path.join(source, 'link'));
  repo = await Repository.init(new LocalBackend(location), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
});

afterEach(() => removeTempDir(dir));

describe('backup across runs', () => {
  it('reuses unchanged files from the parent and reads only what changed', async () => {
    const first = await backup(repo, { paths: [source], workers: 0 });
    expect(first.filesNew).toBe(4);
    expect(first.snapshot.parent).toBeUndefined();

    const second = await backup(repo, { paths: [source], workers: 0 });
    expect(second.snapshot.parent).toBe(first.snapshotId);
    expect(second).toMatchObject({
      filesNew: 0,
      filesChanged: 0,
      filesUnmodified: 4,
      blobsAdded: 0,
      bytesAdded: 0,
    });
    // The source's tree (see source-subtree.ts for why not the root tree).
    expect(await subtreeOf(repo, second.snapshot.tree, source)).toBe(
      await subtreeOf(repo, first.snapshot.tree, source),
    );

    await appendFile(path.join(source, 'etc', 'hostname'), 'more\n');
    await writeFile(path.join(source, 'etc', 'new.conf'), 'new\n');
    const third = await backup(repo, { paths: [source], workers: 0 });
    expect(third).toMatchObject({ filesNew: 1, filesChanged: 1, filesUnmodified: 3 });
    // Two new data blobs, and new trees for /…/src/etc and every directory above it.
    expect(third.blobsAdded).toBeGreaterThanOrEqual(2);
    expect((await restic(['check', '--read-data'], { repo: location })).code).toBe(0);
  });

  it('reads a file again when only its ctime changed (a chmod), keeping the data deduplicated', async () => {
    await backup(repo, { paths: [source], workers: 0 });
    const file = path.join(source, 'var', 'log.txt');
    await utimes(file, new Date(), new Date('2020-01-01T00:00:00Z'));
    const second = await backup(repo, { paths: [source], workers: 0 });
    expect(second.filesChanged).toBe(1);
    expect(second.bytesAdded).toBeLessThan(2000); // trees only: the content is already stored
  });

  it('keeps a parent tree only where restic would write the same one (mode change, other zone)', async () => {
    const utc = TimeZone.utc();
    const first = await backup(repo, { paths: [source], workers: 0, zone: utc });
    // Fresh = no parent: every tree encoded from the filesystem. With the parent, kept trees must give the same.
    const expectSameAsFresh = async (zone: TimeZone) => {
      const withParent = await backup(repo, { paths: [source], workers: 0, zone });
      const fresh = await backup(repo, { paths: [source], workers: 0, zone, parent: null });
      expect(withParent.snapshot.parent).toBeDefined();
      // The source's trees (see source-subtree.ts for why not the root trees).
      const kept = await subtreeOf(repo, withParent.snapshot.tree, source);
      expect(kept).toBe(await subtreeOf(repo, fresh.snapshot.tree, source));
      return kept;
    };
    const firstSource = await subtreeOf(repo, first.snapshot.tree, source);
    expect(await expectSameAsFresh(utc)).toBe(firstSource);
    await chmod(path.join(source, 'var', 'cache'), 0o700); // a directory's own node changes, nothing below it
    const afterChmod = await expectSameAsFresh(utc);
    expect(afterChmod).not.toBe(firstSource);
    // Times are written in the writer's zone: a parent written in UTC is no tree for a +02:00 writer.
    expect(await expectSameAsFresh(TimeZone.fixed(7200))).not.toBe(afterChmod);
  });

  it('takes a repository that is still opening, and fails with its error when opening fails', async () => {
    const progress: ProgressSnapshot[] = [];
    const opening = new Promise<Repository>((resolve) => setTimeout(() => resolve(repo), 50));
    const summary = await backup(opening, {
      paths: [source],
      workers: 0,
      onProgress: (p) => progress.push(p),
    });
    expect(summary.filesNew).toBe(4);
    expect(progress.at(-1)).toMatchObject({ filesTotal: 5, filesDone: 5, totalsFinal: true });
    const failing = Promise.reject(new EngineError('WRONG_PASSWORD', 'no key opens it'));
    await expect(backup(failing, { paths: [source], workers: 0 })).rejects.toMatchObject({
      code: 'WRONG_PASSWORD',
    });
  });

  it('waits for `ready` before relying on the index, and fails with its error', async () => {
    let confirm: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      confirm = resolve;
    });
    const running = backup(repo, { paths: [source], workers: 0, ready });
    await new Promise((resolve) => setTimeout(resolve, 50));
    let indexFiles = 0;
    for await (const _ of repo.backend.list('index')) indexFiles++;
    expect(indexFiles).toBe(0); // nothing written before the lock is confirmed
    confirm();
    expect((await running).filesNew).toBe(4);
    const locked = Promise.reject(new EngineError('REPO_LOCKED', 'held by someone else'));
    await expect(backup(repo, { paths: [source], workers: 0, ready: locked })).rejects.toMatchObject({
      code: 'REPO_LOCKED',
    });
  });

  it('starts over, under the lock, when the index changed before the lock was confirmed', async () => {
    await backup(repo, { paths: [source], workers: 0 });
    let confirm: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      confirm = resolve;
    });
    const warnings: string[] = [];
    await appendFile(path.join(source, 'var', 'log.txt'), 'one more line\n');
    const running = backup(repo, {
      paths: [source],
      workers: 0,
      ready,
      onWarning: (w) => warnings.push(w.message),
    });
    // Meanwhile another writer adds an index file (as a prune finishing just before our lock would).
    await new Promise((resolve) => setTimeout(resolve, 30));
    const other = await Repository.open(new LocalBackend(location), testPassword);
    await other.saveBlob('data', Buffer.from('written by someone else'));
    await other.flush();
    confirm();
    const summary = await running;
    expect(warnings).toContain(
      'the repository index changed while the lock was being taken; the backup started over',
    );
    expect(summary.filesChanged).toBe(1);
    expect((await restic(['check', '--read-data'], { repo: location })).code).toBe(0);
  });

  it('leaves out excluded entries', async () => {
    const summary = await backup(repo, { paths: [source], excludes: ['*.tmp', '/**/ssh'], workers: 0 });
    const listing = (await resticOk(['ls', summary.snapshotId], { repo: location })).stdout;
    expect(listing).not.toContain('big.tmp');
    expect(listing).not.toContain('sshd_config');
    expect(listing).toContain(`${source}/etc/hostname`);
    expect(summary.snapshot.excludes).toEqual(['*.tmp', '/**/ssh']);
  });

  it('stores several paths under their common ancestors, with tags and host', async () => {
    const summary = await backup(repo, {
      paths: [
        path.join(source, 'etc', 'ssh'),
        path.join(source, 'var'),
        path.join(source, 'etc', 'ssh', 'sshd_config'),
      ],
      tags: ['system-state'],
      hostname: 'old-machine',
      workers: 0,
    });
    expect(summary.snapshot.paths).toEqual([path.join(source, 'etc', 'ssh'), path.join(source, 'var')]);
    expect(summary.snapshot).toMatchObject({ hostname: 'old-machine', tags: ['system-state'] });
    const listing = (await resticOk(['ls', summary.snapshotId], { repo: location })).stdout;
    expect(listing).toContain(`${source}/etc/ssh/sshd_config`);
    expect(listing).toContain(`${source}/var/log.txt`);
    expect(listing).not.toContain(`${source}/etc/hostname`);
    expect((await restic(['check', '--read-data'], { repo: location })).code).toBe(0);
  });

  it('reports a path that does not exist and still writes the snapshot of the rest', async () => {
    const warnings: string[] = [];
    const summary = await backup(repo, {
      paths: [path.join(source, 'etc'), path.join(source, 'missing')],
      workers: 0,
      onWarning: (w) => warnings.push(`${w.path}: ${w.message}`),
    });
    expect(summary.entriesLeftOut).toBe(1);
    expect(warnings.join('\n')).toContain('missing');
    expect((await resticOk(['ls', summary.snapshotId], { repo: location })).stdout).toContain('hostname');
  });

  it('is cancelled cleanly: CANCELLED, no snapshot, repository consistent, next backup completes', async () => {
    await writeFile(path.join(source, 'var', 'more.bin'), Buffer.alloc(6 * 1024 * 1024, 1));
    const controller = new AbortController();
    const run = backup(repo, {
      paths: [source],
      workers: 0,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    controller.abort();
    const error = await run.catch((e: unknown) => e);
    expect(isEngineError(error, 'CANCELLED')).toBe(true);
    expect(await repo.listSnapshots()).toEqual([]);
    expect((await restic(['check'], { repo: location })).code).toBe(0);
    const after = await backup(repo, { paths: [source], workers: 0 });
    expect(after.filesNew).toBe(5);
    expect((await restic(['check', '--read-data'], { repo: location })).code).toBe(0);
  });

  it('sends progress at most 10 times per second, ending at the totals', async () => {
    const seen: ProgressSnapshot[] = [];
    const started = performance.now();
    await backup(repo, { paths: [source], workers: 0, onProgress: (p) => seen.push(p) });
    const seconds = (performance.now() - started) / 1000;
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2);
    const last = seen.at(-1);
    expect(last?.filesDone).toBe(last?.filesTotal);
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    expect(last?.totalsFinal).toBe(true);
  });

  it('gives the same snapshot tree with worker threads as inline', async () => {
    const inline = await backup(repo, { paths: [source], workers: 0, parent: null });
    const warnings: string[] = [];
    const threaded = await backup(repo, {
      paths: [source],
      workers: 2,
      parent: null,
      onWarning: (w) => warnings.push(w.message),
    });
    // The built worker script was found (vitest's global setup builds out/): no single-thread fallback.
    expect(warnings).toEqual([]);
    expect(await subtreeOf(repo, threaded.snapshot.tree, source)).toBe(
      await subtreeOf(repo, inline.snapshot.tree, source),
    );
    expect(threaded.blobsAdded).toBe(0);
  });
});

describe('file saver', () => {
  it('reports a file that vanished before it was read, and one that changed since it was scanned', async () => {
    await repo.loadIndex();
    const saver = new FileSaver(repo, { count: 0 });
    try {
      const gone = await saver.save(Buffer.from(path.join(source, 'nope')), {
        size: 1,
        mtimeNs: 0n,
        ctimeNs: 0n,
      });
      expect(gone.content).toBeNull();
      expect(gone.error?.code).toBe('ENOENT');
      const changed = await saver.save(Buffer.from(path.join(source, 'etc', 'hostname')), {
        size: 8,
        mtimeNs: 1n,
        ctimeNs: 1n,
      });
      expect(changed.content).toHaveLength(1);
      expect(changed.warnings.join()).toContain('changed while it was being read');
      await saver.drain();
    } finally {
      await saver.close();
      await rm(path.join(dir, 'unused'), { force: true });
    }
  });
});
