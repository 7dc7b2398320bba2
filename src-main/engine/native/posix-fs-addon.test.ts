import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import { loadPosixFsAddon, loadPosixFsAddonFrom } from './posix-fs-addon';

const _built = path.join('src-main', 'engine', 'native', 'posix-fs', 'build', 'Release', 'posix_fs.node');
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('posix-fs-loader');
});
afterAll(() => removeTempDir(dir));

function loadError(candidates: string[]): string {
  try {
    loadPosixFsAddonFrom(candidates);
  } catch (error) {
    if (isEngineError(error, 'IO_ERROR')) return error.message;
    throw error;
  }
  throw new Error('expected the load to fail');
}

describe('loading the addon', () => {
  it('loads the built addon from the source tree', () => {
    const addon = loadPosixFsAddon();
    expect(typeof addon.llistxattr).toBe('function');
    expect(typeof addon.mknod).toBe('function');
    expect(typeof addon.lutimes).toBe('function');
    expect(loadPosixFsAddon()).toBe(addon);
  });

  it('fails loudly, naming every place searched, when the addon is missing', () => {
    const message = loadError([path.join(dir, 'a', 'posix_fs.node'), path.join(dir, 'b', 'posix_fs.node')]);
    expect(message).toContain('POSIX filesystem addon (xattrs, mknod, exact times) could not be loaded');
    expect(message).toContain(`${path.join(dir, 'a', 'posix_fs.node')}: not found`);
    expect(message).toContain(`${path.join(dir, 'b', 'posix_fs.node')}: not found`);
    expect(message).toContain('node-gyp rebuild');
  });

  it('reports a file that is not a loadable addon', async () => {
    await mkdir(path.join(dir, 'broken'), { recursive: true });
    const broken = path.join(dir, 'broken', 'posix_fs.node');
    await writeFile(broken, 'this is not a shared object');
    expect(loadError([broken])).toMatch(/broken\/posix_fs\.node: .*(invalid ELF header|file too short)/);
  });

  it('reports a module without all of the addon functions (e.g. an outdated build)', async () => {
    const impostor = path.join(dir, 'impostor.js');
    await writeFile(
      impostor,
      'module.exports = { llistxattr() {}, lgetxattr() {}, lsetxattr() {}, lremovexattr() {} };',
    );
    expect(loadError([impostor])).toContain('not the posix-fs addon');
  });
});

describe('allocator settings', () => {
  it('takes glibc’s mmap and trim thresholds, and refuses what is not two sizes in bytes', () => {
    const addon = loadPosixFsAddon();
    if (addon.configureAllocator === undefined) throw new Error('the built addon lacks configureAllocator');
    expect(addon.configureAllocator(1024 * 1024, 1024 * 1024)).toBe(true);
    expect(() => addon.configureAllocator?.(0, 1024)).toThrow(/two sizes/);
    expect(() => addon.configureAllocator?.(1024, -1)).toThrow(/two sizes/);
    expect(() => addon.configureAllocator?.(2 ** 31, 1024)).toThrow(/two sizes/);
    expect(() => (addon.configureAllocator as (...args: unknown[]) => boolean)('1 MiB', 1024)).toThrow(
      /two sizes/,
    );
  });
});

describe('discarding pages', () => {
  it('releases only the whole pages inside a view: they read back as zeros, the bytes around them keep theirs', () => {
    const addon = loadPosixFsAddon();
    if (addon.discardPages === undefined) throw new Error('the built addon lacks discardPages');
    const page = 4096;
    const buffer = Buffer.allocUnsafeSlow(64 * page).fill(7);
    // Where pages start is not visible from JavaScript: check the released bytes, wherever they are.
    const view = buffer.subarray(100, buffer.length - 100);
    const released = addon.discardPages(view);
    expect(released % page).toBe(0);
    expect(released).toBeGreaterThanOrEqual(view.length - 2 * page);
    const zeros = view.reduce((count, byte) => count + (byte === 0 ? 1 : 0), 0);
    expect(zeros).toBe(released);
    expect(view.subarray(view.indexOf(0), view.indexOf(0) + released).every((byte) => byte === 0)).toBe(true);
    // Outside the view nothing changed.
    expect(buffer.subarray(0, 100).every((byte) => byte === 7)).toBe(true);
    expect(buffer.subarray(buffer.length - 100).every((byte) => byte === 7)).toBe(true);
    expect(addon.discardPages(buffer.subarray(10, 20))).toBe(0);
    expect(() => (addon.discardPages as (value: unknown) => number)('a string')).toThrow(/Uint8Array/);
  });
});
