import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecCommandRunner } from '../command-runner/exec-command-runner';
import { canUseLoopMounts, createLoopFilesystem, type LoopFilesystem } from '../testing/loop-filesystem';
import { BtrfsProvider } from './btrfs-provider';
import { sweepOrphans } from './snapshot-provider';

const provider = new BtrfsProvider(new ExecCommandRunner());

// Real btrfs on a loop-mounted image the test creates (root only; CI runs as root with btrfs-progs installed).
describe.runIf(canUseLoopMounts())('BtrfsProvider on a real loop-mounted btrfs', () => {
  let fs: LoopFilesystem;
  beforeAll(async () => {
    fs = await createLoopFilesystem('btrfs', 256);
    await writeFile(path.join(fs.mountPoint, 'hostname'), 'before\n');
  });
  afterAll(async () => {
    await fs?.dispose();
  });

  it('creates a read-only snapshot whose content stays at the point in time, then deletes it idempotently', async () => {
    const handle = await provider.create({
      sessionId: 'sess-a',
      source: fs.mountPoint,
      location: fs.mountPoint,
    });
    await writeFile(path.join(fs.mountPoint, 'hostname'), 'after\n');
    expect(await readFile(path.join(handle.path, 'hostname'), 'utf8')).toBe('before\n');
    await expect(writeFile(path.join(handle.path, 'new-file'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    expect(await provider.isAvailable(handle)).toMatchObject({ available: true });
    await provider.delete(handle);
    expect((await provider.isAvailable(handle)).available).toBe(false);
    await provider.delete(handle); // already gone: still succeeds
  });

  it('finds and deletes the snapshots of crashed sessions (orphan sweep), keeping the active one', async () => {
    await provider.create({ sessionId: 'crashed', source: fs.mountPoint, location: fs.mountPoint });
    const active = await provider.create({
      sessionId: 'running',
      source: fs.mountPoint,
      location: fs.mountPoint,
    });
    const swept = await sweepOrphans(provider, fs.mountPoint, (id) => id === 'running');
    expect(swept.deleted.map((h) => h.sessionId)).toEqual(['crashed']);
    expect(swept.kept.map((h) => h.sessionId)).toEqual(['running']);
    expect((await provider.list(fs.mountPoint)).map((h) => h.sessionId)).toEqual(['running']);
    await provider.delete(active);
  });

  it('reports the filesystem healthy from btrfs device stats', async () => {
    const health = await provider.deviceErrors(fs.mountPoint);
    expect(health.healthy).toBe(true);
    expect(health.evidence[0]).toMatch(/all 0 on \/dev\/loop\d+/);
  });

  it('refuses a source that is not a btrfs subvolume with SNAPSHOT_UNSUPPORTED', async () => {
    await expect(
      provider.create({ sessionId: 'x', source: '/proc', location: fs.mountPoint }),
    ).rejects.toMatchObject({
      code: 'SNAPSHOT_UNSUPPORTED',
    });
  });
});
