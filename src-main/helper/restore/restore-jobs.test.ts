/**
 * The job registry on its own (the runs are small functions): how a job ends — completed, completed with errors
 * (a failure, a mismatch, a failed checklist item), failed with the thrown code, cancelled, or stopped with the
 * helper — its report on disk (0600), the waiters, RESTORE_BUSY for a second job writing to the same place,
 * RESTORE_JOB_NOT_FOUND, the cap on listed failures, and a finished job of an earlier run listed again.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RestoreJob } from '../../helper-protocol/restore-model';
import { reportFileOf } from './restore-job-report';
import { type JobControl, maxListedProblems, type RestoreJobStart, RestoreJobs } from './restore-jobs';

let dir: string;
let notified: RestoreJob[];
let jobs: RestoreJobs;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-restore-jobs-'));
  notified = [];
  jobs = new RestoreJobs({ stateDir: dir, notify: (job) => notified.push(job), log: () => undefined });
});
afterEach(async () => {
  await jobs.closeAll();
  await rm(dir, { recursive: true, force: true });
});

function start(key = 'folder:/mnt/target'): RestoreJobStart {
  return {
    kind: 'restore',
    snapshotId: 'b'.repeat(64),
    hostname: 'alpha',
    target: { kind: 'folder', path: '/mnt/target' },
    targetRoot: '/mnt/target',
    repository: '/backups/repo',
    components: ['linux.configuration'],
    includePaths: ['/etc'],
    exclusiveKey: key,
  };
}

/** Rejects like the engine (CANCELLED) once `signal` is aborted, also when it already is. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(Object.assign(new Error('cancelled'), { code: 'CANCELLED' }));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail);
  });
}

/** A run that waits until released, so tests can act while the job runs. */
function gate() {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { release, released };
}

describe('RestoreJobs', () => {
  it('completes a job, announces its phases, writes its report (0600) and answers waiters', async () => {
    const { release, released } = gate();
    const job = jobs.launch(start(), async (control) => {
      control.setPhase('restore');
      await released;
      control.check({ id: 'restored-files', title: 'Files restored', status: 'done', detail: 'ok' });
    });
    expect(job).toMatchObject({ state: 'running', phase: 'prepare', kind: 'restore', finishedAt: null });
    expect(job.id).toMatch(/^[0-9a-f]{32}$/);
    const waiting = jobs.wait(job.id);
    release();
    const ended = await waiting;
    expect(ended).toMatchObject({ state: 'completed', phase: 'done', error: null });
    expect(ended.finishedAt).not.toBeNull();
    expect(notified.map((j) => `${j.phase}/${j.state}`)).toEqual([
      'prepare/running',
      'restore/running',
      'done/completed',
    ]);
    const file = reportFileOf(dir, job.id);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const report = JSON.parse(await readFile(file, 'utf8'));
    expect(report).toMatchObject({ version: 1, repository: '/backups/repo', includePaths: ['/etc'] });
    expect(report.job).toEqual(ended);
    expect(await jobs.report(job.id)).toMatchObject({ job: ended });
  });

  it('ends completed with errors when an entry failed, a file mismatched or a checklist step failed', async () => {
    const runs: ((control: JobControl) => void)[] = [
      (c) => c.fail({ path: '/etc/a', code: 'CORRUPT', message: 'damaged blob' }),
      (c) => c.mismatch({ path: '/etc/b', reason: 'differs' }),
      (c) => c.check({ id: 'services', title: 'Services', status: 'failed', detail: 'nope' }),
    ];
    for (const [i, run] of runs.entries()) {
      const job = jobs.launch(start(`folder:/t${i}`), async (control) => run(control));
      expect((await jobs.wait(job.id)).state).toBe('completed-with-errors');
    }
    const todo = jobs.launch(start('folder:/todo'), async (c) =>
      c.check({ id: 'packages', title: 'Packages', status: 'todo', detail: 'install' }),
    );
    expect((await jobs.wait(todo.id)).state).toBe('completed');
  });

  it('ends failed with the error code a run throws, INTERNAL_ERROR for an uncoded one, INSUFFICIENT_SPACE for NO_SPACE', async () => {
    const coded = jobs.launch(start('a'), async () => {
      throw Object.assign(new Error('the password does not open it'), { code: 'WRONG_PASSWORD' });
    });
    expect((await jobs.wait(coded.id)).error).toEqual({
      code: 'WRONG_PASSWORD',
      message: 'the password does not open it',
    });
    const bug = jobs.launch(start('b'), async () => {
      throw new TypeError('x is undefined');
    });
    const failed = await jobs.wait(bug.id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('INTERNAL_ERROR');
    const full = jobs.launch(start('c'), async () => {
      throw Object.assign(new Error('disk full'), { code: 'NO_SPACE' });
    });
    expect((await jobs.wait(full.id)).error?.code).toBe('INSUFFICIENT_SPACE');
  });

  it('cancels a running job through its signal (CANCELLED); cancelling an ended job changes nothing', async () => {
    const job = jobs.launch(start(), async (control) => {
      control.setPhase('restore');
      await untilAborted(control.signal);
    });
    expect(jobs.cancel(job.id).state).toBe('running');
    const ended = await jobs.wait(job.id);
    expect(ended).toMatchObject({ state: 'cancelled', phase: 'restore', error: { code: 'CANCELLED' } });
    expect(jobs.cancel(job.id)).toEqual(ended);
  });

  it('refuses a second job writing to the same place while the first runs (RESTORE_BUSY), not after', async () => {
    const { release, released } = gate();
    const first = jobs.launch(start('system'), () => released);
    expect(() => jobs.launch(start('system'), async () => undefined)).toThrow(
      expect.objectContaining({ code: 'RESTORE_BUSY' }),
    );
    const other = jobs.launch(start('folder:/elsewhere'), async () => undefined);
    await jobs.wait(other.id);
    release();
    await jobs.wait(first.id);
    const again = jobs.launch(start('system'), async () => undefined);
    expect((await jobs.wait(again.id)).state).toBe('completed');
  });

  it('stops waiting (not the job) when the wait is cancelled, and knows no unknown job', async () => {
    const { release, released } = gate();
    const job = jobs.launch(start(), () => released);
    const controller = new AbortController();
    const waiting = jobs.wait(job.id, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(jobs.get(job.id).state).toBe('running');
    release();
    expect(() => jobs.get('f'.repeat(32))).toThrow(
      expect.objectContaining({ code: 'RESTORE_JOB_NOT_FOUND' }),
    );
    expect(() => jobs.cancel('f'.repeat(32))).toThrow(
      expect.objectContaining({ code: 'RESTORE_JOB_NOT_FOUND' }),
    );
  });

  it('fails running jobs with SERVICE_STOPPED when the helper stops, and starts none after', async () => {
    const job = jobs.launch(start(), (control) => untilAborted(control.signal));
    const waiting = jobs.wait(job.id);
    await jobs.closeAll();
    expect(await waiting).toMatchObject({ state: 'failed', error: { code: 'SERVICE_STOPPED' } });
    expect(() => jobs.launch(start('other'), async () => undefined)).toThrow(
      expect.objectContaining({ code: 'RESTORE_BUSY' }),
    );
  });

  it('waits on stop for a job that has just ended to write its report', async () => {
    // The state flips before the report is written; a stop must not return inside that window. Each round
    // stops a few microtasks later so one of them lands in it.
    for (let delay = 0; delay < 12; delay++) {
      const own = await mkdtemp(path.join(tmpdir(), 'bm-restore-jobs-stop-'));
      const registry = new RestoreJobs({ stateDir: own, notify: () => undefined, log: () => undefined });
      const { release, released } = gate();
      const job = registry.launch(start(), () => released);
      release();
      for (let i = 0; i < delay; i++) await Promise.resolve();
      await registry.closeAll();
      expect(JSON.parse(await readFile(reportFileOf(own, job.id), 'utf8')).job.id).toBe(job.id);
      await rm(own, { recursive: true });
    }
  });

  it(`lists at most ${maxListedProblems} failures and says how many more there were`, async () => {
    const job = jobs.launch(start(), async (control) => {
      for (let i = 0; i < maxListedProblems + 25; i++)
        control.fail({ path: `/etc/f${i}`, code: 'CORRUPT', message: `damaged ${i}` });
    });
    const ended = await jobs.wait(job.id);
    expect(ended.failures).toHaveLength(maxListedProblems + 1);
    expect(ended.failures[maxListedProblems - 1]?.path).toBe(`/etc/f${maxListedProblems - 1}`);
    expect(ended.failures.at(-1)).toMatchObject({
      code: 'MORE_FAILURES',
      message: expect.stringContaining('25 more'),
    });
  });

  it('lists newest first, including a finished job of an earlier helper run remembered from its report', async () => {
    const first = jobs.launch(start('a'), async () => undefined);
    await jobs.wait(first.id);
    const report = await jobs.report(first.id);
    if (report === null) throw new Error('no report');
    const later = new RestoreJobs({ stateDir: dir, notify: () => undefined, log: () => undefined });
    expect(await later.report(first.id)).toMatchObject({ job: { id: first.id, state: 'completed' } });
    later.remember(report);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = later.launch(start('b'), async () => undefined);
    await later.wait(second.id);
    expect(later.list().map((j) => j.id)).toEqual([second.id, first.id]);
    expect(later.find(first.id)?.state).toBe('completed');
    await later.closeAll();
  });

  it('records a job that could not start as failed, with its report', async () => {
    const failed = await jobs.recordFailed(
      { ...start('test-restore'), kind: 'test-restore', snapshotId: '' },
      Object.assign(new Error('no password'), { code: 'PASSWORD_REQUIRED' }),
    );
    expect(failed).toMatchObject({
      kind: 'test-restore',
      state: 'failed',
      error: { code: 'PASSWORD_REQUIRED' },
    });
    expect(jobs.list()[0]?.id).toBe(failed.id);
    expect(JSON.parse(await readFile(reportFileOf(dir, failed.id), 'utf8')).job.state).toBe('failed');
  });
});
