/**
 * The posix-fs addon against the real kernel: xattrs set/list/get/remove on files, directories and symlinks
 * (without following them), raw-byte names and values; mknod of fifos and devices; nanosecond lutimes that never
 * follow a symlink; and the errors callers branch on.
 */
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readlink, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../testing/restic-cli';
import { loadPosixFsAddon, type PosixFsBinding } from '../posix-fs-addon';

let dir: string;
let addon: PosixFsBinding;
const p = (name: string) => Buffer.from(path.join(dir, name));
const n = (name: string | number[]) => (typeof name === 'string' ? Buffer.from(name) : Buffer.from(name));
const isRoot = process.getuid?.() === 0;

function errorOf(run: () => unknown): { code?: string; errno?: number; syscall?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; errno?: number; syscall?: string; message: string };
  }
  throw new Error('expected the call to throw');
}

beforeAll(async () => {
  addon = loadPosixFsAddon();
  dir = await makeTempDir('posix-fs');
  await writeFile(path.join(dir, 'file'), 'content');
  await mkdir(path.join(dir, 'dir'));
  await writeFile(path.join(dir, 'target'), 'target');
  await symlink('target', path.join(dir, 'link'));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
});

afterAll(() => removeTempDir(dir));

describe('xattr addon', () => {
  it('sets, lists and gets attributes on a file, keeping binary values exact', () => {
    const value = Buffer.from([0x00, 0xff, 0x80, 0x0a, 0x00, 0x7f]);
    addon.lsetxattr(p('file'), n('user.binary'), value);
    addon.lsetxattr(p('file'), n('user.empty'), Buffer.alloc(0));
    addon.lsetxattr(p('file'), n([0x75, 0x73, 0x65, 0x72, 0x2e, 0xff, 0xfe]), n('high-byte name'));
    expect(addon.llistxattr(p('file'))).toEqual([
      n('user.binary'),
      n('user.empty'),
      n([0x75, 0x73, 0x65, 0x72, 0x2e, 0xff, 0xfe]),
    ]);
    expect(addon.lgetxattr(p('file'), n('user.binary'))).toEqual(value);
    expect(addon.lgetxattr(p('file'), n('user.empty'))).toEqual(Buffer.alloc(0));
    expect(addon.lgetxattr(p('file'), n([0x75, 0x73, 0x65, 0x72, 0x2e, 0xff, 0xfe]))).toEqual(
      n('high-byte name'),
    );
  });

  it('handles values larger than a first guess', () => {
    const big = Buffer.alloc(3000, 0xab);
    addon.lsetxattr(p('file'), n('user.big'), big);
    expect(addon.lgetxattr(p('file'), n('user.big'))).toEqual(big);
  });

  it('works on directories and removes attributes', () => {
    addon.lsetxattr(p('dir'), n('user.d'), n('v'));
    expect(addon.llistxattr(p('dir'))).toEqual([n('user.d')]);
    addon.lremovexattr(p('dir'), n('user.d'));
    expect(addon.llistxattr(p('dir'))).toEqual([]);
  });

  it.runIf(isRoot)('reads and writes a symlink itself, never its target (trusted.* needs root)', () => {
    addon.lsetxattr(p('link'), n('trusted.on-link'), n('link value'));
    expect(addon.llistxattr(p('link'))).toEqual([n('trusted.on-link')]);
    expect(addon.lgetxattr(p('link'), n('trusted.on-link'))).toEqual(n('link value'));
    expect(addon.llistxattr(p('target'))).toEqual([]);
  });

  it('reports the kernel refusing user.* attributes on a symlink or fifo as EPERM', () => {
    expect(errorOf(() => addon.lsetxattr(p('link'), n('user.x'), n('v'))).code).toBe('EPERM');
    expect(errorOf(() => addon.lsetxattr(p('fifo'), n('user.x'), n('v'))).code).toBe('EPERM');
  });

  it('reports a missing attribute as ENODATA with errno and syscall', () => {
    const error = errorOf(() => addon.lgetxattr(p('file'), n('user.does-not-exist')));
    expect(error).toMatchObject({ code: 'ENODATA', errno: -61, syscall: 'lgetxattr' });
    expect(error.message).toContain('ENODATA');
    expect(errorOf(() => addon.lremovexattr(p('file'), n('user.does-not-exist'))).code).toBe('ENODATA');
  });

  it('honours XATTR_CREATE', () => {
    expect(errorOf(() => addon.lsetxattr(p('file'), n('user.binary'), n('x'), 1)).code).toBe('EEXIST');
  });

  it('reports a missing file as ENOENT', () => {
    expect(errorOf(() => addon.llistxattr(p('missing'))).code).toBe('ENOENT');
    expect(errorOf(() => addon.lgetxattr(p('missing'), n('user.a'))).code).toBe('ENOENT');
  });

  it('reports a filesystem without xattr support (procfs) as ENOTSUP', () => {
    const error = errorOf(() => addon.lsetxattr(Buffer.from('/proc/self/comm'), n('user.x'), n('v')));
    expect(error).toMatchObject({ code: 'ENOTSUP', syscall: 'lsetxattr' });
    expect(addon.llistxattr(Buffer.from('/proc/self/comm'))).toEqual([]);
  });

  it('rejects arguments that are not Buffers or contain NUL', () => {
    const call = addon.llistxattr as unknown as (path: unknown) => unknown;
    expect(() => call('/tmp')).toThrow(TypeError);
    expect(() => addon.llistxattr(Buffer.from('/tmp\0x'))).toThrow(TypeError);
    expect(() => addon.lgetxattr(p('file'), Buffer.alloc(0))).toThrow(TypeError);
  });
});

describe('mknod', () => {
  it('creates a fifo (no privilege needed) with the permissions asked for, minus the umask', async () => {
    addon.mknod(p('made-fifo'), 0o010000 | 0o640, 0);
    const info = await lstat(p('made-fifo'));
    expect(info.isFIFO()).toBe(true);
    expect(info.mode & 0o7777).toBe(0o640 & ~process.umask());
  });

  it.runIf(isRoot)(
    'creates character and block devices with the exact st_rdev (BigInt or Number)',
    async () => {
      try {
        // st_rdev as glibc's makedev encodes it; a minor above 255 uses the split high bits. (Linux keeps 12 bits
        // of major and 20 of minor, so larger numbers are EINVAL.)
        const makedev = (major: bigint, minor: bigint) =>
          ((major & 0xfffn) << 8n) | ((major & ~0xfffn) << 32n) | (minor & 0xffn) | ((minor & ~0xffn) << 12n);
        const big = makedev(259n, 70_000n);
        addon.mknod(p('made-char'), 0o020000 | 0o600, 259);
        addon.mknod(p('made-block'), 0o060000 | 0o660, big);
        const char = await lstat(p('made-char'), { bigint: true });
        const block = await lstat(p('made-block'), { bigint: true });
        expect(char.isCharacterDevice()).toBe(true);
        expect(char.rdev).toBe(259n);
        expect(block.isBlockDevice()).toBe(true);
        expect(block.rdev).toBe(big);
      } finally {
        // Never leave device nodes behind, even when an assertion failed.
        for (const name of ['made-char', 'made-block']) await unlink(p(name)).catch(ignoreMissing);
      }
    },
  );

  it('refuses an existing path with EEXIST (it never replaces or follows anything)', () => {
    expect(errorOf(() => addon.mknod(p('link'), 0o010000 | 0o600, 0))).toMatchObject({
      code: 'EEXIST',
      syscall: 'mknod',
    });
  });

  it('rejects a device number that is not an integer', () => {
    expect(() => addon.mknod(p('bad'), 0o010000 | 0o600, 1.5)).toThrow(TypeError);
  });
});

describe('lutimes', () => {
  it('sets atime and mtime to the nanosecond, including before 1970 and after 2038', async () => {
    addon.lutimes(p('file'), 1_600_000_000, 123_456_789, 4_102_444_800n, 987_654_321);
    let info = await lstat(p('file'), { bigint: true });
    expect(info.atimeNs).toBe(1_600_000_000_123_456_789n);
    expect(info.mtimeNs).toBe(4_102_444_800_987_654_321n);
    addon.lutimes(p('file'), -1_234_567_891n, 500_000_000, -1, 999_999_999);
    info = await lstat(p('file'), { bigint: true });
    expect(info.atimeNs).toBe(-1_234_567_890_500_000_000n);
    expect(info.mtimeNs).toBe(-1n);
  });

  it('changes a symlink itself and leaves its target alone', async () => {
    addon.lutimes(p('target'), 1_000, 0, 2_000, 0);
    addon.lutimes(p('link'), 1_111_111_111, 1, 1_222_222_222, 2);
    const link = await lstat(p('link'), { bigint: true });
    const target = await lstat(p('target'), { bigint: true });
    expect(link.mtimeNs).toBe(1_222_222_222_000_000_002n);
    expect(link.atimeNs).toBe(1_111_111_111_000_000_001n);
    expect(target.mtimeNs).toBe(2_000_000_000_000n);
    expect(await readlink(p('link'))).toBe('target');
  });

  it('rejects nanoseconds out of range and reports a missing path as ENOENT', () => {
    expect(() => addon.lutimes(p('file'), 0, 1_000_000_000, 0, 0)).toThrow(RangeError);
    expect(() => addon.lutimes(p('file'), 0, 0, 0, -1)).toThrow(RangeError);
    expect(errorOf(() => addon.lutimes(p('missing'), 0, 0, 0, 0))).toMatchObject({
      code: 'ENOENT',
      syscall: 'utimensat',
    });
  });
});

function ignoreMissing(error: unknown): void {
  // The node may not exist when mknod itself failed; anything else is a real cleanup problem.
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
