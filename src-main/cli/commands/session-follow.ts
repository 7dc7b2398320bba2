/**
 * Following a session from the command line: `session start --wait` (progress and phase changes from the
 * helper's notifications, the end from session/wait) and `session log --follow` (polling the log until the
 * session ends). Ctrl-C stops following, never the session: it keeps running in the helper.
 */
import { CancellationTokenSource } from 'vscode-jsonrpc';
import type { z } from 'zod';
import type { HelperClient } from '../../helper-client/helper-client';
import { isHelperRequestError } from '../../helper-client/helper-client-errors';
import {
  SessionChangedNotification,
  SessionLogRequest,
  SessionProgressNotification,
  SessionShowRequest,
  SessionStartRequest,
  SessionWaitRequest,
  type sessionStartParamsSchema,
} from '../../helper-protocol/protocol';
import {
  isTerminalStatus,
  type LogLevel,
  type SessionProgress,
  type SessionSummary,
  sessionStatusLabels,
} from '../../helper-protocol/session-model';
import type { CliContext } from '../cli-command';
import type { CliOutput } from '../cli-output';
import {
  changeLine,
  exitCodeOf,
  logLine,
  outcomeText,
  sessionProgressLine,
  sourceLabels,
} from './session-format';

/** Exit code when the user stopped following (Ctrl-C), as a shell reports a command ended by SIGINT. */
export const exitStoppedFollowing = 130;

/** How often `log --follow` asks for new entries while the session runs (a change of the session wakes it). */
const logPollMs = 1000;
/** How long a cancelled wait may take to be answered before the command stops anyway. */
const cancelAnswerMs = 2000;
/** Entries per log request while following; a full batch is followed at once by the next. */
const logBatch = 1000;

export type SessionStartParams = z.infer<typeof sessionStartParamsSchema>;

export function startedText(session: SessionSummary, created: boolean): string {
  const what = `${sourceLabels[session.source]} session ${session.id}`;
  return created
    ? `started ${what}`
    : `a ${what} is already ${sessionStatusLabels[session.status].toLowerCase()}; following that one`;
}

/** Starts a session and follows it to its end. Returns the exit code of its status (exitCodeOf). */
export async function startAndWait(
  client: HelperClient,
  params: SessionStartParams,
  { out, signal }: CliContext,
): Promise<number> {
  // Subscribed before the start request: the helper may announce the new session before it answers.
  const watch = watchSession(client, out);
  try {
    const { session, created } = await client.request(SessionStartRequest.type, params);
    out.result({ type: 'started', created, session }, () => startedText(session, created));
    watch.follow(session);
    const ended = await waitUntilEnded(client, session.id, signal);
    out.endProgress();
    if (ended === null) {
      out.result({ type: 'detached', id: session.id, status: watch.last()?.status ?? session.status }, () =>
        [
          `stopped waiting; session ${session.id} keeps running in the helper.`,
          `  follow it: backup-manager session log ${session.id} --follow`,
          `  stop it:   backup-manager session cancel ${session.id}`,
        ].join('\n'),
      );
      return exitStoppedFollowing;
    }
    out.result(
      { type: 'summary', ...(ended.failure ? { code: ended.failure.code } : {}), session: ended },
      () => outcomeText(ended),
    );
    return exitCodeOf(ended.status);
  } finally {
    watch.dispose();
  }
}

type SessionEvent =
  | { kind: 'progress'; progress: SessionProgress }
  | { kind: 'changed'; session: SessionSummary };

/** Shows one session's progress and changes; buffers what arrives before the session's id is known. */
function watchSession(client: HelperClient, out: CliOutput) {
  let followed: SessionSummary | null = null;
  let lastShown = '';
  const early: SessionEvent[] = [];
  const show = (event: SessionEvent) => {
    if (event.kind === 'progress') {
      const { progress } = event;
      out.progress({ ...progress }, () => sessionProgressLine(progress));
      return;
    }
    const { session } = event;
    followed = session;
    // A person needs one line per step; a program gets every change.
    const key = `${session.phase}/${session.status}/${session.attempt}`;
    if (!out.json && key === lastShown) return;
    lastShown = key;
    out.result({ type: 'changed', session }, () => changeLine(session));
  };
  const handle = (event: SessionEvent, id: string) => {
    if (followed === null) early.push(event);
    else if (id === followed.id) show(event);
  };
  const subscriptions = [
    client.onNotification(SessionProgressNotification.type, (progress) =>
      handle({ kind: 'progress', progress }, progress.sessionId),
    ),
    client.onNotification(SessionChangedNotification.type, ({ session }) =>
      handle({ kind: 'changed', session }, session.id),
    ),
  ];
  return {
    follow(session: SessionSummary) {
      followed = session;
      lastShown = `${session.phase}/${session.status}/${session.attempt}`;
      for (const event of early.splice(0)) {
        const id = event.kind === 'progress' ? event.progress.sessionId : event.session.id;
        if (id === session.id) show(event);
      }
    },
    last: (): SessionSummary | null => followed,
    dispose() {
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}

/** The session once it ended, or null when `signal` stopped the waiting first. */
async function waitUntilEnded(
  client: HelperClient,
  id: string,
  signal: AbortSignal,
): Promise<SessionSummary | null> {
  if (signal.aborted) return null;
  const cancellation = new CancellationTokenSource();
  let giveUp: (ended: null) => void = () => undefined;
  const gaveUp = new Promise<null>((resolve) => {
    giveUp = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  // The helper answers our cancel with CANCELLED; should it not, stop waiting for that answer too.
  const onAbort = () => {
    cancellation.cancel();
    timer = setTimeout(() => giveUp(null), cancelAnswerMs);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const waiting = client.request(SessionWaitRequest.type, { id }, cancellation.token);
    return await Promise.race([waiting.then((result) => result.session), gaveUp]);
  } catch (error) {
    if (signal.aborted && isHelperRequestError(error, 'CANCELLED')) return null;
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    cancellation.dispose();
  }
}

/**
 * Prints a session's log from the start (or after `afterSeq`) and keeps printing new entries until the session
 * ends. Returns 0 when it ended, exitStoppedFollowing when `signal` stopped it first.
 */
export async function followLog(
  client: HelperClient,
  id: string,
  minLevel: LogLevel | undefined,
  { out, signal }: CliContext,
): Promise<number> {
  let afterSeq: number | undefined;
  let wake: () => void = () => undefined;
  const changed = client.onNotification(SessionChangedNotification.type, ({ session }) => {
    if (session.id === id) wake();
  });
  try {
    for (;;) {
      // The status is read before the entries: everything logged before the session ended is then fetched.
      const { session } = await client.request(SessionShowRequest.type, { id });
      for (;;) {
        const { entries } = await client.request(SessionLogRequest.type, {
          id,
          minLevel,
          limit: logBatch,
          ...(afterSeq === undefined ? {} : { afterSeq }),
        });
        for (const entry of entries) out.result({ type: 'log', ...entry }, () => logLine(entry));
        afterSeq = entries.at(-1)?.seq ?? afterSeq;
        if (entries.length < logBatch) break;
      }
      if (isTerminalStatus(session.status)) {
        out.result(
          { type: 'ended', id, status: session.status },
          () => `session ${id} ended: ${sessionStatusLabels[session.status]}`,
        );
        return 0;
      }
      const stopped = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => finish(false), logPollMs);
        const onAbort = () => finish(true);
        function finish(byAbort: boolean) {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          wake = () => undefined;
          resolve(byAbort);
        }
        wake = () => finish(false);
        if (signal.aborted) finish(true);
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      if (stopped) return exitStoppedFollowing;
    }
  } finally {
    changed.dispose();
  }
}
