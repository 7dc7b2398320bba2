/**
 * `backup-manager schedule get|set`: when the helper runs sessions on its own, per data source. Times are the
 * machine's local time, as the helper's scheduler reads them.
 */
import path from 'node:path';
import type { z } from 'zod';
import {
  ScheduleGetRequest,
  ScheduleSetRequest,
  type scheduleSetParamsSchema,
} from '../../helper-protocol/protocol';
import {
  type ScheduleSpec,
  type ScheduleState,
  type SessionSource,
  sessionSources,
} from '../../helper-protocol/session-model';
import { optionValue, type ParsedArgs, UsageError } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { helperOptions, helperOptionsUsage, withHelper } from './helper-access';
import { localTime, sourceLabels, table } from './session-format';

/** As Date.getDay: index 0 is Sunday. */
const weekdayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const weekdayFullNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export type ScheduleSetParams = z.infer<typeof scheduleSetParamsSchema>;

/** `2:30` or `02:30` → `02:30`. */
export function parseTime(text: string, option: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (match === null || hours > 23 || minutes > 59) {
    throw new UsageError(
      `--${option} needs a time of day as HH:MM (00:00 to 23:59), not ${JSON.stringify(text)}`,
    );
  }
  return `${String(hours).padStart(2, '0')}:${match[2]}`;
}

/** `mon,thu` (or full names, any case) → [1, 4], sorted, each once. */
export function parseWeekdays(text: string): number[] {
  const days = new Set<number>();
  for (const word of text.split(',').map((w) => w.trim().toLowerCase())) {
    const short = weekdayNames.indexOf(word as (typeof weekdayNames)[number]);
    const day = short >= 0 ? short : weekdayFullNames.indexOf(word);
    if (day < 0) {
      throw new UsageError(
        `--weekly takes days like mon,thu (${weekdayNames.join(', ')}), not ${JSON.stringify(word)}`,
      );
    }
    days.add(day);
  }
  return [...days].sort((a, b) => a - b);
}

/** Exactly one of --daily HH:MM, --weekly DAYS --at HH:MM, --off. */
export function parseScheduleSpec(args: ParsedArgs): ScheduleSpec {
  const daily = optionValue(args, 'daily');
  const weekly = optionValue(args, 'weekly');
  const at = optionValue(args, 'at');
  const off = args.flags.has('off');
  const given = [daily !== undefined, weekly !== undefined, off].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one of --daily HH:MM, --weekly DAYS --at HH:MM, --off');
  if (at !== undefined && weekly === undefined) {
    throw new UsageError('--at goes with --weekly (for a daily schedule the time follows --daily)');
  }
  if (daily !== undefined) return { kind: 'daily', time: parseTime(daily, 'daily') };
  if (weekly !== undefined) {
    if (at === undefined) throw new UsageError('--weekly needs the time too: --at HH:MM');
    return { kind: 'weekly', weekdays: parseWeekdays(weekly), time: parseTime(at, 'at') };
  }
  return { kind: 'off' };
}

export function parseScheduleSet(args: ParsedArgs): ScheduleSetParams {
  if (args.positionals.length > 0) throw new UsageError('schedule set takes no arguments, only options');
  const source = optionValue(args, 'source');
  if (source === undefined || !(sessionSources as readonly string[]).includes(source)) {
    throw new UsageError(`which data source? --source ${sessionSources.join('|')}`);
  }
  const spec = parseScheduleSpec(args);
  const paths = (args.options.get('path') ?? []).map((p) => path.resolve(p));
  if (source === 'system-state' && paths.length > 0) {
    throw new UsageError('System state backs up its own components; --path is for --source files');
  }
  if (source === 'files' && spec.kind !== 'off' && paths.length === 0) {
    throw new UsageError('a files schedule needs --path P (one or more): what the scheduled runs back up');
  }
  const excludes = args.options.get('exclude') ?? [];
  if (source === 'system-state' && excludes.length > 0)
    throw new UsageError('--exclude is for --source files (System state backs up its components whole)');
  return {
    source: source as SessionSource,
    spec,
    ...(paths.length > 0 ? { paths } : {}),
    ...(excludes.length > 0 ? { excludes: [...excludes] } : {}),
  };
}

export function specText(spec: ScheduleSpec): string {
  switch (spec.kind) {
    case 'off':
      return 'off';
    case 'daily':
      return `daily at ${spec.time}`;
    case 'weekly': {
      const days = spec.weekdays.map((d) => weekdayNames[d] ?? String(d)).join(',');
      return `weekly on ${days} at ${spec.time}`;
    }
  }
}

export function scheduleTable(schedules: readonly ScheduleState[]): string {
  if (schedules.length === 0) return 'no schedules';
  return table(
    ['SOURCE', 'SCHEDULE', 'NEXT RUN', 'LAST RUN', 'LAST SESSION', 'PATHS', 'EXCLUDES'],
    schedules.map((s) => [
      sourceLabels[s.source],
      specText(s.spec),
      localTime(s.nextRunAt, false),
      localTime(s.lastRunAt, false),
      s.lastSessionId ?? '-',
      s.paths.join(', '),
      s.excludes.join(', '),
    ]),
  );
}

const scheduleGet: CliCommand = {
  path: ['schedule', 'get'],
  summary: 'Show when the helper backs up each data source, and the next run',
  usage: `Usage: backup-manager schedule get [--json]\n\n${helperOptionsUsage}`,
  options: { ...helperOptions },
  async run(args, { out, env }) {
    if (args.positionals.length > 0) throw new UsageError('schedule get takes no arguments, only options');
    const { schedules } = await withHelper(args, env, (client) =>
      client.request(ScheduleGetRequest.type, {}),
    );
    out.result({ schedules }, () => scheduleTable(schedules));
    return 0;
  },
};

const scheduleSet: CliCommand = {
  path: ['schedule', 'set'],
  summary: "Set a data source's schedule: daily, weekly or off",
  usage: `Usage: backup-manager schedule set --source system-state|files (--daily HH:MM | --weekly DAYS --at HH:MM | --off) [--path P…]

  --source SOURCE            system-state or files
  --daily HH:MM              every day at this local time
  --weekly DAYS --at HH:MM   on these days (mon,tue,wed,thu,fri,sat,sun) at this local time
  --off                      no scheduled runs
  --path P                   files source: what the scheduled runs back up (repeatable)
  --exclude PATTERN          files source: leave out matching entries (repeatable; saved with the schedule,
                             and replaced by what this command gives: repeat them when you change the schedule)
${helperOptionsUsage}
Examples:
  backup-manager schedule set --source system-state --daily 02:30
  backup-manager schedule set --source files --weekly mon,thu --at 02:30 --path /home`,
  options: {
    source: { value: true },
    daily: { value: true },
    weekly: { value: true },
    at: { value: true },
    off: {},
    path: { value: true, repeat: true },
    exclude: { value: true, repeat: true },
    ...helperOptions,
  },
  async run(args, { out, env }) {
    // Parsed before connecting: a mistyped schedule is a usage error whether or not the helper runs.
    const params = parseScheduleSet(args);
    const { schedules } = await withHelper(args, env, (client) =>
      client.request(ScheduleSetRequest.type, params),
    );
    const changed = schedules.filter((s) => s.source === params.source);
    out.result({ schedules }, () => scheduleTable(changed));
    return 0;
  },
};

export const scheduleCommands: readonly CliCommand[] = [scheduleGet, scheduleSet];
