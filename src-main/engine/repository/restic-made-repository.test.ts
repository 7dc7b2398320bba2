/**
 * Repositories written by the real restic 0.14, read by our code: every blob of a backup, its snapshots and trees,
 * and keys restic added.
 */
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { isEngineError } from '../errors';
import { makeTempDir, removeTempDir, resticOk, testPassword } from '../testing/restic-cli';
import type { PackedBlob } from './blob';
import { readPackHeader } from './pack-reader';
import { Repository } from './repository';

const addedPassword = 'a password restic added';

interface ResticSnapshot {
  id: string;
  tree: string;
  paths: string[];
  time: string;
}

/** One restic-made repository and what restic itself says about it. */
interface Fixture {
  dir: string;
  repo: Repository;
  config: { id: string; chunker_polynomial: string };
  blobs: string[];
  snapshots: ResticSnapshot[];
}

let work = '';
let source = '';
const files: Record<string, Buffer> = {
  'text.txt': Buffer.from('hello restic\n'.repeat(1000)),
  // Above the chunker's 512 KiB minimum: several data blobs for one file.
  'random.bin': randomBytes(3 * 1024 * 1024),
  empty: Buffer.alloc(0),
  'sub/deeper/note.md': Buffer.from('# note\n'),
};
const fixtures = new Map<1 | 2, Fixture>();

/**
 * restic's key derivation costs ~0.5 s per command and `init`/`key add` calibrate it for seconds, so both versions
 * are built side by side, restic is asked everything up front, and the slow extras (a second backup with a parent,
 * `key add`) are done for v2 only.
 */
async function makeFixture(version: 1 | 2): Promise<Fixture> {
  const dir = path.join(work, `repo-v${version}`);
  const repoOptions = { repo: dir };
  await resticOk(['init', '--repository-version', String(version)], repoOptions);
  await resticOk(['backup', '--host', 'testhost', '--tag', 'first', '.'], { ...repoOptions, cwd: source });
  if (version === 2) await resticOk(['backup', '--host', 'testhost', '.'], { ...repoOptions, cwd: source });
  // In parallel, so without locks: restic 0.14 can hang for minutes retrying a lock file that another restic
  // process has just removed (restic/restic#1523).
  const [config, blobs, snapshots] = await Promise.all([
    resticOk(['--no-lock', 'cat', 'config'], repoOptions),
    resticOk(['--no-lock', 'list', 'blobs'], repoOptions),
    resticOk(['--no-lock', 'snapshots', '--json'], repoOptions),
  ]);
  const repo = await Repository.open(new LocalBackend(dir), testPassword);
  await repo.loadIndex();
  if (version === 2) {
    const passwordFile = path.join(work, 'new-password');
    await writeFile(passwordFile, `${addedPassword}\n`);
    await resticOk(['key', 'add', '--new-password-file', passwordFile], repoOptions);
  }
  return {
    dir,
    repo,
    config: JSON.parse(config.stdout),
    blobs: blobs.stdout.trim().split('\n'),
    snapshots: JSON.parse(snapshots.stdout),
  };
}

beforeAll(async () => {
  work = await makeTempDir('restic-made');
  source = path.join(work, 'src');
  await mkdir(path.join(source, 'sub', 'deeper'), { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(source, name), content);
  await symlink('text.txt', path.join(source, 'link'));
  const [v2, v1] = await Promise.all([makeFixture(2), makeFixture(1)]);
  fixtures.set(2, v2);
  fixtures.set(1, v1);
}, 60_000);

afterAll(async () => {
  await removeTempDir(work);
});

const byOffset = (blobs: PackedBlob[]) => [...blobs].sort((a, b) => a.offset - b.offset);

describe.each([2, 1] as const)('a restic-made v%i repository', (version) => {
  const fixture = (): Fixture => {
    const f = fixtures.get(version);
    if (!f) throw new Error('fixture missing');
    return f;
  };

  it('opens with the right password (config as restic shows it), WRONG_PASSWORD with a wrong one', async () => {
    const { repo, config, dir } = fixture();
    expect(repo.config.version).toBe(version);
    expect(repo.config.id).toBe(config.id);
    expect(repo.config.chunkerPolynomial.toString(16)).toBe(config.chunker_polynomial);
    try {
      await Repository.open(new LocalBackend(dir), 'not the password');
      expect.unreachable();
    } catch (error) {
      expect(isEngineError(error, 'WRONG_PASSWORD')).toBe(true);
    }
  });

  it('has an index naming every blob restic lists; every blob reads and verifies; headers match', async () => {
    const { repo, blobs } = fixture();
    expect(repo.index.size).toBe(blobs.length);
    for (const line of blobs) {
      const [type, id] = line.split(' ') as ['data' | 'tree', string];
      expect(repo.index.has(type, id)).toBe(true);
    }
    let compressed = 0;
    for (const pack of repo.index.packs()) {
      // The index lists a pack's blobs in its own order; the header is in file order.
      expect(await readPackHeader(repo.backend, repo.key, pack.id)).toEqual(byOffset(pack.blobs));
      for (const blob of pack.blobs) {
        if (blob.uncompressedLength !== undefined) compressed++;
        // readBlob checks MAC, length and SHA-256 == ID and throws on any mismatch.
        const plaintext = await repo.readBlob(blob.type, blob.id);
        expect(plaintext.length).toBe(blob.uncompressedLength ?? blob.length - 32);
      }
    }
    // v2 with default compression compresses every blob; v1 cannot compress.
    expect(compressed).toBe(version === 2 ? repo.index.size : 0);
  });

  it('lists and parses its snapshots; their trees lead back to the original file contents', async () => {
    const { repo, snapshots: theirs } = fixture();
    const snapshots = await repo.listSnapshots();
    expect(snapshots.map((s) => s.id).sort()).toEqual(theirs.map((s) => s.id).sort());
    for (const { id, snapshot } of snapshots) {
      const restics = theirs.find((s) => s.id === id);
      expect(snapshot).toMatchObject({ tree: restics?.tree, paths: restics?.paths, hostname: 'testhost' });
      expect(Date.parse(snapshot.time)).toBe(Date.parse(restics?.time ?? ''));
    }
    expect(snapshots[0]?.snapshot.tags).toEqual(['first']);
    if (version === 2) expect(snapshots[1]?.snapshot.parent).toBe(snapshots[0]?.id);

    const found: Record<string, Buffer> = {};
    const walk = async (treeId: string, prefix: string): Promise<void> => {
      const tree = JSON.parse((await repo.readBlob('tree', treeId)).toString('utf8'));
      expect(Array.isArray(tree.nodes)).toBe(true);
      for (const node of tree.nodes) {
        const name = `${prefix}${node.name}`;
        if (node.type === 'dir') await walk(node.subtree, `${name}/`);
        if (node.type === 'file') {
          const parts = await Promise.all(node.content.map((id: string) => repo.readBlob('data', id)));
          found[name] = Buffer.concat(parts);
          expect(found[name]?.length).toBe(node.size ?? 0); // size is omitempty
        }
        if (node.type === 'symlink') expect(node.linktarget).toBe('text.txt');
      }
    };
    await walk(snapshots.at(-1)?.snapshot.tree ?? '', '');
    // restic 0.14 stores `backup .` with the contents of `.` at the root of the snapshot's tree.
    // Buffer.equals: vitest's deep equality walks a 3 MiB buffer element by element (seconds).
    for (const [name, content] of Object.entries(files))
      expect(found[name]?.equals(content), name).toBe(true);
    expect(Object.keys(found).sort()).toEqual(Object.keys(files).sort());
  });
});

describe('a restic-made v2 repository, keys', () => {
  it('opens with a key restic added (restic key add --new-password-file)', async () => {
    const fixture = fixtures.get(2);
    if (!fixture) throw new Error('fixture missing');
    const opened = await Repository.open(new LocalBackend(fixture.dir), addedPassword);
    expect(opened.keyId).not.toBe(fixture.repo.keyId);
    expect(Buffer.from(opened.key.encrypt).equals(Buffer.from(fixture.repo.key.encrypt))).toBe(true);
  });

  it('damage in restic-made packs: flipped byte and truncation → CORRUPT, missing pack → NOT_FOUND', async () => {
    const fixture = fixtures.get(2);
    if (!fixture) throw new Error('fixture missing');
    const copy = path.join(work, 'damaged-copy');
    await cp(fixture.dir, copy, { recursive: true });
    const backend = new LocalBackend(copy);
    const repo = await Repository.open(backend, testPassword);
    await repo.loadIndex();
    const dataBlobs = [...repo.index.packs()].flatMap((p) =>
      p.blobs.filter((b) => b.type === 'data').map((b) => ({ ...b, packId: p.id })),
    );
    const packIds = [...new Set(dataBlobs.map((b) => b.packId))];
    expect(packIds.length).toBeGreaterThanOrEqual(1);
    const cases = [
      async (packPath: string, blob: (typeof dataBlobs)[number]) => {
        const bytes = await readFile(packPath);
        const at = blob.offset + Math.floor(blob.length / 2);
        bytes[at] = (bytes[at] ?? 0) ^ 0x01;
        await writeFile(packPath, bytes);
        return 'CORRUPT';
      },
      async (packPath: string, blob: (typeof dataBlobs)[number]) => {
        await truncate(packPath, blob.offset + blob.length - 1);
        return 'CORRUPT';
      },
      async (packPath: string) => {
        await rm(packPath);
        return 'NOT_FOUND';
      },
    ];
    // Damage the pack of the last data blob each time (truncation must cut into that blob).
    for (const damage of cases) {
      const blob = dataBlobs.pop();
      if (!blob) throw new Error('not enough blobs');
      const packPath = backend.filePath({ type: 'data', name: blob.packId });
      await chmod(packPath, 0o600);
      const expected = await damage(packPath, blob);
      // A reader opened after the damage: LocalBackend keeps read handles open (repository files are write-once),
      // so an instance that had read the pack before its deletion would still read the old bytes.
      const reader = await Repository.open(new LocalBackend(copy), testPassword);
      await reader.loadIndex();
      try {
        await reader.readBlob('data', blob.id);
        expect.unreachable(`damage not detected (${expected})`);
      } catch (error) {
        expect(isEngineError(error) && error.code).toBe(expected);
        expect((error as Error).message).toContain(blob.id);
        expect((error as Error).message).toContain(blob.packId);
      }
    }
  });
});
