/**
 * When a session ends, the desktop says so (Electron shows it as a system notification; the console page shows
 * its own toast). This decides which `session.changed` events are an end worth a notice, and words it: once per
 * session and attempt, for the terminal statuses only — an Interrupted session is not over, it restarts.
 */

import type { SessionSummary } from '../ipc/contract';
import type { EventBus } from '../ipc/event-bus';

export interface SessionEndNotice {
  sessionId: string;
  title: string;
  body: string;
  /** Failed and aborted sessions ask for attention; completed ones do not. */
  urgent: boolean;
}

const terminal = new Set([
  'completed',
  'completed-with-errors',
  'failed',
  'aborted',
  'not-started',
  'no-selection',
]);

const sourceNames: Record<SessionSummary['source'], string> = {
  'system-state': 'System state',
  files: 'Files and folders',
};

const statusSentences: Record<string, string> = {
  completed: 'completed',
  'completed-with-errors': 'completed with errors',
  failed: 'failed',
  aborted: 'was cancelled',
  'not-started': 'did not start',
  'no-selection': 'had nothing selected',
};

export function noticeFor(session: SessionSummary): SessionEndNotice | null {
  if (!terminal.has(session.status)) return null;
  const what = `${sourceNames[session.source]} backup ${statusSentences[session.status] ?? session.status}`;
  const body = session.failure
    ? `${session.failure.code}: ${session.failure.message}`
    : 'Open Backup Manager for the details.';
  return {
    sessionId: session.id,
    title: what.charAt(0).toUpperCase() + what.slice(1),
    body,
    urgent: session.status === 'failed' || session.status === 'aborted',
  };
}

/** Calls `show` once for each session that ends; returns the function that stops listening. */
export function watchSessionEnds(events: EventBus, show: (notice: SessionEndNotice) => void): () => void {
  const shown = new Set<string>();
  return events.onAny((event, payload) => {
    if (event !== 'session.changed') return;
    const { session } = payload as { session: SessionSummary };
    const notice = noticeFor(session);
    const key = `${session.id}/${session.attempt}`;
    if (notice === null || shown.has(key)) return;
    shown.add(key);
    show(notice);
  });
}
