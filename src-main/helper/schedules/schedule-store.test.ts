import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScheduleSpec } from '../../helper-protocol/session-model';
import { StateFileError } from '../settings/state-file';
import { ScheduleStore } from './schedule-store';

let stateDir: string;
let store: ScheduleStore;

beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'schedule-store-'));
  store = ScheduleStore.inStateDir(stateDir);
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const schedulesFile = () => path.join(stateDir, 'schedules.json');
const daily: ScheduleSpec = { kind: 'daily', time: '21:00' };
const setAt = new Date('2024-01-10T08:00:00.000Z');

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error('resolved'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StateFileError);
  expect((error as StateFileError).code).toBe('SCHEDULE_INVALID');
  return (error as StateFileError).message;
}

describe('ScheduleStore', () => {
  it('reads no schedules before the first is set', async () => {
    expect(await store.read()).toEqual([]);
  });

  it('keeps one schedule per data source, replacing it when set again', async () => {
    await store.set('system-state', daily, [], setAt);
    await store.set('files', daily, ['/home/ada'], setAt);
    const later = new Date('2024-01-11T08:00:00.000Z');
    await store.set('system-state', { kind: 'off' }, [], later);

    const stored = await ScheduleStore.inStateDir(stateDir).read();
    expect(stored).toHaveLength(2);
    expect(stored.find((entry) => entry.source === 'system-state')).toEqual({
      source: 'system-state',
      spec: { kind: 'off' },
      paths: [],
      setAt: later,
    });
    expect(stored.find((entry) => entry.source === 'files')?.paths).toEqual(['/home/ada']);
    expect((await stat(schedulesFile())).mode & 0o777).toBe(0o600);
    expect(await readdir(stateDir)).toEqual(['schedules.json']);
  });

  it('keeps the excludes of the files schedule, and reads a file written before excludes as none', async () => {
    await store.set('files', daily, ['/home/ada'], setAt, ['*.tmp', '**/node_modules']);
    const [files] = await ScheduleStore.inStateDir(stateDir).read();
    expect(files?.excludes).toEqual(['*.tmp', '**/node_modules']);

    // As the helper before excludes wrote it: no `excludes` field at all.
    await writeFile(
      schedulesFile(),
      JSON.stringify({
        schedules: [{ source: 'files', spec: daily, paths: ['/home/ada'], setAt: setAt.toISOString() }],
      }),
    );
    const [older] = await store.read();
    expect(older?.paths).toEqual(['/home/ada']);
    expect(older?.excludes ?? []).toEqual([]);
  });

  it('refuses a malformed exclude pattern (INVALID_EXCLUDE), and excludes on System state', async () => {
    await expect(store.set('files', daily, ['/home/ada'], setAt, ['[abc'])).rejects.toMatchObject({
      code: 'INVALID_EXCLUDE',
      message: expect.stringContaining('excludes.0'),
    });
    expect(await refusal(store.set('system-state', daily, [], setAt, ['*.tmp']))).toMatch(/^excludes:/);
    expect(await store.read()).toEqual([]);
  });

  it('keeps both of two concurrent sets', async () => {
    await Promise.all([
      store.set('system-state', daily, [], setAt),
      store.set('files', daily, ['/srv'], setAt),
    ]);
    expect((await store.read()).map((entry) => entry.source).sort()).toEqual(['files', 'system-state']);
  });

  it('refuses schedules that cannot run, naming the field', async () => {
    expect(await refusal(store.set('files', daily, [], setAt))).toBe(
      'paths: a files schedule needs at least one path to back up',
    );
    expect(await refusal(store.set('files', daily, ['home/ada'], setAt))).toBe(
      'paths.0: must be an absolute path, not "home/ada"',
    );
    expect(await refusal(store.set('system-state', daily, ['/etc'], setAt))).toBe(
      'paths: only the files data source takes paths',
    );
    expect(await refusal(store.set('system-state', { kind: 'daily', time: '24:00' }, [], setAt))).toMatch(
      /^spec\.time: /,
    );
    await expect(stat(schedulesFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a corrupt schedules file, naming it, and leaves it as it is', async () => {
    await writeFile(schedulesFile(), '{"schedules": [');
    expect(await refusal(store.read())).toContain(schedulesFile());
    await refusal(store.set('system-state', daily, [], setAt));
    expect(await readFile(schedulesFile(), 'utf8')).toBe('{"schedules": [');
  });

  it('refuses a schedules file with two schedules of one data source', async () => {
    const entry = { source: 'files', spec: daily, paths: ['/srv'], setAt: setAt.toISOString() };
    await writeFile(schedulesFile(), JSON.stringify({ schedules: [entry, entry] }));
    expect(await refusal(store.read())).toContain('a data source has more than one schedule');
  });
});
