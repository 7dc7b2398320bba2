/**
 * A session's snapshot in the journal: the provider's handle is journaled (as JSON) the moment create() returns,
 * and cleared only once the snapshot is deleted, so after a crash the recovery deletes exactly what was left.
 */
import { z } from 'zod';
import type {
  SnapshotHandle,
  SnapshotProvider,
  SnapshotProviderKind,
} from '../../system-state/snapshots/snapshot-provider';
import type { AttemptContext } from './session-context';
import { reportProblem } from './session-context';
import { SessionError } from './session-failure';

const snapshotHandleSchema = z.object({
  provider: z.enum(['btrfs', 'lvm', 'vss', 'temp-copy']),
  sessionId: z.string(),
  id: z.string(),
  source: z.string(),
  location: z.string(),
  path: z.string(),
  createdAt: z.string(),
  warnings: z.array(z.string()),
});

export function recordSnapshot(
  context: AttemptContext,
  provider: SnapshotProvider,
  handle: SnapshotHandle,
): void {
  context.deps.journal.setSnapshotRef(context.session.id, JSON.stringify(handle));
  context.snapshot = { handle, provider };
  context.log.info(`Snapshot ${handle.id} created (${handle.provider}); read at ${handle.path}`);
  for (const warning of handle.warnings)
    reportProblem(context, `Snapshot: ${warning} — not in the snapshot, so not in the backup`);
}

/** A journaled snapshot reference back to a handle; INTERNAL_ERROR when the journal holds something else. */
export function parseSnapshotRef(ref: string): SnapshotHandle {
  let json: unknown;
  try {
    json = JSON.parse(ref);
  } catch (error) {
    throw new SessionError('INTERNAL_ERROR', `journaled snapshot reference is not JSON: ${ref}`, {
      cause: error,
    });
  }
  const parsed = snapshotHandleSchema.safeParse(json);
  if (!parsed.success)
    throw new SessionError('INTERNAL_ERROR', `journaled snapshot reference is not a snapshot handle: ${ref}`);
  return parsed.data;
}

export function providerFor(
  providers: Record<SnapshotProviderKind, SnapshotProvider>,
  handle: SnapshotHandle,
): SnapshotProvider {
  return providers[handle.provider];
}
