/**
 * Damaged data in a restic-made repository (so the packs are real): one byte flipped inside a blob of one pack,
 * and another pack cut off in the middle of a blob. Exactly the files that use a damaged blob fail — CORRUPT,
 * naming the pack and the blob — and every other file is restored intact, including files whose blobs sit in the
 * same packs before the damage. Verification afterwards finds the failed files and nothing else.
 */
import { chmod, mkdir, open, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import type { Id } from '../ids';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, resticOk, testPassword } from '../testing/restic-cli';
import { emptyNode, type Node } from '../tree/node';
import { decodeTree } from '../tree/tree-codec';
import { verifyRestore, verifyRestoredFile } from './restore-verifier';
import { restore } from './restorer';
import { pseudoRandom } from './testing/restore-fixture';

const engineWorker = path.resolve('out/main/engine-worker.js');
let work = '';
let repoDir = '';
let tree = '';
let repository: Repository;
const contents = new Map<string, Id[]>(); // file name → content blob IDs
const damagedBlobs = new Map<Id, Id>(); // blob → pack

async function sourceFile(name: string): Promise<Buffer> {
  return readFile(path.join(work, 'src', 'data', name));
}

beforeAll(async () => {
  work = await makeTempDir('restore-damage');
  const data = path.join(work, 'src', 'data');
  await mkdir(data, { recursive: true });
  for (let i = 0; i < 12; i++) {
    const name = `f${String(i).padStart(2, '0')}.bin`;
    await writeFile(path.join(data, name), pseudoRandom(1_100_000 + i, name));
  }
  await writeFile(path.join(data, 'note.txt'), 'small\n');
  repoDir = path.join(work, 'repo');
  await resticOk(['init', '--repository-version', '2'], { repo: repoDir });
  await resticOk(['backup', '--pack-size', '4', 'data'], { repo: repoDir, cwd: path.join(work, 'src') });
  repository = await Repository.open(new LocalBackend(repoDir), testPassword);
  await repository.loadIndex();
  const [snapshot] = await repository.listSnapshots();
  tree = snapshot?.snapshot.tree ?? '';
  const [dataNode] = decodeTree(await repository.readBlob('tree', tree));
  for (const node of decodeTree(await repository.readBlob('tree', dataNode?.subtree ?? ''))) {
    contents.set(node.name.toString(), node.content ?? []);
  }

  // Damage: flip a byte in the middle of the second blob of the first data pack; cut the last data pack in the
  // middle of its second blob (its first blob stays readable).
  const packs = [...repository.index.packs()].filter(
    (p) => p.blobs[0]?.type === 'data' && p.blobs.length >= 3,
  );
  const [flipped, cut] = [packs[0], packs.at(-1)];
  if (flipped === undefined || cut === undefined || flipped.id === cut.id)
    throw new Error('need two data packs');
  const packFile = (id: Id) => path.join(repoDir, 'data', id.slice(0, 2), id);
  const victim = [...flipped.blobs].sort((a, b) => a.offset - b.offset)[1];
  if (victim === undefined) throw new Error('no blob to flip');
  await chmod(packFile(flipped.id), 0o600);
  const handle = await open(packFile(flipped.id), 'r+');
  try {
    const at = victim.offset + Math.floor(victim.length / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = (byte[0] ?? 0) ^ 0x40;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
  damagedBlobs.set(victim.id, flipped.id);
  const byOffset = [...cut.blobs].sort((a, b) => a.offset - b.offset);
  const cutAt = (byOffset[1]?.offset ?? 0) + 100;
  await chmod(packFile(cut.id), 0o600);
  await truncate(packFile(cut.id), cutAt);
  for (const blob of byOffset.slice(1)) damagedBlobs.set(blob.id, cut.id);
}, 120_000);

afterAll(() => removeTempDir(work));

function expectedFailures(): string[] {
  return [...contents]
    .filter(([, ids]) => ids.some((id) => damagedBlobs.has(id)))
    .map(([name]) => `data/${name}`)
    .sort();
}

describe('restoring from damaged packs', () => {
  for (const workers of [0, 2]) {
    it(`fails only the files using a damaged blob, naming pack and blob (workers: ${workers})`, async () => {
      const target = path.join(work, `target-${workers}`);
      const summary = await restore(repository, {
        source: { tree },
        target,
        workers,
        workerScript: engineWorker,
      });
      expect(summary.threaded).toBe(workers > 0);
      const failed = summary.failures.map((f) => f.path).sort();
      expect(failed).toEqual(expectedFailures());
      expect(failed.length).toBeGreaterThanOrEqual(2);
      for (const failure of summary.failures) {
        expect(failure.code).toBe('CORRUPT');
        const name = failure.path.slice('data/'.length);
        const [, blob = '', pack] =
          /data blob ([0-9a-f]{64}) in pack ([0-9a-f]{64})/.exec(failure.message) ?? [];
        expect(contents.get(name)).toContain(blob);
        expect(damagedBlobs.get(blob)).toBe(pack);
      }
      for (const name of contents.keys()) {
        if (failed.includes(`data/${name}`)) continue;
        const restored = await readFile(path.join(target, 'data', name));
        expect(restored.equals(await sourceFile(name)), name).toBe(true);
      }
      expect(summary.files).toBe(contents.size - failed.length);
    });
  }

  it('verification finds exactly the damaged files, and a file changed after the restore', async () => {
    const target = path.join(work, 'target-0');
    const before = await verifyRestore(repository, { source: { tree }, target });
    expect(before.mismatches.map((m) => m.path).sort()).toEqual(expectedFailures());
    expect(before.mismatches.every((m) => m.code === 'CORRUPT')).toBe(true);
    expect(before.entries).toBe(contents.size + 1); // the files and their directory

    const intact = [...contents.keys()].find((name) => !expectedFailures().includes(`data/${name}`)) ?? '';
    const file = path.join(target, 'data', intact);
    const handle = await open(file, 'r+');
    await handle.write(Buffer.from('!'), 0, 1, 700_000);
    await handle.close();
    const ids = contents.get(intact) ?? [];
    const problem = await verifyRestoredFile(repository, nodeWith(ids), file);
    expect(problem).toMatch(/^bytes \d+\.\.\d+ differ from data blob [0-9a-f]{64}$/);
    const after = await verifyRestore(repository, { source: { tree }, target });
    expect(after.mismatches.map((m) => m.path).sort()).toEqual(
      [...expectedFailures(), `data/${intact}`].sort(),
    );
    await truncate(file, 10);
    expect(await verifyRestoredFile(repository, nodeWith(ids), file)).toMatch(
      /^has 10 bytes, the snapshot has/,
    );
  });
});

/** A file node with this content list (all that verifyRestoredFile looks at). */
function nodeWith(content: Id[]): Node {
  return { ...emptyNode(Buffer.from('x'), 'file'), content };
}
