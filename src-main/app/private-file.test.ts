import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writePrivateFileAtomically } from './private-file';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'private-file-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writePrivateFileAtomically', () => {
  it('creates missing folders and a file of mode 0600', async () => {
    const file = path.join(dir, 'a', 'b', 'secret.json');
    await writePrivateFileAtomically(file, 'one');
    expect(await readFile(file, 'utf8')).toBe('one');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('replaces a file that others could read with one that they cannot', async () => {
    const file = path.join(dir, 'secret.json');
    await writeFile(file, 'old');
    await chmod(file, 0o644);
    await writePrivateFileAtomically(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secret.json']);
  });

  it('fails without leaving its temporary file when the replacement cannot happen', async () => {
    // A non-empty directory where the file should be: renaming onto it fails.
    const file = path.join(dir, 'secret.json');
    await mkdir(file);
    await writeFile(path.join(file, 'keep'), 'x');
    await expect(writePrivateFileAtomically(file, 'new')).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/),
    });
    expect(await readdir(dir)).toEqual(['secret.json']);
    expect(await readdir(file)).toEqual(['keep']);
  });
});
