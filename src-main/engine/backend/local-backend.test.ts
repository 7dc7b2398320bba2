import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { idOf } from '../ids';
import { codeOf, localBackendFactory } from '../testing/backend-testing';
import { useTinyTmpfs } from '../testing/tiny-tmpfs';
import type { Backend, FileInfo, FileType } from './backend';
import { LocalBackend } from './local-backend';
import { MemoryBackend } from './memory-backend';

async function collect(iterable: AsyncIterable<FileInfo>): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const newLocal = localBackendFactory('local-backend');

/** The behaviour every Backend must share. */
describe.each([
  ['LocalBackend', newLocal],
  ['MemoryBackend', async () => new MemoryBackend()],
] as const)('%s (Backend contract)', (_name, make: () => Promise<Backend>) => {
  it('exists() only once a config is written; create() refuses an existing repository', async () => {
    const backend = await make();
    expect(await backend.exists()).toBe(false);
    await backend.create();
    expect(await backend.exists()).toBe(false);
    await backend.write({ type: 'config', name: '' }, Buffer.from('cfg'));
    expect(await backend.exists()).toBe(true);
    expect(await codeOf(backend.create())).toBe('ALREADY_EXISTS');
  });

  it('writes, reads whole files and ranges, including tail reads with a negative offset', async () => {
    const backend = await make();
    await backend.create();
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const file = { type: 'data' as const, name: idOf(data) };
    await backend.write(file, data);
    expect(await backend.read(file)).toEqual(data);
    expect(await backend.read(file, { offset: 10, length: 5 })).toEqual(data.subarray(10, 15));
    expect(await backend.read(file, { offset: 990 })).toEqual(data.subarray(990));
    expect(await backend.read(file, { offset: -4 })).toEqual(data.subarray(996));
    expect(await backend.read(file, { offset: -10, length: 3 })).toEqual(data.subarray(990, 993));
    expect(await backend.read(file, { offset: 1000, length: 0 })).toEqual(Buffer.alloc(0));
    expect((await backend.stat(file)).size).toBe(1000);
  });

  it('writes a file given as parts back to back (more parts than one writev takes, empty ones included)', async () => {
    const backend = await make();
    await backend.create();
    const parts = Array.from({ length: 1500 }, (_, i) =>
      Buffer.alloc(i % 7 === 0 ? 0 : (i * 37) % 4096, i % 256),
    );
    parts.push(Buffer.alloc(3 * 1024 * 1024, 9)); // a large last part
    const whole = Buffer.concat(parts);
    const file = { type: 'data' as const, name: idOf(whole) };
    await backend.write(file, parts);
    expect((await backend.read(file)).equals(whole)).toBe(true);
    expect((await backend.stat(file)).size).toBe(whole.length);
  });

  it('reports ranges beyond the end as CORRUPT (a truncated file) and absent files as NOT_FOUND', async () => {
    const backend = await make();
    await backend.create();
    const data = Buffer.alloc(100, 1);
    const file = { type: 'index' as const, name: idOf(data) };
    await backend.write(file, data);
    expect(await codeOf(backend.read(file, { offset: 90, length: 20 }))).toBe('CORRUPT');
    expect(await codeOf(backend.read(file, { offset: -101 }))).toBe('CORRUPT');
    const missing = { type: 'snapshot' as const, name: 'a'.repeat(64) };
    expect(await codeOf(backend.read(missing))).toBe('NOT_FOUND');
    expect(await codeOf(backend.read(missing, { offset: -4 }))).toBe('NOT_FOUND');
    expect(await codeOf(backend.stat(missing))).toBe('NOT_FOUND');
  });

  it('lists files per type with sizes, and removes idempotently', async () => {
    const backend = await make();
    await backend.create();
    const written: Record<FileType, string[]> = {
      config: [],
      key: [],
      data: [],
      index: [],
      snapshot: [],
      lock: [],
    };
    for (const type of ['key', 'data', 'data', 'index', 'snapshot', 'lock'] as const) {
      const data = Buffer.from(`${type}-${written[type].length}`);
      await backend.write({ type, name: idOf(data) }, data);
      written[type].push(idOf(data));
    }
    for (const type of ['key', 'data', 'index', 'snapshot', 'lock'] as const) {
      const listed = await collect(backend.list(type));
      expect(listed.map((f) => f.name)).toEqual([...written[type]].sort());
      for (const f of listed) expect(f.size).toBe(`${type}-0`.length);
    }
    const victim = { type: 'data' as const, name: written.data[0] ?? '' };
    await backend.remove(victim);
    await backend.remove(victim);
    expect(await codeOf(backend.stat(victim))).toBe('NOT_FOUND');
    expect((await collect(backend.list('data'))).map((f) => f.name)).toEqual([written.data[1]]);
  });

  it('refuses file names that are not IDs (no way out of the repository)', async () => {
    const backend = await make();
    await backend.create();
    for (const name of ['../config', 'abc', `${'a'.repeat(63)}/`]) {
      expect(await codeOf(backend.write({ type: 'key', name }, Buffer.from('x')))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(backend.read({ type: 'key', name }))).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('LocalBackend on disk', () => {
  it('creates restic’s layout: keys, data/00..ff, index, snapshots, locks, all 0700', async () => {
    const backend = await newLocal();
    await backend.create();
    expect((await readdir(backend.root)).sort()).toEqual(['data', 'index', 'keys', 'locks', 'snapshots']);
    const sub = (await readdir(path.join(backend.root, 'data'))).sort();
    expect(sub).toHaveLength(256);
    expect(sub[0]).toBe('00');
    expect(sub[255]).toBe('ff');
    for (const dir of ['.', 'keys', 'data', 'data/7f', 'index', 'snapshots', 'locks']) {
      expect((await stat(path.join(backend.root, dir))).mode & 0o777).toBe(0o700);
    }
  });

  it('writes read-only files at restic’s paths and leaves no temp file behind', async () => {
    const backend = await newLocal();
    await backend.create();
    const data = Buffer.from('pack bytes');
    const id = idOf(data);
    await backend.write({ type: 'data', name: id }, data);
    await backend.write({ type: 'config', name: '' }, Buffer.from('c'));
    const packPath = path.join(backend.root, 'data', id.slice(0, 2), id);
    expect(await readFile(packPath)).toEqual(data);
    expect((await stat(packPath)).mode & 0o777).toBe(0o400);
    expect((await stat(path.join(backend.root, 'config'))).mode & 0o777).toBe(0o400);
    expect(await readdir(path.dirname(packPath))).toEqual([id]);
    // Writing the same file again (same ID = same content) replaces it atomically, even though it is read-only.
    await backend.write({ type: 'data', name: id }, data);
    expect(await readdir(path.dirname(packPath))).toEqual([id]);
  });

  it('skips temp files and foreign names in listings', async () => {
    const backend = await newLocal();
    await backend.create();
    const id = 'b'.repeat(64);
    await writeFile(path.join(backend.root, 'index', `${id}-tmp-0123456789ab`), 'partial');
    await writeFile(path.join(backend.root, 'index', 'README'), 'x');
    await writeFile(path.join(backend.root, 'data', 'bb', `${id}-tmp-00`), 'partial');
    expect(await collect(backend.list('index'))).toEqual([]);
    expect(await collect(backend.list('data'))).toEqual([]);
  });

  it('creates a missing data/xx directory on write (repositories made without them)', async () => {
    const backend = await newLocal();
    await mkdir(backend.root, { recursive: true });
    const data = Buffer.from('x');
    await backend.write({ type: 'data', name: idOf(data) }, data);
    expect(await backend.read({ type: 'data', name: idOf(data) })).toEqual(data);
  });

  it('reads the tail of a huge file without reading the whole file', async () => {
    const backend = await newLocal();
    await backend.create();
    const data = Buffer.from('head');
    const file = { type: 'data' as const, name: idOf(data) };
    await backend.write(file, data);
    // Make it a sparse 64 GiB file: reading it whole would fail (Buffer limit) or take minutes.
    const filePath = backend.filePath(file);
    await chmod(filePath, 0o600);
    await truncate(filePath, 64 * 2 ** 30);
    const started = Date.now();
    expect(await backend.read(file, { offset: -8 })).toEqual(Buffer.alloc(8));
    expect(await backend.read(file, { offset: 0, length: 4 })).toEqual(data);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

/** A real full filesystem: a 1 MiB tmpfs (needs root; skipped with a note otherwise). */
describe('LocalBackend on a full filesystem', () => {
  const tmpfs = useTinyTmpfs('full-fs');

  it('fails with NO_SPACE and leaves no temp file behind; smaller writes still succeed', async (ctx) => {
    if (!tmpfs.mounted) ctx.skip();
    const backend = new LocalBackend(path.join(tmpfs.mountPoint, 'repo'));
    await backend.create();
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    const file = { type: 'data' as const, name: idOf(big) };
    expect(await codeOf(backend.write(file, big))).toBe('NO_SPACE');
    expect(await readdir(path.join(backend.root, 'data', file.name.slice(0, 2)))).toEqual([]);
    expect(await codeOf(backend.stat(file))).toBe('NOT_FOUND');
    const small = Buffer.from('still fits');
    await backend.write({ type: 'index', name: idOf(small) }, small);
    expect(await backend.read({ type: 'index', name: idOf(small) })).toEqual(small);
    await backend.close(); // releases the read handle it keeps, so the filesystem can be unmounted
  });
});

describe('LocalBackend read handles', () => {
  it('keeps reading a file through one open handle, sees in-place truncation, and releases handles on close', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bm-read-handles-'));
    try {
      const backend = new LocalBackend(path.join(dir, 'repo'));
      await backend.create();
      const data = Buffer.from('0123456789abcdef');
      const file = { type: 'data' as const, name: idOf(data) };
      await backend.write(file, data);
      expect(await backend.read(file, { offset: 2, length: 4 })).toEqual(Buffer.from('2345'));
      expect(await backend.read(file, { offset: -3 })).toEqual(Buffer.from('def'));
      const filePath = backend.filePath(file);
      await chmod(filePath, 0o600);
      await truncate(filePath, 8);
      expect(await codeOf(backend.read(file, { offset: 6, length: 4 }))).toBe('CORRUPT');
      expect(await backend.read(file, { offset: 6, length: 2 })).toEqual(Buffer.from('67'));
      await backend.close();
      // After close, nothing is open: a read opens the file again.
      expect(await backend.read(file, { offset: 0, length: 2 })).toEqual(Buffer.from('01'));
      await backend.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
