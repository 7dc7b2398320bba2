/**
 * Repositories written by our code, checked by the real restic 0.14: config and keys, `check --read-data` over
 * packs/index/snapshot we wrote, and restic's own reads (`snapshots`, `dump`) of our data.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { defaultScryptParams, type ScryptParams } from '../crypto/key-file';
import { idOf } from '../ids';
import { makeTempDir, removeTempDir, restic, resticOk, testPassword } from '../testing/restic-cli';
import { Repository } from './repository';
import { formatRfc3339Nano } from './rfc3339';

const polynomial = 0x3da3358b4dc173n;
const fastKdf = { N: 1024, r: 8, p: 1 };

let work = '';
beforeAll(async () => {
  work = await makeTempDir('restic-reads-ours');
});
afterAll(async () => {
  await removeTempDir(work);
});

async function newRepo(name: string, kdf: ScryptParams | undefined = fastKdf) {
  const dir = path.join(work, name);
  const repo = await Repository.init(new LocalBackend(dir), testPassword, {
    chunkerPolynomial: polynomial,
    kdf,
    packTargetSize: 64 * 1024,
  });
  return { dir, repo };
}

/** A tree as restic 0.14 writes one: compact JSON, nodes sorted by name, trailing newline (see notes §9). */
function treeBlob(nodes: object[]): Buffer {
  return Buffer.from(`${JSON.stringify({ nodes })}\n`);
}

describe('our repositories, read by restic', () => {
  it('init (default scrypt parameters): restic reads the config, lists the key, and check passes', async () => {
    const { dir, repo } = await newRepo('init', defaultScryptParams);
    const keys = await repo.listKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.kdf).toEqual({ N: 32768, r: 8, p: 5 });
    // Concurrent restic commands on one repository: read-only ones run with --no-lock. restic 0.14 retries loading a
    // lock file another process just removed with a long backoff (restic/restic#1523), which hangs parallel runs.
    const [config, keyList] = await Promise.all([
      resticOk(['--no-lock', 'cat', 'config'], { repo: dir }),
      resticOk(['key', 'list'], { repo: dir }),
    ]);
    // check takes an exclusive lock: never in parallel with other restic commands on this repository.
    const check = await resticOk(['check'], { repo: dir });
    expect(JSON.parse(config.stdout)).toEqual({
      version: 2,
      id: repo.config.id,
      chunker_polynomial: '3da3358b4dc173',
    });
    expect(keyList.stdout).toContain(`*${repo.keyId.slice(0, 8)}`); // restic marks the key it used with *
    expect(check.stdout).toContain('no errors were found');
  });

  it('keys we add open the repository in restic; removed keys no longer do', async () => {
    const { dir, repo } = await newRepo('keys');
    const added = await repo.addKey('second password', { kdf: fastKdf });
    const viaAdded = await resticOk(['key', 'list'], { repo: dir, password: 'second password' });
    expect(viaAdded.stdout).toContain(`*${added.slice(0, 8)}`);
    expect(viaAdded.stdout).toContain(repo.keyId.slice(0, 8));
    await repo.removeKey(added);
    expect((await restic(['cat', 'config'], { repo: dir, password: 'second password' })).code).not.toBe(0);
    expect((await restic(['cat', 'config'], { repo: dir })).code).toBe(0);
  });

  it('blobs, packs, index and snapshot we wrote pass `restic check --read-data`; restic dumps our file', async () => {
    const { dir, repo } = await newRepo('data');
    const text = Buffer.from('a line that compresses well\n'.repeat(5000)); // zstd entry
    const noise = randomBytes(150 * 1024); // stored raw: compression does not pay
    const content = [text, noise, Buffer.from('tail\n')];
    const contentIds: string[] = [];
    for (const part of content) contentIds.push((await repo.saveBlob('data', part)).id);
    await repo.saveBlob('data', Buffer.alloc(0)); // unreferenced, empty: a raw entry restic must accept
    const emptyTree = treeBlob([]);
    const emptyTreeId = (await repo.saveBlob('tree', emptyTree)).id;
    const now = formatRfc3339Nano(new Date('2026-01-02T03:04:05.123456789Z'), 789);
    const common = { mtime: now, atime: now, ctime: now, uid: 0, gid: 0, user: 'root', group: 'root' };
    const fileContent = Buffer.concat(content);
    const root = treeBlob([
      {
        name: 'hello.txt',
        type: 'file',
        mode: 0o644,
        ...common,
        inode: 1001,
        device_id: 2049,
        size: fileContent.length,
        links: 1,
        content: contentIds,
      },
      {
        name: 'sub',
        type: 'dir',
        mode: 2147484141,
        ...common,
        inode: 1002,
        device_id: 2049,
        content: null,
        subtree: emptyTreeId,
      },
    ]);
    const rootId = (await repo.saveBlob('tree', root)).id;
    const snapshotId = await repo.saveSnapshot({
      time: formatRfc3339Nano(new Date()),
      tree: rootId,
      paths: ['/data'],
      hostname: 'ours',
      username: 'root',
      tags: ['engine-test'],
    });
    let packs = 0;
    for await (const _ of repo.backend.list('data')) packs++;
    expect(packs).toBeGreaterThan(2); // 64 KiB target: several data packs plus a tree pack

    const check = await restic(['check', '--read-data'], { repo: dir });
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('no errors were found');
    expect(check.code).toBe(0);

    // --no-lock: see the first test (restic/restic#1523).
    const [snapshots, dump, blobs] = await Promise.all([
      resticOk(['--no-lock', 'snapshots', '--json'], { repo: dir }),
      resticOk(['--no-lock', 'dump', snapshotId, '/hello.txt'], { repo: dir, binary: true }),
      resticOk(['--no-lock', 'list', 'blobs'], { repo: dir }),
    ]);
    const listed = JSON.parse(snapshots.stdout);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: snapshotId,
      tree: rootId,
      hostname: 'ours',
      tags: ['engine-test'],
    });
    expect(dump.stdoutBytes.equals(fileContent)).toBe(true);
    expect(blobs.stdout.trim().split('\n').sort()).toEqual(
      [
        ...contentIds.map((id) => `data ${id}`),
        `data ${idOf(Buffer.alloc(0))}`,
        `tree ${emptyTreeId}`,
        `tree ${rootId}`,
      ].sort(),
    );
  });

  it('restic backs up into a repository we created, and we read what it wrote', async () => {
    const { dir } = await newRepo('restic-writes');
    await writeFile(path.join(work, 'file-for-restic'), 'written by restic into our repository\n');
    await resticOk(['backup', '--host', 'r', 'file-for-restic'], { repo: dir, cwd: work });
    const repo = await Repository.open(new LocalBackend(dir), testPassword);
    await repo.loadIndex();
    const [{ snapshot } = { snapshot: undefined }] = await repo.listSnapshots();
    const tree = JSON.parse((await repo.readBlob('tree', snapshot?.tree ?? '')).toString());
    const node = tree.nodes.find((n: { name: string }) => n.name === 'file-for-restic');
    const data = await repo.readBlob('data', node.content[0]);
    expect(data.toString()).toBe('written by restic into our repository\n');
  });
});
