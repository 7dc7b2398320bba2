/**
 * The helper's `restore/changed` notifications as the contract's `restore.changed` event, one for one (the helper
 * already thins progress to 10 a second per job, so nothing here buffers). The subscription is on the
 * HelperConnection, which keeps it across reconnects.
 */
import { RestoreChangedNotification } from '../helper-protocol/restore-protocol';
import type { EventBus } from '../ipc/event-bus';
import { errorMessage } from '../ipc/request-dispatcher';
import type { HelperNotifications } from './helper-requests';
import { toContractJob } from './restore-mapping';

/** Subscribes; returns the function that stops forwarding. */
export function forwardRestoreEvents(
  notifications: HelperNotifications,
  events: EventBus,
  log: (message: string) => void,
): () => void {
  const subscription = notifications.onNotification(RestoreChangedNotification.type, ({ job }) => {
    // A job the contract cannot carry (a helper bug) is dropped with a log line, not thrown into the
    // connection's notification dispatch, where nobody would see it.
    try {
      events.emit('restore.changed', { job: toContractJob(job) });
    } catch (error) {
      log(`restore.changed from the helper was not forwarded: ${errorMessage(error)}`);
    }
  });
  return () => subscription.dispose();
}
