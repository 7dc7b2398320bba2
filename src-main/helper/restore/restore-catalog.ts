/**
 * What a repository offers the restore wizard: the machines that backed up System state into it (whatever this
 * machine is called: the point is restoring a dead machine onto another one) and each machine's System state
 * sessions, newest first, with their size and components. A System state session is a snapshot tagged
 * `system-state` (sessions/session-backup.ts); a rollback backup the wizard takes before applying a restore also
 * carries `rollback`.
 */
import type { Id } from '../../engine/ids';
import type { Repository } from '../../engine/repository/repository';
import type { Snapshot } from '../../engine/repository/snapshot';
import type { RestoreMachine, RestoreSessionEntry } from '../../helper-protocol/restore-model';
import { systemStateTag } from '../sessions/session-backup';
import { readRecordedManifest } from './recorded-files';
import { readSessionComponents } from './session-components';
import { cachingTreeLoader, contentTotals } from './snapshot-trees';

export const rollbackTag = 'rollback';

/**
 * The machine name of snapshots that record none (restic allows it; our sessions always record one). Not a
 * valid hostname, so it cannot collide with a real machine.
 */
export const unnamedHost = '(no hostname)';

export function isSystemStateSnapshot(snapshot: Snapshot): boolean {
  return snapshot.tags?.includes(systemStateTag) ?? false;
}

export function isRollbackSnapshot(snapshot: Snapshot): boolean {
  return snapshot.tags?.includes(rollbackTag) ?? false;
}

export function hostnameOf(snapshot: Snapshot): string {
  return snapshot.hostname !== undefined && snapshot.hostname !== '' ? snapshot.hostname : unnamedHost;
}

export interface SystemStateSession {
  id: Id;
  snapshot: Snapshot;
}

/** The repository's System state snapshots, newest first (ties by ID, so the order is stable). */
export async function systemStateSessions(repository: Repository): Promise<SystemStateSession[]> {
  return (await repository.listSnapshots())
    .filter(({ snapshot }) => isSystemStateSnapshot(snapshot))
    .sort(
      (a, b) =>
        Date.parse(b.snapshot.time) - Date.parse(a.snapshot.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/** Hostnames compare without case (DNS and Windows computer names do), only for "is this the same machine". */
function sameMachine(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Every machine with System state sessions, the most recently backed-up first. Each is described by its newest
 * session's machine manifest (rollback backups aside); a session without a usable manifest gives os/arch/bootMode
 * null, not an error.
 */
export async function listMachines(repository: Repository, thisHostname: string): Promise<RestoreMachine[]> {
  const byHost = new Map<string, SystemStateSession[]>();
  for (const session of await systemStateSessions(repository)) {
    const host = hostnameOf(session.snapshot);
    const list = byHost.get(host) ?? [];
    list.push(session);
    byHost.set(host, list);
  }
  const loadTree = cachingTreeLoader(repository);
  const machines: RestoreMachine[] = [];
  for (const [hostname, sessions] of byHost) {
    const newest = sessions[0];
    if (newest === undefined) continue;
    // A rollback backup records only the files an apply overwrote (no manifest): the machine is described by its
    // newest real session, and by the rollback backup only when it has nothing else.
    const describing = sessions.find((s) => !isRollbackSnapshot(s.snapshot)) ?? newest;
    const { manifest } = await readRecordedManifest(repository, describing.snapshot, { loadTree });
    machines.push({
      hostname,
      isThisMachine: sameMachine(hostname, thisHostname),
      sessions: sessions.length,
      latestTime: newest.snapshot.time,
      os:
        manifest === null
          ? null
          : { family: manifest.os.family, name: manifest.os.name, version: manifest.os.version },
      arch: manifest?.arch ?? null,
      bootMode: manifest?.bootMode ?? null,
    });
  }
  // Grouping kept the newest-first order of sessions, so machines come out by their newest session already.
  return machines;
}

/** One machine's System state sessions (exact hostname, as recorded), newest first; [] for an unknown machine. */
export async function listSessions(repository: Repository, hostname: string): Promise<RestoreSessionEntry[]> {
  const loadTree = cachingTreeLoader(repository);
  const entries: RestoreSessionEntry[] = [];
  for (const session of await systemStateSessions(repository)) {
    if (hostnameOf(session.snapshot) !== hostname) continue;
    const totals = await contentTotals(repository, session.snapshot.tree);
    const { components } = await readSessionComponents(repository, session, { loadTree });
    entries.push({
      snapshotId: session.id,
      shortId: session.id.slice(0, 8),
      time: session.snapshot.time,
      hostname,
      sizeBytes: totals.bytes,
      files: totals.files,
      components,
      rollback: isRollbackSnapshot(session.snapshot),
    });
  }
  return entries;
}
