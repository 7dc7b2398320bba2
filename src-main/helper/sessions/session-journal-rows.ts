/**
 * Rows of the journal's tables and their mapping to the protocol's model. Every value read back is validated
 * (enums, JSON columns): a row this code cannot understand is reported as JOURNAL_CORRUPT naming the file and the
 * row, never passed on as a wrongly typed object.
 */
import { z } from 'zod';
import {
  isTerminalStatus,
  type LogLevel,
  logLevelSchema,
  type SessionAttempt,
  type SessionFailure,
  type SessionLogEntry,
  type SessionStats,
  type SessionStatus,
  type SessionSummary,
  type SessionTransition,
  sessionErrorCodeSchema,
  sessionIdSchema,
  sessionPhaseSchema,
  sessionSourceSchema,
  sessionStatusSchema,
  sessionTriggerSchema,
} from '../../helper-protocol/session-model';
import { corruptJournalMessage, JournalError } from './session-journal-error';
import type { NewSession } from './session-journal-types';

export interface SessionRow {
  id: string;
  source: string;
  paths: string;
  excludes: string;
  repository: string;
  trigger: string;
  status: string;
  phase: string;
  attempt: number;
  max_attempts: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  next_attempt_at: string | null;
  failure: string | null;
  snapshot_id: string | null;
  stats: string | null;
}

export interface AttemptRow {
  session_id: string;
  attempt: number;
  started_at: string;
  ended_at: string | null;
  outcome: string | null;
  failure: string | null;
  snapshot_ref: string | null;
  staging_dir: string | null;
}

export interface TransitionRow {
  seq: number;
  session_id: string;
  attempt: number;
  phase: string;
  status: string;
  at: string;
  detail: string | null;
}

export interface LogRow {
  seq: number;
  session_id: string;
  attempt: number;
  level: string;
  at: string;
  message: string;
}

const failureSchema = z.object({
  code: sessionErrorCodeSchema,
  message: z.string(),
  check: z.string().nullable(),
});

const statsSchema = z.object({
  filesNew: z.number(),
  filesChanged: z.number(),
  filesUnmodified: z.number(),
  bytesProcessed: z.number(),
  bytesAdded: z.number(),
  warnings: z.number(),
});

const pathsSchema = z.array(z.string());

/** Reads one column with a schema; `where` names the row in the error. */
function column<T>(schema: z.ZodType<T>, value: unknown, file: string, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new JournalError(
    'JOURNAL_CORRUPT',
    corruptJournalMessage(file, `${where} holds ${JSON.stringify(value)?.slice(0, 200)}`),
  );
}

function jsonColumn<T>(schema: z.ZodType<T>, text: string, file: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JournalError('JOURNAL_CORRUPT', corruptJournalMessage(file, `${where} is not JSON`), {
      cause: error,
    });
  }
  return column(schema, value, file, where);
}

function nullableJson<T>(schema: z.ZodType<T>, text: string | null, file: string, where: string): T | null {
  return text === null ? null : jsonColumn(schema, text, file, where);
}

/** The row of a new, queued session (status in-process, phase queued, no attempt yet). */
export function queuedSessionRow(session: NewSession): SessionRow {
  if (!sessionIdSchema.safeParse(session.id).success)
    throw new JournalError(
      'INVALID_ARGUMENT',
      `"${session.id}" is not a session id (YYYYMMDD-HHMMSS-xxxxxx)`,
    );
  if (!Number.isInteger(session.maxAttempts) || session.maxAttempts < 1)
    throw new JournalError(
      'INVALID_ARGUMENT',
      `maxAttempts must be a whole number ≥ 1, not ${session.maxAttempts}`,
    );
  return {
    id: session.id,
    source: session.source,
    paths: JSON.stringify(session.paths),
    excludes: JSON.stringify(session.excludes ?? []),
    repository: session.repository,
    trigger: session.trigger,
    status: 'in-process',
    phase: 'queued',
    attempt: 0,
    max_attempts: session.maxAttempts,
    created_at: isoOf(session.createdAt, 'createdAt'),
    started_at: null,
    ended_at: null,
    next_attempt_at: null,
    failure: null,
    snapshot_id: null,
    stats: null,
  };
}

/**
 * A session row as the protocol's summary. `interruptions` is counted from its attempts (each interrupted attempt
 * keeps that outcome), so journals written before the count existed report it too.
 */
export function toSummary(row: SessionRow, interruptions: number, file: string): SessionSummary {
  const where = (name: string) => `session ${row.id}: ${name}`;
  const status = column(sessionStatusSchema, row.status, file, where('status'));
  const failure = nullableJson(failureSchema, row.failure, file, where('failure'));
  return {
    id: row.id,
    source: column(sessionSourceSchema, row.source, file, where('source')),
    paths: jsonColumn(pathsSchema, row.paths, file, where('paths')),
    excludes: jsonColumn(pathsSchema, row.excludes, file, where('excludes')),
    repository: row.repository,
    trigger: column(sessionTriggerSchema, row.trigger, file, where('trigger')),
    status,
    phase: column(sessionPhaseSchema, row.phase, file, where('phase')),
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    nextAttemptAt: row.next_attempt_at,
    failure,
    snapshotId: row.snapshot_id,
    stats: nullableJson(statsSchema, row.stats, file, where('stats')),
    interruptions,
    errors: interruptions + (endedWithError(status, failure) ? 1 : 0),
  };
}

/** The failure a session ended with is an error unless it was a cancel; a waiting session's is an interruption. */
function endedWithError(status: SessionStatus, failure: SessionFailure | null): boolean {
  return isTerminalStatus(status) && failure !== null && failure.code !== 'CANCELLED';
}

export function toAttempt(row: AttemptRow, file: string): SessionAttempt {
  const where = (name: string) => `session ${row.session_id} attempt ${row.attempt}: ${name}`;
  return {
    attempt: row.attempt,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome === null ? null : column(sessionStatusSchema, row.outcome, file, where('outcome')),
    failure: nullableJson(failureSchema, row.failure, file, where('failure')),
    snapshotRef: row.snapshot_ref,
  };
}

export function toTransition(row: TransitionRow, file: string): SessionTransition {
  const where = (name: string) => `transition ${row.seq}: ${name}`;
  return {
    seq: row.seq,
    at: row.at,
    attempt: row.attempt,
    phase: column(sessionPhaseSchema, row.phase, file, where('phase')),
    status: column(sessionStatusSchema, row.status, file, where('status')),
    detail: row.detail,
  };
}

export function toLogEntry(row: LogRow, file: string): SessionLogEntry {
  return {
    seq: row.seq,
    at: row.at,
    attempt: row.attempt,
    level: column(logLevelSchema, row.level, file, `log entry ${row.seq}: level`),
    message: row.message,
  };
}

export function failureToJson(failure: SessionFailure | null): string | null {
  return failure === null ? null : JSON.stringify(failureSchema.parse(failure));
}

export function statsToJson(stats: SessionStats | null): string | null {
  return stats === null ? null : JSON.stringify(statsSchema.parse(stats));
}

/** UTC ISO 8601 (`2025-01-31T12:00:00.000Z`): sorts as text in time order. */
export function isoOf(date: Date, what: string): string {
  if (Number.isNaN(date.getTime())) throw new JournalError('INVALID_ARGUMENT', `${what} is not a valid date`);
  return date.toISOString();
}

/** The text of a failure in a transition's detail. */
export function failureDetail(failure: SessionFailure | null): string | null {
  return failure === null ? null : `${failure.code}: ${failure.message}`;
}

/** Log entries are kept to this many bytes (UTF-8) of message; a longer one is cut and says so. */
export const maxLogMessageBytes = 8 * 1024;

export function truncateLogMessage(message: string): string {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= maxLogMessageBytes) return message;
  // Cut before a UTF-8 continuation byte so no character is split.
  let end = maxLogMessageBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString('utf8')}… [truncated: ${bytes.length} bytes in all, ${end} kept]`;
}

/** The levels at or above `minLevel`, in the schema's order (debug < info < warning < error). */
export function levelsFrom(minLevel: LogLevel | undefined): LogLevel[] {
  const all = logLevelSchema.options;
  return minLevel === undefined ? [...all] : all.slice(all.indexOf(minLevel));
}
