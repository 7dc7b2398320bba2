/**
 * Test restore on a real repository: this machine's latest System state session (not a rollback point, not another
 * machine's) from the settings' repository with the sessions' password, restored into a scratch folder under the
 * state directory, verified, reported, the scratch folder removed, the system untouched; a given handle and
 * hostname; what keeps it from starting (no repository set, no session, no password). And its schedule: due runs
 * claimed once, a failing scheduled run listed as a failed job, the last outcome kept across a helper restart.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJobReport } from './restore-job-report';
import { RestoreJobs } from './restore-jobs';
import { failedTestStart, startTestRestore, testRestoreRoot } from './restore-test';
import { RestoreTestScheduler } from './restore-test-scheduler';
import {
  alphaFiles,
  alphaStaging,
  createRestoreJobHarness,
  type RestoreJobHarness,
} from './testing/restore-job-harness';

let dir: string;
let harness: RestoreJobHarness;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-restore-test-'));
  harness = await createRestoreJobHarness(dir, { hostname: 'alpha' });
});
afterEach(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

async function addSessions() {
  const older = await harness.repo.addSession({
    hostname: 'alpha',
    time: new Date('2026-11-18T02:00:00Z'),
    files: alphaFiles({ 'etc/version': 'older\n' }),
    staging: alphaStaging(),
  });
  const latest = await harness.repo.addSession({
    hostname: 'alpha',
    time: new Date('2026-11-20T02:00:00Z'),
    files: alphaFiles({ 'etc/version': 'latest\n' }),
    staging: alphaStaging(),
  });
  // Newer, but a rollback point and another machine's session: neither is "the latest session of alpha".
  await harness.repo.addSession({
    hostname: 'alpha',
    time: new Date('2026-11-21T02:00:00Z'),
    files: { 'etc/hostname': 'alpha\n' },
    tags: ['system-state', 'rollback'],
  });
  const gamma = await harness.repo.addSession({
    hostname: 'gamma',
    time: new Date('2026-11-22T02:00:00Z'),
    files: alphaFiles({ 'etc/hostname': 'gamma\n' }),
    staging: alphaStaging(),
  });
  return { older, latest, gamma };
}

describe('test restore', () => {
  it("restores this machine's latest session into a scratch folder, verifies it and removes the folder", async () => {
    const { latest } = await addSessions();
    const systemBefore = await readdir(harness.systemRoot);
    const started = await startTestRestore(harness.testDeps, {});
    expect(started).toMatchObject({ kind: 'test-restore', snapshotId: latest.id, hostname: 'alpha' });
    expect(started.targetRoot.startsWith(`${testRestoreRoot(harness.stateDir)}/`)).toBe(true);
    const job = await harness.jobs.wait(started.id);
    expect(job.error).toBeNull();
    expect(job.state).toBe('completed');
    expect(job.verification).toMatchObject({ filesChecked: 5, mismatches: [] });
    expect(job.checklist.map((item) => [item.id, item.status])).toEqual([
      ['restored-files', 'done'],
      ['verification', 'done'],
      ['machine-manifest', 'done'],
      ['components', 'done'],
      ['scratch-removed', 'done'],
    ]);
    expect(await readdir(testRestoreRoot(harness.stateDir))).toEqual([]);
    expect(await readdir(harness.systemRoot)).toEqual(systemBefore);
    // The handle it opened for the settings' repository is closed again.
    expect(harness.repositories.size).toBe(0);
    const report = await readJobReport(harness.stateDir, job.id);
    expect(report).toMatchObject({ includePaths: ['/boot', '/etc'], job: { state: 'completed' } });
  });

  it("takes a given handle and hostname (another machine's session) and leaves that handle open", async () => {
    const { gamma } = await addSessions();
    const handle = await harness.open();
    const started = await startTestRestore(harness.testDeps, { handle, hostname: 'gamma' });
    expect(started.snapshotId).toBe(gamma.id);
    expect((await harness.jobs.wait(started.id)).state).toBe('completed');
    expect(harness.repositories.size).toBe(1); // the caller's handle stays open
  });

  it('says what keeps it from starting: no session, no repository, no password', async () => {
    await addSessions();
    await expect(startTestRestore(harness.testDeps, { hostname: 'nobody' })).rejects.toMatchObject({
      code: 'NO_SESSION',
    });
    await expect(
      startTestRestore(
        {
          ...harness.testDeps,
          settings: async () => ({ ...(await harness.testDeps.settings()), repository: null }),
        },
        {},
      ),
    ).rejects.toMatchObject({ code: 'REPOSITORY_UNSET' });
    await expect(
      startTestRestore(
        {
          ...harness.testDeps,
          password: async () => {
            throw Object.assign(new Error('no password file'), { code: 'PASSWORD_REQUIRED' });
          },
        },
        {},
      ),
    ).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' });
    await expect(
      startTestRestore({ ...harness.testDeps, password: async () => 'wrong password' }, {}),
    ).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
    expect(harness.jobs.list()).toEqual([]);
    expect(harness.repositories.size).toBe(0);
  });
});

describe('the test restore schedule', () => {
  function scheduler(now: { value: Date }, jobs = harness.jobs, fail = false) {
    return new RestoreTestScheduler({
      stateDir: harness.stateDir,
      jobs,
      startTest: async (params) => {
        if (fail) throw Object.assign(new Error('no password file'), { code: 'PASSWORD_REQUIRED' });
        return startTestRestore({ ...harness.testDeps, jobs }, params);
      },
      recordFailure: (error) =>
        jobs.recordFailed(failedTestStart(harness.testDeps, harness.repo.path), error),
      log: () => undefined,
      now: () => now.value,
      setTimer: () => 0,
      clearTimer: () => undefined,
    });
  }

  it('runs once per due time (never for one before it was set), keeps the last outcome across a restart', async () => {
    await addSessions();
    const now = { value: new Date(2026, 10, 25, 1, 0) };
    const first = scheduler(now);
    await first.start();
    expect(await first.state()).toMatchObject({ spec: { kind: 'off' }, nextRunAt: null, lastJob: null });
    // Set at 01:00 local for 02:30 daily: nothing yet.
    expect((await first.set({ kind: 'daily', time: '02:30' })).nextRunAt).toBe(
      new Date(2026, 10, 25, 2, 30).toISOString(),
    );
    expect(harness.jobs.list()).toEqual([]);
    now.value = new Date(2026, 10, 25, 2, 31);
    await first.checkNow();
    await first.checkNow(); // the same due time again: claimed already
    const jobs = harness.jobs.list();
    expect(jobs.map((j) => j.kind)).toEqual(['test-restore']);
    const ran = await harness.jobs.wait(jobs[0]?.id ?? '');
    expect(ran.state).toBe('completed');
    const state = await first.state();
    expect(state).toMatchObject({
      lastRunAt: new Date(2026, 10, 25, 2, 30).toISOString(),
      lastJob: { id: ran.id },
    });
    first.stop();

    // A new helper (fresh registry): the last test restore is listed again, from its report.
    const restarted = new RestoreJobs({
      stateDir: harness.stateDir,
      notify: () => undefined,
      log: () => undefined,
    });
    const second = scheduler(now, restarted);
    await second.start();
    expect(restarted.list().map((j) => [j.id, j.state])).toEqual([[ran.id, 'completed']]);
    expect((await second.state()).lastJob).toMatchObject({ id: ran.id, state: 'completed' });
    second.stop();
    await restarted.closeAll();
  });

  it('lists a scheduled run that cannot start as a failed test restore, and a manual run becomes the last one', async () => {
    await addSessions();
    const now = { value: new Date(2026, 10, 25, 1, 0) };
    const failing = scheduler(now, harness.jobs, true);
    await failing.set({ kind: 'weekly', weekdays: [3], time: '02:00' }); // 2026-11-25 is a Wednesday
    now.value = new Date(2026, 10, 25, 3, 0);
    await failing.checkNow();
    const [failed] = harness.jobs.list();
    expect(failed).toMatchObject({
      kind: 'test-restore',
      state: 'failed',
      error: { code: 'PASSWORD_REQUIRED' },
    });
    expect((await failing.state()).lastJob?.id).toBe(failed?.id);

    const manual = await scheduler(now).runNow({});
    expect((await failing.state()).lastJob?.id).toBe(manual.id);
    await harness.jobs.wait(manual.id);
  });

  it('starts with a damaged schedule file, and says so when asked (SCHEDULE_INVALID)', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      path.join(harness.stateDir, 'restore-test-schedule.json'),
      '{"spec": {"kind": "hourly"}}',
    );
    const damaged = scheduler({ value: new Date(2026, 10, 25, 1, 0) });
    await expect(damaged.start()).resolves.toBeUndefined();
    await expect(damaged.state()).rejects.toMatchObject({
      code: 'SCHEDULE_INVALID',
      message: expect.stringContaining('restore-test-schedule.json'),
    });
    damaged.stop();
  });

  it('removes scratch folders a crashed test restore left behind when it starts', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const leftover = path.join(testRestoreRoot(harness.stateDir), 'deadbeef', 'etc');
    await mkdir(leftover, { recursive: true });
    await writeFile(path.join(leftover, 'shadow'), 'secret');
    const now = { value: new Date(2026, 10, 25, 1, 0) };
    const restarted = scheduler(now);
    await restarted.start();
    await expect(readdir(testRestoreRoot(harness.stateDir))).rejects.toMatchObject({ code: 'ENOENT' });
    restarted.stop();
  });
});
