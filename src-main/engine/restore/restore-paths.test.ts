import { mkdir, readdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEngineError } from '../errors';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import { assertSafeName, childPath, DirectoryGuard } from './restore-paths';

const refused = (name: Buffer) => {
  try {
    assertSafeName(name, 'tree abc');
    return false;
  } catch (error) {
    return isEngineError(error, 'PATH_ESCAPE');
  }
};

describe('restore names', () => {
  it('refuses every name that is not one ordinary component', () => {
    for (const bad of ['', '.', '..', '/', '/etc', 'a/b', '../x', 'a\0b', '\0']) {
      expect(refused(Buffer.from(bad)), JSON.stringify(bad)).toBe(true);
    }
  });
  it('accepts odd but ordinary names', () => {
    for (const ok of ['...', '.hidden', '..x', 'x..', ' ', '-rf', 'a\\b', 'ü', '\n']) {
      expect(refused(Buffer.from(ok)), JSON.stringify(ok)).toBe(false);
    }
    expect(refused(Buffer.from([0xff, 0xfe]))).toBe(false);
  });
  it('never lets an accepted name leave its parent (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const name = Buffer.from(bytes);
        if (refused(name)) return;
        const joined = childPath(Buffer.from('/target/dir'), name).toString('latin1');
        expect(path.posix.dirname(path.posix.normalize(joined))).toBe('/target/dir');
      }),
      { numRuns: 5000 },
    );
  });
});

describe('directory guard', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir('guard');
  });
  afterEach(() => removeTempDir(dir));

  it('creates directories, and refuses one that is a symlink (planted or created earlier)', async () => {
    const root = Buffer.from(path.join(dir, 'target'));
    const guard = new DirectoryGuard(root);
    await guard.ensureDirectory(root);
    await guard.ensureDirectory(childPath(root, Buffer.from('etc')));
    await mkdir(path.join(dir, 'outside'));
    await symlink(path.join(dir, 'outside'), path.join(dir, 'target', 'evil'));
    await expect(guard.ensureDirectory(childPath(root, Buffer.from('evil')))).rejects.toMatchObject({
      code: 'PATH_ESCAPE',
    });
    expect(await readdir(path.join(dir, 'outside'))).toEqual([]);
  });

  it('accepts a target root that is itself reached through a symlink', async () => {
    await mkdir(path.join(dir, 'real'));
    await symlink(path.join(dir, 'real'), path.join(dir, 'link'));
    const root = Buffer.from(path.join(dir, 'link'));
    await new DirectoryGuard(root).ensureDirectory(root);
  });
});
