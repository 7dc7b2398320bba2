/**
 * Error and check codes of System state. Every failure the room reports, and every preflight check that does not
 * pass, carries one of these codes: the helper classifies interrupted sessions by them, the UI links each one to
 * its troubleshooting check, and the CLI prints them. The list is the contract; add to it, never rename.
 */
export const systemStateErrorCodes = [
  /** A required service (helper, Cryptographic Services, Volume Shadow Copy, …) is not running. */
  'SERVICE_STOPPED',
  /** A required service is installed but not set to start automatically. */
  'SERVICE_NOT_AUTOMATIC',
  /** A required service is not installed at all. */
  'SERVICE_NOT_INSTALLED',
  /** The service manager cannot be asked (e.g. systemd is not PID 1), so service state is unknown. */
  'SERVICE_MANAGER_UNAVAILABLE',
  /** A VSS writer is not Stable or reports a last error. */
  'VSS_WRITER_UNSTABLE',
  /** A VSS writer that System state needs (System Writer, Registry Writer…) is absent. */
  'VSS_WRITER_MISSING',
  /** vssadmin itself failed (service error, access denied); writers could not be listed. */
  'VSS_UNAVAILABLE',
  /** On a Windows Server edition, a volume has no shadow copy storage association. */
  'SHADOW_COPY_DISABLED',
  /** An MBR dynamic disk (or LVM/md on an MBR disk) uses more than 2 TiB. */
  'MBR_OVER_2TB',
  /** The snapshot vanished (deleted by the system, or the machine restarted since the session began). */
  'SNAPSHOT_UNAVAILABLE',
  /** Creating or deleting a snapshot failed. */
  'SNAPSHOT_FAILED',
  /** The chosen provider cannot snapshot this source (wrong filesystem, not a logical volume…). */
  'SNAPSHOT_UNSUPPORTED',
  /** Not enough free space for the snapshot (fails the preflight under 1.1× the estimate). */
  'INSUFFICIENT_SPACE',
  /** Free space is tight (warning under 1.5× the estimate). */
  'LOW_FREE_SPACE',
  /** The snapshot provider reports a problem with its own storage (btrfs device errors, no VG free extents). */
  'PROVIDER_UNHEALTHY',
  /** The chosen snapshot location cannot be used (missing, not local, not writable). */
  'INVALID_LOCATION',
  /** An OS tool needed for this step is not installed. */
  'TOOL_MISSING',
  /** An OS tool ran and failed. */
  'COMMAND_FAILED',
  /** An OS tool printed something this code cannot read. */
  'UNEXPECTED_OUTPUT',
  /** The settings file exists but is not valid. */
  'SETTINGS_INVALID',
  /** A caller passed an argument that cannot be acted on (bad session id, relative path…). */
  'INVALID_ARGUMENT',
  /** Reading or writing local files failed. */
  'IO_ERROR',
  /** The check does not apply on this system (e.g. Windows Server rules on Linux). */
  'NOT_APPLICABLE',
  // The repository check (helper/repository/repository-check.ts).
  /** No repository is set in the helper settings. */
  'REPOSITORY_UNSET',
  /** The repository's storage cannot be reached (no such folder or drive, a server that does not answer). */
  'REPO_UNREACHABLE',
  /** The storage answers, but there is no repository at that location. */
  'REPO_NOT_FOUND',
  /** The server refused the SSH key or the S3 access keys, or the helper has none. */
  'AUTH_FAILED',
  /** The SFTP server's host key is not the trusted one (unknown, or changed). */
  'HOST_KEY_MISMATCH',
] as const;

export type SystemStateErrorCode = (typeof systemStateErrorCodes)[number];

/** The code of a passing check. */
export type CheckCode = SystemStateErrorCode | 'OK';

export class SystemStateError extends Error {
  constructor(
    readonly code: SystemStateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SystemStateError';
  }
}

export function isSystemStateError(error: unknown, code?: SystemStateErrorCode): error is SystemStateError {
  return error instanceof SystemStateError && (code === undefined || error.code === code);
}

/** Maps a Node.js filesystem error to our codes, keeping the original as the cause. */
export function fromNodeError(error: unknown, what: string): SystemStateError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new SystemStateError('INSUFFICIENT_SPACE', `${what}: no space left (${reason})`, { cause: error });
  return new SystemStateError('IO_ERROR', `${what}: ${reason}`, { cause: error });
}

/** Session ids name snapshots, LVM tags and folders: keep them to a safe, portable alphabet. */
const sessionIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function assertSessionId(sessionId: string): void {
  if (!sessionIdPattern.test(sessionId))
    throw new SystemStateError(
      'INVALID_ARGUMENT',
      `session id ${JSON.stringify(sessionId)} must be 1-64 letters, digits, "-" or "_", starting with a letter or digit`,
    );
}
