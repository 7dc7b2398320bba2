/**
 * Tests only: a restic-made repository to damage in the ways the check tests need, and what the tests expect
 * of it, computed independently of the checker (from the trees and the index, read before any damage).
 *
 * Source: `data/` with twelve files of ~1.1 MB of random bytes (one or two chunks each), small text files and a
 * nested directory; backed up by restic with 4 MiB packs, so there are several data packs.
 */
import { chmod, cp, mkdir, open, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalBackend } from '../../backend/local-backend';
import type { Id } from '../../ids';
import type { IndexPack } from '../../repository/index-file';
import { Repository } from '../../repository/repository';
import { pseudoRandom } from '../../restore/testing/restore-fixture';
import { restic, resticOk, testPassword } from '../../testing/restic-cli';
import { decodeTree } from '../../tree/tree-codec';
import type { CheckOptions, CheckResult } from '../check-types';
import { checkRepository } from '../checker';

export interface ResticFixture {
  work: string;
  /** The undamaged repository (copy it before damaging: see `copyRepository`). */
  clean: string;
  snapshotId: Id;
  /** Absolute path in the snapshot (`/data/f00.bin`) → content blob IDs, for every file. */
  files: Map<string, Id[]>;
  dataPacks: IndexPack[];
}

export async function buildResticFixture(work: string): Promise<ResticFixture> {
  const source = path.join(work, 'src');
  const data = path.join(source, 'data');
  await mkdir(path.join(data, 'nested', 'deeper'), { recursive: true });
  for (let i = 0; i < 12; i++) {
    const name = `f${String(i).padStart(2, '0')}.bin`;
    await writeFile(path.join(data, name), pseudoRandom(1_100_000 + i * 1000, name));
  }
  await writeFile(path.join(data, 'notes.txt'), 'a small text file\n');
  await writeFile(path.join(data, 'nested', 'deeper', 'leaf.txt'), 'deep leaf\n');
  const clean = path.join(work, 'clean');
  await resticOk(['init', '--repository-version', '2'], { repo: clean });
  await resticOk(['backup', '--pack-size', '4', 'data'], { repo: clean, cwd: source });

  const repository = await Repository.open(new LocalBackend(clean), testPassword);
  try {
    await repository.loadIndex();
    const [snapshot] = await repository.listSnapshots();
    if (snapshot === undefined) throw new Error('restic made no snapshot');
    const files = new Map<string, Id[]>();
    await collectFiles(repository, snapshot.snapshot.tree, '', files);
    const dataPacks = [...repository.index.packs()].filter((p) => p.blobs.every((b) => b.type === 'data'));
    return { work, clean, snapshotId: snapshot.id, files, dataPacks };
  } finally {
    await repository.backend.close();
  }
}

async function collectFiles(repository: Repository, tree: Id, prefix: string, files: Map<string, Id[]>) {
  for (const node of decodeTree(await repository.readBlob('tree', tree), tree)) {
    const at = `${prefix}/${node.name.toString()}`;
    if (node.type === 'file') files.set(at, node.content ?? []);
    if (node.type === 'dir' && node.subtree !== null) await collectFiles(repository, node.subtree, at, files);
  }
}

/** A copy of the clean repository to damage. */
export async function copyRepository(fixture: ResticFixture, name: string): Promise<string> {
  const copy = path.join(fixture.work, name);
  await cp(fixture.clean, copy, { recursive: true });
  return copy;
}

export function packFile(repo: string, id: Id): string {
  return path.join(repo, 'data', id.slice(0, 2), id);
}

/** Flips one bit of the byte at `offset` of a (read-only) repository file. */
export async function flipByte(file: string, offset: number): Promise<void> {
  await chmod(file, 0o600);
  const handle = await open(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = (byte[0] ?? 0) ^ 0x40;
    await handle.write(byte, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

export async function truncateFile(file: string, length: number): Promise<void> {
  await chmod(file, 0o600);
  await truncate(file, length);
}

/** The files (sorted) whose content uses any of these blobs. */
export function filesUsing(fixture: ResticFixture, blobs: Iterable<Id>): string[] {
  const set = new Set(blobs);
  return [...fixture.files]
    .filter(([, content]) => content.some((id) => set.has(id)))
    .map(([file]) => file)
    .sort();
}

/** Our verdicts, structure only and with --read-data, on a freshly opened repository. */
export async function ourCheck(repo: string, options: CheckOptions = {}): Promise<CheckResult> {
  const repository = await Repository.open(new LocalBackend(repo), testPassword);
  try {
    return await checkRepository(repository, { count: 0, ...options });
  } finally {
    await repository.backend.close();
  }
}

/** restic's verdicts: true when `restic check [args]` finds no errors. */
export async function resticSaysClean(repo: string, args: string[] = []): Promise<boolean> {
  const result = await restic(['check', '--no-lock', ...args], { repo });
  if (result.code !== 0 && result.code !== 1) {
    throw new Error(`restic check exited ${result.code}: ${result.stderr}`);
  }
  return result.code === 0;
}
