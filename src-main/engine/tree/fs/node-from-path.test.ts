import { chmod, link, lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, isEngineError } from '../../errors';
import { loadPosixFsAddon, type XattrBinding } from '../../native/posix-fs-addon';
import { makeTempDir, removeTempDir } from '../../testing/restic-cli';
import type { Node } from '../node';
import { createSocket, mkfifo, mknod } from '../testing/fixture-tools';
import { baseName, joinPath, nodeFromPath, readDirectoryNames } from './node-from-path';
import { readExtendedAttributes } from './read-xattrs';

let dir: string;
let closeSocket: (() => Promise<void>) | undefined;
const p = (...parts: string[]) => Buffer.from(path.join(dir, ...parts));
const isRoot = process.getuid?.() === 0;

beforeAll(async () => {
  dir = await makeTempDir('node-from-path');
  await writeFile(path.join(dir, 'file'), 'hello');
  await chmod(path.join(dir, 'file'), 0o4751);
  await link(path.join(dir, 'file'), path.join(dir, 'hardlink'));
  await mkdir(path.join(dir, 'dir'));
  await symlink(Buffer.from([0x74, 0xff, 0x0a]), Buffer.from(path.join(dir, 'link')));
  mkfifo(path.join(dir, 'fifo'));
  closeSocket = await createSocket(path.join(dir, 'sock'));
  const addon = loadPosixFsAddon();
  addon.lsetxattr(p('file'), Buffer.from('user.one'), Buffer.from([1, 0, 255]));
  addon.lsetxattr(p('dir'), Buffer.from('user.two'), Buffer.from('2'));
  if (isRoot) addon.lsetxattr(p('link'), Buffer.from('trusted.skip'), Buffer.from('x'));
});

afterAll(async () => {
  await closeSocket?.();
  await removeTempDir(dir);
});

async function nodeOf(target: Buffer): Promise<{ node: Node; warnings: string[] }> {
  const result = await nodeFromPath(target);
  if (result.kind !== 'node') throw new Error(`expected a node, got ${result.warning}`);
  return result;
}

describe('nodeFromPath', () => {
  it('builds a file node from lstat, with size, links, names, xattrs and atime = mtime', async () => {
    const { node, warnings } = await nodeOf(p('file'));
    const st = await lstat(path.join(dir, 'file'), { bigint: true });
    expect(warnings).toEqual([]);
    expect(node.name).toEqual(Buffer.from('file'));
    expect(node.type).toBe('file');
    expect(node.mode).toBe(2 ** 23 + 0o751);
    expect(node.size).toBe(5n);
    expect(node.links).toBe(2n);
    expect(node.inode).toBe(st.ino);
    expect(node.deviceId).toBe(st.dev);
    expect(node.mtime.sec * 1_000_000_000n + BigInt(node.mtime.nsec)).toBe(st.mtimeNs);
    expect(node.atime).toEqual(node.mtime);
    expect(node.ctime.sec * 1_000_000_000n + BigInt(node.ctime.nsec)).toBe(st.ctimeNs);
    expect(node.uid).toBe(Number(st.uid));
    expect(node.user).toBe(isRoot ? 'root' : node.user);
    expect(node.extendedAttributes).toEqual([
      { name: Buffer.from('user.one'), value: Buffer.from([1, 0, 255]) },
    ]);
    expect(node.content).toBeNull(); // the archiver fills it
  });

  it('stores the real atime only when asked', async () => {
    const result = await nodeFromPath(p('file'), { withAtime: true });
    const st = await lstat(path.join(dir, 'file'), { bigint: true });
    if (result.kind !== 'node') throw new Error('expected a node');
    expect(result.node.atime.sec * 1_000_000_000n + BigInt(result.node.atime.nsec)).toBe(st.atimeNs);
  });

  it('builds a directory node without links or size', async () => {
    const { node } = await nodeOf(p('dir'));
    expect(node.type).toBe('dir');
    expect(node.links).toBe(0n);
    expect(node.size).toBe(0n);
    expect(node.extendedAttributes.map((a) => a.name.toString())).toEqual(['user.two']);
    expect(node.subtree).toBeNull();
  });

  it('keeps a symlink target as raw bytes and skips its xattrs like restic 0.14', async () => {
    const { node } = await nodeOf(p('link'));
    expect(node.type).toBe('symlink');
    expect(node.linkTarget).toEqual(Buffer.from([0x74, 0xff, 0x0a]));
    expect(node.links).toBe(1n);
    expect(node.extendedAttributes).toEqual([]);
  });

  it('builds fifo nodes without links', async () => {
    const { node } = await nodeOf(p('fifo'));
    expect(node.type).toBe('fifo');
    expect(node.links).toBe(0n);
    expect(node.device).toBe(0n);
  });

  it.runIf(isRoot)('stores st_rdev for character and block devices', async () => {
    mknod(path.join(dir, 'null'), 'c', 1, 3);
    mknod(path.join(dir, 'loop'), 'b', 7, 200);
    const chr = (await nodeOf(p('null'))).node;
    const blk = (await nodeOf(p('loop'))).node;
    expect([chr.type, chr.device, chr.links]).toEqual(['chardev', (1n << 8n) | 3n, 1n]);
    expect([blk.type, blk.device]).toEqual(['dev', (7n << 8n) | 200n]);
  });

  it('skips sockets with a warning for the caller', async () => {
    const result = await nodeFromPath(p('sock'));
    expect(result.kind).toBe('skipped');
    expect(result.kind === 'skipped' && result.warning).toContain('is a socket');
  });

  it('throws NOT_FOUND for a missing path', async () => {
    await expect(nodeFromPath(p('missing'))).rejects.toSatisfy((e) => isEngineError(e, 'NOT_FOUND'));
  });

  it('reports an unavailable addon as a per-file warning, never dropping attributes silently', async () => {
    const missing = (): XattrBinding => {
      throw new EngineError(
        'IO_ERROR',
        'the extended-attribute addon could not be loaded; tried: x: not found',
      );
    };
    const result = await nodeFromPath(p('file'), { readXattrs: (at) => readExtendedAttributes(at, missing) });
    if (result.kind !== 'node') throw new Error('expected a node');
    expect(result.warnings).toEqual([
      `extended attributes could not be read for "${path.join(dir, 'file')}": the extended-attribute addon could ` +
        'not be loaded; tried: x: not found',
    ]);
  });

  it('warns about attributes that fail to read and ignores ENOTSUP / ENODATA like restic', () => {
    const fsError = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
    const fake = (listError?: string): XattrBinding => ({
      llistxattr: () => {
        if (listError) throw fsError(listError);
        return [Buffer.from('user.ok'), Buffer.from('user.gone'), Buffer.from('user.denied')];
      },
      lgetxattr: (_path, name) => {
        if (name.toString() === 'user.gone') throw fsError('ENODATA');
        if (name.toString() === 'user.denied') throw fsError('EACCES');
        return Buffer.from('v');
      },
      lsetxattr: () => undefined,
      lremovexattr: () => undefined,
    });
    const read = readExtendedAttributes(Buffer.from('/x'), () => fake());
    expect(read.attributes).toEqual([{ name: Buffer.from('user.ok'), value: Buffer.from('v') }]);
    expect(read.warnings).toEqual([
      'extended attribute "user.denied" could not be read for "/x": EACCES: failed',
    ]);
    expect(readExtendedAttributes(Buffer.from('/x'), () => fake('ENOTSUP'))).toEqual({
      attributes: [],
      warnings: [],
    });
    expect(readExtendedAttributes(Buffer.from('/x'), () => fake('EIO')).warnings).toEqual([
      'extended attributes could not be read for "/x": EIO: failed',
    ]);
  });
});

describe('raw-byte path helpers', () => {
  it('baseName follows Go os.Lstat(p).Name()', () => {
    expect(baseName(Buffer.from('/a/b\xffc', 'latin1'))).toEqual(Buffer.from('b\xffc', 'latin1'));
    expect(baseName(Buffer.from('/a/b//'))).toEqual(Buffer.from('b'));
    expect(baseName(Buffer.from('name'))).toEqual(Buffer.from('name'));
    expect(baseName(Buffer.from('/'))).toEqual(Buffer.from('/'));
  });

  it('joinPath adds exactly one separator', () => {
    expect(joinPath(Buffer.from('/a'), Buffer.from('b')).toString()).toBe('/a/b');
    expect(joinPath(Buffer.from('/'), Buffer.from('b')).toString()).toBe('/b');
  });

  it('readDirectoryNames returns raw names sorted byte-wise', async () => {
    const sub = path.join(dir, 'names');
    await mkdir(sub);
    const names = [Buffer.from([0xff]), Buffer.from('B'), Buffer.from('a'), Buffer.from('ä')];
    for (const name of names) await writeFile(Buffer.concat([Buffer.from(`${sub}/`), name]), '');
    expect(await readDirectoryNames(Buffer.from(sub))).toEqual([...names].sort(Buffer.compare));
  });
});
