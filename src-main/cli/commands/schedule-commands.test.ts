/**
 * The schedule commands run in-process against a fake helper on a real Unix socket: the protocol spec each
 * option combination becomes, the table they print, and malformed schedules refused as USAGE before connecting.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSessionHelper, startFakeSessionHelper } from './fake-session-helper';
import { runCliAgainstHelper } from './helper-cli-test-support';

let dir: string;
let socketPath: string;
let helper: FakeSessionHelper;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bm-cli-schedule-'));
  socketPath = path.join(dir, 'helper.sock');
  helper = await startFakeSessionHelper(socketPath);
});
afterEach(async () => {
  await helper.stop();
  await rm(dir, { recursive: true, force: true });
});

const run = (argv: string[]) => runCliAgainstHelper(socketPath, argv);

describe('schedule', () => {
  it('get: each data source with its schedule and next run', async () => {
    const result = await run(['schedule', 'get']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/System state\s+daily at 02:30\s+2026-11-2\d \d\d:\d\d/);
    expect(result.stdout).toMatch(/Files\s+off\s+-/);
  });

  it('set: --daily, --weekly DAYS --at, --off become the protocol spec', async () => {
    expect((await run(['schedule', 'set', '--source', 'system-state', '--daily', '2:30'])).code).toBe(0);
    const weekly = await run([
      'schedule',
      'set',
      '--source',
      'files',
      '--weekly',
      'thu,Mon',
      '--at',
      '23:05',
      '--path',
      '/home',
      '--exclude',
      '*.tmp',
      '--exclude',
      '/home/*/.cache',
    ]);
    expect(weekly.code).toBe(0);
    expect(weekly.stdout).toContain('weekly on mon,thu at 23:05');
    expect((await run(['schedule', 'set', '--source', 'files', '--off'])).code).toBe(0);
    expect(helper.requests.map((r) => r.params)).toEqual([
      { source: 'system-state', spec: { kind: 'daily', time: '02:30' } },
      {
        source: 'files',
        spec: { kind: 'weekly', weekdays: [1, 4], time: '23:05' },
        paths: ['/home'],
        excludes: ['*.tmp', '/home/*/.cache'],
      },
      { source: 'files', spec: { kind: 'off' } },
    ]);
  });

  it('set: malformed schedules are USAGE errors, refused before the helper is asked', async () => {
    for (const argv of [
      ['--source', 'system-state'],
      ['--source', 'system-state', '--daily', '24:00'],
      ['--source', 'system-state', '--daily', '02:30', '--off'],
      ['--source', 'system-state', '--weekly', 'mon'],
      ['--source', 'system-state', '--weekly', 'mon,funday', '--at', '02:30'],
      ['--source', 'system-state', '--daily', '02:30', '--at', '03:00'],
      ['--source', 'files', '--daily', '02:30'],
      ['--source', 'nope', '--off'],
      ['--source', 'system-state', '--daily', '02:30', '--exclude', '*.tmp'],
    ]) {
      const result = await run(['schedule', 'set', ...argv]);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toContain('backup-manager: USAGE: ');
    }
    expect(helper.requests).toEqual([]);
  });
});
