/**
 * Data sources: the words and checks the screen shows, kept out of the components so they stay presentational.
 */
import type { ScheduleSpec, ScheduleState, SessionSource } from '@contract';
import { weekdayNames } from '../../components/format';

export const sourceTitles: Record<SessionSource, string> = {
  'system-state': 'System state',
  files: 'Files and folders',
};

/** "Daily at 02:30", "Weekly on Mon, Thu at 21:00", "Off". */
export function describeSpec(spec: ScheduleSpec): string {
  switch (spec.kind) {
    case 'off':
      return 'Off';
    case 'daily':
      return `Daily at ${spec.time}`;
    case 'weekly': {
      const days = [...spec.weekdays].sort((a, b) => a - b).map((day) => weekdayNames[day] ?? String(day));
      return `Weekly on ${days.join(', ')} at ${spec.time}`;
    }
  }
}

/** A data source is enabled when its schedule is not off. */
export function isEnabled(schedule: ScheduleState): boolean {
  return schedule.spec.kind !== 'off';
}

/** "in 4 hours", "in 25 minutes", "in 3 days": how far away a time is, for humans. */
export function describeIn(at: Date, now: Date): string {
  const minutes = Math.round((at.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return 'now';
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  return `in ${days} days`;
}

/** "Tue, 12 Mar 2025, 02:30 (in 4 hours)" in the viewer's locale and time zone. */
export function describeNextRun(nextRunAt: string | null, now: Date = new Date()): string {
  if (nextRunAt === null) return 'Not scheduled';
  const at = new Date(nextRunAt);
  if (Number.isNaN(at.getTime())) return nextRunAt;
  const when = at.toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return `${when} (${describeIn(at, now)})`;
}

/** "1 file", "12,345 files". */
export function formatFileCount(files: number): string {
  return `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'}`;
}

/** Whether a path typed by the user can be added to the Files selection; the reason when not. */
export function checkNewPath(
  input: string,
  selected: readonly string[],
):
  | { ok: true; path: string }
  | {
      ok: false;
      reason: string;
    } {
  const path = input.trim();
  if (path === '') return { ok: false, reason: 'Type the full path of a folder or file.' };
  if (path.length > 4096) return { ok: false, reason: 'The path is longer than 4096 characters.' };
  if (!(path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)))
    return { ok: false, reason: 'Use an absolute path, such as /home/alex/Documents or C:\\Users\\Alex.' };
  if (selected.includes(path)) return { ok: false, reason: `${path} is already selected.` };
  return { ok: true, path };
}

/**
 * Whether a typed exclude pattern can be added; the reason when not. Only what the form can see is checked here:
 * the helper compiles the pattern and refuses a malformed one (INVALID_EXCLUDE).
 */
export function checkNewExclude(
  input: string,
  excludes: readonly string[],
): { ok: true; pattern: string } | { ok: false; reason: string } {
  const pattern = input.trim();
  if (pattern === '') return { ok: false, reason: 'Type a pattern, such as *.tmp or /home/*/.cache.' };
  if (pattern.length > 4096) return { ok: false, reason: 'The pattern is longer than 4096 characters.' };
  if (excludes.includes(pattern)) return { ok: false, reason: `${pattern} is already excluded.` };
  if (excludes.length >= 1000) return { ok: false, reason: 'At most 1000 exclude patterns can be set.' };
  return { ok: true, pattern };
}

/** "HH:MM" as the helper accepts it (00:00–23:59). */
export function isValidTime(time: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(time);
}
