/**
 * Part of the renderer↔main contract (src-main/ipc/contract.ts re-exports it): Small shared field schemas.
 * Loaded in the browser too: imports zod and the other contract files only (the boundary check enforces it).
 */
import { z } from 'zod';

export const nonNegativeInt = z.number().int().nonnegative();
/** Times as the helper writes them: ISO-8601, UTC. */
export const isoTime = z.iso.datetime({ offset: true });
/** Absolute on the helper's machine (POSIX or a Windows drive path); the helper checks the rest. */
export const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), { message: 'must be an absolute path' });
/**
 * A repository location in restic's notation: an absolute local path (or `local:/path`), `sftp:user@host:/path`,
 * `sftp://user@host:port//path` or `s3:https://host/bucket/prefix`. The helper parses the rest and refuses a
 * malformed one with its reason; credentials never belong in it (see repository.rememberS3Credentials).
 */
export const repositoryLocation = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || /^(local|sftp|s3):/.test(p), {
    message:
      'must be an absolute path or a location such as sftp:user@host:/srv/repo or s3:https://host/bucket',
  });
