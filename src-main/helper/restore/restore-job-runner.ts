/**
 * Plans and runs restore jobs of System state sessions (restore/plan, restore/start):
 *   prepare → (rollback-backup) → restore → verify → post-restore → done.
 * Everything a request can get wrong is refused before a job exists (unknown handle or component, an unusable
 * target, the hostname not typed back, a Windows session onto Linux), so a job that starts can only fail for what
 * happens while it runs. An apply to this system lists what exists under the paths it will write, backs them up
 * (rollback-backup.ts), records what it will create (apply-record.ts) in its report, and only then writes.
 * The whole job holds a non-exclusive repository lock, as restic's restore does: a prune must not remove packs
 * while they are read.
 */
import type { z } from 'zod';
import { acquireLock, type RepositoryLock } from '../../engine/lock/repository-lock';
import type { Repository } from '../../engine/repository/repository';
import type { RestoreJob, RestorePlan } from '../../helper-protocol/restore-model';
import type {
  restorePlanParamsSchema,
  restoreStartParamsSchema,
} from '../../helper-protocol/restore-protocol';
import type { LogLevel } from '../../helper-protocol/session-model';
import type { CommandRunner } from '../../system-state/command-runner/command-runner';
import type { MachineManifest } from '../../system-state/manifest/machine-manifest';
import { removeLocksOfDeadLocalProcesses } from '../sessions/session-stale-locks';
import { createdSince, directoriesAbove, entriesToCreate, listExisting } from './apply-record';
import { type PlanChoices, runPostRestore } from './post-restore';
import { includePathsFor, osFamilyOf, type RestoreInputs, readRestoreInputs } from './restore-inputs';
import type { JobControl, RestoreJobs } from './restore-jobs';
import { restoreAndVerify } from './restore-phases';
import { buildRestorePlan } from './restore-planner';
import type { OpenedRepository, RestoreRepositories } from './restore-repositories';
import { hostOsFamily, type ResolvedTarget, resolveTarget, type TargetRules } from './restore-target';
import { takeRollbackBackup } from './rollback-backup';
import { cachingTreeLoader } from './snapshot-trees';

export type RestorePlanParams = z.infer<typeof restorePlanParamsSchema>;
export type RestoreStartParams = z.infer<typeof restoreStartParamsSchema>;

/** Where enabling a service writes its links: listed with the include paths so the rollback removes them too. */
const enablementDirectory = '/etc/systemd/system';

export interface RestoreRunnerDeps {
  jobs: RestoreJobs;
  repositories: RestoreRepositories;
  stateDir: string;
  /** Where "this system" is: `/` (a test-mode helper: its --system-root). */
  systemRoot: string;
  hostname: () => string;
  /** This machine's manifest, collected fresh (a target disk may have been mounted since the last request). */
  here: () => Promise<MachineManifest>;
  runner: CommandRunner;
  workers?: number;
  platform?: NodeJS.Platform;
}

interface PreparedRestore {
  opened: OpenedRepository;
  inputs: RestoreInputs;
  includePaths: string[];
  target: ResolvedTarget;
  choices: PlanChoices;
}

export class RestoreJobRunner {
  constructor(private readonly deps: RestoreRunnerDeps) {}

  /** The rules a target is checked against, for a restore from the repository at `repositoryPath`. */
  targetRules(repositoryPath: string | null): TargetRules {
    return {
      systemRoot: this.deps.systemRoot,
      stateDir: this.deps.stateDir,
      repositoryPath,
      hostname: this.deps.hostname(),
      hereOs: hostOsFamily(this.deps.platform ?? process.platform),
    };
  }

  /** What a restore with these choices would do (nothing is created or written). */
  async plan(params: RestorePlanParams): Promise<RestorePlan> {
    const prepared = await this.prepare(params, false);
    return buildRestorePlan(
      prepared.inputs,
      { ...prepared.choices, targetRoot: prepared.target.targetRoot },
      { here: await this.deps.here(), runner: this.deps.runner },
    );
  }

  /** Checks the request and starts the job; progress follows as restore/changed. */
  async start(params: RestoreStartParams): Promise<RestoreJob> {
    const prepared = await this.prepare(params, true);
    const { inputs, target, includePaths, opened } = prepared;
    return this.deps.jobs.launch(
      {
        kind: 'restore',
        snapshotId: inputs.snapshot.id,
        hostname: inputs.snapshot.hostname ?? '',
        target: params.target,
        targetRoot: target.targetRoot,
        repository: opened.path,
        components: [...params.components],
        includePaths,
        exclusiveKey: target.exclusiveKey,
      },
      (control) =>
        this.run(control, prepared, {
          remapUuids: params.remapUuids ?? true,
          enableServices: params.enableServices ?? true,
        }),
    );
  }

  private async prepare(params: RestorePlanParams, create: boolean): Promise<PreparedRestore> {
    const opened = this.deps.repositories.get(params.handle);
    const inputs = await readRestoreInputs(opened.repository, params.snapshotId);
    const includePaths = includePathsFor(inputs, params.components);
    const target = await resolveTarget(params.target, this.targetRules(opened.localPath), {
      includePaths,
      sessionOs: osFamilyOf(inputs),
      create,
    });
    return {
      opened,
      inputs,
      includePaths,
      target,
      choices: {
        components: [...params.components],
        target: params.target,
        uuidOverrides: params.uuidOverrides ?? {},
        diskMap: params.diskMap ?? {},
        sysvolMode: params.sysvolMode ?? null,
      },
    };
  }

  private async run(
    control: JobControl,
    prepared: PreparedRestore,
    options: { remapUuids: boolean; enableServices: boolean },
  ): Promise<void> {
    const { opened, inputs, includePaths, target } = prepared;
    const repository = opened.repository;
    const toSystem = prepared.choices.target.kind === 'system';
    const root = target.targetRoot;
    const lock = await lockForRestore(repository, control);
    // For an apply: what existed before (the include paths and where services are enabled).
    const watched = toSystem ? [...includePaths, enablementDirectory] : [];
    let before: Set<string> | null = null;
    let predicted: string[] = [];
    let finished = false;
    try {
      if (toSystem) {
        before = await listExisting(root, watched);
        const directories = await directoriesAbove(root, watched);
        const rollback = await takeRollbackBackup(control, repository, {
          systemRoot: root,
          includePaths,
          hostname: this.deps.hostname(),
          workers: this.deps.workers,
        });
        control.job.rollbackSnapshotId = rollback.snapshotId;
        predicted = await entriesToCreate(
          cachingTreeLoader(repository),
          inputs.snapshot.tree,
          includePaths,
          before,
          control.signal,
        );
        control.report.apply = {
          systemRoot: root,
          includePaths,
          rollbackPaths: rollback.paths,
          created: predicted,
          complete: false,
          directories,
        };
        control.changed();
      }
      // Written before the restore writes anything: an apply's record must survive a crash in the middle.
      await control.saveReport();
      await restoreAndVerify(control, repository, {
        tree: inputs.snapshot.tree,
        target: root,
        include: includePaths,
        workers: this.deps.workers,
      });
      await runPostRestore(control, {
        inputs,
        choices: prepared.choices,
        targetRoot: root,
        includePaths,
        remapUuids: options.remapUuids,
        enableServices: options.enableServices,
        here: await this.deps.here(),
        runner: this.deps.runner,
        stateDir: this.deps.stateDir,
      });
      finished = true;
    } finally {
      if (before !== null && control.report.apply !== null) {
        // Whatever way the apply ended, everything new under the watched paths is what a rollback removes.
        try {
          const after = await listExisting(root, watched);
          const created = new Set([...predicted, ...createdSince(before, after)]);
          control.report.apply = { ...control.report.apply, created: [...created].sort(), complete: true };
          if (finished) control.check(rollbackItem(control.job, control.report.apply.created));
        } catch (error) {
          control.log('error', `listing what the apply created failed: ${(error as Error).message}`);
        }
      }
      await lock.release().catch((error: unknown) => {
        control.log('warning', `releasing the repository lock failed: ${(error as Error).message}`);
      });
    }
  }
}

/** A non-exclusive lock for the job's duration (stale locks of dead local processes removed first, as sessions do). */
export async function lockForRestore(repository: Repository, control: JobControl): Promise<RepositoryLock> {
  const log = (level: LogLevel) => (message: string) => control.log(level, message);
  await removeLocksOfDeadLocalProcesses(repository, {
    log: (level, message) => control.log(level, message),
    info: log('info'),
    warning: log('warning'),
    error: log('error'),
  });
  return acquireLock(repository, { exclusive: false, signal: control.signal, onWarning: log('warning') });
}

function rollbackItem(job: RestoreJob, created: readonly string[]) {
  return {
    id: 'rollback',
    title: 'Rollback point',
    status: 'done' as const,
    detail:
      job.rollbackSnapshotId === null
        ? `Nothing existed at the restored paths before; a rollback removes the ${created.length} entries this restore created.`
        : `Rollback snapshot ${job.rollbackSnapshotId.slice(0, 8)} holds what this restore overwrote; a rollback puts it back ` +
          `and removes the ${created.length} entries this restore created.`,
  };
}
