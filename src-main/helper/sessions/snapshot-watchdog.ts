/**
 * Watches the snapshot while the backup reads it: a snapshot can vanish under a running backup (VSS drops shadow
 * copies when its storage runs out, someone deletes a btrfs subvolume, a temporary copy is removed). The backup
 * would then record missing or half-read entries as if they were the system's state, so the watchdog aborts it
 * and the attempt fails SNAPSHOT_UNAVAILABLE (retryable: a new snapshot is the cure).
 */
import type { TakenSnapshot } from './session-context';

export interface SnapshotWatchdog {
  /** Aborted when the snapshot is found gone. */
  readonly signal: AbortSignal;
  /** Set once the snapshot was found gone: what the provider said. */
  readonly lostEvidence: string[] | null;
  /** Checks once more now (e.g. after the backup returned); true when the snapshot is still there. */
  checkNow(): Promise<boolean>;
  stop(): void;
}

export function startSnapshotWatchdog(
  snapshot: TakenSnapshot | null,
  intervalMs: number,
  onLost: (evidence: string[]) => void,
): SnapshotWatchdog {
  const controller = new AbortController();
  let lost: string[] | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const check = async (): Promise<boolean> => {
    if (snapshot === null) return true;
    if (lost !== null) return false;
    const availability = await snapshot.provider.isAvailable(snapshot.handle);
    if (availability.available || lost !== null) return lost === null;
    lost = availability.evidence;
    onLost(availability.evidence);
    controller.abort();
    return false;
  };
  const schedule = () => {
    if (stopped || snapshot === null) return;
    timer = setTimeout(() => {
      timer = null;
      check().then(
        (available) => {
          if (available) schedule();
        },
        // isAvailable reports problems as "not available"; a throw is a provider bug: report it as lost too.
        (error: unknown) => {
          if (lost === null) {
            lost = [`checking the snapshot failed: ${(error as Error).message}`];
            onLost(lost);
            controller.abort();
          }
        },
      );
    }, intervalMs);
  };
  schedule();
  return {
    signal: controller.signal,
    get lostEvidence() {
      return lost;
    },
    checkNow: check,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
