/**
 * The helper's small JSON state files (settings.json, schedules.json in its state directory). Written atomically
 * — a temporary file in the same folder, fsynced, renamed over the old one, then the folder fsynced — so a crash
 * or power loss leaves either the old or the new file, never half of one. Mode 0600: only root reads them.
 * A file that exists but cannot be understood is an error naming the file, never silently replaced by defaults:
 * schedules or a repository location quietly reset would make backups stop without anyone noticing.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';

export type StateFileErrorCode = 'SETTINGS_INVALID' | 'SCHEDULE_INVALID' | 'STATE_IO_ERROR';

export class StateFileError extends Error {
  constructor(
    readonly code: StateFileErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StateFileError';
  }
}

/** The parsed contents of `file`, or null when it does not exist. */
export async function readJsonState<T>(
  file: string,
  schema: z.ZodType<T>,
  invalidCode: StateFileErrorCode,
): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw ioError(`reading ${file}`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(
      invalidCode,
      `${file} is not valid JSON (fix or remove it): ${reasonOf(error)}`,
      {
        cause: error,
      },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new StateFileError(
      invalidCode,
      `${file} is invalid (fix or remove it): ${firstIssue(parsed.error)}`,
    );
  return parsed.data;
}

export async function writeJsonStateAtomic(file: string, value: unknown): Promise<void> {
  const dir = path.dirname(file);
  const temporary = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // 'wx': a fresh file with our mode, never someone's pre-created file or symlink at that name.
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await removeTemporary(temporary, error);
    throw ioError(`writing ${file}`, error);
  }
  await syncDirectory(dir, file);
}

/** "field.path: message" of the first problem zod found, so the message names the field (under `parent`). */
export function firstIssue(error: z.ZodError, parent?: string): string {
  const issue = error.issues[0];
  if (!issue) return parent ? `${parent}: ${error.message}` : error.message;
  const field = [...(parent ? [parent] : []), ...issue.path.map(String)].join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

async function removeTemporary(temporary: string, writeError: unknown): Promise<void> {
  try {
    await rm(temporary, { force: true });
  } catch (cleanupError) {
    throw ioError(`writing ${temporary} failed (${reasonOf(writeError)}) and removing it`, cleanupError);
  }
}

/** The rename is durable only once the folder's entry is on disk. Windows cannot open a folder to fsync it. */
async function syncDirectory(dir: string, file: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw ioError(`syncing the folder of ${file}`, error);
  }
}

function ioError(what: string, error: unknown): StateFileError {
  return new StateFileError('STATE_IO_ERROR', `${what}: ${reasonOf(error)}`, { cause: error });
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
