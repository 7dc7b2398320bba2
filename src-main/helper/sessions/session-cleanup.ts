/**
 * The cleanup phase, run whatever happened before it (completed, failed, cancelled, snapshot lost): the snapshot
 * is deleted and the staging folder removed — a snapshot can grow to the size of the system, so one must never
 * outlive its session. Each is cleared in the journal only once it is really gone: a deletion that fails is
 * logged as an error and left in the journal, where the orphan sweep of the next helper start finds it.
 */
import { rm } from 'node:fs/promises';
import type { AttemptContext } from './session-context';
import type { SessionJournal } from './session-journal-types';
import { closeSessionRepository } from './session-repository';

export async function cleanUpAttempt(context: AttemptContext): Promise<void> {
  const { deps, log, session } = context;
  const snapshot = context.snapshot;
  if (snapshot !== null) {
    try {
      await snapshot.provider.delete(snapshot.handle);
      deps.journal.setSnapshotRef(session.id, null);
      context.snapshot = null;
      log.info(`Snapshot ${snapshot.handle.id} deleted`);
    } catch (error) {
      log.error(
        `Deleting the snapshot ${snapshot.handle.id} failed: ${(error as Error).message}. It stays recorded and is ` +
          'deleted when the helper starts next.',
      );
      context.problems++;
    }
  }
  const stagingDir = context.stagingDir;
  if (stagingDir !== null) {
    try {
      await removeStagingFolder(deps.journal, session.id, stagingDir);
      context.stagingDir = null;
      log.info(`Staging folder ${stagingDir} removed`);
    } catch (error) {
      log.error(
        `Removing the staging folder ${stagingDir} failed: ${(error as Error).message}. It is removed when the ` +
          'helper starts next.',
      );
      context.problems++;
    }
  }
  await closeSessionRepository(context);
}

/** Removes a staging folder and then clears it in the journal (a folder already gone is removed). */
export async function removeStagingFolder(
  journal: SessionJournal,
  sessionId: string,
  dir: string,
): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  journal.setStagingDir(sessionId, null);
}
