/**
 * Leftovers of interrupted writes: a crash mid-write leaves temporary files (ours and restic's are named
 * `<name>-tmp-<random>`) that no listing shows and nothing else removes. Prune, under its exclusive lock, deletes
 * them — and only them. A dry run leaves them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../archiver/archiver';
import { LocalBackend } from '../backend/local-backend';
import { parseChunkerPolynomial } from '../chunker/chunker-polynomial';
import { Repository } from '../repository/repository';
import { filesUnder } from '../testing/backend-testing';
import { makeTempDir, removeTempDir, restic, testPassword } from '../testing/restic-cli';
import { prune } from './prune';

let dir: string;
let location: string;

beforeAll(async () => {
  dir = await makeTempDir('prune-temporary');
  location = path.join(dir, 'repo');
  const source = path.join(dir, 'src');
  await mkdir(source);
  await writeFile(path.join(source, 'a'), 'some data\n'.repeat(1000));
  const repository = await Repository.init(new LocalBackend(location), testPassword, {
    chunkerPolynomial: parseChunkerPolynomial('3da3358b4dc173'),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  await backup(repository, { paths: [source], workers: 0 });
  await repository.backend.close();
}, 60_000);

afterAll(() => removeTempDir(dir));

describe('prune and temporary files', () => {
  it('deletes the leftovers of interrupted writes and nothing else; a dry run leaves them', async () => {
    const leftovers = [
      `data/ab/${'ab'.repeat(32)}-tmp-1a2b3c`,
      `index/${'cd'.repeat(32)}-tmp-4d5e6f`,
      `snapshots/${'ef'.repeat(32)}-tmp-0a0b0c`,
      'config-tmp-123456',
    ];
    for (const leftover of leftovers) await writeFile(path.join(location, leftover), Buffer.alloc(1000, 1));
    const before = await filesUnder(location);
    const open = async () => Repository.open(new LocalBackend(location), testPassword);

    const repository = await open();
    const dry = await prune(repository, { dryRun: true });
    expect(dry.temporaryFilesRemoved).toBe(0);
    expect(await filesUnder(location)).toEqual(before);

    const result = await prune(repository, {});
    await repository.backend.close();
    expect(result).toMatchObject({ temporaryFilesRemoved: 4, temporaryBytesRemoved: 4000 });
    const after = await filesUnder(location);
    expect(after).toEqual(before.filter((file) => !leftovers.includes(file)));
    expect((await restic(['check', '--read-data'], { repo: location })).code).toBe(0);
  }, 60_000);
});
