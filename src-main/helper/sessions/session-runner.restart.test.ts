import { rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restic } from '../../engine/testing/restic-cli';
import {
  createHarness,
  type Harness,
  problemsOf,
  resticCheck,
  succeeded,
  testRepositoryPassword,
} from './testing/session-test-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

function snapshotsFolder(h: Harness): string {
  return path.join(h.location, 'backup-manager', 'snapshots');
}

async function repositorySnapshotIds(h: Harness): Promise<string[]> {
  const listed = await restic(['snapshots', '--json'], {
    repo: h.repository,
    password: testRepositoryPassword,
  });
  return (JSON.parse(listed.stdout) as { id: string }[]).map((s) => s.id);
}

function statusesOf(h: Harness, id: string): string[] {
  return (h.journal.getSession(id)?.transitions ?? []).map((t) => t.status);
}

describe('a snapshot that vanishes during a session', () => {
  it('interrupts the attempt SNAPSHOT_UNAVAILABLE, restarts it automatically, and completes', async () => {
    const h = await createHarness({
      hooks: {
        beforePhase: async (_id, phase, attempt) => {
          // The temporary copy disappears between its creation and the backup (as a VSS shadow copy can).
          if (phase === 'backup' && attempt === 1)
            await rm(snapshotsFolder(h), { recursive: true, force: true });
        },
      },
    });
    harness = h;
    const { session } = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(succeeded(ended), problemsOf(h, ended.id)).toBe(true);
    expect(ended.attempt).toBe(2);
    const detail = h.journal.getSession(session.id);
    expect(detail?.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'completed']);
    expect(detail?.attempts[0]?.failure?.code).toBe('SNAPSHOT_UNAVAILABLE');
    expect(detail?.attempts[0]?.failure?.check).toBe('snapshot-availability');
    const statuses = statusesOf(h, session.id);
    const interruptedAt = statuses.indexOf('interrupted');
    expect(interruptedAt).toBeGreaterThan(0);
    expect(statuses.indexOf('restarted')).toBeGreaterThan(interruptedAt);
    // The UI saw it too: Interrupted, then Restarted, then Completed.
    const seen = h.changes.filter((c) => c.id === session.id).map((c) => c.status);
    expect(seen.indexOf('restarted')).toBeGreaterThan(seen.indexOf('interrupted'));
    expect(seen.at(-1)).toBe(ended.status);
    expect(await repositorySnapshotIds(h)).toEqual([ended.snapshotId]);
    expect(await readdir(snapshotsFolder(h))).toEqual([]);
  }, 60_000);

  it('removes a repository snapshot read from a snapshot that vanished under the backup', async () => {
    let deleted = false;
    const h = await createHarness({
      // Only the check after the backup can notice: the periodic check would come after the test is over.
      watchdogIntervalMs: 600_000,
      onProgress: (p) => {
        if (p.phase === 'backup' && p.attempt === 1 && p.filesDone > 0 && !deleted) {
          deleted = true;
          rmSync(snapshotsFolder(h), { recursive: true, force: true });
        }
      },
    });
    harness = h;
    const { session } = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    const ended = await h.runner.wait(session.id);
    expect(deleted).toBe(true);
    expect(succeeded(ended), problemsOf(h, ended.id)).toBe(true);
    expect(h.journal.getSession(session.id)?.attempts[0]?.failure?.code).toBe('SNAPSHOT_UNAVAILABLE');
    const log = h.journal.getLog(session.id).map((e) => e.message);
    expect(
      log.some((m) => /Repository snapshot \w+ removed: it was read from a vanished snapshot/.test(m)),
    ).toBe(true);
    // Only the second attempt's snapshot is left: nobody can restore (or take as a parent) the one read from a hole.
    expect(await repositorySnapshotIds(h)).toEqual([ended.snapshotId]);
    const check = await resticCheck(h, false);
    expect(check.code, check.output).toBe(0);
  }, 60_000);

  it('lets a session waiting for its restart be cancelled: it ends Aborted at once', async () => {
    const h = await createHarness({
      restartScale: 1, // a minute's wait: the session is still waiting when it is cancelled
      hooks: {
        beforePhase: async (_id, phase) => {
          if (phase === 'backup') await rm(snapshotsFolder(h), { recursive: true, force: true });
        },
      },
    });
    harness = h;
    const { session } = await h.runner.start({ source: 'system-state', trigger: 'manual' });
    for (let i = 0; i < 200 && h.journal.getSummary(session.id)?.status !== 'interrupted'; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = h.journal.getSummary(session.id);
    expect(waiting?.status).toBe('interrupted');
    expect(Date.parse(waiting?.nextAttemptAt ?? '')).toBeGreaterThan(Date.now() + 30_000);
    expect(h.runner.activeCount()).toBe(1);
    const cancelled = h.runner.cancel(session.id);
    expect(cancelled.status).toBe('aborted');
    expect(await h.runner.wait(session.id)).toMatchObject({ status: 'aborted', attempt: 1 });
    expect(h.runner.activeCount()).toBe(0);
  }, 30_000);
});
