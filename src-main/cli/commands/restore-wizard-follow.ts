/**
 * Following a restore job from the command line: every restore/changed of the job (a live progress line on a
 * terminal, one line per phase otherwise, JSON lines with --json), the end from restore/wait, then the outcome.
 * Ctrl-C cancels the job — a restore in the foreground is stopped like any other command — and the command waits
 * for it to end cancelled (what was written stays; an apply's rollback snapshot can undo it).
 */
import type { HelperClient } from '../../helper-client/helper-client';
import type { RestoreJob } from '../../helper-protocol/restore-model';
import {
  RestoreCancelRequest,
  RestoreChangedNotification,
  RestoreWaitRequest,
} from '../../helper-protocol/restore-protocol';
import { type CliContext, CliError } from '../cli-command';
import { jobOutcomeText, jobProgressLine, jobStartedText } from './restore-wizard-format';

/** Starts a job with `start` and follows it to its end; 0 completed, 3 completed with errors, else a CliError. */
export async function startAndFollow(
  client: HelperClient,
  start: () => Promise<RestoreJob>,
  { out, signal }: CliContext,
): Promise<number> {
  let followed: string | null = null;
  const early: RestoreJob[] = [];
  let lastPhase = '';
  const show = (job: RestoreJob) => {
    if (out.json) {
      out.result({ type: 'changed', job }, () => '');
      return;
    }
    if (job.phase !== lastPhase) {
      lastPhase = job.phase;
      out.line(`${job.phase}…`);
    }
    if (job.state === 'running')
      out.progress({ ...job.progress, phase: job.phase }, () => jobProgressLine(job));
  };
  // Subscribed before the start request: the helper announces the job before it answers.
  const subscription = client.onNotification(RestoreChangedNotification.type, ({ job }) => {
    if (followed === null) early.push(job);
    else if (job.id === followed) show(job);
  });
  const onAbort = () => {
    if (followed === null) return;
    out.warn('cancelling the restore; what was written so far stays');
    client.request(RestoreCancelRequest.type, { jobId: followed }).catch(() => undefined);
  };
  try {
    const job = await start();
    followed = job.id;
    if (!out.json) out.line(jobStartedText(job));
    for (const event of early.splice(0)) if (event.id === job.id) show(event);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    const { job: ended } = await client.request(RestoreWaitRequest.type, { jobId: job.id });
    out.endProgress();
    out.result({ type: 'summary', job: ended }, () => jobOutcomeText(ended));
    if (ended.state === 'completed') return 0;
    if (ended.state === 'completed-with-errors') return 3;
    throw new CliError(
      ended.error?.code ?? 'RESTORE_FAILED',
      ended.error?.message ?? `the job ended ${ended.state}`,
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    subscription.dispose();
  }
}
