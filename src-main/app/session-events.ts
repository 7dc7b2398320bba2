/**
 * The helper's live session notifications as contract events: `session/changed` → `session.changed`,
 * `session/progress` → `session.progress`. Each notification is forwarded at once, one for one: the helper
 * already thins progress to 10 a second per session, so nothing here buffers or queues (a slow renderer must not
 * make main's memory grow). The subscriptions are on the HelperConnection, which keeps them across reconnects.
 */
import { SessionChangedNotification, SessionProgressNotification } from '../helper-protocol/protocol';
import type { EventChannel, EventPayload } from '../ipc/contract';
import type { EventBus } from '../ipc/event-bus';
import { errorMessage } from '../ipc/request-dispatcher';
import type { HelperNotifications } from './helper-requests';
import { toContractProgress, toContractSummary } from './session-summary';

/** Subscribes; returns the function that stops forwarding. */
export function forwardSessionEvents(
  notifications: HelperNotifications,
  events: EventBus,
  log: (message: string) => void,
): () => void {
  // A notification the contract cannot carry (a helper bug) is dropped with a log line, not thrown into the
  // connection's notification dispatch, where nobody would see it.
  const forward = <E extends EventChannel>(event: E, payload: () => EventPayload<E>) => {
    try {
      events.emit(event, payload());
    } catch (error) {
      log(`${event} from the helper was not forwarded: ${errorMessage(error)}`);
    }
  };
  const subscriptions = [
    notifications.onNotification(SessionChangedNotification.type, ({ session }) =>
      forward('session.changed', () => ({ session: toContractSummary(session) })),
    ),
    notifications.onNotification(SessionProgressNotification.type, (progress) =>
      forward('session.progress', () => toContractProgress(progress)),
    ),
  ];
  return () => {
    for (const subscription of subscriptions) subscription.dispose();
  };
}
