import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stagingFolder } from '../../system-state/exports/run-exports';
import { TempCopyProvider } from '../../system-state/snapshots/temp-copy-provider';
import { newSessionId } from './session-id';
import {
  createHarness,
  type Harness,
  type HarnessOptions,
  problemsOf,
  succeeded,
} from './testing/session-test-harness';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0).reverse()) await h.dispose();
});

async function harnessWith(options: HarnessOptions = {}): Promise<Harness> {
  const h = await createHarness(options);
  harnesses.push(h);
  return h;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

/**
 * What a helper that died in the middle of a session's backup leaves: the journal says in-process, attempt 1 in
 * the backup phase, with a real temporary copy and a staging folder recorded.
 */
async function crashedSession(
  h: Harness,
  bootId: string,
  maxAttempts = 3,
): Promise<{ id: string; copy: string }> {
  const now = new Date();
  h.journal.recordHelperStart(bootId, 4242, now);
  const id = newSessionId(now);
  h.journal.createSession({
    id,
    source: 'system-state',
    paths: [],
    repository: h.repository,
    trigger: 'schedule',
    maxAttempts,
    createdAt: now,
  });
  h.journal.beginAttempt(id, 1, now);
  for (const phase of ['preflight', 'snapshot', 'collect', 'backup'] as const)
    h.journal.recordTransition(id, phase);
  const handle = await new TempCopyProvider().create({
    sessionId: id,
    source: '/',
    location: h.location,
    paths: ['/etc/hostname'],
  });
  h.journal.setSnapshotRef(id, JSON.stringify(handle));
  const staging = stagingFolder(h.location, id);
  await mkdir(staging, { recursive: true });
  await writeFile(path.join(staging, 'machine-manifest.json'), '{}\n');
  h.journal.setStagingDir(id, staging);
  return { id, copy: handle.id };
}

describe('recovery at helper start', () => {
  it('deletes what a crashed session left, interrupts it HELPER_CRASHED, restarts it, and sweeps orphans', async () => {
    const before = await harnessWith();
    const { id, copy } = await crashedSession(before, 'boot-1');
    // Left by a crash before anything was journaled: found by its name alone.
    const orphanId = '20200101-000000-0abcde';
    const orphanCopy = TempCopyProvider.folderFor(before.location, orphanId);
    await mkdir(path.join(orphanCopy, 'root'), { recursive: true });
    await mkdir(stagingFolder(before.location, orphanId), { recursive: true });
    await before.stop();

    const after = await harnessWith({ reuse: before });
    const summary = await after.runner.recover('boot-1');
    expect(summary.previousBootId).toBe('boot-1');
    expect(summary.restarting).toEqual([expect.objectContaining({ id, attempt: 2, code: 'HELPER_CRASHED' })]);
    expect(summary.deletedSnapshots).toEqual(expect.arrayContaining([copy, orphanCopy]));
    expect(summary.removedStagingDirs).toEqual(
      expect.arrayContaining([stagingFolder(after.location, id), stagingFolder(after.location, orphanId)]),
    );
    expect(summary.errors).toEqual([]);

    const ended = await after.runner.wait(id);
    expect(succeeded(ended), problemsOf(after, ended.id)).toBe(true);
    expect(ended.attempt).toBe(2);
    const detail = after.journal.getSession(id);
    expect(detail?.attempts[0]).toMatchObject({ outcome: 'interrupted', snapshotRef: null });
    expect(detail?.attempts[0]?.failure?.code).toBe('HELPER_CRASHED');
    const statuses = detail?.transitions.map((t) => t.status) ?? [];
    expect(statuses.indexOf('restarted')).toBeGreaterThan(statuses.indexOf('interrupted'));
    expect(await entries(path.join(after.location, 'backup-manager', 'snapshots'))).toEqual([]);
    expect(await entries(path.join(after.location, 'backup-manager', 'staging'))).toEqual([]);
    const log = after.journal.getLog(id).map((e) => e.message);
    expect(log.some((m) => m.includes(`deleted the snapshot ${copy}`))).toBe(true);
  }, 60_000);

  it('says MACHINE_RESTARTED when the boot id changed', async () => {
    const before = await harnessWith();
    const { id } = await crashedSession(before, 'boot-1');
    await before.stop();
    const after = await harnessWith({ reuse: before });
    const summary = await after.runner.recover('boot-2');
    expect(summary.restarting).toEqual([expect.objectContaining({ id, code: 'MACHINE_RESTARTED' })]);
    const ended = await after.runner.wait(id);
    expect(succeeded(ended), problemsOf(after, ended.id)).toBe(true);
    expect(after.journal.getSession(id)?.attempts[0]?.failure).toMatchObject({
      code: 'MACHINE_RESTARTED',
      check: 'snapshot-availability',
    });
  }, 60_000);

  it('ends a session Failed when its attempts are used up', async () => {
    const before = await harnessWith({ maxAttempts: 1 });
    const { id, copy } = await crashedSession(before, 'boot-1', 1);
    await before.stop();
    const after = await harnessWith({ reuse: before, maxAttempts: 1 });
    const summary = await after.runner.recover('boot-1');
    expect(summary.failed).toEqual([{ id, code: 'HELPER_CRASHED' }]);
    expect(summary.restarting).toEqual([]);
    expect(after.journal.getSummary(id)).toMatchObject({
      status: 'failed',
      failure: { code: 'HELPER_CRASHED' },
    });
    expect(await entries(path.dirname(copy))).toEqual([]);
    expect(after.runner.activeCount()).toBe(0);
  });

  it('interrupts running sessions SERVICE_STOPPED on a graceful stop, and the next start restarts them', async () => {
    let stopping: Promise<void> | undefined;
    let before: Harness | undefined;
    before = await harnessWith({
      hooks: {
        beforePhase: async (_id, phase) => {
          // The helper is told to stop while the session backs up (close waits for the session's cleanup).
          if (phase === 'backup') stopping = before?.stop();
        },
      },
    });
    const { session } = await before.runner.start({ source: 'system-state', trigger: 'manual' });
    for (let i = 0; i < 400 && stopping === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    await stopping;
    const journalAfterStop = await harnessWith({ reuse: before });
    const waiting = journalAfterStop.journal.getSummary(session.id);
    expect(waiting).toMatchObject({ status: 'interrupted', failure: { code: 'SERVICE_STOPPED' } });
    expect(await entries(path.join(before.location, 'backup-manager', 'snapshots'))).toEqual([]);
    expect(await entries(path.join(before.location, 'backup-manager', 'staging'))).toEqual([]);

    const summary = await journalAfterStop.runner.recover('boot-1');
    // It was waiting already: its timer is back, nothing new is journaled as a failure.
    expect(summary.restarting).toEqual([expect.objectContaining({ id: session.id, attempt: 2, code: null })]);
    const ended = await journalAfterStop.runner.wait(session.id);
    expect(succeeded(ended), problemsOf(journalAfterStop, ended.id)).toBe(true);
    expect(ended.attempt).toBe(2);
  }, 60_000);
});
