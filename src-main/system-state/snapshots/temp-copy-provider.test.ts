import { chmod, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSystemStateError } from '../errors';
import { canUseLoopMounts, createLoopFilesystem } from '../testing/loop-filesystem';
import { sweepOrphans } from './snapshot-provider';
import { TempCopyProvider } from './temp-copy-provider';

let work: string;
let systemRoot: string;
let location: string;
const provider = new TempCopyProvider();

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bm-tempcopy-'));
  systemRoot = path.join(work, 'system');
  location = path.join(work, 'location');
  await mkdir(path.join(systemRoot, 'etc/ssh'), { recursive: true });
  await mkdir(location);
  await writeFile(path.join(systemRoot, 'etc/hostname'), 'old-host\n');
  await writeFile(path.join(systemRoot, 'etc/ssh/sshd_config'), 'PermitRootLogin no\n');
  await symlink('/usr/share/zoneinfo/Europe/Paris', path.join(systemRoot, 'etc/localtime'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('TempCopyProvider (real files)', () => {
  it('copies the component paths, reads through the copy, and keeps the point-in-time content', async () => {
    const handle = await provider.create({
      sessionId: 's1',
      source: systemRoot,
      location,
      paths: ['/etc', '/var/spool/cron'],
    });
    await writeFile(path.join(systemRoot, 'etc/hostname'), 'changed-after-snapshot\n');
    expect(await readFile(path.join(handle.path, 'etc/hostname'), 'utf8')).toBe('old-host\n');
    expect(await readFile(path.join(handle.path, 'etc/ssh/sshd_config'), 'utf8')).toBe(
      'PermitRootLogin no\n',
    );
    expect(await readlink(path.join(handle.path, 'etc/localtime'))).toBe('/usr/share/zoneinfo/Europe/Paris');
    expect(handle.warnings).toEqual([]);
    expect(await provider.isAvailable(handle)).toMatchObject({ available: true });
  });

  it('deletes idempotently and reports a deleted snapshot as unavailable', async () => {
    const handle = await provider.create({ sessionId: 's2', source: systemRoot, location, paths: ['/etc'] });
    await provider.delete(handle);
    await provider.delete(handle);
    const availability = await provider.isAvailable(handle);
    expect(availability.available).toBe(false);
    expect(availability.evidence[0]).toContain('gone');
  });

  it('lists unreadable files as warnings instead of dropping them silently', async () => {
    if (process.getuid?.() === 0) {
      // root reads everything; make a file that even root cannot copy: a FIFO is skipped with a warning.
      const { execFileSync } = await import('node:child_process');
      execFileSync('mkfifo', [path.join(systemRoot, 'etc/initctl')]);
    } else {
      await writeFile(path.join(systemRoot, 'etc/shadow'), 'secret');
      await chmod(path.join(systemRoot, 'etc/shadow'), 0o000);
    }
    const handle = await provider.create({ sessionId: 's3', source: systemRoot, location, paths: ['/etc'] });
    expect(handle.warnings).toHaveLength(1);
    expect(handle.warnings[0]).toMatch(/etc\/(initctl|shadow)/);
  });

  it('sweeps the orphans of sessions that are not active, and keeps the active one', async () => {
    const active = await provider.create({
      sessionId: 'active',
      source: systemRoot,
      location,
      paths: ['/etc'],
    });
    await provider.create({ sessionId: 'crashed1', source: systemRoot, location, paths: ['/etc'] });
    // A crash in the middle of a copy leaves a folder without its marker: still found by its name.
    await mkdir(path.join(TempCopyProvider.folderFor(location, 'crashed2'), 'root/etc'), { recursive: true });
    const swept = await sweepOrphans(provider, location, (id) => id === 'active');
    expect(swept.deleted.map((h) => h.sessionId).sort()).toEqual(['crashed1', 'crashed2']);
    expect(swept.kept.map((h) => h.sessionId)).toEqual(['active']);
    expect(swept.errors).toEqual([]);
    expect((await provider.list(location)).map((h) => h.sessionId)).toEqual(['active']);
    expect((await provider.isAvailable(active)).available).toBe(true);
  });

  it('stops copying when cancelled, removes the partial copy and throws the reason', async () => {
    for (let i = 0; i < 200; i++)
      await writeFile(path.join(systemRoot, 'etc', `file-${i}.conf`), `line ${i}\n`);
    const controller = new AbortController();
    // Cancelled while the 200 files are being copied (each copy awaits the disk, so the timer gets its turn).
    const cancelling = setTimeout(
      () => controller.abort(new DOMException('session cancelled', 'AbortError')),
      1,
    );
    const creating = provider.create({
      sessionId: 's-cancel',
      source: systemRoot,
      location,
      paths: ['/etc'],
      signal: controller.signal,
    });
    const error = await creating.then(
      () => null,
      (e: unknown) => e,
    );
    clearTimeout(cancelling);
    expect((error as Error | null)?.name).toBe('AbortError');
    expect(await provider.list(location)).toEqual([]);
  });

  it('refuses unsafe session ids', async () => {
    await expect(provider.create({ sessionId: '../x', source: systemRoot, location })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it.runIf(canUseLoopMounts())(
    'fails with INSUFFICIENT_SPACE and leaves nothing behind when the location fills up',
    async () => {
      const small = await createLoopFilesystem('ext4', 4);
      try {
        await writeFile(path.join(systemRoot, 'etc/big.bin'), Buffer.alloc(8 * 1024 * 1024, 7));
        const error = await provider
          .create({ sessionId: 'full', source: systemRoot, location: small.mountPoint, paths: ['/etc'] })
          .catch((e: unknown) => e);
        expect(isSystemStateError(error, 'INSUFFICIENT_SPACE')).toBe(true);
        expect(await provider.list(small.mountPoint)).toEqual([]);
      } finally {
        await small.dispose();
      }
    },
  );
});
