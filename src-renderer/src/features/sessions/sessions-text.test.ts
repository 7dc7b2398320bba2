import type { SessionStatus } from '@contract';
import { describe, expect, it } from 'vitest';
import { formatEta, formatRate, truncateMiddle } from '../../components/format';
import {
  attemptChain,
  filesSummary,
  formatDuration,
  problemsSummary,
  startVerdict,
  statusViews,
  stepStates,
  timelineGroups,
  troubleshootingHref,
} from './sessions-text';
import { detail } from './test-fixtures';

/** Every status of the contract (only its types may be imported): fails to compile when one is missing. */
const sessionStatuses = [
  'in-process',
  'completed',
  'completed-with-errors',
  'failed',
  'aborted',
  'interrupted',
  'restarted',
  'not-started',
  'no-selection',
] as const satisfies readonly SessionStatus[];
const everyStatusListed: Exclude<SessionStatus, (typeof sessionStatuses)[number]> extends never
  ? true
  : false = true;

describe('sessions text', () => {
  it('has a distinct label and an icon for every status of the contract', () => {
    expect(everyStatusListed).toBe(true);
    const labels = new Set(sessionStatuses.map((s) => statusViews[s].label));
    expect(labels.size).toBe(sessionStatuses.length);
    for (const s of sessionStatuses) expect(statusViews[s].icon.length).toBeGreaterThan(0);
  });

  it('formats durations, rates and ETAs for humans', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(4320)).toBe('1 h 12 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatRate(12_500_000)).toBe('12.5 MB/s');
    expect(formatRate(0)).toBe('—');
    expect(formatEta(30)).toBe('Less than a minute');
    expect(formatEta(190)).toBe('About 3 minutes');
    expect(formatEta(3900)).toBe('About 1 h 5 min');
  });

  it('keeps both ends of a long path', () => {
    const long = `/var/lib/${'x'.repeat(100)}/file.conf`;
    const short = truncateMiddle(long, 40);
    expect(short.length).toBe(40);
    expect(short.startsWith('/var/lib/')).toBe(true);
    expect(short.endsWith('file.conf')).toBe(true);
    expect(truncateMiddle('/etc/hosts')).toBe('/etc/hosts');
  });

  it('ticks the done phases and skips snapshot and collect for Files', () => {
    expect(stepStates('system-state', 'collect').map((s) => s.state)).toEqual([
      'done',
      'done',
      'current',
      'pending',
      'pending',
      'pending',
    ]);
    expect(stepStates('files', 'verify').map((s) => s.phase)).toEqual([
      'preflight',
      'backup',
      'verify',
      'cleanup',
    ]);
    expect(stepStates('files', 'done').every((s) => s.state === 'done')).toBe(true);
  });

  it('tells an Interrupted → Restarted chain as one story, with the timeline per attempt', () => {
    const restarted = detail({
      status: 'completed',
      attempt: 2,
      interruptions: 1,
      errors: 1,
      attempts: [
        {
          attempt: 1,
          startedAt: '2025-01-01T10:00:01Z',
          endedAt: '2025-01-01T10:00:05Z',
          outcome: 'interrupted',
          failure: null,
        },
        {
          attempt: 2,
          startedAt: '2025-01-01T10:00:09Z',
          endedAt: '2025-01-01T10:00:20Z',
          outcome: 'completed',
          failure: null,
        },
      ],
      transitions: [
        {
          seq: 1,
          at: '2025-01-01T10:00:00Z',
          attempt: 0,
          phase: 'queued',
          status: 'in-process',
          detail: null,
        },
        {
          seq: 2,
          at: '2025-01-01T10:00:01Z',
          attempt: 1,
          phase: 'backup',
          status: 'in-process',
          detail: null,
        },
        {
          seq: 3,
          at: '2025-01-01T10:00:05Z',
          attempt: 1,
          phase: 'backup',
          status: 'interrupted',
          detail: 'helper stopped',
        },
        {
          seq: 4,
          at: '2025-01-01T10:00:09Z',
          attempt: 2,
          phase: 'preflight',
          status: 'restarted',
          detail: null,
        },
        { seq: 5, at: '2025-01-01T10:00:20Z', attempt: 2, phase: 'done', status: 'completed', detail: null },
      ],
    });
    expect(attemptChain(restarted)).toBe('Interrupted → Restarted → Completed');
    expect(attemptChain(detail())).toBeNull();
    const groups = timelineGroups(restarted);
    expect(groups.map((g) => g.title)).toEqual(['Before the first attempt', 'Attempt 1', 'Attempt 2']);
    expect(groups[1]?.outcome?.label).toBe('Interrupted');
    expect(groups[2]?.entries.map((e) => e.status.label)).toEqual(['Restarted', 'Completed']);
  });

  it('links into the troubleshooting check the way that screen reads it', () => {
    expect(troubleshootingHref('free-space')).toBe('#/troubleshooting?check=free-space');
  });

  it('blocks the start only for a check the helper marks as blocking', () => {
    expect(
      startVerdict([
        { status: 'fail', blocksBackup: false },
        { status: 'pass', blocksBackup: false },
      ]),
    ).toBe('warn');
    expect(startVerdict([{ status: 'fail', blocksBackup: true }])).toBe('fail');
    expect(startVerdict([{ status: 'pass', blocksBackup: false }])).toBe('pass');
  });

  it('tells the chain from the summary alone: every attempt but the last was interrupted', () => {
    const chain = (attempt: number, interruptions: number, status: SessionStatus) =>
      attemptChain({ attempt, interruptions, status });
    expect(chain(1, 0, 'completed')).toBeNull();
    expect(chain(1, 0, 'failed')).toBeNull();
    // Running again after an interruption: the running attempt has no outcome yet.
    expect(chain(2, 1, 'restarted')).toBe('Interrupted → Restarted');
    expect(chain(3, 2, 'failed')).toBe('Interrupted → Restarted → Interrupted → Restarted → Failed');
    // Waiting for attempt 3.
    expect(chain(2, 2, 'interrupted')).toBe('Interrupted → Restarted → Interrupted');
    // Cancelled while waiting: the last attempt ended Interrupted, the session Aborted.
    expect(chain(1, 1, 'aborted')).toBe('Interrupted → Aborted');
    expect(chain(2, 2, 'aborted')).toBe('Interrupted → Restarted → Interrupted → Aborted');
    // Cancelled while queued: no attempt.
    expect(chain(0, 0, 'aborted')).toBeNull();
  });

  it('counts problems in words: errors from the summary, warnings from the backup phase', () => {
    const stats = (warnings: number) => ({
      filesNew: 0,
      filesChanged: 0,
      filesUnmodified: 0,
      bytesProcessed: 0,
      bytesAdded: 0,
      warnings,
    });
    expect(problemsSummary({ status: 'completed', errors: 0, stats: stats(0) })).toBe('None');
    expect(problemsSummary({ status: 'failed', errors: 1, stats: stats(2) })).toBe('1 error, 2 warnings');
    expect(problemsSummary({ status: 'completed', errors: 2, stats: stats(1) })).toBe('2 errors, 1 warning');
    // Ended before any backup phase: nothing was counted, so nothing went wrong but the failure.
    expect(problemsSummary({ status: 'aborted', errors: 0, stats: null })).toBe('None');
    expect(problemsSummary({ status: 'failed', errors: 1, stats: null })).toBe('1 error');
    // Still running and nothing yet.
    expect(problemsSummary({ status: 'in-process', errors: 0, stats: null })).toBe('—');
    expect(problemsSummary({ status: 'restarted', errors: 1, stats: null })).toBe('1 error');
  });

  it('counts new and changed files, or a dash before the backup phase ended', () => {
    expect(
      filesSummary({
        stats: {
          filesNew: 1234,
          filesChanged: 5,
          filesUnmodified: 99,
          bytesProcessed: 0,
          bytesAdded: 0,
          warnings: 0,
        },
      }),
    ).toBe('1,234 new, 5 changed');
    expect(filesSummary({ stats: null })).toBe('—');
  });
});
