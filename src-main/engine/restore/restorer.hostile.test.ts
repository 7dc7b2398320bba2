/**
 * Hostile and damaged trees: repositories crafted by hand (tree JSON written directly, so nothing our encoder
 * refuses stands in the way) whose entries try to leave the target — `..`, `.`, `/`, absolute names, a separator
 * or NUL inside a name, duplicate names (a symlink to the outside and a directory of the same name), a symlink
 * already in the target — next to legitimate entries. Each attempt is refused with PATH_ESCAPE, nothing appears
 * outside the target (a sentinel directory beside it stays untouched), and the legitimate entries are restored.
 */
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory-backend';
import { isEngineError } from '../errors';
import type { Id } from '../ids';
import { Repository } from '../repository/repository';
import { makeTempDir, removeTempDir } from '../testing/restic-cli';
import type { RestoreFailure } from './restore-types';
import { restore } from './restorer';

const time = '2024-05-06T07:08:09.123456789Z';
let work = '';
let outside = '';
let repository: Repository;

/** A node object as restic writes it; `name` is the stored (Go-quoted, unquoted-outer) form. */
function node(name: string, type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const mode = type === 'dir' ? 2147484141 : type === 'symlink' ? 134218239 : 0o644;
  return { name, type, mode, mtime: time, atime: time, ctime: time, uid: 0, gid: 0, content: null, ...extra };
}

async function saveTree(nodes: Record<string, unknown>[]): Promise<Id> {
  return (await repository.saveBlob('tree', Buffer.from(`${JSON.stringify({ nodes })}\n`))).id;
}

async function file(name: string, text: string): Promise<Record<string, unknown>> {
  const blob = await repository.saveBlob('data', Buffer.from(text));
  return node(name, 'file', { size: text.length, links: 1, content: [blob.id] });
}

async function dir(name: string, children: Record<string, unknown>[]): Promise<Record<string, unknown>> {
  return node(name, 'dir', { subtree: await saveTree(children) });
}

async function expectOutsideUntouched(): Promise<void> {
  expect(await readdir(outside)).toEqual(['sentinel']);
  expect(await readFile(path.join(outside, 'sentinel'), 'utf8')).toBe('untouched');
  // Nothing beside the target and the sentinel directory either.
  expect((await readdir(work)).filter((name) => !name.startsWith('target'))).toEqual(['outside']);
}

function byPath(failures: RestoreFailure[]): Record<string, string> {
  return Object.fromEntries(failures.map((f) => [f.path, f.code]));
}

beforeAll(async () => {
  work = await makeTempDir('restore-hostile');
  outside = path.join(work, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'sentinel'), 'untouched');
  repository = await Repository.init(new MemoryBackend(), 'pw', {
    chunkerPolynomial: 0x3da3358b4dc173n,
    kdf: { N: 1024, r: 8, p: 1 },
  });
});

afterAll(() => removeTempDir(work));

describe('hostile trees', () => {
  it('refuses every escaping name with PATH_ESCAPE, writes nothing outside, restores the rest', async () => {
    const payload = [await file('pwned.txt', 'written through a hostile name')];
    const root = await saveTree([
      await file('ok.txt', 'legitimate'),
      await dir('..', payload),
      await dir('.', payload),
      await file('/', 'a file named slash'),
      await file(path.join(outside, 'absolute.txt'), 'an absolute name'),
      await dir(`../${path.basename(work)}/outside`, payload),
      await file('a/b', 'a separator inside'),
      await file('nul\\x00byte', 'a NUL inside (Go-quoted in the JSON)'),
      await file('', 'an empty name'),
      // A symlink to the outside and a directory of the same name: the file would land outside.
      node('twin', 'symlink', { linktarget: outside, links: 1 }),
      await dir('twin', payload),
      await file('dup', 'first'),
      await file('dup', 'second'),
      await dir('legit', [
        await file('inner.txt', 'inner'),
        node('link-to-outside', 'symlink', { linktarget: outside, links: 1 }),
        node('link-up', 'symlink', { linktarget: '../../../../../../../../etc', links: 1 }),
      ]),
    ]);
    await repository.flush();
    const target = path.join(work, 'target-names');
    const summary = await restore(repository, { source: { tree: root }, target, workers: 0 });

    expect(byPath(summary.failures)).toEqual({
      '".."': 'PATH_ESCAPE',
      '"."': 'PATH_ESCAPE',
      '"/"': 'PATH_ESCAPE',
      [JSON.stringify(path.join(outside, 'absolute.txt'))]: 'PATH_ESCAPE',
      [JSON.stringify(`../${path.basename(work)}/outside`)]: 'PATH_ESCAPE',
      '"a/b"': 'PATH_ESCAPE',
      '"nul\\x00byte"': 'PATH_ESCAPE',
      '""': 'PATH_ESCAPE',
      '"twin"': 'PATH_ESCAPE',
      '"dup"': 'PATH_ESCAPE',
    });
    expect(summary.failures.filter((f) => f.path === '"twin"')).toHaveLength(2);
    expect(summary.failures.find((f) => f.path === '"twin"')?.message).toContain('appears 2 times');
    await expectOutsideUntouched();
    expect((await readdir(target)).sort()).toEqual(['legit', 'ok.txt']);
    expect(await readFile(path.join(target, 'ok.txt'), 'utf8')).toBe('legitimate');
    expect(await readFile(path.join(target, 'legit', 'inner.txt'), 'utf8')).toBe('inner');
    // Symlinks pointing anywhere are legitimate entries: restored as links, never written through.
    expect(await readlink(path.join(target, 'legit', 'link-to-outside'))).toBe(outside);
    expect(await readlink(path.join(target, 'legit', 'link-up'))).toBe('../../../../../../../../etc');
    expect(summary.files).toBe(2);
    expect(summary.symlinks).toBe(2);
  });

  it('never writes through a symlink already in the target (directory or file of the same name)', async () => {
    const target = path.join(work, 'target-planted');
    await mkdir(target);
    await symlink(outside, path.join(target, 'etc'));
    await symlink(path.join(outside, 'sentinel'), path.join(target, 'passwd'));
    const root = await saveTree([
      await dir('etc', [await file('shadow', 'would land in the outside directory')]),
      await file('passwd', 'replaces the planted link, not its target'),
    ]);
    await repository.flush();
    const summary = await restore(repository, { source: { tree: root }, target, workers: 0 });
    expect(byPath(summary.failures)).toEqual({ etc: 'PATH_ESCAPE' });
    expect(summary.failures[0]?.message).toContain('symbolic link');
    await expectOutsideUntouched();
    // The planted file symlink was replaced by the restored file; its target kept its content.
    expect((await lstat(path.join(target, 'passwd'))).isFile()).toBe(true);
    expect(await readFile(path.join(target, 'passwd'), 'utf8')).toBe(
      'replaces the planted link, not its target',
    );
  });

  it('refuses a subpath or an include path that climbs out, before writing anything', async () => {
    const root = await saveTree([await dir('etc', [await file('hosts', '127.0.0.1 localhost\n')])]);
    await repository.flush();
    for (const options of [
      { subpath: '/etc/../..' },
      { include: ['etc/../../outside'] },
      { subpath: 'etc/./x' },
    ]) {
      const target = path.join(work, 'target-args');
      const error = await restore(repository, {
        source: { tree: root },
        target,
        workers: 0,
        ...options,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isEngineError(error, 'PATH_ESCAPE'), JSON.stringify(options)).toBe(true);
      await expect(lstat(target)).rejects.toMatchObject({ code: 'ENOENT' });
    }
    await expectOutsideUntouched();
  });

  it('reports damaged entries (missing subtree, unknown tree or blob, sockets) and restores the rest', async () => {
    const missing = 'ab'.repeat(32);
    const root = await saveTree([
      await file('good.txt', 'good'),
      node('no-subtree', 'dir'),
      node('lost-tree', 'dir', { subtree: missing }),
      node('lost-blob', 'file', { size: 4, links: 1, content: [missing] }),
      node('no-content', 'file', { size: 0, links: 1 }),
      node('socket', 'socket'),
      node('reparse', 'irregular'),
    ]);
    await repository.flush();
    const target = path.join(work, 'target-damaged');
    const summary = await restore(repository, { source: { tree: root }, target, workers: 0 });
    expect(byPath(summary.failures)).toEqual({
      'no-subtree': 'CORRUPT',
      'lost-tree': 'NOT_FOUND',
      'lost-blob': 'NOT_FOUND',
      'no-content': 'CORRUPT',
    });
    expect(summary.failures.find((f) => f.path === 'lost-blob')?.message).toContain(`data blob ${missing}`);
    expect(summary.warnings.map((w) => w.path)).toEqual(['socket', 'reparse']);
    expect((await readdir(target)).sort()).toEqual(['good.txt', 'lost-tree']);
    expect(await readFile(path.join(target, 'good.txt'), 'utf8')).toBe('good');
  });
});
