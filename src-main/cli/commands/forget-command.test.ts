/**
 * `backup-manager forget` against `restic forget`, flag for flag, on one repository of a few hundred snapshots
 * (several hosts, tags, UTC offsets, ISO-week and year boundaries, a future snapshot): the whole `--json` output
 * must be restic's. Then a real forget: the removed snapshots are gone for restic too, and the repository checks.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForgetGroupJson } from '../../engine/forget/forget-json';
import {
  createForgetTestRepository,
  type ForgetTestRepository,
} from '../../engine/forget/forget-test-repository';
import { makeTempDir, removeTempDir, restic, resticOk, testPassword } from '../../engine/testing/restic-cli';
import { runCli } from '../cli-runner';
import { forgetCommand } from './forget-command';

let dir: string;
let fixture: ForgetTestRepository;
/** restic must see the local zone this process uses (Go's time.Local): the same TZ, or /etc/localtime. */
const tz = process.env.TZ ?? ':/etc/localtime';

beforeAll(async () => {
  dir = await makeTempDir('forget-cli');
  fixture = await createForgetTestRepository(dir);
});
afterAll(async () => {
  await fixture?.repository.backend.close();
  await removeTempDir(dir);
});

async function ours(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.stdout.push(c));
  stderr.on('data', (c: Buffer) => chunks.stderr.push(c));
  const code = await runCli([forgetCommand], {
    argv: ['forget', '--repo', fixture.repo, ...args],
    env: { BACKUP_MANAGER_PASSWORD: testPassword },
    stdout,
    stderr,
    signal: new AbortController().signal,
  });
  return {
    code,
    stdout: Buffer.concat(chunks.stdout).toString(),
    stderr: Buffer.concat(chunks.stderr).toString(),
  };
}

/** Groups in a fixed order: restic prints them in Go map order. */
function byGroup(text: string): ForgetGroupJson[] {
  // restic prints nothing in JSON mode when no group was judged; we print [].
  const groups = JSON.parse(text.trim() === '' ? '[]' : text) as ForgetGroupJson[];
  const key = (g: ForgetGroupJson) => JSON.stringify([g.host, g.paths, g.tags]);
  return groups.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const policies: string[][] = [
  [
    '--keep-last',
    '3',
    '--keep-daily',
    '7',
    '--keep-weekly',
    '5',
    '--keep-monthly',
    '6',
    '--keep-yearly',
    '3',
  ],
  ['-H', '30', '-w', '60'],
  ['--keep-within', '1y2m3d4h'],
  ['--keep-within', '45d', '--keep-monthly', '3'],
  ['--keep-daily', '30', '--keep-weekly', '12', '--keep-monthly', '12', '--group-by', 'tags'],
  ['--keep-weekly', '8', '--group-by', 'host,tags'],
  ['--keep-monthly', '4', '--group-by', ''],
  ['--keep-tag', 'daily', '--keep-tag', 'system-state,manual', '--keep-last', '1', '--group-by', 'host'],
  ['--keep-tag', '', '--keep-yearly', '1', '--group-by', 'paths'],
  ['--host', 'alpha', '--tag', 'daily', '--tag', 'manual', '--keep-weekly', '4'],
  ['--path', '/etc', '--keep-monthly', '2', '--keep-within-daily', '10d'],
  [
    '--keep-within-hourly',
    '2d',
    '--keep-within-weekly',
    '2m',
    '--keep-within-monthly',
    '1y',
    '--keep-within-yearly',
    '5y',
  ],
  ['--host', 'nobody', '--keep-last', '1'],
];

describe('backup-manager forget', () => {
  it.each(policies.map((flags) => [flags.join(' '), flags]))(
    'decides as restic forget %s',
    async (_, flags) => {
      const theirs = await resticOk(['forget', '--no-lock', '--dry-run', '--json', ...(flags as string[])], {
        repo: fixture.repo,
        env: { TZ: tz },
      });
      const result = await ours(['--no-lock', '--dry-run', '--json', ...(flags as string[])]);
      expect(result.code, result.stderr).toBe(0);
      expect(byGroup(result.stdout)).toEqual(byGroup(theirs.stdout));
    },
  );

  it('shows the decision per group with reasons, and removes nothing in a dry run', async () => {
    const result = await ours(['--dry-run', '--keep-last', '1', '--host', 'dst']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Applying Policy: keep 1 latest snapshots');
    expect(lines).toContain('snapshots for (host [dst], paths [/etc]):');
    expect(lines).toContain('keep 1 snapshots:');
    expect(lines).toContain('remove 3 snapshots:');
    expect(lines.find((l) => l.includes('last snapshot'))).toMatch(
      /^[0-9a-f]{8} {2}2022-07-0[12] \d\d:00:00 {2}dst/,
    );
    expect(result.stdout).toMatch(/Would have removed 3 snapshots: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}\n$/);
    expect(
      JSON.parse((await resticOk(['snapshots', '--json', '--no-lock'], { repo: fixture.repo })).stdout),
    ).toHaveLength(fixture.count);
  });

  it('removes nothing without a policy, and refuses what restic 0.14 would misread', async () => {
    const empty = await ours(['--json']);
    expect([empty.code, empty.stdout]).toEqual([0, '[]\n']);
    expect((await ours(['--keep-last', '-1'])).code).toBe(2);
    expect((await ours(['--keep-within', '-1d'])).code).toBe(2);
    expect((await ours(['--keep-within', '3w'])).stderr).toContain("invalid unit 'w' found after number 3");
    expect((await ours(['--keep-last', '1', '--no-lock'])).code).toBe(2);
    expect((await ours(['--keep-last', '1', '--group-by', 'size'])).stderr).toContain(
      'unknown grouping option',
    );
    // --prune exists now (prune-command.test.ts covers it); its option without it is refused.
    expect((await ours(['--keep-last', '1', '--max-unused', '5%'])).code).toBe(2);
  });

  it('removes the snapshots restic would remove, under a lock it releases; restic then checks the repository', async () => {
    const flags = ['--keep-last', '2', '--keep-monthly', '3', '--group-by', 'host'];
    const expected = byGroup(
      (
        await resticOk(['forget', '--no-lock', '--dry-run', '--json', ...flags], {
          repo: fixture.repo,
          env: { TZ: tz },
        })
      ).stdout,
    );
    const removedIds = expected.flatMap((g) => (g.remove ?? []).map((s) => s.id));
    expect(removedIds.length).toBeGreaterThan(100);

    const result = await ours(['--json', ...flags]);
    expect(result.code, result.stderr).toBe(0);
    expect(byGroup(result.stdout)).toEqual(expected);

    const left = JSON.parse(
      (await resticOk(['snapshots', '--json', '--no-lock'], { repo: fixture.repo })).stdout,
    ) as {
      id: string;
    }[];
    expect(left).toHaveLength(fixture.count - removedIds.length);
    expect(left.map((s) => s.id).filter((id) => removedIds.includes(id))).toEqual([]);
    const check = await restic(['check'], { repo: fixture.repo });
    expect(check.code, check.stderr + check.stdout).toBe(0);
    // Nothing left to remove by the same policy.
    const again = await ours(['--dry-run', '--json', ...flags]);
    expect(byGroup(again.stdout).every((g) => g.remove === null)).toBe(true);
  });
});
