/**
 * applyPolicy against the real restic 0.14: the same repository, `restic forget --dry-run --json` with flags
 * equivalent to the policy, and the whole JSON (groups, keep/remove order, reasons, counters, snapshots) equal.
 * The command line's flag-for-flag comparison is in cli/commands/forget-command.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, resticOk } from '../testing/restic-cli';
import { loadNamedZone } from '../tree/time/local-zone';
import type { TimeZone } from '../tree/time/zone';
import { type ForgetGroupJson, forgetGroupsJson } from './forget-json';
import { createForgetTestRepository, dstTimes, type ForgetTestRepository } from './forget-test-repository';
import { loadSnapshotsForForget } from './load-snapshots';
import { parseRetentionDuration } from './retention-duration';
import { applyPolicy, type RetentionPolicy, systemStateRetentionPolicy } from './retention-policy';
import { parseGrouping } from './snapshot-groups';

let dir: string;
let fixture: ForgetTestRepository;

beforeAll(async () => {
  dir = await makeTempDir('forget-restic');
  fixture = await createForgetTestRepository(dir);
});
afterAll(async () => {
  await fixture?.repository.backend.close();
  await removeTempDir(dir);
});

/** Groups in a fixed order: restic prints them in Go map order. */
function byGroup(groups: readonly ForgetGroupJson[]): ForgetGroupJson[] {
  const key = (g: ForgetGroupJson) => JSON.stringify([g.host, g.paths, g.tags]);
  return [...groups].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

async function resticDecision(flags: string[], tz: string): Promise<ForgetGroupJson[]> {
  const result = await resticOk(['forget', '--no-lock', '--dry-run', '--json', ...flags], {
    repo: fixture.repo,
    env: { TZ: tz },
  });
  return byGroup(JSON.parse(result.stdout) as ForgetGroupJson[]);
}

async function ourDecision(policy: RetentionPolicy, zone: TimeZone): Promise<ForgetGroupJson[]> {
  const snapshots = await loadSnapshotsForForget(fixture.repository, (id, message) => {
    throw new Error(`snapshot ${id} skipped: ${message}`);
  });
  expect(snapshots).toHaveLength(fixture.count);
  return byGroup(forgetGroupsJson(applyPolicy(snapshots, policy, new Date(), zone)));
}

function zone(name: string): TimeZone {
  const loaded = loadNamedZone(name);
  if (loaded === undefined) throw new Error(`zone ${name} missing from /usr/share/zoneinfo`);
  return loaded;
}

describe('applyPolicy decides as restic 0.14 forget', () => {
  it('the System state default is restic --keep-daily 30 --keep-weekly 12 --keep-monthly 12', async () => {
    const ours = await ourDecision(systemStateRetentionPolicy, zone('UTC'));
    const theirs = await resticDecision(
      ['--keep-daily', '30', '--keep-weekly', '12', '--keep-monthly', '12'],
      'UTC',
    );
    expect(ours).toEqual(theirs);
    // Not vacuous: several groups, each with snapshots kept and removed.
    expect(theirs.length).toBeGreaterThanOrEqual(4);
    expect(theirs.filter((g) => g.keep !== null && g.remove !== null).length).toBeGreaterThanOrEqual(3);
  });

  it('every rule at once, grouped by host and tags, with tag and path filters', async () => {
    const policy: RetentionPolicy = {
      keep: {
        last: 2,
        hourly: 5,
        daily: 4,
        weekly: 6,
        monthly: 5,
        yearly: 2,
        within: parseRetentionDuration('20d'),
        withinWeekly: parseRetentionDuration('3m'),
        tags: [['daily'], ['manual', 'system-state']],
      },
      groupBy: parseGrouping('host,tags'),
      filter: { hosts: ['alpha', 'beta'], paths: ['/etc'] },
    };
    const flags = [
      ...['--keep-last', '2', '--keep-hourly', '5', '--keep-daily', '4', '--keep-weekly', '6'],
      ...['--keep-monthly', '5', '--keep-yearly', '2', '--keep-within', '20d', '--keep-within-weekly', '3m'],
      ...['--keep-tag', 'daily', '--keep-tag', 'manual, system-state', '--group-by', 'host,tags'],
      ...['--host', 'alpha', '--host', 'beta', '--path', '/etc'],
    ];
    expect(await ourDecision(policy, zone('UTC'))).toEqual(await resticDecision(flags, 'UTC'));
  });

  it('--keep-within follows the local zone when the recorded offset is local time (daylight saving)', async () => {
    const policy: RetentionPolicy = {
      keep: { within: parseRetentionDuration('6m') },
      filter: { hosts: ['dst'] },
    };
    const flags = ['--keep-within', '6m', '--host', 'dst'];
    const resticBerlin = await resticDecision(flags, 'Europe/Berlin');
    const resticUtc = await resticDecision(flags, 'UTC');
    // The fixture is built so that the zone matters: 11:30+01:00 is within 6 months only in UTC.
    const removed = (groups: ForgetGroupJson[]) => groups.flatMap((g) => g.remove ?? []).map((s) => s.time);
    expect(removed(resticBerlin)).toEqual([dstTimes[2], dstTimes[3]]);
    expect(removed(resticUtc)).toEqual([dstTimes[3]]);
    expect(await ourDecision(policy, zone('Europe/Berlin'))).toEqual(resticBerlin);
    expect(await ourDecision(policy, zone('UTC'))).toEqual(resticUtc);
  });

  it('weekly and yearly buckets in another local zone are still those of the recorded offsets', async () => {
    const policy: RetentionPolicy = { keep: { weekly: 70, yearly: 5 }, groupBy: parseGrouping('') };
    const flags = ['--keep-weekly', '70', '--keep-yearly', '5', '--group-by', ''];
    expect(await ourDecision(policy, zone('Pacific/Auckland'))).toEqual(
      await resticDecision(flags, 'Pacific/Auckland'),
    );
  });
});
