/**
 * Damage to the small files of a repository and to trees, with restic as the judge: an index file and a snapshot
 * file that cannot be decrypted, and nodes restic's checker refuses (a file without content list, a directory
 * without subtree, an empty name). Each is an error naming the file, or the tree and the node; restic agrees that
 * the repository has errors.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../backend/local-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { type Id, idOf } from '../ids';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir, testPassword } from '../testing/restic-cli';
import { ourCheck, resticSaysClean } from './testing/check-fixture';

const time = '2024-05-06T07:08:09.123456789Z';
let work = '';
let repo = '';
let repository: Repository;

function node(name: string, type: string, extra: Record<string, unknown>): Record<string, unknown> {
  const mode = type === 'dir' ? 2147484141 : 0o644;
  return { name, type, mode, mtime: time, atime: time, ctime: time, uid: 0, gid: 0, ...extra };
}

async function saveTree(nodes: Record<string, unknown>[]): Promise<Id> {
  return (await repository.saveBlob('tree', Buffer.from(`${JSON.stringify({ nodes })}\n`))).id;
}

/** Writes bytes that do not decrypt under the repository's name for them (the SHA-256 of the bytes). */
async function writeGarbage(dir: string): Promise<Id> {
  const bytes = Buffer.from(`not an encrypted file ${dir} ${'x'.repeat(64)}`);
  const name = idOf(bytes);
  await writeFile(path.join(repo, dir, name), bytes);
  return name;
}

beforeEach(async () => {
  work = await makeTempDir('check-files');
  repo = path.join(work, 'repo');
  repository = await Repository.init(new LocalBackend(repo), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
});

afterEach(async () => {
  await repository.backend.close();
  await removeTempDir(work);
});

async function saveGoodSnapshot(): Promise<Id> {
  const blob = await repository.saveBlob('data', Buffer.from('content\n'));
  const tree = await saveTree([node('ok.txt', 'file', { size: 8, links: 1, content: [blob.id] })]);
  return repository.saveSnapshot({ time, tree, paths: ['/src'] });
}

describe('check on damaged small files and invalid trees', () => {
  it('an index file that cannot be decrypted is an error naming it', async () => {
    await saveGoodSnapshot();
    const garbage = await writeGarbage('index');
    const result = await ourCheck(repo);
    expect(result.errors).toEqual([
      expect.objectContaining({ kind: 'index-unreadable', code: 'CORRUPT', indexFile: garbage }),
    ]);
    expect(result.errors[0]?.message).toContain(`index file ${garbage}`);
    expect(await resticSaysClean(repo)).toBe(false);
  });

  it('a snapshot file that cannot be decrypted is an error naming it', async () => {
    await saveGoodSnapshot();
    const garbage = await writeGarbage('snapshots');
    const result = await ourCheck(repo);
    expect(result.errors).toEqual([
      expect.objectContaining({ kind: 'snapshot-unreadable', code: 'CORRUPT', snapshot: garbage }),
    ]);
    expect(result.errors[0]?.message).toContain(garbage);
    expect(result.snapshotsChecked).toBe(1);
    expect(await resticSaysClean(repo)).toBe(false);
  });

  it("nodes restic's checker refuses are errors naming the tree and the node; the paths are affected", async () => {
    const blob = await repository.saveBlob('data', Buffer.from('content\n'));
    const tree = await saveTree([
      node('nil-content', 'file', { size: 0, content: null }),
      node('no-subtree', 'dir', {}),
      node('ok.txt', 'file', { size: 8, links: 1, content: [blob.id] }),
    ]);
    const root = await saveTree([node('top', 'dir', { subtree: tree })]);
    const snapshot = await repository.saveSnapshot({ time, tree: root, paths: ['/src'] });
    const result = await ourCheck(repo);
    expect(result.errors.map((e) => [e.kind, e.tree, e.node, e.message])).toEqual([
      ['node-invalid', tree, 'nil-content', `tree ${tree}: file nil-content has nil blob list`],
      ['node-invalid', tree, 'no-subtree', `tree ${tree}: dir node no-subtree has no subtree`],
    ]);
    expect(result.affected).toEqual([
      { snapshot, time, paths: ['/top/nil-content', '/top/no-subtree'], pathCount: 2 },
    ]);
    expect(await resticSaysClean(repo)).toBe(false);
  });

  it('a clean repository of such hand-made trees is clean for both tools', async () => {
    await saveGoodSnapshot();
    expect((await ourCheck(repo, { readData: { kind: 'all' } })).errors).toEqual([]);
    expect(await resticSaysClean(repo, ['--read-data'])).toBe(true);
  });
});
