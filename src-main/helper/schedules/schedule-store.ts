/**
 * The schedule of each data source, in `<stateDir>/schedules.json` (atomic, mode 0600). `setAt` is kept with each
 * schedule so that setting one never starts a run at once for a due time that passed before it was set (a daily
 * 09:00 set at 10:00 first runs tomorrow).
 */
import path from 'node:path';
import { z } from 'zod';
import {
  type ScheduleSpec,
  type SessionSource,
  scheduleSpecSchema,
  sessionSourceSchema,
} from '../../helper-protocol/session-model';
import { checkedExcludes } from '../sessions/exclude-check';
import { SerialQueue } from '../settings/serial-queue';
import { firstIssue, readJsonState, StateFileError, writeJsonStateAtomic } from '../settings/state-file';

export interface StoredSchedule {
  source: SessionSource;
  spec: ScheduleSpec;
  /** Files source: what a scheduled run backs up. System state: always empty. */
  paths: string[];
  /** Files source: exclude patterns; absent (files written before excludes existed, or none) means none. */
  excludes?: string[];
  setAt: Date;
}

const storedScheduleSchema = z
  .object({
    source: sessionSourceSchema,
    spec: scheduleSpecSchema,
    paths: z.array(z.string().min(1)),
    excludes: z.array(z.string().min(1)).optional(),
    setAt: z.iso.datetime(),
  })
  .strict();

const scheduleFileSchema = z
  .object({ schedules: z.array(storedScheduleSchema) })
  .strict()
  .refine(
    (file) => new Set(file.schedules.map((schedule) => schedule.source)).size === file.schedules.length,
    {
      message: 'a data source has more than one schedule',
    },
  );

type ScheduleFile = z.infer<typeof scheduleFileSchema>;

export class ScheduleStore {
  private readonly writes = new SerialQueue();

  constructor(readonly file: string) {}

  static inStateDir(stateDir: string): ScheduleStore {
    return new ScheduleStore(path.join(stateDir, 'schedules.json'));
  }

  /** The stored schedules (sources never scheduled are absent). */
  async read(): Promise<StoredSchedule[]> {
    const stored = await this.readFile();
    return stored.schedules.map((schedule) => ({ ...schedule, setAt: new Date(schedule.setAt) }));
  }

  /** Replaces the schedule of `source`; the other sources keep theirs. */
  set(
    source: SessionSource,
    spec: ScheduleSpec,
    paths: string[],
    setAt: Date = new Date(),
    excludes: string[] = [],
  ): Promise<StoredSchedule> {
    return this.writes.run(async () => {
      const schedule = validSchedule(source, spec, paths, setAt, excludes);
      const stored = await this.readFile();
      const others = stored.schedules.filter((entry) => entry.source !== source);
      const next: ScheduleFile = {
        schedules: [...others, { ...schedule, setAt: setAt.toISOString() }],
      };
      await writeJsonStateAtomic(this.file, next);
      return schedule;
    });
  }

  private async readFile(): Promise<ScheduleFile> {
    return (await readJsonState(this.file, scheduleFileSchema, 'SCHEDULE_INVALID')) ?? { schedules: [] };
  }
}

function validSchedule(
  source: SessionSource,
  spec: ScheduleSpec,
  paths: string[],
  setAt: Date,
  excludes: string[],
): StoredSchedule {
  const parsedSource = sessionSourceSchema.safeParse(source);
  if (!parsedSource.success) throw invalid(firstIssue(parsedSource.error, 'source'));
  const parsedSpec = scheduleSpecSchema.safeParse(spec);
  if (!parsedSpec.success) throw invalid(firstIssue(parsedSpec.error, 'spec'));
  if (Number.isNaN(setAt.getTime())) throw invalid('setAt: not a valid date');
  // System state finds its own paths (in preflight); a files run without paths would back up nothing at night.
  if (source === 'system-state' && paths.length > 0)
    throw invalid('paths: only the files data source takes paths');
  if (source === 'files' && parsedSpec.data.kind !== 'off' && paths.length === 0)
    throw invalid('paths: a files schedule needs at least one path to back up');
  paths.forEach((entry, index) => {
    if (!path.isAbsolute(entry))
      throw invalid(`paths.${index}: must be an absolute path, not ${JSON.stringify(entry)}`);
  });
  if (source === 'system-state' && excludes.length > 0)
    throw invalid('excludes: only the files data source takes exclude patterns');
  // Refused now (INVALID_EXCLUDE), not when the scheduled run starts.
  const checked = checkedExcludes(excludes);
  // Written only when there are some, so a schedule without excludes reads back as it did before they existed.
  return {
    source: parsedSource.data,
    spec: parsedSpec.data,
    paths: [...paths],
    ...(checked.length > 0 ? { excludes: checked } : {}),
    setAt,
  };
}

function invalid(message: string): StateFileError {
  return new StateFileError('SCHEDULE_INVALID', message);
}
