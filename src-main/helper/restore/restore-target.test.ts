/**
 * Where a restore may write, on real folders: a folder target is created (0700) when missing; the system root, the
 * helper's state directory and the repository are refused as targets — also through a symlink, and also when a
 * restored path would land on them; applying to the system needs this machine's hostname typed back
 * (CONFIRMATION_MISMATCH) and a session of the same OS family (INCOMPATIBLE_SYSTEM).
 */
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTarget, type TargetRules } from './restore-target';

let dir: string;
let rules: TargetRules;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-restore-target-'));
  for (const sub of ['system', 'state', 'repo', 'srv']) await mkdir(path.join(dir, sub));
  rules = {
    systemRoot: path.join(dir, 'system'),
    stateDir: path.join(dir, 'state'),
    repositoryPath: path.join(dir, 'repo'),
    hostname: 'beta',
    hereOs: 'linux',
  };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const linux = { includePaths: ['/etc', '/boot'], sessionOs: 'linux' as const, create: true };
const refusal = (code: string, text?: string) =>
  expect.objectContaining({ code, ...(text ? { message: expect.stringContaining(text) } : {}) });

describe('folder targets', () => {
  it('creates a missing folder (mode 0700: it will hold /etc/shadow) and names it by its real path', async () => {
    const target = path.join(dir, 'srv', 'new', 'target');
    const resolved = await resolveTarget({ kind: 'folder', path: target }, rules, linux);
    expect(resolved).toEqual({ targetRoot: target, exclusiveKey: `folder:${target}` });
    expect((await stat(target)).mode & 0o777).toBe(0o700);
    // Planning does not create anything.
    const planned = path.join(dir, 'srv', 'planned');
    await resolveTarget({ kind: 'folder', path: planned }, rules, { ...linux, create: false });
    await expect(stat(planned)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses the system root, the state directory, the repository and folders inside them', async () => {
    const cases: [string, string][] = [
      [path.join(dir, 'system'), "this system's root"],
      ['/', "this system's root"],
      [path.join(dir, 'state'), 'state directory'],
      [path.join(dir, 'state', 'restore'), 'state directory'],
      [path.join(dir, 'repo', 'data'), 'repository'],
    ];
    for (const [target, why] of cases)
      await expect(resolveTarget({ kind: 'folder', path: target }, rules, linux)).rejects.toThrow(
        refusal('INVALID_TARGET', why),
      );
  });

  it('sees through a symlink into the state directory', async () => {
    await symlink(path.join(dir, 'state'), path.join(dir, 'srv', 'innocent'));
    await expect(
      resolveTarget({ kind: 'folder', path: path.join(dir, 'srv', 'innocent', 'x') }, rules, linux),
    ).rejects.toThrow(refusal('INVALID_TARGET', 'state directory'));
  });

  it('refuses a folder where a restored path would land on the repository', async () => {
    const repositoryUnderEtc = { ...rules, repositoryPath: path.join(dir, 'srv', 'etc', 'backups') };
    await expect(
      resolveTarget({ kind: 'folder', path: path.join(dir, 'srv') }, repositoryUnderEtc, linux),
    ).rejects.toThrow(refusal('INVALID_TARGET', 'would write over the repository'));
    // The same folder is fine when /etc is not restored.
    await expect(
      resolveTarget({ kind: 'folder', path: path.join(dir, 'srv') }, repositoryUnderEtc, {
        ...linux,
        includePaths: ['/boot'],
      }),
    ).resolves.toMatchObject({ targetRoot: path.join(dir, 'srv') });
  });

  it('refuses a file, and a relative or Windows path on Linux', async () => {
    await writeFile(path.join(dir, 'srv', 'file'), 'x');
    await expect(
      resolveTarget({ kind: 'folder', path: path.join(dir, 'srv', 'file') }, rules, linux),
    ).rejects.toThrow(refusal('INVALID_TARGET', 'not a folder'));
    await expect(resolveTarget({ kind: 'folder', path: 'C:\\restore' }, rules, linux)).rejects.toThrow(
      refusal('INVALID_TARGET', 'absolute'),
    );
  });
});

describe('the system target', () => {
  it("writes into the helper's system root when the hostname is typed back", async () => {
    await expect(resolveTarget({ kind: 'system', confirmHostname: 'beta' }, rules, linux)).resolves.toEqual({
      targetRoot: path.join(dir, 'system'),
      exclusiveKey: 'system',
    });
  });

  it('refuses another hostname (CONFIRMATION_MISMATCH), also one that differs only in case', async () => {
    for (const typed of ['alpha', 'Beta', 'beta '])
      await expect(resolveTarget({ kind: 'system', confirmHostname: typed }, rules, linux)).rejects.toThrow(
        refusal('CONFIRMATION_MISMATCH', '"beta"'),
      );
  });

  it('refuses a Windows session on Linux and a Linux session on Windows (INCOMPATIBLE_SYSTEM)', async () => {
    await expect(
      resolveTarget({ kind: 'system', confirmHostname: 'beta' }, rules, { ...linux, sessionOs: 'windows' }),
    ).rejects.toThrow(refusal('INCOMPATIBLE_SYSTEM', 'Windows System state cannot be applied to this Linux'));
    await expect(
      resolveTarget({ kind: 'system', confirmHostname: 'beta' }, { ...rules, hereOs: 'windows' }, linux),
    ).rejects.toThrow(refusal('INCOMPATIBLE_SYSTEM', 'Linux System state cannot be applied to this Windows'));
    // A Windows session can still be restored into a folder, to read its files.
    await expect(
      resolveTarget({ kind: 'folder', path: path.join(dir, 'srv', 'w') }, rules, {
        ...linux,
        sessionOs: 'windows',
      }),
    ).resolves.toMatchObject({ targetRoot: path.join(dir, 'srv', 'w') });
  });

  it('refuses an apply whose restored paths would land on the state directory', async () => {
    const stateInSystem = { ...rules, stateDir: path.join(dir, 'system', 'var', 'lib', 'backup-manager') };
    await expect(
      resolveTarget({ kind: 'system', confirmHostname: 'beta' }, stateInSystem, {
        ...linux,
        includePaths: ['/var/lib'],
      }),
    ).rejects.toThrow(refusal('INVALID_TARGET', "the helper's state directory"));
  });
});
