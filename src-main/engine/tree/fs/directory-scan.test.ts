import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../../errors';
import { loadPosixFsAddon, posixFsAddonCandidates } from '../../native/posix-fs-addon';
import { makeTempDir, removeTempDir } from '../../testing/restic-cli';
import { createSocket, mkfifo, mknod } from '../testing/fixture-tools';
import { AccountNames } from './account-names';
import { entriesFromScan, entrySizesFromScan, readDirectoryScan, scanDirectory } from './directory-scan';
import { nodeFromPathSync } from './node-from-path';

let dir: string;
let closeSocket: (() => Promise<void>) | undefined;
const p = (...parts: string[]) => Buffer.from(path.join(dir, ...parts));
const isRoot = process.getuid?.() === 0;
const accounts = new AccountNames();

beforeAll(async () => {
  dir = await makeTempDir('directory-scan');
  await writeFile(path.join(dir, 'file'), 'hello');
  await chmod(path.join(dir, 'file'), 0o4751);
  await link(path.join(dir, 'file'), path.join(dir, 'hardlink'));
  await mkdir(path.join(dir, 'dir'));
  await symlink(Buffer.from([0x74, 0xff, 0x0a]), Buffer.from(path.join(dir, 'link')));
  // Longer than the addon's first readlink buffer (256 bytes): it must grow and retry.
  await symlink(`${'long/'.repeat(300)}end`, path.join(dir, 'long-link'));
  await writeFile(Buffer.from(path.join(dir, `odd-\xff\n-name`), 'latin1'), '');
  await writeFile(path.join(dir, 'B-upper-sorts-first'), '');
  mkfifo(path.join(dir, 'fifo'));
  if (isRoot) mknod(path.join(dir, 'null-device'), 'c', 1, 3);
  closeSocket = await createSocket(path.join(dir, 'sock'));
  const addon = loadPosixFsAddon();
  addon.lsetxattr(p('file'), Buffer.from('user.one'), Buffer.from([1, 0, 255]));
  addon.lsetxattr(p('file'), Buffer.from('user.big'), Buffer.alloc(3000, 7));
  addon.lsetxattr(p('dir'), Buffer.from('user.two'), Buffer.from('2'));
  if (isRoot) addon.lsetxattr(p('link'), Buffer.from('trusted.skip'), Buffer.from('x'));
});

/** The addon file this process loaded (the first candidate that exists). */
function loadedAddonPath(): string {
  const candidates = posixFsAddonCandidates({
    moduleDir: path.dirname(fileURLToPath(import.meta.url)),
    resourcesPath: undefined,
    env: process.env,
  });
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`no posix-fs addon among ${candidates.join(', ')}`);
  return found;
}

afterAll(async () => {
  await closeSocket?.();
  await removeTempDir(dir);
});

describe('scanDirectory', () => {
  it('gives, sorted by raw name, exactly the node nodeFromPathSync builds for every entry', () => {
    const entries = scanDirectory(Buffer.from(dir), { accounts, withXattrs: true });
    const names = entries.map((entry) => entry.name);
    expect(names).toEqual([...names].sort(Buffer.compare));
    expect(names.map((name) => name.toString('latin1'))).toContain('odd-\xff\n-name');
    expect(entries.length).toBe(isRoot ? 10 : 9);
    for (const entry of entries) {
      expect(entry.path).toEqual(Buffer.concat([Buffer.from(`${dir}/`), entry.name]));
      const expected = nodeFromPathSync(entry.path, { accounts });
      if (expected.kind === 'skipped') {
        expect(entry).toMatchObject({ kind: 'skipped', warning: expected.warning });
        continue;
      }
      if (entry.kind !== 'node') throw new Error(`expected a node for ${entry.name}, got ${entry.kind}`);
      expect(entry.node).toEqual(expected.node);
      expect(entry.warnings).toEqual(expected.warnings);
    }
    const file = entries.find((entry) => entry.name.toString() === 'file');
    expect(file?.kind === 'node' && file.node.extendedAttributes.map((a) => a.name.toString())).toEqual(
      expect.arrayContaining(['user.one', 'user.big']),
    );
    const longLink = entries.find((entry) => entry.name.toString() === 'long-link');
    expect(longLink?.kind === 'node' && longLink.node.linkTarget.length).toBe(1503);
  });

  it('skips reading xattrs when asked to (counting only)', () => {
    const entries = scanDirectory(Buffer.from(dir), { accounts, withXattrs: false });
    const file = entries.find((entry) => entry.name.toString() === 'file');
    expect(file?.kind === 'node' && file.node.extendedAttributes).toEqual([]);
    expect(file?.kind === 'node' && file.node.size).toBe(5n);
  });

  it('gives the same types and sizes from a scan with xattrs as from one without', () => {
    const withXattrs = entrySizesFromScan(Buffer.from(dir), readDirectoryScan(Buffer.from(dir), true), true);
    expect(withXattrs).toEqual(
      entrySizesFromScan(Buffer.from(dir), readDirectoryScan(Buffer.from(dir), false), false),
    );
    expect(withXattrs.find((entry) => entry.path.toString().endsWith('/file'))).toMatchObject({
      kind: 'file',
      size: 5,
    });
    expect(withXattrs.filter((entry) => entry.kind === 'dir')).toHaveLength(1);
  });

  it('stores the real atime only when asked to', () => {
    const [withAtime] = scanDirectory(Buffer.from(dir), { accounts, withXattrs: true, withAtime: true });
    const expected = nodeFromPathSync(withAtime?.path ?? Buffer.alloc(0), { accounts, withAtime: true });
    expect(withAtime?.kind === 'node' && expected.kind === 'node' && withAtime.node.atime).toEqual(
      expected.kind === 'node' ? expected.node.atime : null,
    );
  });

  it('throws NOT_FOUND for a missing directory and IO_ERROR for a file or a symlink to a directory', async () => {
    expect(() => scanDirectory(p('missing'), { accounts, withXattrs: true })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    for (const notADirectory of [p('file'), p('dir-link')]) {
      if (notADirectory.toString().endsWith('dir-link')) await symlink('dir', path.join(dir, 'dir-link'));
      let error: unknown;
      try {
        scanDirectory(notADirectory, { accounts, withXattrs: true });
      } catch (caught) {
        error = caught;
      }
      expect(isEngineError(error, 'IO_ERROR'), String(error)).toBe(true);
    }
  });

  it('records an entry that cannot be examined instead of failing the directory', async () => {
    // A listable directory without search permission: readdir works, lstat of its entries fails (EACCES). Root
    // is never refused, so as root the scan runs in a child process as nobody, and its result is decoded here.
    const shared = await makeTempDir('directory-scan-shared');
    try {
      await chmod(shared, 0o755);
      const locked = path.join(shared, 'locked');
      await mkdir(locked);
      await writeFile(path.join(locked, 'inner'), '');
      await chmod(locked, 0o744);
      const addonCopy = path.join(shared, 'posix_fs.node');
      await copyFile(loadedAddonPath(), addonCopy);
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          'process.stdout.write(require(process.argv[1]).scanDirectory(Buffer.from(process.argv[2]), true).toString("base64"))',
          addonCopy,
          locked,
        ],
        { encoding: 'utf8', ...(isRoot ? { uid: 65534, gid: 65534 } : {}) },
      );
      expect(child.status, child.stderr).toBe(0);
      const entries = entriesFromScan(Buffer.from(locked), Buffer.from(child.stdout, 'base64'), {
        accounts,
        withXattrs: true,
      });
      expect(entries).toMatchObject([
        { kind: 'error', name: Buffer.from('inner'), error: { code: 'IO_ERROR' } },
      ]);
      expect(entries[0]?.kind === 'error' && entries[0].error.message).toMatch(/^lstat .*inner.*EACCES/);
    } finally {
      await chmod(path.join(shared, 'locked'), 0o755).catch(() => undefined);
      await removeTempDir(shared);
    }
  });
});
