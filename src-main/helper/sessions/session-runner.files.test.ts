import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restic } from '../../engine/testing/restic-cli';
import { btrfsSnapshotFolder } from '../../system-state/snapshots/btrfs-provider';
import {
  canUseLoopMounts,
  createLoopFilesystem,
  type LoopFilesystem,
} from '../../system-state/testing/loop-filesystem';
import {
  createHarness,
  type Harness,
  phasesOf,
  problemsOf,
  testRepositoryPassword,
} from './testing/session-test-harness';

let harness: Harness | undefined;
let loop: LoopFilesystem | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  await loop?.dispose();
  loop = undefined;
});

const loopMounts = canUseLoopMounts();
if (!loopMounts)
  console.log('skipped: loop mounts need root on Linux (the files live on a btrfs test filesystem)');

describe.skipIf(!loopMounts)('a files session on btrfs', () => {
  it('reads a read-only snapshot of the filesystem, records the live paths, and deletes the snapshot', async () => {
    loop = await createLoopFilesystem('btrfs', 128);
    const data = path.join(loop.mountPoint, 'data');
    await mkdir(path.join(data, 'nested'), { recursive: true });
    await writeFile(path.join(data, 'a.txt'), 'alpha\n');
    await writeFile(path.join(data, 'nested', 'b.txt'), 'beta\n');
    const h = await createHarness();
    harness = h;

    const { session } = await h.runner.start({ source: 'files', paths: [data], trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status, problemsOf(h, ended.id)).toBe('completed');
    expect(ended.stats?.filesNew).toBe(2);
    expect(phasesOf(h, session.id)).toEqual([
      'queued',
      'preflight',
      'snapshot',
      'backup',
      'verify',
      'cleanup',
      'done',
    ]);
    const log = h.journal.getLog(session.id).map((e) => e.message);
    expect(log.some((m) => m.startsWith('Snapshot ') && m.includes('created (btrfs)'))).toBe(true);
    expect(await readdir(path.join(loop.mountPoint, btrfsSnapshotFolder))).toEqual([]);

    const listing = await restic(['ls', '--json', 'latest'], {
      repo: h.repository,
      password: testRepositoryPassword,
    });
    const listed = listing.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { path?: string }).path);
    expect(listed).toContain(path.join(data, 'nested', 'b.txt'));
    expect(listed.some((p) => p?.includes(btrfsSnapshotFolder))).toBe(false);
  }, 60_000);
});
