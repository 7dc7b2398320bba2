/**
 * Test restore (restore/test, and on schedule): proves that the latest System state session of a machine can be
 * restored, without touching the system. Every component of the session is restored into a scratch folder under
 * the helper's state directory, verified against the repository (every file's content hashed), checked for its
 * machine manifest, reported, and the scratch folder is removed again however the job ended. By default it is this
 * machine's own latest session in the repository of the helper settings, opened with the password the sessions use.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RestoreChecklistItem, RestoreJob } from '../../helper-protocol/restore-model';
import type { HelperSettings } from '../../helper-protocol/session-model';
import { hostnameOf, isRollbackSnapshot, systemStateSessions } from './restore-catalog';
import { includePathsFor, readRestoreInputs } from './restore-inputs';
import { RestoreJobError } from './restore-job-error';
import { lockForRestore } from './restore-job-runner';
import type { JobControl, RestoreJobStart, RestoreJobs } from './restore-jobs';
import { restoreAndVerify } from './restore-phases';
import type { OpenedRepository, RestoreRepositories } from './restore-repositories';

export interface TestRestoreDeps {
  jobs: RestoreJobs;
  repositories: RestoreRepositories;
  stateDir: string;
  hostname: () => string;
  settings: () => Promise<HelperSettings>;
  /** The password of the settings' repository, as sessions get it (password-source.ts). */
  password: () => Promise<string>;
  workers?: number;
}

export interface TestRestoreParams {
  handle?: string;
  hostname?: string;
}

/** Where test restores write: under the state directory (root only), one scratch folder per run. */
export function testRestoreRoot(stateDir: string): string {
  return path.join(stateDir, 'restore-test');
}

/** Finds the session and starts the job; what cannot even start (no password, no session) is an error. */
export async function startTestRestore(
  deps: TestRestoreDeps,
  params: TestRestoreParams,
): Promise<RestoreJob> {
  const hostname = params.hostname ?? deps.hostname();
  const { opened, ownHandle } = await openRepository(deps, params.handle);
  const forget = () => {
    if (ownHandle) deps.repositories.close(opened.handle);
  };
  try {
    // The newest session of the machine that is not a rollback point (no sizes needed: cheaper than listSessions).
    const sessions = (await systemStateSessions(opened.repository)).filter(
      (session) => hostnameOf(session.snapshot) === hostname,
    );
    const latest = sessions.find((session) => !isRollbackSnapshot(session.snapshot));
    if (latest === undefined)
      throw new RestoreJobError(
        'NO_SESSION',
        `the repository ${opened.path} has no System state session of ${JSON.stringify(hostname)}` +
          (sessions.length > 0 ? ' (only rollback snapshots)' : ''),
      );
    const scratch = path.join(testRestoreRoot(deps.stateDir), randomBytes(8).toString('hex'));
    return deps.jobs.launch(
      {
        kind: 'test-restore',
        snapshotId: latest.id,
        hostname,
        target: { kind: 'folder', path: scratch },
        targetRoot: scratch,
        repository: opened.path,
        components: [],
        includePaths: [],
        exclusiveKey: 'test-restore',
      },
      async (control) => {
        try {
          await runTestRestore(control, opened, scratch, deps.workers);
        } finally {
          forget();
        }
      },
    );
  } catch (error) {
    forget();
    throw error;
  }
}

/** The job start of a test restore that failed before it could begin (listed as a failed job). */
export function failedTestStart(
  deps: Pick<TestRestoreDeps, 'stateDir' | 'hostname'>,
  repository: string | null,
): RestoreJobStart {
  const root = testRestoreRoot(deps.stateDir);
  return {
    kind: 'test-restore',
    snapshotId: '',
    hostname: deps.hostname(),
    target: { kind: 'folder', path: root },
    targetRoot: root,
    repository: repository ?? '',
    components: [],
    includePaths: [],
    exclusiveKey: 'test-restore',
  };
}

async function openRepository(
  deps: TestRestoreDeps,
  handle: string | undefined,
): Promise<{ opened: OpenedRepository; ownHandle: boolean }> {
  if (handle !== undefined) return { opened: deps.repositories.get(handle), ownHandle: false };
  const { repository } = await deps.settings();
  if (!repository)
    throw new RestoreJobError(
      'REPOSITORY_UNSET',
      'the helper settings name no repository: set one, or open a repository and give its handle',
    );
  const info = await deps.repositories.open(repository, await deps.password());
  return { opened: deps.repositories.get(info.handle), ownHandle: true };
}

async function runTestRestore(
  control: JobControl,
  opened: OpenedRepository,
  scratch: string,
  workers: number | undefined,
): Promise<void> {
  const repository = opened.repository;
  const lock = await lockForRestore(repository, control);
  try {
    const inputs = await readRestoreInputs(repository, control.job.snapshotId);
    const components = inputs.components.map((c) => c.id);
    const includePaths = includePathsFor(inputs, components);
    control.report.components = components;
    control.report.includePaths = includePaths;
    await mkdir(scratch, { recursive: true, mode: 0o700 });
    await control.saveReport();
    await restoreAndVerify(
      control,
      repository,
      { tree: inputs.snapshot.tree, target: scratch, include: includePaths, workers },
      'a scratch folder',
    );
    control.setPhase('post-restore');
    control.check(manifestItem(inputs.manifest !== null, inputs.notes));
    control.check({
      id: 'components',
      title: 'Components in the session',
      status: 'done',
      detail: inputs.components.map((c) => `${c.title} (${c.paths.join(', ') || 'exports only'})`).join('; '),
    });
  } finally {
    await lock.release().catch((error: unknown) => {
      control.log('warning', `releasing the repository lock failed: ${(error as Error).message}`);
    });
    control.check(await removeScratch(scratch));
  }
}

function manifestItem(found: boolean, notes: readonly string[]): RestoreChecklistItem {
  return found
    ? {
        id: 'machine-manifest',
        title: 'Machine manifest',
        status: 'done',
        detail: 'Readable: a replacement machine can be compared with this one.',
      }
    : {
        id: 'machine-manifest',
        title: 'Machine manifest',
        status: 'failed',
        detail: `Missing or unreadable, so the wizard cannot compare a replacement machine${notes.length > 0 ? ` (${notes.join(' ')})` : ''}.`,
      };
}

async function removeScratch(scratch: string): Promise<RestoreChecklistItem> {
  const item = { id: 'scratch-removed', title: 'Scratch folder removed' };
  try {
    await rm(scratch, { recursive: true, force: true });
    return { ...item, status: 'done', detail: `${scratch} removed; nothing of the test restore is left.` };
  } catch (error) {
    return {
      ...item,
      status: 'failed',
      detail: `${scratch} could not be removed: ${(error as Error).message}`,
    };
  }
}
