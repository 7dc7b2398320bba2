/**
 * The restore wizard's state: what the user chose step by step, what the helper answered for each choice, and the
 * job once it runs. The store (restore-store.ts) changes it; the derivations (restore-choices.ts) read it.
 */
import type {
  BootRepairResult,
  CompatibilityReport,
  ErrorResult,
  RestoreJob,
  RestoreMachine,
  RestorePlan,
  RestoreRepositoryInfo,
  RestoreSessionEntry,
  SysvolMode,
} from '@contract';
import type { WizardStep } from './restore-text';

export interface Failure {
  code: string;
  message: string;
}

export function failureOf(result: ErrorResult): Failure {
  return { code: result.code, message: result.message };
}

export type Loadable<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'error'; failure: Failure };

export const idle = { status: 'idle' } as const;
export const loading = { status: 'loading' } as const;

export type TargetKind = 'folder' | 'system';

export interface BootRepairFlow {
  stage: 'idle' | 'confirming' | 'running' | 'done';
  result: BootRepairResult | null;
  error: Failure | null;
}

export interface RollbackFlow {
  stage: 'idle' | 'confirming' | 'running';
  confirmInput: string;
  /** The rollback job, once started; it is followed like the restore job. */
  job: RestoreJob | null;
  error: Failure | null;
}

export interface RestoreWizardState {
  step: WizardStep;
  /** The platform of this machine (from the overview), for the default target folder. */
  platform: string | null;

  /** The repository of the helper's settings: the "Use this machine's backup repository" shortcut. */
  configuredRepository: string | null;
  repositoryInput: string;
  /** Held only while typed: cleared once the repository is open (the helper keeps the key, not this page). */
  passwordInput: string;
  /** S3: access keys typed for this opening only (else the remembered ones); cleared as soon as they are sent. */
  s3AccessKeyIdInput: string;
  s3SecretInput: string;
  opening: boolean;
  openError: Failure | null;
  repository: RestoreRepositoryInfo | null;

  machines: Loadable<RestoreMachine[]>;
  hostname: string | null;
  sessions: Loadable<RestoreSessionEntry[]>;
  snapshotId: string | null;

  /** Component ids chosen, in the session's order. */
  components: string[];

  compatibility: Loadable<CompatibilityReport>;

  targetKind: TargetKind;
  folderInput: string;
  /** The hostname typed to confirm applying the restore to this system. */
  confirmInput: string;
  /** Old UUID → what the user typed for an unresolved row of the UUID remap. */
  uuidInputs: Record<string, string>;
  /** Old disk → new disk typed for the disk layout script. */
  diskMapInputs: Record<string, string>;
  sysvolMode: SysvolMode | null;
  plan: Loadable<RestorePlan>;
  /** The choices (choicesKey) the shown plan was made for; a plan for other choices is stale. */
  planKey: string | null;

  starting: boolean;
  startError: Failure | null;
  job: RestoreJob | null;
  cancelling: boolean;
  jobError: Failure | null;
  bootRepair: BootRepairFlow;
  rollback: RollbackFlow;
  /** A job already running in the helper that this wizard did not start (the page was reloaded). */
  runningElsewhere: RestoreJob | null;
}

export const idleBootRepair: BootRepairFlow = { stage: 'idle', result: null, error: null };
export const idleRollback: RollbackFlow = { stage: 'idle', confirmInput: '', job: null, error: null };

/** Everything chosen after the repository: reset when the repository changes. */
export const emptySelection = {
  machines: idle,
  hostname: null,
  sessions: idle,
  snapshotId: null,
  components: [],
  compatibility: idle,
  targetKind: 'folder',
  folderInput: '',
  confirmInput: '',
  uuidInputs: {},
  diskMapInputs: {},
  sysvolMode: null,
  plan: idle,
  planKey: null,
} satisfies Partial<RestoreWizardState>;

/** The job and what was done after it: reset when another restore is prepared. */
export const noJob = {
  starting: false,
  startError: null,
  job: null,
  cancelling: false,
  jobError: null,
  bootRepair: idleBootRepair,
  rollback: idleRollback,
} satisfies Partial<RestoreWizardState>;

export const initialWizardState: RestoreWizardState = {
  step: 'repository',
  platform: null,
  configuredRepository: null,
  repositoryInput: '',
  passwordInput: '',
  s3AccessKeyIdInput: '',
  s3SecretInput: '',
  opening: false,
  openError: null,
  repository: null,
  ...emptySelection,
  ...noJob,
  runningElsewhere: null,
};
