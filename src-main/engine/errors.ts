/**
 * Errors of the repository engine. Every failure the engine reports carries a code that callers (the CLI, the
 * helper's session classifier, the UI) branch on, and a message that names what is affected (file, blob, path).
 */
export const engineErrorCodes = [
  /** The password opens none of the repository's key files. */
  'WRONG_PASSWORD',
  /** Stored data failed verification (MAC, hash, length, format). The message names the file and blob. */
  'CORRUPT',
  /** A file the repository should contain is missing. */
  'NOT_FOUND',
  /** The path is not a repository, or one in a format/version this engine does not read. */
  'NOT_A_REPOSITORY',
  /** `init` on a location that already holds a repository. */
  'ALREADY_EXISTS',
  /** A restore entry would land outside the target directory. */
  'PATH_ESCAPE',
  /** Another process holds a conflicting lock. */
  'REPO_LOCKED',
  /** The operation was cancelled through its AbortSignal. */
  'CANCELLED',
  /** The backend storage is full. */
  'NO_SPACE',
  /** Reading or writing the storage failed for another reason (permissions, I/O error). */
  'IO_ERROR',
  /** A caller passed an argument the engine cannot act on. */
  'INVALID_ARGUMENT',
  /** An entry is larger than the caller allows reading into memory (e.g. a configuration file read whole). */
  'TOO_LARGE',
  /** A remote repository's server cannot be reached, or the connection dropped (worth retrying). */
  'REPO_UNREACHABLE',
  /** The remote server refused the credentials (key, agent, access keys). */
  'AUTH_FAILED',
  /** The SSH server's host key is not the one known for it: refused, never accepted blindly. */
  'HOST_KEY_MISMATCH',
  /** The remote storage refused a write for lack of quota or space. */
  'QUOTA_EXCEEDED',
] as const;

export type EngineErrorCode = (typeof engineErrorCodes)[number];

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}

/** Maps a Node.js filesystem error to the engine's codes, keeping the original as the cause. */
export function fromNodeError(error: unknown, what: string): EngineError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') return new EngineError('NOT_FOUND', `${what}: not found`, { cause: error });
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new EngineError('NO_SPACE', `${what}: no space left (${reason})`, { cause: error });
  return new EngineError('IO_ERROR', `${what}: ${reason}`, { cause: error });
}
