/**
 * Rollback (restore/rollback): undoes an apply to this system from its report (restore-job-report.ts). The
 * hostname is typed back again; then, as a job of kind `rollback`:
 *   restore — the entries the apply created are removed (files first, then folders deepest first and only when
 *             empty), and the rollback snapshot is restored over the system root at the same paths;
 *   verify — what was put back is compared with the rollback snapshot;
 *   post-restore — the folders above the restored paths get their recorded owner, mode and times back.
 * Removing comes before restoring because removing an entry changes its folder's times, which the restore then
 * puts back.
 */
import { chmodSync } from 'node:fs';
import { loadPosixFsAddon } from '../../engine/native/posix-fs-addon';
import type { RestoreChecklistItem, RestoreJob } from '../../helper-protocol/restore-model';
import { removeCreated, restoreDirectoryStates } from './apply-record';
import { RestoreError } from './restore-error';
import { RestoreJobError } from './restore-job-error';
import type { ApplyRecord, RestoreJobReport } from './restore-job-report';
import { lockForRestore } from './restore-job-runner';
import type { JobControl, RestoreJobs } from './restore-jobs';
import { chownNoFollow, restoreAndVerify } from './restore-phases';
import type { OpenedRepository, RestoreRepositories } from './restore-repositories';
import { realpathOfPath } from './restore-target';

export interface RollbackDeps {
  jobs: RestoreJobs;
  repositories: RestoreRepositories;
  systemRoot: string;
  hostname: () => string;
  workers?: number;
}

export interface RollbackParams {
  handle: string;
  jobId: string;
  confirmHostname: string;
}

export async function startRollback(deps: RollbackDeps, params: RollbackParams): Promise<RestoreJob> {
  const hostname = deps.hostname();
  if (params.confirmHostname !== hostname)
    throw new RestoreError(
      'CONFIRMATION_MISMATCH',
      `a rollback changes this system: type this machine's hostname (${JSON.stringify(hostname)}), not ${JSON.stringify(params.confirmHostname)}`,
    );
  const opened = deps.repositories.get(params.handle);
  if (deps.jobs.isRunning(params.jobId))
    throw new RestoreJobError(
      'JOB_RUNNING',
      `restore job ${params.jobId} is still running: cancel it or wait for it first`,
    );
  const report = await deps.jobs.report(params.jobId);
  if (report === null)
    throw new RestoreError(
      'RESTORE_JOB_NOT_FOUND',
      `no restore job ${params.jobId} (and no report of it on disk)`,
    );
  const apply = await applyRecordOf(report, opened, await realpathOfPath(deps.systemRoot));
  const snapshotId = report.job.rollbackSnapshotId;
  const snapshot = snapshotId === null ? null : await loadRollbackSnapshot(opened, snapshotId);
  return deps.jobs.launch(
    {
      kind: 'rollback',
      snapshotId: snapshotId ?? '',
      hostname,
      target: { kind: 'system', confirmHostname: params.confirmHostname },
      targetRoot: apply.systemRoot,
      repository: opened.path,
      components: report.components,
      includePaths: apply.rollbackPaths,
      exclusiveKey: 'system',
    },
    async (control) => {
      control.job.rollbackSnapshotId = snapshotId;
      control.report.apply = apply;
      await runRollback(control, opened, apply, snapshot, deps.workers);
      await noteOnApply(deps.jobs, params.jobId, control.job);
    },
  );
}

async function applyRecordOf(
  report: RestoreJobReport,
  opened: OpenedRepository,
  systemRoot: string,
): Promise<ApplyRecord> {
  const { job, apply } = report;
  if (job.kind !== 'restore' || apply === null)
    throw new RestoreJobError(
      'ROLLBACK_UNAVAILABLE',
      `restore job ${job.id} was ${job.kind === 'restore' ? 'a restore into a folder' : `a ${job.kind}`}: only an apply to this system can be rolled back`,
    );
  if (apply.systemRoot !== systemRoot)
    throw new RestoreJobError(
      'ROLLBACK_UNAVAILABLE',
      `restore job ${job.id} applied to ${apply.systemRoot}, but this helper's system is ${systemRoot}`,
    );
  if (report.repository !== opened.path)
    throw new RestoreJobError(
      'ROLLBACK_UNAVAILABLE',
      `the rollback snapshot of job ${job.id} is in ${report.repository}: open that repository for the rollback`,
    );
  return apply;
}

async function loadRollbackSnapshot(opened: OpenedRepository, snapshotId: string): Promise<{ tree: string }> {
  try {
    return await opened.repository.loadSnapshot(snapshotId);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'NOT_FOUND')
      throw new RestoreJobError(
        'ROLLBACK_UNAVAILABLE',
        `the rollback snapshot ${snapshotId.slice(0, 8)} is no longer in the repository (forgotten or pruned)`,
        { cause: error },
      );
    throw error;
  }
}

async function runRollback(
  control: JobControl,
  opened: OpenedRepository,
  apply: ApplyRecord,
  snapshot: { tree: string } | null,
  workers: number | undefined,
): Promise<void> {
  const lock = await lockForRestore(opened.repository, control);
  try {
    control.setPhase('restore');
    if (!apply.complete)
      control.log(
        'warning',
        'the apply did not finish: only the entries its restore was going to create are removed',
      );
    const removal = await removeCreated(apply.systemRoot, apply.created, control.signal);
    for (const problem of removal.problems) control.fail(problem);
    control.check(createdRemovedItem(apply, removal.removed, removal.problems.length));
    if (snapshot !== null && apply.rollbackPaths.length > 0) {
      await restoreAndVerify(control, opened.repository, {
        tree: snapshot.tree,
        target: apply.systemRoot,
        include: apply.rollbackPaths,
        workers,
      });
    }
    control.setPhase('post-restore');
    const problems = await restoreDirectoryStates(
      apply.systemRoot,
      apply.directories,
      loadPosixFsAddon(),
      chownNoFollow,
      (path, mode) => chmodSync(path, mode),
    );
    for (const problem of problems) control.fail(problem);
    control.check({
      id: 'directories',
      title: 'Folders above the restored paths',
      status: problems.length === 0 ? 'done' : 'failed',
      detail:
        problems.length === 0
          ? `Owner, mode and times of ${apply.directories.map((d) => d.path).join(', ') || 'no folder'} put back as before the apply.`
          : problems.map((p) => p.message).join('; '),
    });
  } finally {
    await lock.release().catch((error: unknown) => {
      control.log('warning', `releasing the repository lock failed: ${(error as Error).message}`);
    });
  }
}

function createdRemovedItem(apply: ApplyRecord, removed: number, problems: number): RestoreChecklistItem {
  return {
    id: 'created-removed',
    title: 'Entries the apply created',
    status: problems === 0 ? 'done' : 'failed',
    detail:
      `${removed} of the ${apply.created.length} entries the apply created were removed` +
      (problems > 0
        ? `; ${problems} could not be (listed with the job).`
        : removed < apply.created.length
          ? ' (the others were gone already).'
          : '.'),
  };
}

/** The apply's own checklist says it was rolled back (when the apply is a job of this helper run). */
async function noteOnApply(jobs: RestoreJobs, applyId: string, rollback: RestoreJob): Promise<void> {
  if (jobs.find(applyId) === null) return;
  await jobs.amend(applyId, (job) => {
    const item: RestoreChecklistItem = {
      id: 'rolled-back',
      title: 'Rolled back',
      status: 'done',
      detail: `Rolled back by job ${rollback.id} (started ${rollback.startedAt}).`,
    };
    const at = job.checklist.findIndex((existing) => existing.id === item.id);
    if (at >= 0) job.checklist[at] = item;
    else job.checklist.push(item);
  });
}
