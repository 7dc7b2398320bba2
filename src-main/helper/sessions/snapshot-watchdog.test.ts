import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../engine/testing/restic-cli';
import { TempCopyProvider } from '../../system-state/snapshots/temp-copy-provider';
import { startSnapshotWatchdog } from './snapshot-watchdog';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await removeTempDir(dir);
  dir = undefined;
});

describe('the snapshot watchdog', () => {
  it('aborts its signal once the snapshot is gone, and not before', { timeout: 10_000 }, async () => {
    dir = await makeTempDir('watchdog');
    const provider = new TempCopyProvider();
    const handle = await provider.create({
      sessionId: '20260101-000000-abcdef',
      source: '/',
      location: dir,
      paths: ['/etc/hostname'],
    });
    const lost: string[][] = [];
    const watchdog = startSnapshotWatchdog({ handle, provider }, 10, (evidence) => lost.push(evidence));
    try {
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(watchdog.signal.aborted).toBe(false);
      expect(await watchdog.checkNow()).toBe(true);
      await rm(handle.id, { recursive: true, force: true });
      // It may have fired already while the folder was being removed.
      if (!watchdog.signal.aborted)
        await new Promise<void>((resolve) =>
          watchdog.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      expect(watchdog.signal.aborted).toBe(true);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.join(' ')).toContain(handle.id);
      expect(watchdog.lostEvidence).toEqual(lost[0]);
      expect(await watchdog.checkNow()).toBe(false);
    } finally {
      watchdog.stop();
    }
  });

  it('has nothing to watch when the files are read live', async () => {
    const watchdog = startSnapshotWatchdog(null, 10, () => undefined);
    expect(await watchdog.checkNow()).toBe(true);
    watchdog.stop();
    expect(watchdog.signal.aborted).toBe(false);
  });
});
