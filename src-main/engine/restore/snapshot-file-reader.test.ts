/**
 * Reading single files of a snapshot into memory: a snapshot written by our own backup (files of one and of
 * several chunks, an empty file, a symlink, directories, a name that is not UTF-8, a file above the default cap),
 * and hand-written trees for what a backup never writes (a size that disagrees with the content, a name twice).
 */
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../archiver/archiver';
import { LocalBackend } from '../backend/local-backend';
import { MemoryBackend } from '../backend/memory-backend';
import type { Id } from '../ids';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import { listSnapshotEntries, listSnapshotFiles, readSnapshotFile } from './snapshot-file-reader';
import { pseudoRandom } from './testing/restore-fixture';
import { repositoryTreeLoader } from './tree-walker';

let work = '';
let repository: Repository;
let snapshot: { tree: Id };
const fstab = '# /etc/fstab\nUUID=0a1b2c3d-1111-2222-3333-444455556666 / ext4 errors=remount-ro 0 1\n';
const multiChunk = pseudoRandom(3 * 1024 * 1024 + 17, 'multi');

beforeAll(async () => {
  work = await makeTempDir('snapshot-file-reader');
  const etc = path.join(work, 'src', 'etc');
  await mkdir(path.join(etc, 'netplan', 'old'), { recursive: true });
  await writeFile(path.join(etc, 'fstab'), fstab);
  await writeFile(path.join(etc, 'netplan', '01-netcfg.yaml'), 'network:\n  version: 2\n');
  await writeFile(path.join(etc, 'netplan', '50-cloud-init.yaml'), 'network: {}\n');
  await writeFile(path.join(etc, 'netplan', 'old', 'ignored.yaml'), 'x\n');
  await symlink('01-netcfg.yaml', path.join(etc, 'netplan', 'current.yaml'));
  const notUtf8 = Buffer.concat([Buffer.from(`${etc}/netplan/`), Buffer.from([0x62, 0xff, 0x2e, 0x79])]);
  await writeFile(notUtf8, 'a name that is not UTF-8');
  await writeFile(path.join(etc, 'empty'), '');
  await writeFile(path.join(etc, 'multi.bin'), multiChunk);
  await writeFile(path.join(etc, 'big.img'), '');
  await truncate(path.join(etc, 'big.img'), 16 * 1024 * 1024 + 1);
  repository = await Repository.init(new LocalBackend(path.join(work, 'repo')), 'pw', {
    chunkerPolynomial: 0x3da3358b4dc173n,
    kdf: { N: 1024, r: 8, p: 1 },
  });
  const summary = await backup(repository, {
    paths: ['/etc'],
    sourceMap: [{ path: '/etc', readFrom: etc }],
    hostname: 'reader-test',
    workers: 0,
  });
  snapshot = summary.snapshot;
  await repository.backend.close();
  // Read back through a freshly opened instance, as the helper does.
  repository = await Repository.open(new LocalBackend(path.join(work, 'repo')), 'pw');
  await repository.loadIndex();
});

afterAll(async () => {
  await repository?.backend.close();
  await removeTempDir(work);
});

describe('readSnapshotFile', () => {
  it('returns the content of small, empty and multi-chunk files', async () => {
    expect((await readSnapshotFile(repository, snapshot, '/etc/fstab'))?.toString('utf8')).toBe(fstab);
    expect(await readSnapshotFile(repository, snapshot, '/etc/empty')).toEqual(Buffer.alloc(0));
    const multi = await readSnapshotFile(repository, snapshot, 'etc/multi.bin');
    expect(multi?.equals(multiChunk)).toBe(true);
  });

  it('returns null for a path that is not in the snapshot, also below a file', async () => {
    expect(await readSnapshotFile(repository, snapshot, '/etc/crypttab')).toBeNull();
    expect(await readSnapshotFile(repository, snapshot, '/boot/grub/grub.cfg')).toBeNull();
    expect(await readSnapshotFile(repository, snapshot, '/etc/fstab/inside')).toBeNull();
  });

  it('refuses directories, symlinks, the root and escaping paths with their codes', async () => {
    await expect(readSnapshotFile(repository, snapshot, '/etc/netplan')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: '/etc/netplan is a dir in the snapshot, not a regular file',
    });
    await expect(readSnapshotFile(repository, snapshot, '/etc/netplan/current.yaml')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('is a symlink'),
    });
    await expect(readSnapshotFile(repository, snapshot, '/')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(readSnapshotFile(repository, snapshot, '/etc/../etc/fstab')).rejects.toMatchObject({
      code: 'PATH_ESCAPE',
    });
  });

  it('refuses files above the cap before reading them: 16 MiB by default, or the given maxBytes', async () => {
    await expect(readSnapshotFile(repository, snapshot, '/etc/big.img')).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: '/etc/big.img has 16777217 bytes, more than the 16777216 bytes read into memory',
    });
    await expect(
      readSnapshotFile(repository, snapshot, '/etc/fstab', { maxBytes: fstab.length - 1 }),
    ).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const exact = await readSnapshotFile(repository, snapshot, '/etc/fstab', { maxBytes: fstab.length });
    expect(exact?.length).toBe(fstab.length);
  });

  it('uses a given tree loader (so that callers can cache trees)', async () => {
    const loaded: Id[] = [];
    const base = repositoryTreeLoader(repository);
    const loadTree = (id: Id) => {
      loaded.push(id);
      return base(id);
    };
    await readSnapshotFile(repository, snapshot, '/etc/netplan/01-netcfg.yaml', { loadTree });
    expect(loaded).toHaveLength(3); // root, /etc, /etc/netplan
    expect(loaded[0]).toBe(snapshot.tree);
  });
});

describe('listSnapshotFiles / listSnapshotEntries', () => {
  it("lists a directory's regular files only, by absolute path, sorted; names that are not UTF-8 are left out", async () => {
    expect(await listSnapshotFiles(repository, snapshot, '/etc/netplan')).toEqual([
      '/etc/netplan/01-netcfg.yaml',
      '/etc/netplan/50-cloud-init.yaml',
    ]);
    expect(await listSnapshotFiles(repository, snapshot, '/etc')).toEqual([
      '/etc/big.img',
      '/etc/empty',
      '/etc/fstab',
      '/etc/multi.bin',
    ]);
  });

  it('gives every entry with its type and size', async () => {
    const entries = await listSnapshotEntries(repository, snapshot, '/etc/netplan');
    expect(entries).toEqual([
      { path: '/etc/netplan/01-netcfg.yaml', type: 'file', size: 22 },
      { path: '/etc/netplan/50-cloud-init.yaml', type: 'file', size: 12 },
      { path: '/etc/netplan/current.yaml', type: 'symlink', size: 0 },
      { path: '/etc/netplan/old', type: 'dir', size: 0 },
    ]);
    expect(await listSnapshotEntries(repository, snapshot, '/')).toEqual([
      { path: '/etc', type: 'dir', size: 0 },
    ]);
  });

  it('gives [] for a missing directory and refuses a file', async () => {
    expect(await listSnapshotFiles(repository, snapshot, '/etc/systemd/network')).toEqual([]);
    await expect(listSnapshotFiles(repository, snapshot, '/etc/fstab')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('hand-written trees', () => {
  const time = '2024-05-06T07:08:09.123456789Z';
  let memory: Repository;
  const node = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
    name,
    type,
    mode: type === 'dir' ? 2147484141 : 0o644,
    mtime: time,
    atime: time,
    ctime: time,
    uid: 0,
    gid: 0,
    content: null,
    ...extra,
  });
  const saveTree = async (nodes: Record<string, unknown>[]) => {
    const { id } = await memory.saveBlob('tree', Buffer.from(`${JSON.stringify({ nodes })}\n`));
    await memory.flush(); // written and indexed, so that it can be read back
    return id;
  };

  beforeAll(async () => {
    memory = await Repository.init(new MemoryBackend(), 'pw', {
      chunkerPolynomial: 0x3da3358b4dc173n,
      kdf: { N: 1024, r: 8, p: 1 },
    });
  });

  it('CORRUPT when the content does not add up to the recorded size (shorter or longer)', async () => {
    const blob = (await memory.saveBlob('data', Buffer.from('12345'))).id;
    const root = await saveTree([
      node('short', 'file', { size: 10, content: [blob] }),
      node('long', 'file', { size: 3, content: [blob] }),
    ]);
    await expect(readSnapshotFile(memory, { tree: root }, '/short')).rejects.toMatchObject({
      code: 'CORRUPT',
      message: '/short: its content has 5 bytes, its tree records 10',
    });
    await expect(readSnapshotFile(memory, { tree: root }, '/long')).rejects.toMatchObject({
      code: 'CORRUPT',
    });
  });

  it('PATH_ESCAPE for a name that appears twice; the listing leaves both out', async () => {
    const blob = (await memory.saveBlob('data', Buffer.from('a'))).id;
    const inner = await saveTree([
      node('twice', 'file', { size: 1, content: [blob] }),
      node('twice', 'file', { size: 1, content: [blob] }),
      node('once', 'file', { size: 1, content: [blob] }),
    ]);
    const root = await saveTree([node('etc', 'dir', { subtree: inner })]);
    await expect(readSnapshotFile(memory, { tree: root }, '/etc/twice')).rejects.toMatchObject({
      code: 'PATH_ESCAPE',
    });
    expect(await listSnapshotFiles(memory, { tree: root }, '/etc')).toEqual(['/etc/once']);
  });

  it('NOT_FOUND when a tree on the way is not in the repository', async () => {
    const missing = 'ab'.repeat(32);
    const root = await saveTree([node('etc', 'dir', { subtree: missing })]);
    await expect(readSnapshotFile(memory, { tree: root }, '/etc/fstab')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
