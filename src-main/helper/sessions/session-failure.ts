/**
 * Failure classification: turns whatever a session attempt threw (our SessionError, an engine or System state
 * error, a Node errno error, anything) into the journaled SessionFailure — a code from the protocol's list, a
 * message that says what to do next, and the troubleshooting check that explains it — plus whether an automatic
 * restart can help. The engine and System state are matched by their `name` and string `code` (not instanceof):
 * errors may cross a worker thread or a process boundary as plain objects, and the codes are the contract.
 */
import type { EngineErrorCode } from '../../engine/errors';
import {
  type SessionErrorCode,
  type SessionFailure,
  sessionErrorCodeSchema,
} from '../../helper-protocol/session-model';
import type { SystemStateErrorCode } from '../../system-state/errors';

/** Codes an automatic restart can cure: the condition is transient (a busy writer, a reboot, a lock holder). */
const retryableByDefault: ReadonlySet<SessionErrorCode> = new Set([
  'VSS_WRITER_UNSTABLE',
  'VSS_UNAVAILABLE',
  'SNAPSHOT_UNAVAILABLE',
  // Snapshot creation fails for passing reasons far more often than for lasting ones (another snapshot set in
  // progress, a provider busy with its own housekeeping, an LVM/btrfs command racing a concurrent one); a bounded,
  // delayed retry is cheap, and a lasting cause still ends Failed after maxAttempts.
  'SNAPSHOT_FAILED',
  'REPO_LOCKED',
  // Windows starts Volume Shadow Copy on demand and stops it when idle, and service managers restart crashed
  // services on their own: a stopped service is often running again a minute later.
  'SERVICE_STOPPED',
  'HELPER_CRASHED',
  'MACHINE_RESTARTED',
]);

/** Thrown by the session runner (and anything in the helper that knows the session code already). */
export class SessionError extends Error {
  readonly code: SessionErrorCode;
  readonly retryable: boolean;
  /** Overrides troubleshootingCheckOf(code), e.g. a PREFLIGHT_FAILED naming the check that did not pass. */
  readonly check: string | null | undefined;

  constructor(
    code: SessionErrorCode,
    message: string,
    options?: { retryable?: boolean; cause?: unknown; check?: string | null },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SessionError';
    this.code = code;
    this.retryable = options?.retryable ?? retryableByDefault.has(code);
    this.check = options?.check;
  }
}

/** The troubleshooting check (ids of src-main/system-state/preflight, plus 'repository') that explains a code. */
export function troubleshootingCheckOf(code: SessionErrorCode): string | null {
  switch (code) {
    case 'SERVICE_STOPPED':
      return 'services';
    case 'VSS_WRITER_UNSTABLE':
    case 'VSS_UNAVAILABLE':
      return 'vss-writers';
    case 'SNAPSHOT_UNAVAILABLE':
    case 'SNAPSHOT_FAILED':
    case 'MACHINE_RESTARTED':
    case 'HELPER_CRASHED':
      return 'snapshot-availability';
    case 'INSUFFICIENT_SPACE':
    case 'INVALID_LOCATION':
      return 'free-space';
    // The remote storage's quota: the repository check reports what the server said.
    case 'QUOTA_EXCEEDED':
      return 'repository';
    case 'REPO_LOCKED':
    case 'REPO_UNREACHABLE':
    case 'AUTH_FAILED':
    case 'HOST_KEY_MISMATCH':
    case 'REPO_CORRUPT':
    case 'WRONG_PASSWORD':
    case 'PASSWORD_REQUIRED':
    // Verification reads the new snapshot back from the repository: the repository check explains it.
    case 'VERIFY_FAILED':
      return 'repository';
    // PREFLIGHT_FAILED names its failing check itself (SessionError's `check`); the rest have no check to run.
    case 'PREFLIGHT_FAILED':
    case 'SOURCE_UNREADABLE':
    case 'CANCELLED':
    case 'INTERNAL_ERROR':
      return null;
  }
}

/** What to do next, appended to every failure message. */
const nextStep: Record<SessionErrorCode, string> = {
  SERVICE_STOPPED: 'Start the service named above, set it to start automatically, then run the backup again.',
  VSS_WRITER_UNSTABLE:
    'Run the VSS writers check; if a writer stays unstable, restart its service (or the machine) and run the backup again.',
  VSS_UNAVAILABLE:
    'Make sure the Volume Shadow Copy service is running (run the VSS writers check), then run the backup again.',
  SNAPSHOT_UNAVAILABLE: 'Run the snapshot availability check, then run the backup again.',
  SNAPSHOT_FAILED:
    'Run the snapshot availability and provider health checks, fix what they report, then run the backup again.',
  INSUFFICIENT_SPACE:
    'Free up space (or choose another snapshot location) as the free space check shows, then run the backup again.',
  INVALID_LOCATION:
    'Choose a local, writable snapshot location (see the free space check), then run the backup again.',
  REPO_LOCKED:
    'Wait for the other backup, prune or check on this repository to finish (run the repository check), then run the backup again.',
  REPO_UNREACHABLE:
    'Make sure the repository drive is attached and writable (run the repository check), then run the backup again.',
  REPO_CORRUPT: 'Run the repository check and repair the repository before the next backup.',
  WRONG_PASSWORD:
    'Enter the repository password again (run the repository check), then run the backup again.',
  PASSWORD_REQUIRED:
    'Save the repository password for scheduled backups, or start the backup from the app, which asks for it.',
  HELPER_CRASHED: 'The backup restarts on its own; if this repeats, send the helper log to support.',
  MACHINE_RESTARTED: 'The backup restarts on its own; nothing to do unless it keeps failing.',
  PREFLIGHT_FAILED: 'Fix what the failing preflight check reports, then run the backup again.',
  SOURCE_UNREADABLE:
    'Check that the files or system components named above can be read, then run the backup again.',
  VERIFY_FAILED: 'Run the repository check; do not rely on this backup until it passes.',
  CANCELLED: 'Run the backup again when you are ready.',
  INTERNAL_ERROR: 'Run the backup again; if it fails the same way, send the session log to support.',
  AUTH_FAILED:
    'Check the SSH key or access keys saved for this repository (run the repository check), then run the backup again.',
  HOST_KEY_MISMATCH:
    'Compare the fingerprint above with the server’s; if the server’s key really changed, update the known host key, then run the backup again.',
  QUOTA_EXCEEDED:
    'Free up space on the remote storage or raise its quota (run the repository check), then run the backup again.',
};

interface Classified {
  code: SessionErrorCode;
  retryable: boolean;
  /** Overrides troubleshootingCheckOf(code) where the source code knows a more precise check. */
  check?: string | null;
}

const fromEngine: Record<EngineErrorCode, Classified> = {
  WRONG_PASSWORD: { code: 'WRONG_PASSWORD', retryable: false },
  REPO_LOCKED: { code: 'REPO_LOCKED', retryable: true },
  NOT_A_REPOSITORY: { code: 'REPO_UNREACHABLE', retryable: false },
  NOT_FOUND: { code: 'REPO_UNREACHABLE', retryable: false },
  CORRUPT: { code: 'REPO_CORRUPT', retryable: false },
  NO_SPACE: { code: 'INSUFFICIENT_SPACE', retryable: false },
  CANCELLED: { code: 'CANCELLED', retryable: false },
  IO_ERROR: { code: 'REPO_UNREACHABLE', retryable: false },
  // Remote repositories: a dropped connection is worth retrying (the next run resumes); refused credentials, a
  // changed host key or a full quota are not, until someone acts.
  REPO_UNREACHABLE: { code: 'REPO_UNREACHABLE', retryable: true },
  AUTH_FAILED: { code: 'AUTH_FAILED', retryable: false },
  HOST_KEY_MISMATCH: { code: 'HOST_KEY_MISMATCH', retryable: false },
  QUOTA_EXCEEDED: { code: 'QUOTA_EXCEEDED', retryable: false },
  // Restore-only or programming errors: a backup session never legitimately meets them.
  ALREADY_EXISTS: { code: 'INTERNAL_ERROR', retryable: false },
  PATH_ESCAPE: { code: 'INTERNAL_ERROR', retryable: false },
  INVALID_ARGUMENT: { code: 'INTERNAL_ERROR', retryable: false },
  TOO_LARGE: { code: 'INTERNAL_ERROR', retryable: false },
};

const fromSystemState: Record<SystemStateErrorCode, Classified> = {
  SERVICE_STOPPED: { code: 'SERVICE_STOPPED', retryable: true },
  // Configuration problems: no amount of waiting changes them.
  SERVICE_NOT_AUTOMATIC: { code: 'SERVICE_STOPPED', retryable: false },
  SERVICE_NOT_INSTALLED: { code: 'SERVICE_STOPPED', retryable: false },
  SERVICE_MANAGER_UNAVAILABLE: { code: 'PREFLIGHT_FAILED', retryable: false, check: 'services' },
  VSS_WRITER_UNSTABLE: { code: 'VSS_WRITER_UNSTABLE', retryable: true },
  // A writer that is not registered does not come back by waiting (its service or role is missing).
  VSS_WRITER_MISSING: { code: 'VSS_WRITER_UNSTABLE', retryable: false },
  VSS_UNAVAILABLE: { code: 'VSS_UNAVAILABLE', retryable: true },
  SHADOW_COPY_DISABLED: { code: 'PREFLIGHT_FAILED', retryable: false, check: 'shadow-copy-drives' },
  MBR_OVER_2TB: { code: 'PREFLIGHT_FAILED', retryable: false, check: 'mbr-2tb-limit' },
  SNAPSHOT_UNAVAILABLE: { code: 'SNAPSHOT_UNAVAILABLE', retryable: true },
  SNAPSHOT_FAILED: { code: 'SNAPSHOT_FAILED', retryable: true },
  SNAPSHOT_UNSUPPORTED: { code: 'SNAPSHOT_FAILED', retryable: false, check: 'provider-health' },
  INSUFFICIENT_SPACE: { code: 'INSUFFICIENT_SPACE', retryable: false },
  LOW_FREE_SPACE: { code: 'INSUFFICIENT_SPACE', retryable: false },
  PROVIDER_UNHEALTHY: { code: 'SNAPSHOT_FAILED', retryable: false, check: 'provider-health' },
  INVALID_LOCATION: { code: 'INVALID_LOCATION', retryable: false },
  // The tools System state misses at run time are the snapshot providers' (vssadmin, lvcreate, btrfs).
  TOOL_MISSING: { code: 'SNAPSHOT_FAILED', retryable: false, check: 'provider-health' },
  // An OS tool that exports or lists system configuration failed: the source could not be read.
  COMMAND_FAILED: { code: 'SOURCE_UNREADABLE', retryable: false },
  // Output our parsers do not understand is our bug (or an OS tool version we do not know yet).
  UNEXPECTED_OUTPUT: { code: 'INTERNAL_ERROR', retryable: false },
  SETTINGS_INVALID: { code: 'PREFLIGHT_FAILED', retryable: false },
  INVALID_ARGUMENT: { code: 'INTERNAL_ERROR', retryable: false },
  IO_ERROR: { code: 'SOURCE_UNREADABLE', retryable: false },
  NOT_APPLICABLE: { code: 'PREFLIGHT_FAILED', retryable: false },
  // The repository check's codes (a session meets them from the engine, but the list must be complete).
  REPOSITORY_UNSET: { code: 'REPO_UNREACHABLE', retryable: false },
  REPO_UNREACHABLE: { code: 'REPO_UNREACHABLE', retryable: true },
  REPO_NOT_FOUND: { code: 'REPO_UNREACHABLE', retryable: false },
  AUTH_FAILED: { code: 'AUTH_FAILED', retryable: false },
  HOST_KEY_MISMATCH: { code: 'HOST_KEY_MISMATCH', retryable: false },
};

export interface ClassifyContext {
  /** The session's repository: a permission or missing-path error under it means the repository is unreachable. */
  repository?: string;
}

/** The failure to journal for `error`, and whether an automatic restart can help. */
export function classifyFailure(
  error: unknown,
  context: ClassifyContext = {},
): { failure: SessionFailure; retryable: boolean } {
  const classified = classify(error, context, 0);
  const message = withNextStep(messageOf(error), classified.code);
  const check = classified.check !== undefined ? classified.check : troubleshootingCheckOf(classified.code);
  return { failure: { code: classified.code, message, check }, retryable: classified.retryable };
}

/** Errors are often wrapped (`new Error('…', { cause })`); a known cause classifies the wrapper. */
const maxCauseDepth = 5;

function classify(error: unknown, context: ClassifyContext, depth: number): Classified {
  if (error instanceof SessionError)
    return {
      code: error.code,
      retryable: error.retryable,
      ...(error.check !== undefined && { check: error.check }),
    };
  if (typeof error !== 'object' || error === null) return { code: 'INTERNAL_ERROR', retryable: false };
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name === 'SessionError') {
    const parsed = sessionErrorCodeSchema.safeParse(code);
    if (parsed.success) return { code: parsed.data, retryable: retryableByDefault.has(parsed.data) };
  }
  if (name === 'EngineError' && typeof code === 'string' && Object.hasOwn(fromEngine, code))
    return fromEngine[code as EngineErrorCode];
  if (name === 'SystemStateError' && typeof code === 'string' && Object.hasOwn(fromSystemState, code))
    return fromSystemState[code as SystemStateErrorCode];
  // The helper's own settings file (settings/state-file.ts) is damaged or names something unusable: the session
  // cannot even decide what to back up where, which is a preflight failure the user fixes in the settings.
  if (name === 'StateFileError' && code === 'SETTINGS_INVALID')
    return { code: 'PREFLIGHT_FAILED', retryable: false, check: 'repository' };
  // AbortSignal's reason when the session was cancelled.
  if (name === 'AbortError') return { code: 'CANCELLED', retryable: false };
  if (typeof code === 'string') {
    const errno = fromErrno(code, (error as { path?: unknown }).path, context);
    if (errno) return errno;
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && depth < maxCauseDepth) return classify(cause, context, depth + 1);
  return { code: 'INTERNAL_ERROR', retryable: false };
}

function fromErrno(code: string, path: unknown, context: ClassifyContext): Classified | null {
  if (code === 'ENOSPC' || code === 'EDQUOT') return { code: 'INSUFFICIENT_SPACE', retryable: false };
  const inRepository =
    typeof path === 'string' && context.repository !== undefined && isInside(path, context.repository);
  // Without the path we cannot tell the repository from the source or our own state folder.
  if (inRepository && ['EACCES', 'EPERM', 'ENOENT', 'EIO', 'EROFS', 'ENOTDIR'].includes(code))
    return { code: 'REPO_UNREACHABLE', retryable: false };
  return null;
}

function isInside(path: string, folder: string): boolean {
  const base = folder.replace(/[\\/]+$/, '');
  return path === base || path.startsWith(`${base}/`) || path.startsWith(`${base}\\`);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(error);
}

function withNextStep(message: string, code: SessionErrorCode): string {
  const step = nextStep[code];
  if (message.includes(step)) return message;
  const sentence = /[.!?]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`;
  return `${sentence} ${step}`;
}
