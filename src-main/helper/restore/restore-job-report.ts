/**
 * A restore job's report, `<stateDir>/restore-jobs/<jobId>.json` (mode 0600, written atomically): the job as the
 * wire shows it, what was restored from where, the plan the post-restore phase acted on, and — for an apply to this
 * system — the apply record the rollback needs. An apply writes its record *before* it writes into the system, so a
 * rollback is possible even after the helper died in the middle of the apply; jobs themselves live only as long as
 * the helper, reports stay.
 */
import path from 'node:path';
import { z } from 'zod';
import type { RestoreJob, RestorePlan } from '../../helper-protocol/restore-model';
import { restoreJobKinds, restoreJobPhases, restoreJobStates } from '../../helper-protocol/restore-model';
import { readJsonState, StateFileError, writeJsonStateAtomic } from '../settings/state-file';
import { RestoreJobError } from './restore-job-error';

/** A directory's metadata before the apply, put back by the rollback (times to the nanosecond). */
export interface DirectoryState {
  /** Live path (encoded, see apply-record.ts). */
  path: string;
  mode: number;
  uid: number;
  gid: number;
  atimeNs: string;
  mtimeNs: string;
}

export interface ApplyRecord {
  /** Where "this system" was: `/`, or the sandbox of a test-mode helper. */
  systemRoot: string;
  /** The live paths the apply restored (and the rollback restores). */
  includePaths: string[];
  /** The include paths that existed before the apply: what the rollback snapshot holds. */
  rollbackPaths: string[];
  /** Entries that did not exist before the apply (encoded live paths, sorted): the rollback removes them. */
  created: string[];
  /**
   * False while only the entries the restore was going to create are listed (written before anything was
   * written); true once the apply finished and the entries its post-restore steps made are listed too.
   */
  complete: boolean;
  /** The existing directories above the include paths (and the root): restoring into them changes their times. */
  directories: DirectoryState[];
}

export interface RestoreJobReport {
  version: 1;
  job: RestoreJob;
  /** The repository the job read (a local path). */
  repository: string;
  components: string[];
  includePaths: string[];
  /** The plan after the restore (post-restore acted on it), or null when no post-restore ran. */
  plan: RestorePlan | null;
  apply: ApplyRecord | null;
  diskLayoutScriptFile: string | null;
}

const directoryStateSchema = z
  .object({
    path: z.string().min(1),
    mode: z.number().int().nonnegative(),
    uid: z.number().int().nonnegative(),
    gid: z.number().int().nonnegative(),
    atimeNs: z.string().regex(/^-?\d+$/),
    mtimeNs: z.string().regex(/^-?\d+$/),
  })
  .strict();

export const applyRecordSchema = z
  .object({
    systemRoot: z.string().min(1),
    includePaths: z.array(z.string().min(1)),
    rollbackPaths: z.array(z.string().min(1)),
    created: z.array(z.string().min(1)),
    complete: z.boolean(),
    directories: z.array(directoryStateSchema),
  })
  .strict();

/** What the rollback and the listing rely on; the rest of the job is kept as written. */
const storedJobSchema = z.looseObject({
  id: z.string().regex(/^[0-9a-f]{32}$/),
  kind: z.enum(restoreJobKinds),
  state: z.enum(restoreJobStates),
  phase: z.enum(restoreJobPhases),
  snapshotId: z.string(),
  hostname: z.string(),
  targetRoot: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  rollbackSnapshotId: z.string().nullable(),
  checklist: z.array(z.looseObject({ id: z.string(), status: z.string() })),
});

const reportSchema = z.looseObject({
  version: z.literal(1),
  job: storedJobSchema,
  repository: z.string(),
  components: z.array(z.string()),
  includePaths: z.array(z.string()),
  plan: z.unknown(),
  apply: applyRecordSchema.nullable(),
  diskLayoutScriptFile: z.string().nullable(),
});

export function restoreJobsDir(stateDir: string): string {
  return path.join(stateDir, 'restore-jobs');
}

export function reportFileOf(stateDir: string, jobId: string): string {
  return path.join(restoreJobsDir(stateDir), `${jobId}.json`);
}

export function diskLayoutScriptFileOf(stateDir: string, jobId: string): string {
  return path.join(restoreJobsDir(stateDir), `${jobId}-disk-layout.sh`);
}

export async function writeJobReport(stateDir: string, report: RestoreJobReport): Promise<void> {
  await writeJsonStateAtomic(reportFileOf(stateDir, report.job.id), report);
}

/** The report of `jobId`, or null when there is none. A damaged report is an error naming the file. */
export async function readJobReport(stateDir: string, jobId: string): Promise<RestoreJobReport | null> {
  let parsed: z.infer<typeof reportSchema> | null;
  try {
    parsed = await readJsonState(reportFileOf(stateDir, jobId), reportSchema, 'STATE_IO_ERROR');
  } catch (error) {
    if (error instanceof StateFileError)
      throw new RestoreJobError('REPORT_INVALID', error.message, { cause: error });
    throw error;
  }
  if (parsed === null) return null;
  // The helper wrote the file (root only, mode 0600); the schema checked what decisions are based on.
  return parsed as unknown as RestoreJobReport;
}
