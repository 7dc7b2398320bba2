import { open, readdir, rm, statfs } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  canUseLoopMounts,
  createLoopFilesystem,
  type LoopFilesystem,
} from '../../system-state/testing/loop-filesystem';
import { createHarness, type Harness, phasesOf, resticCheck } from './testing/session-test-harness';

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
  console.log('skipped: loop mounts need root on Linux (the snapshot location is a tiny filesystem)');

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

/** Writes zeros into `file` until only about `leaveBytes` are free on its filesystem (or none: ENOSPC ends it). */
async function fill(file: string, leaveBytes: number): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      const s = await statfs(path.dirname(file));
      const free = s.bavail * s.bsize;
      if (free <= leaveBytes) return;
      await handle.write(chunk, 0, Math.min(chunk.length, free - leaveBytes));
      await handle.sync();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}

describe.skipIf(!loopMounts)('a snapshot location without room', () => {
  it('fails the preflight INSUFFICIENT_SPACE when the free space is below the estimate', async () => {
    loop = await createLoopFilesystem('ext4', 2); // about 0.9 MiB free; System state here is about 2 MiB
    const h = await createHarness();
    harness = h;
    h.settings.snapshotLocation = loop.mountPoint;
    const { session } = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(ended.status).toBe('failed');
    expect(ended.failure?.code).toBe('INSUFFICIENT_SPACE');
    expect(ended.failure?.check).toBe('free-space');
    expect(ended.failure?.message).toMatch(/Free up space/);
    // Not restarted: waiting does not make room.
    expect(h.journal.getSession(session.id)?.attempts).toHaveLength(1);
    expect(phasesOf(h, session.id)).toEqual(['queued', 'preflight', 'cleanup', 'done']);
    expect(await entries(path.join(loop.mountPoint, 'backup-manager'))).toEqual([]);
  });

  it('fails cleanly when the location fills during the copy or the exports: nothing is left behind', async () => {
    loop = await createLoopFilesystem('ext4', 16);
    const filler = path.join(loop.mountPoint, 'filler');
    let fillBefore: 'snapshot' | 'collect' = 'snapshot';
    const h = await createHarness({
      hooks: {
        beforePhase: async (_id, phase) => {
          // Something else on the machine takes the space once the preflight has passed.
          if (phase === fillBefore) await fill(filler, fillBefore === 'snapshot' ? 512 * 1024 : 0);
        },
      },
    });
    harness = h;
    h.settings.snapshotLocation = loop.mountPoint;
    const snapshots = path.join(loop.mountPoint, 'backup-manager', 'snapshots');
    const staging = path.join(loop.mountPoint, 'backup-manager', 'staging');

    const duringCopy = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    const copyEnded = await h.runner.wait(duringCopy.session.id);
    expect(copyEnded.status).toBe('failed');
    expect(copyEnded.failure?.code).toBe('INSUFFICIENT_SPACE');
    expect(copyEnded.failure?.check).toBe('free-space');
    expect(h.journal.getSession(duringCopy.session.id)?.attempts).toHaveLength(1);
    expect(phasesOf(h, duringCopy.session.id).slice(-3)).toEqual(['snapshot', 'cleanup', 'done']);
    expect(await entries(snapshots)).toEqual([]);
    expect(await entries(staging)).toEqual([]);

    await rm(filler);
    fillBefore = 'collect';
    const duringExports = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    const exportsEnded = await h.runner.wait(duringExports.session.id);
    expect(exportsEnded.status).toBe('failed');
    expect(exportsEnded.failure?.code, exportsEnded.failure?.message).toBe('INSUFFICIENT_SPACE');
    expect(phasesOf(h, duringExports.session.id).slice(-3)).toEqual(['collect', 'cleanup', 'done']);
    const log = h.journal.getLog(duringExports.session.id).map((e) => e.message);
    expect(log.some((m) => m.startsWith('Snapshot ') && m.endsWith(' deleted'))).toBe(true);
    expect(log.some((m) => m.startsWith('Staging folder ') && m.endsWith(' removed'))).toBe(true);
    expect(await entries(snapshots)).toEqual([]);
    expect(await entries(staging)).toEqual([]);
    expect(h.journal.getSession(duringExports.session.id)?.attempts[0]).toMatchObject({ snapshotRef: null });

    const check = await resticCheck(h);
    expect(check.code, check.output).toBe(0);
  }, 60_000);
});
