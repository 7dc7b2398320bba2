/**
 * The xattr addon against the real kernel: set/list/get/remove on files, directories and symlinks (without
 * following them), raw-byte names and values, and the errors callers branch on.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../testing/restic-cli';
import { loadXattrAddon, type XattrBinding } from '../../tree/xattr';

let dir: string;
let addon: XattrBinding;
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
  addon = loadXattrAddon();
  dir = await makeTempDir('xattr');
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
