/**
 * The helper's restore wizard requests (helper-protocol/restore-protocol.ts): opening a repository by handle, its
 * machines and System state sessions, the compatibility report and the plan (restore/catalog, inputs and planner),
 * and the restore jobs — start, follow, cancel, wait, boot repair, rollback, test restore and its schedule
 * (restore/restore-jobs.ts and its runners). Params arrive validated by the protocol's zod schemas; the refusals
 * the schemas cannot know are RestoreErrors / RestoreJobErrors with string codes (CONFIRMATION_MISMATCH,
 * INCOMPATIBLE_SYSTEM, INVALID_TARGET, RESTORE_BUSY, …) that reach the client as `error.data.code`.
 */
import type { CancellationToken } from 'vscode-jsonrpc';
import type { BootRepairResult } from '../helper-protocol/restore-model';
import type { CommandRunner } from '../system-state/command-runner/command-runner';
import type { MachineManifest } from '../system-state/manifest/machine-manifest';
import { runBootRepair } from '../system-state/restore/boot-repair-runner';
import { listMachines, listSessions } from './restore/restore-catalog';
import { readRestoreInputs } from './restore/restore-inputs';
import { RestoreJobError } from './restore/restore-job-error';
import type { RestoreJobRunner } from './restore/restore-job-runner';
import type { RestoreJobs } from './restore/restore-jobs';
import { buildCompatibilityReport } from './restore/restore-planner';
import type { RestoreRepositories } from './restore/restore-repositories';
import { type RollbackDeps, startRollback } from './restore/restore-rollback';
import type { RestoreTestScheduler } from './restore/restore-test-scheduler';
import type { HelperHandlers } from './server/handler-map';
import type { PeerCredentials } from './server/peer-credentials';

export type RestoreMethods = Extract<keyof HelperHandlers, `restore/${string}`>;

export interface RestoreHandlerDeps {
  repositories: RestoreRepositories;
  jobs: RestoreJobs;
  runner: RestoreJobRunner;
  rollback: RollbackDeps;
  testRestores: Pick<RestoreTestScheduler, 'runNow' | 'state' | 'set'>;
  hostname: () => string;
  here: () => Promise<MachineManifest>;
  commands: CommandRunner;
  /**
   * Restore writes (start, rollback, boot repair) run as root: they need an administrator, not only a member of
   * the helper's group (server/admin-authorization.ts). Throws NOT_AUTHORIZED.
   */
  authorizeWrite: (peer: PeerCredentials, what: string) => Promise<void>;
}

export function createRestoreHandlers(deps: RestoreHandlerDeps): Pick<HelperHandlers, RestoreMethods> {
  const { repositories, jobs } = deps;
  const repositoryOf = (handle: string) => repositories.get(handle).repository;
  return {
    'restore/open': ({ repository, password, s3Credentials }) =>
      repositories.open(repository, password, s3Credentials ? { s3Credentials } : {}),
    'restore/close': async ({ handle }) => ({ closed: repositories.close(handle) }),
    'restore/machines': async ({ handle }) => ({
      machines: await listMachines(repositoryOf(handle), deps.hostname()),
    }),
    'restore/sessions': async ({ handle, hostname }) => ({
      sessions: await listSessions(repositoryOf(handle), hostname),
    }),
    'restore/compatibility': async ({ handle, snapshotId }) =>
      buildCompatibilityReport(await readRestoreInputs(repositoryOf(handle), snapshotId), await deps.here()),
    'restore/plan': (params) => deps.runner.plan(params),
    'restore/start': async (params, { connection }) => {
      await deps.authorizeWrite(connection.peer, 'Restoring System state');
      return { job: await deps.runner.start(params) };
    },
    'restore/job': async ({ jobId }) => ({ job: jobs.get(jobId) }),
    'restore/jobs': async () => ({ jobs: jobs.list() }),
    'restore/cancel': async ({ jobId }) => ({ job: jobs.cancel(jobId) }),
    'restore/wait': async ({ jobId }, { token }) => ({ job: await jobs.wait(jobId, abortSignalOf(token)) }),
    'restore/boot-repair': async ({ jobId }, { token, connection }) => {
      await deps.authorizeWrite(connection.peer, 'Repairing the boot of a restored system');
      return bootRepair(deps, jobId, abortSignalOf(token));
    },
    'restore/rollback': async (params, { connection }) => {
      await deps.authorizeWrite(connection.peer, 'Rolling back an applied restore');
      return { job: await startRollback(deps.rollback, params) };
    },
    'restore/test': async (params) => ({ job: await deps.testRestores.runNow(params) }),
    'restore/test-schedule/get': async () => ({ schedule: await deps.testRestores.state() }),
    'restore/test-schedule/set': async ({ spec }) => ({ schedule: await deps.testRestores.set(spec) }),
  };
}

/**
 * Runs the boot repair planned after a job's restore, in a chroot of its target (only when the user confirmed:
 * the schema requires `confirm: true`), and ticks the job's checklist item with the outcome.
 */
async function bootRepair(
  deps: RestoreHandlerDeps,
  jobId: string,
  signal: AbortSignal,
): Promise<BootRepairResult> {
  const job = deps.jobs.get(jobId);
  if (job.state === 'running')
    throw new RestoreJobError(
      'JOB_RUNNING',
      `restore job ${jobId} is still running: repair the boot after it ends`,
    );
  const report = await deps.jobs.report(jobId);
  const plan = report?.plan?.bootRepair ?? null;
  if (job.kind !== 'restore' || job.state === 'failed' || job.state === 'cancelled' || plan === null)
    throw new RestoreJobError(
      'BOOT_REPAIR_UNAVAILABLE',
      job.kind !== 'restore'
        ? `job ${jobId} is a ${job.kind}: boot repair follows a restore`
        : plan === null
          ? `restore job ${jobId} has no boot repair plan (no Linux boot files were restored, or the restore did not finish)`
          : `restore job ${jobId} ${job.state === 'failed' ? 'failed' : 'was cancelled'}: finish a restore before repairing its boot`,
    );
  if (!plan.steps.some((step) => step.available))
    throw new RestoreJobError(
      'BOOT_REPAIR_UNAVAILABLE',
      `no boot repair step can run in ${job.targetRoot}: ${plan.steps.map((s) => `${s.title}: ${s.reason}`).join('; ')}`,
    );
  const result = await runBootRepair({ targetRoot: job.targetRoot, ...plan }, deps.commands, { signal });
  await deps.jobs.amend(jobId, (changed) => {
    const at = changed.checklist.findIndex((item) => item.id === 'boot-repair');
    const failedStep = result.steps.find((step) => !step.ok);
    const item = {
      id: 'boot-repair',
      title: 'Boot repair (initramfs and bootloader for this machine)',
      status: result.ok ? ('done' as const) : ('failed' as const),
      detail: result.ok
        ? `Ran: ${result.steps.map((s) => s.title).join('; ')}.`
        : `Failed at "${failedStep?.title ?? 'a step'}": ${failedStep?.output.split('\n')[0] ?? ''}`,
    };
    if (at >= 0) changed.checklist[at] = item;
    else changed.checklist.push(item);
  });
  return result;
}

/** The wait (or the repair) stops when the client cancels the request or goes away. */
function abortSignalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
